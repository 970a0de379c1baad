package strictjson

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"testing"
)

// FuzzStrictJSON checks, for any input: no panic; Check and Decode agree;
// an error is an *Error with a nil value; anything accepted is accepted
// by encoding/json with the same value; anything encoding/json rejects is
// rejected.
func FuzzStrictJSON(f *testing.F) {
	for _, data := range testdataFiles(f) {
		f.Add(data)
	}
	for _, s := range validInputs {
		f.Add([]byte(s))
	}
	for _, s := range []string{`{"a":1,"a":2}`, `{"a":1,"\u0061":2}`, `"\ud800"`, "\"\xff\"", `1e999`, `[[[[]]]]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Decode(data, Limits{MaxDepth: 16})
		checkErr := Check(data, Limits{MaxDepth: 16})
		if (err == nil) != (checkErr == nil) {
			t.Fatalf("Decode error %v, Check error %v", err, checkErr)
		}
		var want any
		stdErr := json.Unmarshal(data, &want)
		if err != nil {
			if v != nil {
				t.Fatalf("value %v returned with error %v", v, err)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not *Error", err)
			}
			if e.Offset < 0 || e.Offset > int64(len(data)) {
				t.Fatalf("offset %d outside input of %d bytes", e.Offset, len(data))
			}
			if checkErr.Error() != err.Error() {
				t.Fatalf("Check and Decode report differently: %v / %v", checkErr, err)
			}
			return
		}
		if stdErr != nil {
			t.Fatalf("accepted input encoding/json rejects: %v", stdErr)
		}
		if !reflect.DeepEqual(v, want) || !sameBits(v, want) {
			t.Fatalf("value differs from encoding/json: %#v vs %#v", v, want)
		}
	})
}

func sameBits(a, b any) bool {
	switch x := a.(type) {
	case float64:
		return math.Float64bits(x) == math.Float64bits(b.(float64))
	case []any:
		for i := range x {
			if !sameBits(x[i], b.([]any)[i]) {
				return false
			}
		}
	case map[string]any:
		for k := range x {
			if !sameBits(x[k], b.(map[string]any)[k]) {
				return false
			}
		}
	}
	return true
}
