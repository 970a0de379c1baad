package microcred_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/ob2"
	"github.com/onchaincert/microcred/ob2/ob2test"
	"github.com/onchaincert/microcred/vc/status"
)

// TestMigrateOB2: every valid OB 2.0 case, once verified, migrates to an
// OB 3.0 AchievementCredential that verifies in microcred (proof, the
// migrating issuer, the OB 3.0 type schema) and whose first evidence holds
// the original bytes with their SHA-256; a badge that did not verify is
// refused.
func TestMigrateOB2(t *testing.T) {
	key := testKey(t, 7)
	iss, err := microcred.NewIssuer(key, microcred.WithClock(func() time.Time { return issuedAt }))
	require.NoError(t, err)
	n := 0
	for _, v := range ob2test.Load(t, "testdata/ob2") {
		t.Run(v.Name, func(t *testing.T) {
			ver := newVerifier(t, v.Clock(t), microcred.WithOB2Documents(v.Documents(t)))
			res, verr := ver.Verify(context.Background(), v.Input(t), ob2Policy(t, &v))
			if !v.Valid() {
				require.Error(t, verr)
				_, err := iss.MigrateOB2(context.Background(), res)
				assert.ErrorIs(t, err, microcred.ErrNotVerified, "an invalid badge is not migrated")
				return
			}
			require.NoError(t, verr)
			n++
			cred, err := iss.MigrateOB2(context.Background(), res)
			require.NoError(t, err)

			out, err := newVerifier(t, issuedAt.Add(time.Hour)).Verify(context.Background(), cred, trust(t, iss.DID().String()))
			require.NoError(t, err, "the migrated credential verifies")
			sc, _ := out.Check(microcred.CheckSchema)
			assert.Equal(t, microcred.Passed, sc.Outcome, "against the OB 3.0 schema: %v", sc.Err)

			var c struct {
				Evidence []struct {
					ID          string `json:"id"`
					Description string `json:"description"`
				} `json:"evidence"`
				CredentialSubject struct {
					Achievement struct {
						ID      string `json:"id"`
						Creator struct {
							ID string `json:"id"`
						} `json:"creator"`
					} `json:"achievement"`
				} `json:"credentialSubject"`
			}
			require.NoError(t, json.Unmarshal(cred, &c))
			require.NotEmpty(t, c.Evidence)
			_, data, ok := strings.Cut(c.Evidence[0].ID, ";base64,")
			require.True(t, ok)
			orig, err := base64.StdEncoding.DecodeString(data)
			require.NoError(t, err)
			want := res.OB2.AssertionJSON
			if res.OB2.Form == ob2.FormJWS {
				want = []byte(res.OB2.JWS)
			}
			assert.Equal(t, want, orig, "the evidence holds the exact original")
			sum := sha256.Sum256(orig)
			assert.Contains(t, c.Evidence[0].Description, hex.EncodeToString(sum[:]))
			assert.Contains(t, c.Evidence[0].Description, "verified by the migrating issuer")
			assert.Equal(t, res.OB2.BadgeClass.ID, c.CredentialSubject.Achievement.ID)
			assert.Equal(t, res.OB2.Issuer.ID, c.CredentialSubject.Achievement.Creator.ID)
			if v.Recipient != "" {
				// The recipient carries over: the OB 3.0 ExpectRecipient finds it.
				p, err := microcred.NewPolicy(microcred.TrustIssuers(iss.DID().String()), microcred.ExpectRecipient(v.Recipient))
				require.NoError(t, err)
				_, err = newVerifier(t, issuedAt.Add(time.Hour)).Verify(context.Background(), cred, p)
				if res.OB2.Assertion.Recipient.Type == "email" && !strings.HasPrefix(res.OB2.Assertion.Recipient.Identity, "md5$") && !strings.HasPrefix(v.Recipient, "mailto:") {
					assert.NoError(t, err)
				}
			}
		})
	}
	t.Logf("%d valid OB 2.0 badges migrated and verified", n)

	_, err = iss.MigrateOB2(context.Background(), nil)
	assert.ErrorIs(t, err, microcred.ErrNotVerified)
	_, err = iss.MigrateOB2(context.Background(), &microcred.Result{Verified: true})
	assert.ErrorIs(t, err, microcred.ErrNotVerified, "a verified OB 3.0 result is no OB 2.0 badge")
}

// TestMigrateOB2Unsafe: an unverified badge migrates only through the
// Unsafe call, and the evidence says it was not verified.
func TestMigrateOB2Unsafe(t *testing.T) {
	var v ob2test.Vector
	for _, c := range ob2test.Load(t, "testdata/ob2") {
		if c.Name == "signed-revoked-by-id" {
			v = c
		}
	}
	require.Equal(t, "signed-revoked-by-id", v.Name)
	ov, err := ob2.NewVerifier(v.Documents(t))
	require.NoError(t, err)
	res, err := ov.Verify(context.Background(), v.Input(t), ob2.Checks{Now: v.Clock(t)})
	require.ErrorIs(t, err, status.ErrRevoked)
	require.NotNil(t, res.Badge)
	iss, err := microcred.NewIssuer(testKey(t, 7), microcred.WithClock(func() time.Time { return issuedAt }))
	require.NoError(t, err)
	cred, err := iss.MigrateOB2Unsafe(context.Background(), res.Badge)
	require.NoError(t, err)
	assert.Contains(t, string(cred), "NOT verified by the migrating issuer")
	_, err = iss.MigrateOB2Unsafe(context.Background(), nil)
	assert.Error(t, err)
}
