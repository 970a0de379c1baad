package canon

import (
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/vc/contexts"
)

// The pinned contexts give a few IRIs two names; the walker accepts both,
// since neither comes from the document. None of them may be a name the
// verifier reads (a member read by name whose IRI another trusted name
// shares could be respelled past the reader). This lists every such pair
// in the contexts credentials use, at the top level and one scope down.
func TestTrustedAliases(t *testing.T) {
	r, err := NewRDFC(Options{Loader: contexts.Default()})
	require.NoError(t, err)
	lists := [][]any{
		{"https://www.w3.org/ns/credentials/v2"},
		{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
		{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"},
		{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"},
		{"https://www.w3.org/2018/credentials/v1"},
		{"https://www.w3.org/2018/credentials/v1", "https://w3id.org/security/data-integrity/v2"},
		{"https://www.w3.org/2018/credentials/v1", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
	}
	// Pairs of names for one IRI that the pinned contexts define, and why
	// they are harmless.
	allowed := map[string]string{
		"AchievementCredential OpenBadgeCredential": "OB 3.0 aliases; the verifier reads either name",
		"Criteria criteria":                         "OB 3.0 maps the criteria property to the Criteria class IRI; only schemas read criteria",
		"GeoCoordinates geo":                        "OB 3.0 maps the geo property to the class IRI; never read",
	}
	// Names whose IRI must have no other name: what the verifier reads.
	read := []string{"id", "type", "issuer", "validFrom", "validUntil", "issuanceDate", "expirationDate", "credentialStatus",
		"credentialSchema", "credentialSubject", "evidence", "termsOfUse", "refreshService", "proof", "verifiableCredential",
		"holder", "statusPurpose", "statusListIndex", "statusListCredential", "statusSize", "statusMessage", "encodedList",
		"cryptosuite", "proofPurpose", "verificationMethod", "created", "expires", "challenge", "domain", "nonce",
		"previousProof", "proofValue", "endorsement", "achievement", "identifier"}
	found := map[string]bool{}
	check := func(c *cctx, where string) {
		names := map[string][]string{}
		for name, tm := range c.terms {
			if tm.kind == termNull || tm.iri == "" {
				continue
			}
			names[tm.iri] = append(names[tm.iri], name)
		}
		for iri, ns := range names {
			if len(ns) < 2 {
				continue
			}
			sort.Strings(ns)
			pair := strings.Join(ns, " ")
			found[pair] = true
			_, ok := allowed[pair]
			assert.True(t, ok, "%s: %s has the names %v", where, iri, ns)
			for _, n := range ns {
				for _, r := range read {
					assert.NotEqual(t, r, n, "%s: %q, read by the verifier, shares %s with %v", where, n, iri, ns)
				}
			}
		}
	}
	for _, l := range lists {
		key, _ := contextKey(l)
		cc, err := r.compiled(key, l)
		require.NoError(t, err)
		check(cc, l[len(l)-1].(string))
		for name, tm := range cc.terms {
			if !tm.hasScoped || tm.kind == termUnusable {
				continue
			}
			for _, propagate := range []bool{false, true} {
				var b budget
				d, err := cc.derive(r, &b, tm, propagate)
				if err != nil {
					continue // a scoped context that does not apply here
				}
				check(d, l[len(l)-1].(string)+" in "+name)
			}
		}
	}
	t.Logf("name pairs found: %v", found)
	assert.True(t, found["AchievementCredential OpenBadgeCredential"], "the test sees the OB 3.0 contexts' aliases")
}
