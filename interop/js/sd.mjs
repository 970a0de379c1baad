// ecdsa-sd-2023 with @digitalbazaar/ecdsa-sd-2023-cryptosuite, offline.
//
//   node sd.mjs sign --key KEYFILE [--mandatory POINTER]... [--created RFC3339] IN.json
//     the issuer's base proof (KEYFILE: a microcred P-256 key file)
//   node sd.mjs derive [--reveal POINTER]... BASE.json
//     the holder's derived credential
import {readFileSync} from 'node:fs';
import {parseArgs} from 'node:util';
import * as vc from '@digitalbazaar/vc';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import {documentLoader} from './loader.mjs';
import {sdSignSuite, sdDeriveSuite} from './suites.mjs';

const [cmd, ...rest] = process.argv.slice(2);
const {values, positionals} = parseArgs({
  args: rest,
  options: {
    key: {type: 'string'}, created: {type: 'string'},
    mandatory: {type: 'string', multiple: true, default: []},
    reveal: {type: 'string', multiple: true, default: []}
  },
  allowPositionals: true
});
if(positionals.length !== 1 || !['sign', 'derive'].includes(cmd) || (cmd === 'sign' && !values.key)) {
  console.error('usage: node sd.mjs sign --key KEYFILE [--mandatory P]... IN.json | derive [--reveal P]... BASE.json');
  process.exit(2);
}
const doc = JSON.parse(readFileSync(positionals[0], 'utf8'));
try {
  let out;
  if(cmd === 'sign') {
    const keyFile = JSON.parse(readFileSync(values.key, 'utf8'));
    const keyPair = await EcdsaMultikey.from({
      id: keyFile.verificationMethod, controller: keyFile.did,
      publicKeyMultibase: keyFile.publicKeyMultibase, secretKeyMultibase: keyFile.privateKeyMultibase
    });
    const suite = sdSignSuite({signer: keyPair.signer(), mandatoryPointers: values.mandatory, date: values.created});
    out = await vc.issue({credential: doc, suite, documentLoader});
  } else {
    out = await vc.derive({verifiableCredential: doc, suite: sdDeriveSuite({selectivePointers: values.reveal}), documentLoader});
  }
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
} catch(e) {
  console.error('sd.mjs:', e.message);
  process.exit(1);
}
