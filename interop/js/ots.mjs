// node ots.mjs PROOF.ots HEADERS.json
// Reads a detached timestamp (.ots) with the OpenTimestamps JavaScript
// client (npm opentimestamps, the reference implementation's JS port) and
// checks its Bitcoin attestations OFFLINE with the client's own check,
// BitcoinBlockHeaderAttestation.verifyAgainstBlockheader, against the
// headers given (HEADERS.json: {"HEIGHT": "80-byte header hex", ...})
// instead of an explorer's answer. Prints JSON {fileHashOp, digest, info,
// attestations: [{type, height, verified, time, error}]} and exits 0 when
// at least one Bitcoin attestation verifies, 1 when none does, 2 on bad
// usage or a file the client cannot read.
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';

const require = createRequire(import.meta.url);
const OpenTimestamps = require('opentimestamps/index.js');

if(process.argv.length !== 4) {
  console.error('usage: node ots.mjs PROOF.ots HEADERS.json');
  process.exit(2);
}
const headers = JSON.parse(readFileSync(process.argv[3], 'utf8'));
let detached;
try {
  detached = OpenTimestamps.DetachedTimestampFile.deserialize(readFileSync(process.argv[2]));
} catch(e) {
  console.log(JSON.stringify({error: 'deserialize: ' + e.message}));
  process.exit(2);
}
const hex = b => Buffer.from(b).toString('hex');
const out = {
  fileHashOp: detached.fileHashOp._HASHLIB_NAME(),
  digest: hex(detached.fileDigest()),
  info: OpenTimestamps.info(detached),
  attestations: []
};
let ok = false;
for(const [msg, att] of detached.timestamp.allAttestations()) {
  const a = {type: att.constructor.name, height: att.height ?? null, verified: false};
  if(att instanceof OpenTimestamps.Notary.BitcoinBlockHeaderAttestation) {
    const h = headers[String(att.height)];
    if(!h) {
      a.error = 'no header at this height';
    } else {
      const raw = Buffer.from(h, 'hex');
      // The block as an explorer reports it: merkle root in display
      // (reversed) hex, time from the header; the client compares the
      // reversed message with it, as its own verify does.
      const block = {merkleroot: hex(Buffer.from(raw.subarray(36, 68)).reverse()), time: raw.readUInt32LE(68)};
      try {
        a.time = att.verifyAgainstBlockheader(msg.slice().reverse(), block);
        a.verified = true;
        ok = true;
      } catch(e) {
        a.error = e.message;
      }
    }
  }
  out.attestations.push(a);
}
console.log(JSON.stringify(out));
process.exit(ok ? 0 : 1);
