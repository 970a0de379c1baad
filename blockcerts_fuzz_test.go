package microcred

import (
	"os"
	"testing"
)

// FuzzParseIssuerProfile: the Blockcerts evidence parsers (issuer
// profiles, DID documents with validity windows and IssuerProfile
// services) never panic, return nothing with an error, and a profile
// they accept has an id.
func FuzzParseIssuerProfile(f *testing.F) {
	for _, name := range []string{"profiles/issuer-blockcerts.json", "profiles/issuer-blockcerts-v2a.json", "profiles/issuer-blockcerts-v1.json", "did/did-ion-EiA_Z6LQILbB2zj_eVrqfQ2xDm4HNqeJUw5Kj2Z7bFOOeQ.json", "status/v3-revocation-list.json"} {
		data, err := os.ReadFile("testdata/blockcerts/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"id":"https://a.example/","publicKey":[{"id":"ecdsa-koblitz-pubkey:x","created":"2021-11-20T15:52:57.617381"}]}`))
	f.Add([]byte(`{"id":"https://a.example/","publicKey":[{"id":"ecdsa-koblitz-pubkey:x","expires":"soon"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := parseIssuerProfile(data)
		if (err == nil) == (p == nil) || (p != nil && p.id == "") {
			t.Fatalf("parseIssuerProfile: %v, %+v", err, p)
		}
		e, err := parseDIDEntry(data)
		if (err == nil) == (e == nil) {
			t.Fatalf("parseDIDEntry: %v, %+v", err, e)
		}
	})
}
