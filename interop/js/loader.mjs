// An offline JSON-LD document loader for the interop checks: contexts come
// only from microcred's embedded, hash-pinned set (../../vc/contexts/data),
// did:key URLs resolve locally to Multikey documents, and any other URL is
// an error that names it. Nothing is fetched.
import {createHash} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';

const dataDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'vc', 'contexts', 'data');

function loadContexts() {
  const contexts = new Map();
  const index = readFileSync(join(dataDir, 'INDEX.tsv'), 'utf8').trimEnd().split('\n');
  for(const line of index.slice(1)) {
    const [url, file, sha256, , , role] = line.split('\t');
    if(role !== 'primary') {
      continue;
    }
    const bytes = readFileSync(join(dataDir, file));
    const got = createHash('sha256').update(bytes).digest('hex');
    if(got !== sha256) {
      throw new Error(`context ${url}: sha256 ${got} does not match the pinned ${sha256}`);
    }
    contexts.set(url, JSON.parse(bytes.toString('utf8')));
  }
  return contexts;
}

const contexts = loadContexts();

async function didKeyDocument(url) {
  const [did, fragment] = url.split('#');
  const publicKeyMultibase = did.slice('did:key:'.length);
  const vmId = `${did}#${publicKeyMultibase}`;
  const lib = publicKeyMultibase.startsWith('z6Mk') ? Ed25519Multikey : EcdsaMultikey;
  const key = await lib.from({id: vmId, controller: did, publicKeyMultibase});
  const vm = await key.export({publicKey: true, includeContext: false});
  if(fragment !== undefined) {
    if(fragment !== publicKeyMultibase) {
      throw new Error(`unknown verification method ${url}`);
    }
    return {'@context': 'https://w3id.org/security/multikey/v1', ...vm};
  }
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: did,
    verificationMethod: [vm],
    authentication: [vmId],
    assertionMethod: [vmId],
    capabilityInvocation: [vmId],
    capabilityDelegation: [vmId]
  };
}

export async function documentLoader(url) {
  if(contexts.has(url)) {
    return {contextUrl: null, documentUrl: url, document: structuredClone(contexts.get(url))};
  }
  if(/^did:key:(z6Mk|zDna|z82L)/.test(url)) {
    return {contextUrl: null, documentUrl: url, document: await didKeyDocument(url)};
  }
  throw new Error(`offline loader: refusing to load ${url}`);
}
