package legacy

import "errors"

// ErrHighS is wrapped (with proof.ErrInvalidSignature) when an
// EcdsaSecp256k1Signature2019 signature has s > n/2: its low-S twin
// (r, n-s) is the only form this package accepts (BIP 62, BIP 146).
var ErrHighS = errors.New("legacy: secp256k1 signature is high-S (s > n/2); only low-S is accepted")
