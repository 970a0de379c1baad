package vcapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"strings"

	"github.com/onchaincert/microcred/internal/jsonedit"
	"github.com/onchaincert/microcred/internal/strictjson"
)

// Problem types: VCDM 2.0 §7.1 (https://www.w3.org/TR/vc-data-model-2.0/#problem-details)
// and VC Data Integrity §2.3 (https://www.w3.org/TR/vc-data-integrity/#processing-errors).
const (
	typeParsing      = "https://www.w3.org/TR/vc-data-model#PARSING_ERROR"
	typeCrypto       = "https://www.w3.org/TR/vc-data-model#CRYPTOGRAPHIC_SECURITY_ERROR"
	typeMalformed    = "https://www.w3.org/TR/vc-data-model#MALFORMED_VALUE_ERROR"
	typeRange        = "https://www.w3.org/TR/vc-data-model#RANGE_ERROR"
	typeProofGen     = "https://w3id.org/security#PROOF_GENERATION_ERROR"
	typeProofVerify  = "https://w3id.org/security#PROOF_VERIFICATION_ERROR"
	typeChallenge    = "https://w3id.org/security#INVALID_CHALLENGE_ERROR"
	typeDomain       = "https://w3id.org/security#INVALID_DOMAIN_ERROR"
	typeUnauthorized = "https://w3id.org/vc-api#UNAUTHORIZED"
	typeInternal     = "https://w3id.org/vc-api#INTERNAL_ERROR"
	typeConflict     = "https://w3id.org/vc-api#CONFLICT"
)

// codes are the VCDM 2.0 and Data Integrity error codes of the types.
var codes = map[string]int{
	typeParsing: -64, typeCrypto: -65, typeMalformed: -66, typeRange: -67,
	typeProofGen: -16, typeProofVerify: -17, typeDomain: -19, typeChallenge: -20,
}

// problem is an RFC 9457 problem detail as VCDM 2.0 shapes it.
type problem struct {
	Type   string `json:"type"`
	Code   int    `json:"code,omitempty"`
	Title  string `json:"title"`
	Detail string `json:"detail,omitempty"`
	// Check is the microcred check that failed, when one did.
	Check string `json:"check,omitempty"`
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		code, data = http.StatusInternalServerError, []byte(`{"type":"`+typeInternal+`","title":"internal error"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	w.Write(append(data, '\n'))
}

func writeRaw(w http.ResponseWriter, code int, contentType string, data []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	w.Write(data)
}

// writeProblem answers one problem as application/problem+json.
func writeProblem(w http.ResponseWriter, code int, p problem) {
	if p.Code == 0 {
		p.Code = codes[p.Type]
	}
	data, _ := json.Marshal(p)
	writeRaw(w, code, "application/problem+json", append(data, '\n'))
}

// errBody is a request body that cannot be used; code is its HTTP status.
type errBody struct {
	code int
	p    problem
}

func (e *errBody) Error() string { return e.p.Detail }

// wrote writes e as the answer's problem and reports whether there was
// one: a handler returns when it is true.
func wrote(w http.ResponseWriter, e *errBody) bool {
	if e == nil {
		return false
	}
	writeProblem(w, e.code, e.p)
	return true
}

// readObjectRequest reads a body of two members, the object name (which
// it requires) and options (decoded into opts, absent leaves them zero),
// and returns the object's bytes; false: the problem is written to w.
func readObjectRequest(w http.ResponseWriter, r *http.Request, limit int64, name string, opts any) ([]byte, bool) {
	body, eb := readBody(r, limit, name, "options")
	if wrote(w, eb) {
		return nil, false
	}
	obj, eb := body.object(name, true)
	if wrote(w, eb) || wrote(w, body.decode("options", opts)) {
		return nil, false
	}
	return obj, true
}

func bad(format string, args ...any) *errBody {
	return &errBody{code: http.StatusBadRequest, p: problem{Type: typeParsing, Title: "malformed request", Detail: fmt.Sprintf(format, args...)}}
}

// members is a request body object: the exact bytes of each member.
type members map[string][]byte

// readBody reads a JSON object body strictly (one value, no duplicate
// names, bounded size and depth) and returns its members' bytes; members
// not in allowed are refused, so a misspelt option is never silently
// ignored.
func readBody(r *http.Request, limit int64, allowed ...string) (members, *errBody) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && mt != "application/ld+json" && !(len(mt) > 5 && mt[len(mt)-5:] == "+json")) {
			return nil, &errBody{code: http.StatusUnsupportedMediaType, p: problem{Type: typeParsing, Title: "unsupported media type", Detail: fmt.Sprintf("Content-Type %q: send application/json", ct)}}
		}
	}
	data, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, &errBody{code: http.StatusRequestEntityTooLarge, p: problem{Type: typeParsing, Title: "request too large", Detail: fmt.Sprintf("the body is larger than %d bytes", mbe.Limit)}}
		}
		return nil, bad("reading the body: %v", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, bad("the body is empty: send a JSON object")
	}
	if err := strictjson.Check(data, strictjson.Limits{MaxBytes: int(limit)}); err != nil {
		return nil, bad("the body is not strict JSON: %v", err)
	}
	if data = bytes.TrimSpace(data); data[0] != '{' {
		return nil, bad("the body is a JSON %s: send a JSON object", jsonKind(data))
	}
	ms, err := jsonedit.Members(data)
	if err != nil {
		return nil, bad("the body: %v", err)
	}
	out := members{}
	for _, m := range ms {
		ok := false
		for _, a := range allowed {
			ok = ok || a == m.Name
		}
		if !ok {
			return nil, bad("unknown member %q (this route reads %v)", m.Name, allowed)
		}
		out[m.Name] = data[m.Start:m.End]
	}
	return out, nil
}

// object returns member name, which must be a JSON object when present.
func (ms members) object(name string, required bool) ([]byte, *errBody) {
	v, ok := ms[name]
	switch {
	case !ok && required:
		return nil, bad("%s: missing", name)
	case !ok:
		return nil, nil
	case v[0] != '{':
		return nil, bad("%s: a JSON %s, want an object", name, jsonKind(v))
	}
	return v, nil
}

// decode reads member name into v (a struct of options), refusing
// members v does not have.
func (ms members) decode(name string, v any) *errBody {
	data, eb := ms.object(name, false)
	if eb != nil || data == nil {
		return eb
	}
	if err := exactMembers(data, jsonNames(v)...); err != nil {
		return bad("%s: %v", name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return bad("%s: %v", name, err)
	}
	return nil
}

// exactMembers refuses an object member whose name is not one of allowed,
// spelt exactly: encoding/json matches names case-insensitively, so
// without this {"Aud": …} would be read as aud.
func exactMembers(data []byte, allowed ...string) error {
	ms, err := jsonedit.Members(data)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if !slices.Contains(allowed, m.Name) {
			return fmt.Errorf("unknown field %q (known: %v)", m.Name, allowed)
		}
	}
	return nil
}

// jsonNames are the member names of the struct v points to.
func jsonNames(v any) []string {
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	var names []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		names = append(names, name)
	}
	return names
}

func jsonKind(v []byte) string {
	switch v[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}
