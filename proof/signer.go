package proof

import (
	"context"
	"crypto"
)

// Signer produces the signature bytes of a Data Integrity proof.
//
// A Signer holds (or reaches, through a KMS or HSM) one private key. Sign
// signs message with the key's algorithm, hashing it as that algorithm
// requires, and returns the raw signature:
//
//   - Ed25519: PureEdDSA over message, 64 bytes.
//   - ECDSA P-256 / secp256k1: ECDSA over SHA-256(message), r||s, 64 bytes.
//   - ECDSA P-384: ECDSA over SHA-384(message), r||s, 96 bytes.
//   - RSA (JWT RS256 only): RSASSA-PKCS1-v1_5 over SHA-256(message).
//
// ctx is passed through so that remote signers can honour cancellation.
// [NewSigner] makes a Signer of any crypto.Signer (a cloud KMS or HSM
// key), converting its signatures to these forms.
type Signer interface {
	// VerificationMethod is the absolute DID URL of the key's
	// verification method, e.g. did:key:z6Mk…#z6Mk….
	VerificationMethod() string
	// Public returns the public key: ed25519.PublicKey, *ecdsa.PublicKey,
	// *secp256k1.PublicKey or *rsa.PublicKey.
	Public() crypto.PublicKey
	// Sign signs message as described above.
	Sign(ctx context.Context, message []byte) ([]byte, error)
}
