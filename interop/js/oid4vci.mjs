// An OpenID4VCI wallet on Sphereon's @sphereon/oid4vci-client, against a
// running `microcred serve` on loopback.
//
//   node oid4vci.mjs receive OFFER FORMAT [--pin P]
//     OFFER is an openid-credential-offer:// link (by value or by
//     reference) for a loopback issuer. Generates an Ed25519 holder key
//     (did:key), redeems the pre-authorized code, asks for the credential
//     in FORMAT (ldp_vc or jwt_vc_json) with a jwt key proof signed by the
//     holder key, and for ldp_vc verifies the credential with Digital
//     Bazaar's vc.verifyCredential. Then redeems the same offer a second
//     time. Prints {holder, format, credential, verified, errors, second}
//     where second is the second redemption's error ("" if it succeeded);
//     exits 0 if the credential was received.
import {parseArgs} from 'node:util';
import {OpenID4VCIClient} from '@sphereon/oid4vci-client';
import * as vc from '@digitalbazaar/vc';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {documentLoader} from './loader.mjs';
import {verifySuites} from './suites.mjs';

const [cmd, offer, format, ...rest] = process.argv.slice(2);
const {values} = parseArgs({args: rest, options: {pin: {type: 'string'}}});
const loopback = /^https?(:\/\/|%3A%2F%2F)(127\.0\.0\.1|localhost)/;
if(cmd !== 'receive' || !offer?.startsWith('openid-credential-offer://') || !['ldp_vc', 'jwt_vc_json'].includes(format) ||
  !loopback.test(decodeURIComponent(offer.split(/credential_offer(_uri)?=/).pop()).replace(/^.*"credential_issuer":"/, ''))) {
  console.error('usage: node oid4vci.mjs receive OFFER ldp_vc|jwt_vc_json [--pin P] (OFFER: a loopback issuer\'s offer link)');
  process.exit(2);
}

const b64url = b => Buffer.from(b).toString('base64url');
const kp = await Ed25519Multikey.generate();
const holder = 'did:key:' + kp.publicKeyMultibase;
const kid = holder + '#' + kp.publicKeyMultibase;
kp.id = kid;
kp.controller = holder;
const signer = kp.signer();

// The proof of possession: their client builds header and claims, we sign.
async function signCallback(jwt) {
  const input = b64url(JSON.stringify(jwt.header)) + '.' + b64url(JSON.stringify(jwt.payload));
  const sig = await signer.sign({data: new TextEncoder().encode(input)});
  return input + '.' + b64url(sig);
}

async function redeem() {
  const client = await OpenID4VCIClient.fromURI({uri: offer, kid, alg: 'EdDSA', retrieveServerMetadata: true, resolveOfferUri: true});
  await client.acquireAccessToken(values.pin ? {pin: values.pin} : {});
  const context = format === 'ldp_vc' ? ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'] : undefined;
  return client.acquireCredentials({credentialTypes: ['VerifiableCredential', 'OpenBadgeCredential'], context, format, kid, alg: 'EdDSA',
    proofCallbacks: {signCallback}});
}

const print = (o, ok) => {
  process.stdout.write(JSON.stringify(o) + '\n');
  process.exit(ok ? 0 : 1);
};

let res;
try {
  res = await redeem();
} catch(e) {
  print({holder, format, verified: false, errors: [e.message || String(e)]}, false);
}
const credential = res.credential;
let verified = false;
let errors = [];
if(format === 'ldp_vc') {
  const result = await vc.verifyCredential({credential, suite: verifySuites(), documentLoader});
  verified = result.verified === true;
  const walk = e => e && (errors.push(e.message || String(e)), (e.errors || []).forEach(walk));
  walk(result.error);
}
let second = '';
try {
  await redeem();
} catch(e) {
  second = e.message || String(e);
}
print({holder, format, credential, verified, errors, second}, !!credential);
