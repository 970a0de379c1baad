import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as eddsaJcs from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import {cryptosuite as ecdsaRdfc} from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import * as ecdsaJcs from '@digitalbazaar/ecdsa-jcs-2019-cryptosuite';
import {Ed25519Signature2020} from '@digitalbazaar/ed25519-signature-2020';
import * as ecdsaSd from '@digitalbazaar/ecdsa-sd-2023-cryptosuite';

// The JCS packages build separate cryptosuite objects for signing and for
// verifying.
export const signCryptosuites = {
  'eddsa-rdfc-2022': eddsaRdfc,
  'eddsa-jcs-2022': eddsaJcs.createSignCryptosuite(),
  'ecdsa-rdfc-2019': ecdsaRdfc,
  'ecdsa-jcs-2019': ecdsaJcs.createSignCryptosuite()
};

export function signSuite({suite, signer, date}) {
  if(suite === 'Ed25519Signature2020') {
    return new Ed25519Signature2020({signer, ...(date ? {date} : {})});
  }
  if(!signCryptosuites[suite]) {
    throw new Error(`unknown suite ${suite}`);
  }
  return new DataIntegrityProof({signer, cryptosuite: signCryptosuites[suite], ...(date ? {date} : {})});
}

export function verifySuites() {
  return [
    ...[eddsaRdfc, eddsaJcs.createVerifyCryptosuite(), ecdsaRdfc, ecdsaJcs.createVerifyCryptosuite(),
      ecdsaSd.createVerifyCryptosuite()]
      .map(cryptosuite => new DataIntegrityProof({cryptosuite})),
    new Ed25519Signature2020()
  ];
}

// ecdsa-sd-2023: the issuer's base proof with mandatory pointers, and the
// holder's derivation with selective pointers.
export function sdSignSuite({signer, mandatoryPointers, date}) {
  return new DataIntegrityProof({signer, cryptosuite: ecdsaSd.createSignCryptosuite({mandatoryPointers}),
    ...(date ? {date} : {})});
}

export function sdDeriveSuite({selectivePointers}) {
  return new DataIntegrityProof({cryptosuite: ecdsaSd.createDiscloseCryptosuite({selectivePointers})});
}
