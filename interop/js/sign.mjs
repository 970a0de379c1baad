// node sign.mjs --key KEYFILE [--suite eddsa-rdfc-2022|eddsa-jcs-2022] [--created RFC3339] IN.json
// Signs a credential with Digital Bazaar's libraries (assertionMethod) and
// prints it. KEYFILE is a microcred key file (Ed25519).
import {readFileSync} from 'node:fs';
import {parseArgs} from 'node:util';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {documentLoader} from './loader.mjs';
import {signCryptosuites as cryptosuites} from './suites.mjs';

const {values, positionals} = parseArgs({
  options: {key: {type: 'string'}, suite: {type: 'string', default: 'eddsa-rdfc-2022'}, created: {type: 'string'}},
  allowPositionals: true
});
if(!values.key || positionals.length !== 1 || !cryptosuites[values.suite]) {
  console.error('usage: node sign.mjs --key KEYFILE [--suite eddsa-rdfc-2022|eddsa-jcs-2022] [--created RFC3339] IN.json');
  process.exit(2);
}
const keyFile = JSON.parse(readFileSync(values.key, 'utf8'));
if(keyFile.type !== 'ed25519') {
  console.error(`sign.mjs: only ed25519 key files are supported, got ${keyFile.type}`);
  process.exit(2);
}
const keyPair = await Ed25519Multikey.from({
  id: keyFile.verificationMethod,
  controller: keyFile.did,
  publicKeyMultibase: keyFile.publicKeyMultibase,
  secretKeyMultibase: keyFile.privateKeyMultibase
});
const credential = JSON.parse(readFileSync(positionals[0], 'utf8'));
const suite = new DataIntegrityProof({
  signer: keyPair.signer(),
  cryptosuite: cryptosuites[values.suite],
  ...(values.created ? {date: values.created} : {})
});
try {
  const signed = await vc.issue({credential, suite, documentLoader});
  process.stdout.write(JSON.stringify(signed, null, 2) + '\n');
} catch(e) {
  console.error('sign.mjs:', e.message);
  process.exit(1);
}
