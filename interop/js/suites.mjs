import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as rdfc} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {createSignCryptosuite, createVerifyCryptosuite} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';

// The JCS package builds separate cryptosuite objects for signing and for
// verifying.
export const signCryptosuites = {'eddsa-rdfc-2022': rdfc, 'eddsa-jcs-2022': createSignCryptosuite()};

export function verifySuites() {
  return [rdfc, createVerifyCryptosuite()].map(cryptosuite => new DataIntegrityProof({cryptosuite}));
}
