// node blockcerts.mjs [--tx FILE] [--serve URL=FILE]... CERT.json
// Verifies a Blockcerts certificate with Blockchain Certificates' own
// verifier (@blockcerts/cert-verifier-js), OFFLINE, and prints
// {status, message, steps} as JSON; exits 0 on status "success", 1
// otherwise, 2 on bad usage.
//
// cert-verifier-js normally asks block explorers for the anchor
// transaction and fetches issuer profiles, DID documents and contexts over
// HTTP. Here every fetch() is answered from --serve files or refused (the
// refused URLs are listed in the output), and the transaction data comes
// from --tx, the explorer answer cert-verifier-js's own tests inject
// ({remoteHash, issuingAddress, time, revokedAddresses}): it is returned
// by a custom explorer (explorerAPIs, priority 0) whose URL is served
// locally, so cert-verifier-js runs its whole lookForTx path on our data.
import {readFileSync} from 'node:fs';
import {parseArgs} from 'node:util';

const {values, positionals} = parseArgs({
  options: {tx: {type: 'string'}, serve: {type: 'string', multiple: true, default: []}},
  allowPositionals: true
});
if(positionals.length !== 1) {
  console.error('usage: node blockcerts.mjs [--tx FILE] [--serve URL=FILE]... CERT.json');
  process.exit(2);
}

const served = new Map();
for(const s of values.serve) {
  const i = s.indexOf('=');
  if(i < 1) {
    console.error('--serve wants URL=FILE, got', s);
    process.exit(2);
  }
  served.set(s.slice(0, i), readFileSync(s.slice(i + 1), 'utf8'));
}
const txData = values.tx ? JSON.parse(readFileSync(values.tx, 'utf8')) : null;
const TX_URL = 'https://explorer.invalid/tx/';
const refused = [];

// No network: fetch serves local files and refuses everything else.
globalThis.fetch = async (input) => {
  const url = typeof input === 'string' ? input : input.url;
  if(url.startsWith(TX_URL) && txData) {
    return new Response('{}', {status: 200});
  }
  if(served.has(url)) {
    return new Response(served.get(url), {status: 200, headers: {'content-type': 'application/json'}});
  }
  refused.push(url);
  throw new TypeError('offline: refused ' + url);
};
// Nothing should use XMLHttpRequest in Node; make sure it cannot.
globalThis.XMLHttpRequest = class {
  constructor() {
    throw new Error('offline: XMLHttpRequest refused');
  }
};

const {Certificate} = await import('@blockcerts/cert-verifier-js/dist/verifier-node/index.js');

const explorerAPIs = txData ? [{
  serviceURL: {main: TX_URL + '{transaction_id}', test: TX_URL + '{transaction_id}'},
  priority: 0,
  parsingFunction: () => ({
    remoteHash: txData.remoteHash,
    issuingAddress: txData.issuingAddress,
    time: txData.time,
    revokedAddresses: txData.revokedAddresses ?? []
  })
}] : [];

const out = {status: 'failure', message: '', steps: [], refused};
// cert-verifier-js logs network failures of the default explorers; keep
// stdout for the JSON result.
const log = console.log;
console.log = (...a) => console.error(...a);
try {
  const cert = new Certificate(readFileSync(positionals[0], 'utf8'), {explorerAPIs, locale: 'en-US'});
  await cert.init();
  const res = await cert.verify(({code, status, errorMessage}) => {
    out.steps.push(errorMessage ? {code, status, errorMessage} : {code, status});
  });
  out.status = res.status;
  out.message = typeof res.message === 'string' ? res.message : JSON.stringify(res.message);
} catch(e) {
  out.message = 'exception: ' + (e && e.message);
}
console.log = log;
console.log(JSON.stringify(out, null, 2));
process.exit(out.status === 'success' ? 0 : 1);
