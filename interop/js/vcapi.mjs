// A VC API client on Digital Bazaar's libraries, against a running
// `microcred serve` on loopback (only URLs under BASE are fetched).
//
//   node vcapi.mjs issue BASE ISSUER IN.json
//     POSTs IN.json to BASE/issuers/ISSUER/credentials/issue, then verifies
//     the answer with vc.verifyCredential, its status checked by
//     @digitalbazaar/vc-bitstring-status-list's checkStatus with the list
//     fetched from the server over HTTP. Prints {code, verified, status,
//     errors, credential}; exits 0 if the server issued and JS verified it.
//   node vcapi.mjs verify BASE --key KEYFILE --suite SUITE [--tamper] IN.json
//     Signs IN.json with their libraries (assertionMethod), optionally
//     changes its name after signing, POSTs it to BASE/credentials/verify
//     and prints {code, verified, errors}.
//   node vcapi.mjs present BASE --key KEYFILE --challenge C [--send-challenge C2] CRED.json
//     Signs a presentation of CRED.json (holder = the key) with challenge
//     C, POSTs it to BASE/presentations/verify with options.challenge C2
//     (default C) and prints {code, verified, errors}.
import {readFileSync} from 'node:fs';
import {parseArgs} from 'node:util';
import * as vc from '@digitalbazaar/vc';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import {documentLoader as offline} from './loader.mjs';
import {signSuite, verifySuites} from './suites.mjs';

const [cmd, base, ...rest] = process.argv.slice(2);
const {values, positionals} = parseArgs({
  args: rest,
  options: {key: {type: 'string'}, suite: {type: 'string', default: 'eddsa-rdfc-2022'}, tamper: {type: 'boolean', default: false},
    challenge: {type: 'string'}, 'send-challenge': {type: 'string'}},
  allowPositionals: true
});
if(!base || !/^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(base)) {
  console.error('usage: node vcapi.mjs issue|verify|present BASE ... (BASE: a loopback URL)');
  process.exit(2);
}

// Documents under BASE come from the server; everything else offline.
async function documentLoader(url) {
  if(url.startsWith(base + '/')) {
    const res = await fetch(url, {headers: {accept: 'application/json'}});
    if(!res.ok) {
      throw new Error(`GET ${url}: ${res.status}`);
    }
    return {contextUrl: null, documentUrl: url, document: await res.json()};
  }
  return offline(url);
}

async function post(path, body) {
  const res = await fetch(base + path, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify(body)});
  let json = null;
  try {
    json = await res.json();
  } catch{}
  return {code: res.status, json};
}

async function keyPair(path) {
  const keyFile = JSON.parse(readFileSync(path, 'utf8'));
  const lib = {ed25519: Ed25519Multikey, p256: EcdsaMultikey, p384: EcdsaMultikey}[keyFile.type];
  return lib.from({id: keyFile.verificationMethod, controller: keyFile.did,
    publicKeyMultibase: keyFile.publicKeyMultibase, secretKeyMultibase: keyFile.privateKeyMultibase});
}

function messages(result) {
  const out = [];
  const walk = e => {
    if(!e) {
      return;
    }
    out.push(e.message || String(e));
    for(const x of e.errors || []) {
      walk(x);
    }
  };
  walk(result.error);
  for(const r of result.results || []) {
    if(!r.verified) {
      walk(r.error);
    }
  }
  return out;
}

const print = (o, ok) => {
  process.stdout.write(JSON.stringify(o) + '\n');
  process.exit(ok ? 0 : 1);
};

if(cmd === 'issue' && positionals.length === 2) {
  const [issuer, file] = positionals;
  const credential = JSON.parse(readFileSync(file, 'utf8'));
  const {code, json} = await post(`/issuers/${issuer}/credentials/issue`, {credential});
  if(code !== 201 || !json?.verifiableCredential) {
    print({code, verified: false, errors: [JSON.stringify(json)]}, false);
  }
  const issued = json.verifiableCredential;
  let status = null;
  const result = await vc.verifyCredential({credential: issued, suite: verifySuites(), documentLoader,
    checkStatus: async opts => {
      const r = await checkStatus({...opts, documentLoader, suite: verifySuites()});
      status = (r.results || []).map(x => x.status);
      return r;
    }});
  print({code, verified: result.verified === true, status, errors: messages(result), credential: issued}, result.verified === true);
} else if(cmd === 'verify' && positionals.length === 1) {
  const kp = await keyPair(values.key);
  const credential = JSON.parse(readFileSync(positionals[0], 'utf8'));
  const signed = await vc.issue({credential, suite: signSuite({suite: values.suite, signer: kp.signer()}), documentLoader});
  if(values.tamper) {
    signed.name = signed.name + ' (edited)';
  }
  const {code, json} = await post('/credentials/verify', {verifiableCredential: signed});
  print({code, verified: json?.verified === true, errors: (json?.errors || []).map(e => e.detail || e.title)}, code === 200);
} else if(cmd === 'present' && positionals.length === 1 && values.challenge) {
  const kp = await keyPair(values.key);
  const credential = JSON.parse(readFileSync(positionals[0], 'utf8'));
  const presentation = vc.createPresentation({verifiableCredential: [credential], holder: kp.controller});
  const vp = await vc.signPresentation({presentation, suite: signSuite({suite: 'eddsa-rdfc-2022', signer: kp.signer()}),
    challenge: values.challenge, documentLoader});
  const {code, json} = await post('/presentations/verify',
    {verifiablePresentation: vp, options: {challenge: values['send-challenge'] || values.challenge}});
  print({code, verified: json?.verified === true, errors: (json?.errors || []).map(e => e.detail || e.title),
    credentials: (json?.credentialResults || []).map(c => c.verified)}, code === 200);
} else {
  console.error('usage: node vcapi.mjs issue BASE ISSUER IN.json | verify BASE --key K --suite S [--tamper] IN.json | ' +
    'present BASE --key K --challenge C [--send-challenge C2] CRED.json');
  process.exit(2);
}
