package vcapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/onchaincert/microcred/vc"
)

// ob3 is the OB 3.0 test credential, issued by the service's key, without
// its id (the service gives each a fresh one).
func ob3(b *testing.B, s *service) string {
	data, err := os.ReadFile("../testdata/vectors/ob3/ldp-test-vector-ob/credential.json")
	if err != nil {
		b.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		b.Fatal(err)
	}
	delete(m, "id")
	if data, err = json.Marshal(m); err != nil {
		b.Fatal(err)
	}
	cred, err := vc.SetIssuer(data, s.key.DID().String())
	if err != nil {
		b.Fatal(err)
	}
	return string(cred)
}

func serve(b *testing.B, s *service, path, body string, want int) []byte {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	s.h.ServeHTTP(w, req)
	if w.Code != want {
		b.Fatalf("%s: %d %s", path, w.Code, w.Body)
	}
	return w.Body.Bytes()
}

// BenchmarkVerifyRoute is POST /credentials/verify of the OB 3.0
// credential, in process (no network): the handler's cost per request.
func BenchmarkVerifyRoute(b *testing.B) {
	s := newService(b, serviceOptions{})
	var out struct {
		VC json.RawMessage `json:"verifiableCredential"`
	}
	if err := json.Unmarshal(serve(b, s, "/issuers/plain/credentials/issue", `{"credential": `+ob3(b, s)+`}`, http.StatusCreated), &out); err != nil {
		b.Fatal(err)
	}
	body := `{"verifiableCredential": ` + string(out.VC) + `}`
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		serve(b, s, "/credentials/verify", body, http.StatusOK)
	}
}

// BenchmarkIssueRoute is POST /issuers/school/credentials/issue of the
// OB 3.0 credential with a status entry from the SQLite store, logged
// before the answer, one request at a time (so no group commit is shared).
func BenchmarkIssueRoute(b *testing.B) {
	s := newService(b, serviceOptions{})
	body := `{"credential": ` + ob3(b, s) + `}`
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		serve(b, s, "/issuers/school/credentials/issue", body, http.StatusCreated)
	}
}
