// Bitstring Status List cross-checks with @digitalbazaar/vc-bitstring-status-list.
//
//   node status.mjs check CREDENTIAL URL=LISTFILE...
//     Runs their checkStatus (list proof verified, issuers must match) with
//     the list credentials served from local files; prints
//     {verified, statuses, errors} and exits 0 if the check ran, 1 if not.
//   node status.mjs list URL PURPOSE ISSUER INDEX...
//     Prints an unsigned BitstringStatusListCredential of 131,072 entries
//     made by their createList/createCredential, with INDEX... set.
import {readFileSync} from 'node:fs';
import {checkStatus, createList, createCredential} from '@digitalbazaar/vc-bitstring-status-list';
import {documentLoader} from './loader.mjs';
import {verifySuites} from './suites.mjs';

const [cmd, ...args] = process.argv.slice(2);
if(cmd === 'check' && args.length >= 1) {
  const credential = JSON.parse(readFileSync(args[0], 'utf8'));
  const lists = new Map();
  for(const a of args.slice(1)) {
    const i = a.indexOf('=');
    lists.set(a.slice(0, i), JSON.parse(readFileSync(a.slice(i + 1), 'utf8')));
  }
  const loader = async url => lists.has(url) ?
    {contextUrl: null, documentUrl: url, document: structuredClone(lists.get(url))} :
    documentLoader(url);
  const result = await checkStatus({credential, documentLoader: loader, suite: verifySuites()});
  const errors = result.error ? [result.error.message, ...(result.error.cause ? [String(result.error.cause.message || result.error.cause)] : [])] : [];
  const statuses = (result.results || []).map(r => r.status);
  process.stdout.write(JSON.stringify({verified: result.verified === true, statuses, errors}) + '\n');
  process.exit(result.verified === true ? 0 : 1);
} else if(cmd === 'list' && args.length >= 3) {
  const [url, purpose, issuer, ...indexes] = args;
  const list = await createList({length: 131072});
  for(const i of indexes) {
    list.setStatus(parseInt(i, 10), true);
  }
  const credential = await createCredential({id: url, list, statusPurpose: purpose});
  credential.issuer = issuer;
  process.stdout.write(JSON.stringify(credential, null, 2) + '\n');
} else {
  console.error('usage: node status.mjs check CREDENTIAL URL=LISTFILE... | list URL PURPOSE ISSUER INDEX...');
  process.exit(2);
}
