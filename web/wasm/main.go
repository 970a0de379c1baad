//go:build js && wasm

// Command wasm is the browser verifier's WebAssembly module: the same
// [microcred.Verifier] the CLI runs (through package web/internal/report),
// built with GOOS=js GOARCH=wasm by `go generate ./web`. It defines
// globalThis.microcred with
//
//	verify({input, extras: [{name, data}], trustList, anyIssuerUnsafe, now}) -> JSON report string
//	decodeFragment(fragment) -> Uint8Array, or an Error for a malformed one
//	kind(data) -> "credential", "status-list", "receipt", "did-document" or "unknown"
//
// where input and data are Uint8Arrays and trustList a Uint8Array or null,
// then calls globalThis.microcredReady() if the page defined it, and
// stays alive to serve calls.
package main

import (
	"context"
	"encoding/json"
	"runtime/debug"
	"syscall/js"

	"github.com/onchaincert/microcred/web/internal/report"
	"github.com/onchaincert/microcred/web/share"
)

func bytesOf(v js.Value) []byte {
	if v.IsUndefined() || v.IsNull() {
		return nil
	}
	b := make([]byte, v.Get("length").Int())
	js.CopyBytesToGo(b, v)
	return b
}

func verify(_ js.Value, args []js.Value) (result any) {
	defer func() {
		// The verifier returns errors for bad input; this is for a bug,
		// so that the page says so instead of hanging.
		if r := recover(); r != nil {
			out, _ := json.Marshal(report.Report{Trust: report.NotChecked, Checks: []report.Check{}, Error: "internal error in the verifier module"})
			result = string(out)
		}
	}()
	if len(args) != 1 || args[0].Type() != js.TypeObject {
		return `{"error":"verify takes one object","checks":[]}`
	}
	a := args[0]
	req := report.Request{Input: bytesOf(a.Get("input")), TrustList: bytesOf(a.Get("trustList"))}
	if t := a.Get("trustList"); !t.IsUndefined() && !t.IsNull() && req.TrustList == nil {
		req.TrustList = []byte{}
	}
	if v := a.Get("anyIssuerUnsafe"); v.Type() == js.TypeBoolean {
		req.AnyIssuerUnsafe = v.Bool()
	}
	if v := a.Get("now"); v.Type() == js.TypeString {
		req.Now = v.String()
	}
	if ex := a.Get("extras"); ex.Type() == js.TypeObject {
		for i := 0; i < ex.Length(); i++ {
			f := ex.Index(i)
			req.Extras = append(req.Extras, report.File{Name: f.Get("name").String(), Data: bytesOf(f.Get("data"))})
		}
	}
	out, err := json.Marshal(report.Verify(context.Background(), req))
	if err != nil {
		return `{"error":"encoding the report","checks":[]}`
	}
	return string(out)
}

func decodeFragment(_ js.Value, args []js.Value) any {
	if len(args) != 1 || args[0].Type() != js.TypeString {
		return js.Global().Get("Error").New("decodeFragment takes a string")
	}
	b, err := share.DecodeFragment(args[0].String())
	if err != nil {
		return js.Global().Get("Error").New(err.Error())
	}
	u := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(u, b)
	return u
}

func main() {
	// Verifying allocates quickly and retains little; the browser's Go
	// runtime collects on one thread, so collect less often (as serve
	// does): a verification costs a few MB of heap at most.
	debug.SetGCPercent(400)
	api := js.Global().Get("Object").New()
	api.Set("verify", js.FuncOf(verify))
	api.Set("decodeFragment", js.FuncOf(decodeFragment))
	api.Set("kind", js.FuncOf(func(_ js.Value, args []js.Value) any {
		if len(args) != 1 {
			return report.KindUnknown
		}
		return report.Kind(bytesOf(args[0]))
	}))
	js.Global().Set("microcred", api)
	if ready := js.Global().Get("microcredReady"); ready.Type() == js.TypeFunction {
		ready.Invoke()
	}
	select {}
}
