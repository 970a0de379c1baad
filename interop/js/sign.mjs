// node sign.mjs --key KEYFILE [--suite eddsa-rdfc-2022|eddsa-jcs-2022] [--created RFC3339] IN.json
// Signs a credential with Digital Bazaar's libraries (assertionMethod) and
// prints it. KEYFILE is a microcred key file (Ed25519).
import {readFileSync} from 'node:fs';
import {parseArgs} from 'node:util';
import * as vc from '@digitalbazaar/vc';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import {documentLoader} from './loader.mjs';
import {signSuite} from './suites.mjs';

const {values, positionals} = parseArgs({
  options: {key: {type: 'string'}, suite: {type: 'string', default: 'eddsa-rdfc-2022'}, created: {type: 'string'}},
  allowPositionals: true
});
if(!values.key || positionals.length !== 1) {
  console.error('usage: node sign.mjs --key KEYFILE [--suite eddsa-rdfc-2022|eddsa-jcs-2022|ecdsa-rdfc-2019|ecdsa-jcs-2019|Ed25519Signature2020] [--created RFC3339] IN.json');
  process.exit(2);
}
const keyFile = JSON.parse(readFileSync(values.key, 'utf8'));
const lib = {ed25519: Ed25519Multikey, p256: EcdsaMultikey, p384: EcdsaMultikey}[keyFile.type];
if(!lib) {
  console.error(`sign.mjs: unsupported key type ${keyFile.type}`);
  process.exit(2);
}
const keyPair = await lib.from({
  id: keyFile.verificationMethod,
  controller: keyFile.did,
  publicKeyMultibase: keyFile.publicKeyMultibase,
  secretKeyMultibase: keyFile.privateKeyMultibase
});
const credential = JSON.parse(readFileSync(positionals[0], 'utf8'));
let suite;
try {
  suite = signSuite({suite: values.suite, signer: keyPair.signer(), date: values.created});
} catch(e) {
  console.error('sign.mjs:', e.message);
  process.exit(2);
}
try {
  const signed = await vc.issue({credential, suite, documentLoader});
  process.stdout.write(JSON.stringify(signed, null, 2) + '\n');
} catch(e) {
  console.error('sign.mjs:', e.message);
  process.exit(1);
}
