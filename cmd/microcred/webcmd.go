package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/did/didweb"
	"github.com/onchaincert/microcred/proof/vcjwt"
	"github.com/onchaincert/microcred/vc"
	"github.com/onchaincert/microcred/vc/bake"
	"github.com/onchaincert/microcred/vc/status"
	"github.com/onchaincert/microcred/web"
	"github.com/onchaincert/microcred/web/share"
)

const webUsage = `microcred web export DIR`

const webDetails = `Writes the browser verifier (package web: the verifier compiled to WebAssembly and a static
page around it) into DIR, for any static web host: index.html, app.js, style.css,
wasm_exec.js (Go's own, from the toolchain that built the module) and verifier-wasm.js (the
module). The page verifies in the browser and sends nothing anywhere; its
Content-Security-Policy (in a meta tag; also send it as a header if your host can:
` + web.ContentSecurityPolicy + `) forbids connections.
microcred serve also serves it at /verify/.`

func webCmd(_ context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "export" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
			fs := newFlagSet("web export", stderr)
			return usagef("%v", fs.Parse(args))
		}
		return usagef("usage: %s", webUsage)
	}
	fs := newFlagSet("web export", stderr)
	if err := fs.Parse(args[1:]); err != nil {
		return usagef("%v", err)
	}
	if fs.NArg() != 1 || fs.Arg(0) == "" {
		return usagef("usage: %s", webUsage)
	}
	dir := fs.Arg(0)
	if err := web.Export(dir); err != nil {
		return err
	}
	files, err := web.Files()
	if err != nil {
		return err
	}
	var total int
	for _, b := range files {
		total += len(b)
	}
	fmt.Fprintf(stdout, "wrote the verifier page to %s (%d files, %d bytes); open %s\n", dir, len(files), total, filepath.Join(dir, "index.html"))
	return nil
}

// webRoutes wraps the service's handler so that the verifier page is at
// /verify/ and, when the service issues nothing, at / for a browser
// (a request that accepts text/html; API clients still get the service
// information there).
func webRoutes(api http.Handler, noIssuers bool) (http.Handler, error) {
	page, err := web.Handler("/verify/")
	if err != nil {
		return nil, err
	}
	root, err := web.Handler("/")
	if err != nil {
		return nil, err
	}
	files, err := web.Files()
	if err != nil {
		return nil, err
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		switch {
		case p == "/verify" || strings.HasPrefix(p, "/verify/"):
			page.ServeHTTP(w, r)
			return
		case noIssuers && r.Method == http.MethodGet && p == "/" && strings.Contains(r.Header.Get("Accept"), "text/html"):
			root.ServeHTTP(w, r)
			return
		case noIssuers && (r.Method == http.MethodGet || r.Method == http.MethodHead) && p != "/" && files[strings.TrimPrefix(p, "/")] != nil && !strings.Contains(p[1:], "/"):
			root.ServeHTTP(w, r)
			return
		}
		api.ServeHTTP(w, r)
	}), nil
}

const shareUsage = `microcred share [--base URL] [--qr FILE.png] [--qr-size PX] CREDENTIAL`

const shareDetails = `Makes the links an issuer hands out with a credential (JSON, a JWT, or a baked PNG or SVG):
the verifier page's link with the credential in its fragment (#vc=..., compressed; a browser
never sends a fragment to a server), a LinkedIn "add to profile" URL for the badge, and with
--qr a QR code PNG of the link. --base is the page's URL (microcred serve's /verify/, or where
you put 'microcred web export'); without it only the fragment is printed.

The credential must verify offline first (its own issuer's key signed it and it is within
its validity; the issuer is not checked against a trust list and the status is not
looked up): the names in the LinkedIn URL are read from the verified credential.`

func shareCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("share", stderr)
	base := fs.String("base", "", "URL: the verifier page, e.g. https://badges.example.edu/verify/")
	qrPath := fs.String("qr", "", "FILE.png: write a QR code of the link (needs --base)")
	qrSize := fs.Int("qr-size", 512, "PX: the QR code's width and height")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if fs.NArg() != 1 {
		return usagef("usage: %s", shareUsage)
	}
	if *qrPath != "" && *base == "" {
		return usagef("--qr needs --base: a QR code of a fragment alone opens nothing")
	}
	if *qrSize < 64 || *qrSize > 4096 {
		return usagef("--qr-size %d: want 64 to 4096", *qrSize)
	}
	if err := stdinOnce(fs.Arg(0)); err != nil {
		return err
	}
	input, err := readVerifyInput(fs.Arg(0))
	if err != nil {
		return err
	}
	if k := bake.Detect(input); k == bake.PNG || k == bake.SVG {
		p, err := bake.Extract(input)
		if err != nil {
			return fmt.Errorf("%s: %w", fs.Arg(0), err)
		}
		input = p.Data
	}
	v, err := offlineVerifier(time.Now(), status.StaticFetcher{}, didweb.Static{}, nil)
	if err != nil {
		return err
	}
	policy, err := microcred.NewPolicy(microcred.AnyIssuerUnsafe(), microcred.IgnoreStatusUnsafe())
	if err != nil {
		return err
	}
	res, verr := v.Verify(ctx, input, policy)
	if verr != nil {
		writeTextReport(stderr, fs.Arg(0), res)
		return fmt.Errorf("share: %s does not verify: %w", fs.Arg(0), verr)
	}
	payload := input
	if t := strings.TrimSpace(string(input)); vcjwt.IsCompactJWS([]byte(t)) {
		payload = []byte(t)
	}
	frag, err := share.EncodeFragment(payload)
	if err != nil {
		return err
	}
	if *base == "" {
		fmt.Fprintf(stdout, "fragment: #%s\n(append it to your verifier page's URL, or give --base)\n", frag)
		return nil
	}
	link, err := share.Link(*base, payload)
	if err != nil {
		return usagef("--base: %v", err)
	}
	fmt.Fprintf(stdout, "link: %s\n", link)
	li, err := share.LinkedInURL(linkedInOf(res.Credential, link))
	if err == nil {
		fmt.Fprintf(stdout, "linkedin: %s\n", li)
	} else {
		fmt.Fprintf(stdout, "linkedin: (none: %v)\n", err)
	}
	if *qrPath != "" {
		png, err := qrcode.Encode(link, qrcode.Low, *qrSize)
		if err != nil {
			return fmt.Errorf("share: QR code of a %d-character link: %w (share the link instead)", len(link), err)
		}
		if err := writeOutput(*qrPath, png, stdout); err != nil {
			return err
		}
		if *qrPath != "-" {
			fmt.Fprintf(stdout, "qr: %s\n", *qrPath)
		}
	}
	return nil
}

// linkedInOf reads the LinkedIn fields from a verified credential: the
// achievement's name (else the credential's), the issuer's name, the
// dates and the id.
func linkedInOf(c *vc.Credential, link string) share.LinkedIn {
	l := share.LinkedIn{Name: c.Name(), Organization: c.Issuer().Name(), CertURL: link, CertID: c.ID()}
	for _, s := range c.Subjects() {
		var subj struct {
			Achievement struct {
				Name any `json:"name"`
			} `json:"achievement"`
		}
		if json.Unmarshal(s, &subj) == nil {
			if n, ok := subj.Achievement.Name.(string); ok && n != "" {
				l.Name = n
				break
			}
		}
	}
	if t, ok, err := c.ValidFrom(); ok && err == nil {
		l.Issued = t
	}
	if t, ok, err := c.ValidUntil(); ok && err == nil {
		l.Expires = t
	}
	return l
}
