// node verify.mjs [--proof-only] FILE
// Verifies a credential with Digital Bazaar's libraries, offline; prints
// {verified, errors} and exits 0 if verified, 1 if not, 2 on bad usage.
// By default it runs @digitalbazaar/vc's verifyCredential (proof, and the
// issuer must control the key); --proof-only runs jsonld-signatures' verify
// with the assertionMethod purpose, for test vectors whose issuer is not
// their key's DID.
import {readFileSync} from 'node:fs';
import {parseArgs} from 'node:util';
import * as vc from '@digitalbazaar/vc';
import jsigs from 'jsonld-signatures';
import {documentLoader} from './loader.mjs';
import {verifySuites} from './suites.mjs';

const {values, positionals} = parseArgs({options: {'proof-only': {type: 'boolean', default: false}}, allowPositionals: true});
if(positionals.length !== 1) {
  console.error('usage: node verify.mjs [--proof-only] FILE');
  process.exit(2);
}
let credential;
try {
  credential = JSON.parse(readFileSync(positionals[0], 'utf8'));
} catch(e) {
  console.error('verify.mjs:', e.message);
  process.exit(2);
}
let result;
try {
  if(values['proof-only']) {
    result = await jsigs.verify(credential, {suite: verifySuites(), purpose: new jsigs.purposes.AssertionProofPurpose(), documentLoader});
  } else {
    result = await vc.verifyCredential({credential, suite: verifySuites(), documentLoader,
      checkStatus: async () => ({verified: true})});
  }
} catch(e) {
  result = {verified: false, error: e};
}
const errors = [];
if(!result.verified) {
  if(result.error) {
    errors.push(result.error.message || String(result.error));
    for(const e of result.error.errors || []) {
      errors.push(e.message || String(e));
    }
  }
  for(const r of result.results || []) {
    if(!r.verified && r.error) {
      errors.push(r.error.message || String(r.error));
    }
  }
}
process.stdout.write(JSON.stringify({verified: result.verified === true, errors}) + '\n');
process.exit(result.verified === true ? 0 : 1);
