package microcred

import (
	"testing"

	"github.com/onchaincert/microcred/vc"
)

// endorsements finds endorsements wherever OB 3.0 puts them (the
// credential, its issuer profile, each subject, each subject's achievement),
// as objects or JWT strings, single or in lists; other spellings of the
// member names are not endorsements.
func TestEndorsementLocations(t *testing.T) {
	doc := `{
  "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
  "type": ["VerifiableCredential", "OpenBadgeCredential"],
  "endorsement": [{"n": 1}, {"n": 2}],
  "endorsementJwt": "jwt.top.level",
  "Endorsement": {"n": "wrong case"},
  "issuer": {"id": "did:example:issuer", "endorsement": {"n": 3}, "endorsementJwt": ["jwt.issuer.a", "jwt.issuer.b"]},
  "credentialSubject": [
    {"id": "did:example:a", "endorsement": {"n": 4}, "achievement": {"endorsement": [{"n": 5}], "ENDORSEMENTJWT": "x.y.z"}},
    {"id": "did:example:b", "achievement": {"endorsementJwt": "jwt.achievement"}}
  ]
}`
	c, err := vc.ParseCredential([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range endorsements(c) {
		got = append(got, string(e))
	}
	want := []string{`{"n": 1}`, `{"n": 2}`, "jwt.top.level", `{"n": 3}`, "jwt.issuer.a", "jwt.issuer.b", `{"n": 4}`, `{"n": 5}`, "jwt.achievement"}
	if len(got) != len(want) {
		t.Fatalf("endorsements = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("endorsement %d = %q, want %q", i, got[i], want[i])
		}
	}
}

// A member name written with escapes is still found.
func TestEndorsementEscapedName(t *testing.T) {
	doc := `{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"], "issuer": "did:example:i",
  "credentialSubject": {"id": "did:example:a"}, "\u0065ndorsement": {"n": 1}}`
	c, err := vc.ParseCredential([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if got := endorsements(c); len(got) != 1 || string(got[0]) != `{"n": 1}` {
		t.Fatalf("endorsements = %q", got)
	}
}
