// Verifiable Presentations with Digital Bazaar's libraries, offline.
//
//   node present.mjs sign --key KEYFILE --challenge C [--domain D] [--created RFC3339] [CREDENTIAL.json]...
//     vc.createPresentation (holder = the key's DID) + vc.signPresentation
//     (eddsa-rdfc-2022, authentication); KEYFILE is a microcred Ed25519 key
//     file. No credentials: a presentation without verifiableCredential.
//   node present.mjs verify --challenge C [--domain D] VP.json
//     vc.verify; prints {verified, presentation: {verified, errors},
//     credentials: [{verified, errors}]} and exits 0 if verified, 1 if not.
//   node present.mjs canon FILE
//     prints the N-Quads eddsa-rdfc-2022 signs for FILE: the cryptosuite's
//     own canonize (jsonld toRDF + rdf-canonize RDFC-1.0, safe mode) of the
//     document without its proof.
import {readFileSync} from 'node:fs';
import {parseArgs} from 'node:util';
import * as vc from '@digitalbazaar/vc';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {cryptosuite as eddsaRdfc} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {documentLoader} from './loader.mjs';
import {signSuite, verifySuites} from './suites.mjs';

const usage = 'usage: node present.mjs sign --key KEYFILE --challenge C [--domain D] [--created T] [CRED.json]... | ' +
  'verify --challenge C [--domain D] VP.json | canon FILE';
const [cmd, ...rest] = process.argv.slice(2);
const {values, positionals} = parseArgs({
  args: rest,
  options: {key: {type: 'string'}, challenge: {type: 'string'}, domain: {type: 'string'}, created: {type: 'string'}},
  allowPositionals: true
});
const ok = {
  sign: values.key && values.challenge,
  verify: values.challenge && positionals.length === 1,
  canon: positionals.length === 1
}[cmd];
if(!ok) {
  console.error(usage);
  process.exit(2);
}

// messages collects the distinct error messages of a jsonld-signatures
// result: the top-level error, the errors it aggregates, and each proof's.
function messages(result) {
  const out = new Set();
  if(!result || result.verified) {
    return [];
  }
  const add = e => out.add(e.message || String(e));
  if(result.error) {
    add(result.error);
    (result.error.errors || []).forEach(add);
  }
  for(const r of result.results || []) {
    if(!r.verified && r.error) {
      add(r.error);
    }
  }
  return [...out];
}

const readJSON = path => JSON.parse(readFileSync(path, 'utf8'));

try {
  if(cmd === 'sign') {
    const keyFile = readJSON(values.key);
    if(keyFile.type !== 'ed25519') {
      throw new Error(`unsupported holder key type ${keyFile.type}`);
    }
    const keyPair = await Ed25519Multikey.from({
      id: keyFile.verificationMethod, controller: keyFile.did,
      publicKeyMultibase: keyFile.publicKeyMultibase, secretKeyMultibase: keyFile.privateKeyMultibase
    });
    const credentials = positionals.map(readJSON);
    const presentation = vc.createPresentation({
      verifiableCredential: credentials.length > 0 ? credentials : undefined,
      holder: keyFile.did
    });
    const suite = signSuite({suite: 'eddsa-rdfc-2022', signer: keyPair.signer(), date: values.created});
    const signed = await vc.signPresentation({
      presentation, suite, documentLoader, challenge: values.challenge, domain: values.domain
    });
    process.stdout.write(JSON.stringify(signed, null, 2) + '\n');
  } else if(cmd === 'verify') {
    const presentation = readJSON(positionals[0]);
    const result = await vc.verify({
      presentation, suite: verifySuites(), documentLoader,
      challenge: values.challenge, domain: values.domain,
      checkStatus: async () => ({verified: true})
    });
    // vc.verify returns presentationResult when it got as far as the
    // presentation's proof; otherwise (a malformed presentation) only
    // error and results.
    const pres = result.presentationResult || result;
    const report = {
      verified: result.verified === true,
      presentation: {verified: pres.verified === true, errors: messages(pres)},
      credentials: (result.credentialResults || []).map(r => ({verified: r.verified === true, errors: messages(r)}))
    };
    process.stdout.write(JSON.stringify(report) + '\n');
    process.exit(report.verified ? 0 : 1);
  } else {
    const doc = readJSON(positionals[0]);
    delete doc.proof;
    process.stdout.write(await eddsaRdfc.canonize(doc, {documentLoader}));
  }
} catch(e) {
  console.error('present.mjs:', e.message);
  process.exit(1);
}
