package ecdsasd2023

import "crypto/ecdsa"

// WithProofKeyForTest makes every base proof use priv as its
// proof-scoped key, so tests can reproduce the vectors' public key.
func WithProofKeyForTest(priv *ecdsa.PrivateKey) Option {
	return func(s *Suite) error {
		s.proofKey = func() (*ecdsa.PrivateKey, error) { return priv, nil }
		return nil
	}
}
