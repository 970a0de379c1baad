package interop_test

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A name with a base direction ({"@value", "@language", "@direction"}, the
// VCDM 2.0 language value object) is signed both ways and verifies on
// both sides; the direction is covered by the signature (jsonld.js and
// microcred write it in the literal's i18n datatype), so flipping rtl to
// ltr after signing fails on both sides, and so does "up".
func TestBaseDirectionBothWays(t *testing.T) {
	e := setup(t)
	for _, suite := range []string{"eddsa-rdfc-2022", "eddsa-jcs-2022", "ecdsa-rdfc-2019"} {
		t.Run(suite, func(t *testing.T) {
			keyType := "ed25519"
			if suite == "ecdsa-rdfc-2019" {
				keyType = "p256"
			}
			key, did := e.keyOf(t, keyType)
			// A VCDM 2.0 credential (the OB 3.0 schema wants plain strings).
			data, err := os.ReadFile("testdata/w3c-unsigned.json")
			require.NoError(t, err)
			var m map[string]any
			require.NoError(t, json.Unmarshal(data, &m))
			m["issuer"] = did
			m["name"] = map[string]any{"@value": "شارة إتمام الدورة", "@language": "ar-EG", "@direction": "rtl"}
			m["description"] = map[string]any{"@value": "Completion badge", "@direction": "ltr"}
			unsigned, err := json.Marshal(m)
			require.NoError(t, err)
			in := e.write(t, "direction-"+suite+".json", unsigned)

			ours, errOut, code := run(t, e.bin, "sign", "--key", key, "--suite", suite, "--created", "2025-06-01T00:00:00Z", in)
			require.Equal(t, 0, code, errOut)
			theirs, errOut, code := run(t, "node", "js/sign.mjs", "--key", key, "--suite", suite, "--created", "2025-06-01T00:00:00Z", in)
			require.Equal(t, 0, code, errOut)
			for who, signed := range map[string]string{"ours": ours, "theirs": theirs} {
				p := e.write(t, "direction-"+suite+"-"+who+".json", []byte(signed))
				ok, why := nodeVerify(t, p)
				assert.True(t, ok, "Digital Bazaar rejects %s: %s", who, why)
				ok, why = ourVerifyAny(t, e, p)
				assert.True(t, ok, "microcred rejects %s: %s", who, why)

				flipped := e.write(t, "direction-"+suite+"-"+who+"-flipped.json", bytes.Replace([]byte(signed), []byte(`"rtl"`), []byte(`"ltr"`), 1))
				ok, _ = nodeVerify(t, flipped)
				assert.False(t, ok, "Digital Bazaar accepts %s with the direction flipped", who)
				ok, _ = ourVerifyAny(t, e, flipped)
				assert.False(t, ok, "microcred accepts %s with the direction flipped", who)

				up := e.write(t, "direction-"+suite+"-"+who+"-up.json", bytes.Replace([]byte(signed), []byte(`"rtl"`), []byte(`"up"`), 1))
				ok, _ = ourVerifyAny(t, e, up)
				assert.False(t, ok, "microcred accepts a direction \"up\"")
			}
		})
	}
}
