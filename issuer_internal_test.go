package microcred

import (
	"bytes"
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/internal/strictjson"
	"github.com/onchaincert/microcred/vc/status"
)

type fixedAllocator struct{ url string }

func (a fixedAllocator) Allocate(context.Context) (string, int, error) { return a.url, 7, nil }

// Issue signs the object complete returns, not the bytes: the two must
// agree exactly as if the bytes had been decoded again, whatever complete
// added (including strings JSON encoding changes, such as invalid UTF-8).
func TestCompleteKeepsDecodedInStep(t *testing.T) {
	key, err := didkey.NewEd25519FromSeed(bytes.Repeat([]byte{1}, 32))
	if err != nil {
		t.Fatal(err)
	}
	bare := []byte(`{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
  "credentialSubject": {"id": "did:example:subject"}}`)
	for _, url := range []string{"https://status.example/lists/1", "https://status.example/\xff\xfe", "https://status.example/\u2028"} {
		iss, err := NewIssuer(key, WithStatus(fixedAllocator{url}, status.Revocation), WithClock(func() time.Time { return time.Unix(1700000000, 0) }))
		if err != nil {
			t.Fatal(err)
		}
		out, m, _, err := iss.complete(context.Background(), bare)
		if err != nil {
			t.Fatal(err)
		}
		v, err := strictjson.Decode(out, strictjson.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(v, m) {
			t.Errorf("URL %q: complete's object\n%v\ndiffers from its bytes decoded\n%v", url, m, v)
		}
		for _, name := range []string{"id", "issuer", "validFrom", "credentialStatus"} {
			if _, ok := m[name]; !ok {
				t.Errorf("URL %q: %s not filled in", url, name)
			}
		}
	}
}
