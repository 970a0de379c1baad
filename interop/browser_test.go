package interop_test

// The browser verifier (package web) in a real headless Chromium, driven
// over the DevTools protocol by chromedp: the page `microcred web export`
// writes, served from a loopback file server. Run scripts/chromium.sh
// first (scripts/run.sh does): it installs the OS's chromium.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/onchaincert/microcred/internal/hostile"
	"github.com/onchaincert/microcred/vc/bake"
	"github.com/onchaincert/microcred/web/share"
)

var updateScreenshot = flag.Bool("update-screenshot", false, "rewrite ../docs/verifier.png from the browser test")

const chromiumPath = "/usr/bin/chromium"

// pageFiles are the files the exported page consists of: the only
// requests it may make.
var pageFiles = []string{"/", "/index.html", "/style.css", "/wasm_exec.js", "/verifier-wasm.js", "/app.js"}

// browser is one page loaded in headless Chromium.
type browser struct {
	ctx      context.Context
	base     string
	dir      string
	mu       sync.Mutex
	requests []string
}

// artifacts is where screenshots go: $ARTIFACTS, or a directory that
// outlives the test (its path is logged).
func artifacts(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("ARTIFACTS"); d != "" {
		require.NoError(t, os.MkdirAll(d, 0o755))
		return d
	}
	d, err := os.MkdirTemp("", "microcred-browser-")
	require.NoError(t, err)
	t.Logf("screenshots in %s", d)
	return d
}

// exportPage builds the CLI, runs `microcred web export` into a temp
// directory and serves it on loopback with a plain file server.
func exportPage(t *testing.T) (base, bin string) {
	t.Helper()
	dir := t.TempDir()
	bin = filepath.Join(dir, "microcred")
	build := exec.Command("go", "build", "-o", bin, "./cmd/microcred")
	build.Dir = ".."
	out, err := build.CombinedOutput()
	require.NoError(t, err, "building the CLI: %s", out)
	site := filepath.Join(dir, "site")
	stdout, stderr, code := run(t, bin, "web", "export", site)
	require.Equal(t, 0, code, "web export: %s %s", stdout, stderr)
	srv := httptest.NewServer(http.FileServer(http.Dir(site)))
	t.Cleanup(srv.Close)
	return srv.URL, bin
}

func openBrowser(t *testing.T, base string) *browser {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("%s is missing: run interop/scripts/chromium.sh (scripts/run.sh does)", chromiumPath)
	}
	opts := append(slices.Clone(chromedp.DefaultExecAllocatorOptions[:]),
		chromedp.ExecPath(chromiumPath), chromedp.NoSandbox, chromedp.WindowSize(900, 1300),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("no-first-run", true))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	b := &browser{base: base, dir: t.TempDir()}
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithListener(func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			b.mu.Lock()
			b.requests = append(b.requests, e.Request.URL)
			b.mu.Unlock()
		}
	}))
	ctx, cancelT := context.WithTimeout(ctx, 10*time.Minute)
	t.Cleanup(func() { cancelT(); cancel(); cancelA() })
	b.ctx = ctx
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(base+"/index.html"),
		chromedp.WaitVisible(chromedp.CSS(`body[data-state="ready"]`))))
	return b
}

// assertOnlyOwnFiles: every request the page made was for one of its own
// files (or a blob:/data: URL of the user's own bytes).
func (b *browser) assertOnlyOwnFiles(t *testing.T) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	require.NotEmpty(t, b.requests, "the network events were recorded")
	for _, u := range b.requests {
		if strings.HasPrefix(u, "data:") || strings.HasPrefix(u, "blob:"+b.base+"/") {
			continue
		}
		path, ok := strings.CutPrefix(u, b.base)
		assert.True(t, ok && slices.Contains(pageFiles, path), "the page requested %s, which is not one of its own files", u)
	}
}

type pageCheck struct {
	Check   string `json:"check"`
	Outcome string `json:"outcome"`
	Detail  string `json:"detail"`
	Error   string `json:"error"`
}

type pageReport struct {
	Verified         bool        `json:"verified"`
	Trust            string      `json:"trust"`
	OnlyTrustMissing bool        `json:"onlyTrustMissing"`
	Issuer           string      `json:"issuer"`
	Checks           []pageCheck `json:"checks"`
	Used             []string    `json:"used"`
	Error            string      `json:"error"`
	// From the DOM: what a person sees.
	Verdict   string
	DOMChecks []string
	Name      string
}

func (r *pageReport) failed() []string {
	var f []string
	for _, c := range r.Checks {
		if c.Outcome == "failed" {
			f = append(f, c.Check)
		}
	}
	return f
}

// write stores data as a file the browser can upload.
func (b *browser) write(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(b.dir, name)
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, data, 0o644))
	return p
}

// do runs actions that end in a verification and returns the report.
func (b *browser) do(t *testing.T, actions ...chromedp.Action[chromedp.Void]) *pageReport {
	t.Helper()
	all := append([]chromedp.Action[chromedp.Void]{chromedp.Evaluate[chromedp.Void](`document.body.dataset.state = "ready"; globalThis.microcredLast = null`)}, actions...)
	all = append(all, chromedp.WaitVisible(chromedp.CSS(`body[data-state="done"]`)))
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, all...); err != nil {
		status := eval[string](t, b, `document.getElementById("status").textContent`)
		t.Fatalf("the page did not finish a verification (%v); it says: %s", err, status)
	}
	raw := eval[string](t, b, `JSON.stringify(globalThis.microcredLast)`)
	rep := &pageReport{}
	require.NoError(t, json.Unmarshal([]byte(raw), rep))
	var err error
	rep.Verdict, err = chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(`#verdict`)))
	require.NoError(t, err)
	rep.DOMChecks = eval[[]string](t, b, `Array.from(document.querySelectorAll("#checks li")).map(li => li.dataset.check + " " + li.dataset.outcome)`)
	rep.Name = eval[string](t, b, `(document.querySelector("#card h3") || {}).textContent || ""`)
	return rep
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](t *testing.T, b *browser, expr string) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr))
	require.NoError(t, err, "evaluating %s", expr)
	return v
}

// drop picks files in the page's credential input (the same handler the
// drop zone uses).
func (b *browser) drop(t *testing.T, paths ...string) *pageReport {
	t.Helper()
	return b.do(t, chromedp.SetUploadFiles(chromedp.CSS(`#file`), paths))
}

func (b *browser) screenshot(t *testing.T, dir, name string) []byte {
	t.Helper()
	buf, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), buf, 0o644))
	return buf
}

func corpus(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "hostile", name))
	require.NoError(t, err)
	return data
}

func badgePNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 96, 96))
	for y := 0; y < 96; y++ {
		for x := 0; x < 96; x++ {
			c := color.NRGBA{0x1f, 0x5f, 0xb0, 0xff}
			if (x-48)*(x-48)+(y-48)*(y-48) < 30*30 {
				c = color.NRGBA{0xf2, 0xb1, 0x34, 0xff}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	return buf.Bytes()
}

const badgeSVG = `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96"><rect width="96" height="96" fill="#1f5fb0"/><circle cx="48" cy="48" r="30" fill="#f2b134"/></svg>`

func issuerDID(t *testing.T) string {
	t.Helper()
	issuer, _, err := hostile.Keys()
	require.NoError(t, err)
	return issuer.DID().String()
}

// loadTrust loads a trust list file naming ids, and sets the validity
// time to the corpus' clock.
func (b *browser) setup(t *testing.T, ids []string, anyIssuer bool) {
	t.Helper()
	trust := b.write(t, fmt.Sprintf("trust-%d.txt", time.Now().UnixNano()), []byte("# issuers I trust\n"+strings.Join(ids, "\n")+"\n"))
	require.NoError(t, chromedp.Do(b.ctx,
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.getElementById("now").value = %q; document.getElementById("any").checked = %v`, hostile.Now.Format(time.RFC3339), anyIssuer)),
		chromedp.SetUploadFiles(chromedp.CSS(`#trust`), []string{trust}),
	))
	// The trust list is read asynchronously: wait until the page says so.
	var s string
	for range 50 {
		s = eval[string](t, b, `document.getElementById("trust-state").textContent`)
		if strings.Contains(s, filepath.Base(trust)) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("the page did not load the trust list: %q", s)
}

// TestBrowserVerifier: the exported page verifies a baked PNG (VERIFIED,
// every step shown), fails a tampered one at proof, an expired one at
// validity and a revoked one (its list dropped beside it) at status,
// verifies a JWT, a baked SVG and a #vc= link, says "signature valid,
// issuer not on your list" without a trust list, and makes no request
// beyond its own files.
func TestBrowserVerifier(t *testing.T) {
	base, _ := exportPage(t)
	b := openBrowser(t, base)
	shots := artifacts(t)
	valid := corpus(t, "valid.json")
	pngBaked, err := bake.BakePNG(badgePNG(t), valid, bake.Options{})
	require.NoError(t, err)
	svgBaked, err := bake.BakeSVG([]byte(badgeSVG), valid, bake.Options{})
	require.NoError(t, err)
	tampered, err := bake.BakePNG(badgePNG(t), corpus(t, "tampered-achievement-name.json"), bake.Options{})
	require.NoError(t, err)

	// No trust list yet: the signature holds, the issuer is not listed.
	eval[chromedp.Void](t, b, fmt.Sprintf(`document.getElementById("now").value = %q`, hostile.Now.Format(time.RFC3339)))
	rep := b.drop(t, b.write(t, "badge.png", pngBaked))
	assert.False(t, rep.Verified)
	assert.True(t, rep.OnlyTrustMissing, "a valid signature by the issuer's own key, only trust missing")
	assert.Equal(t, []string{"issuer"}, rep.failed())
	assert.Contains(t, rep.Verdict, "signature valid, issuer not on your list")
	b.screenshot(t, shots, "untrusted.png")

	b.setup(t, []string{issuerDID(t)}, false)
	cases := []struct {
		name, file string
		data       []byte
		extras     map[string][]byte
		failed     []string
	}{
		{"baked PNG", "badge.png", pngBaked, nil, nil},
		{"baked SVG", "badge.svg", svgBaked, nil, nil},
		{"JWT", "badge.jwt", corpus(t, "jwt-valid.jwt"), nil, nil},
		{"tampered PNG", "tampered.png", tampered, nil, []string{"proof"}},
		{"expired", "expired.json", corpus(t, "expired.json"), nil, []string{"validity"}},
		{"revoked", "revoked.json", corpus(t, "status-revoked.json"), map[string][]byte{"revocation-list.json": corpus(t, "lists/revocation.json")}, []string{"status"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			paths := []string{b.write(t, c.file, c.data)}
			for n, d := range c.extras {
				paths = append(paths, b.write(t, n, d))
			}
			rep := b.drop(t, paths...)
			require.Empty(t, rep.Error)
			require.NotEmpty(t, rep.Checks)
			assert.Equal(t, c.failed, rep.failed(), "%s: %+v", c.name, rep.Checks)
			assert.Len(t, rep.DOMChecks, len(rep.Checks), "each step is shown")
			for i, ch := range rep.Checks {
				if i < len(rep.DOMChecks) {
					assert.Equal(t, ch.Check+" "+ch.Outcome, rep.DOMChecks[i])
				}
			}
			if c.failed == nil {
				assert.True(t, rep.Verified)
				assert.Equal(t, "VERIFIED", rep.Verdict)
				assert.Equal(t, "trusted", rep.Trust)
				for _, want := range []string{"parse", "schema", "proof", "issuer", "validity"} {
					assert.Contains(t, rep.DOMChecks, want+" passed")
				}
			} else {
				assert.False(t, rep.Verified)
				assert.Equal(t, "NOT VERIFIED", rep.Verdict)
			}
			if c.extras != nil {
				assert.NotEmpty(t, rep.Used, "the dropped status list was used")
			}
			b.screenshot(t, shots, strings.ReplaceAll(c.name, " ", "-")+".png")
		})
	}

	// The link form: the credential in the fragment.
	frag, err := share.EncodeFragment(valid)
	require.NoError(t, err)
	rep = b.do(t, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`location.hash = %q`, "#"+frag)))
	assert.True(t, rep.Verified, "%+v", rep.Checks)
	assert.NotEmpty(t, rep.Name, "the achievement is shown")

	// Keyboard only: paste a JWT, focus the button, press Enter.
	rep = b.do(t,
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.getElementById("paste").value = %q`, string(corpus(t, "jwt-valid.jwt")))),
		chromedp.Focus(chromedp.CSS(`#verify-paste`)),
		chromedp.KeyEvent("\r"))
	assert.True(t, rep.Verified, "pasted JWT: %+v", rep.Checks)
	assert.True(t, eval[bool](t, b, `Array.from(document.querySelectorAll("input, textarea")).every(e => e.labels.length > 0)`), "every control has a label")
	assert.Equal(t, "verdict", eval[string](t, b, `document.activeElement.id`), "the verdict takes the focus, for screen readers")

	// The README screenshot: the baked PNG, verified, without the files
	// of the earlier cases.
	eval[chromedp.Void](t, b, `document.getElementById("forget").click()`)
	rep = b.drop(t, b.write(t, "badge.png", pngBaked))
	assert.Empty(t, rep.Used, "the files beside were forgotten")
	require.True(t, rep.Verified)
	shot := b.screenshot(t, shots, "verified.png")
	if *updateScreenshot {
		require.NoError(t, os.WriteFile(filepath.Join("..", "docs", "verifier.png"), shot, 0o644))
	}
	// A phone's width: nothing wider than the screen.
	require.NoError(t, chromedp.Do(b.ctx, chromedp.EmulateViewport(390, 844)))
	assert.LessOrEqual(t, eval[int](t, b, `document.documentElement.scrollWidth`), 390, "no horizontal scrolling at 390 px")
	b.screenshot(t, shots, "phone.png")
	b.assertOnlyOwnFiles(t)
}

// TestBrowserTiming: in Chromium, verifying the baked PNG takes at most
// 30 ms (median of 31 runs, performance.now around the call, after the
// module loaded; the best of up to three rounds, since the machine may be
// shared), and the page is ready at most 1.5 s after navigation.
func TestBrowserTiming(t *testing.T) {
	base, _ := exportPage(t)
	b := openBrowser(t, base)
	pngBaked, err := bake.BakePNG(badgePNG(t), corpus(t, "valid.json"), bake.Options{})
	require.NoError(t, err)
	script := fmt.Sprintf(`(() => {
		const bin = atob(%q); const input = new Uint8Array(bin.length);
		for (let i = 0; i < bin.length; i++) input[i] = bin.charCodeAt(i);
		const req = {input, trustList: new TextEncoder().encode(%q), now: %q, extras: []};
		const ts = [];
		for (let i = 0; i < 32; i++) {
			const t0 = performance.now();
			const rep = JSON.parse(microcred.verify(req));
			ts.push(performance.now() - t0);
			if (!rep.verified) throw new Error("not verified: " + JSON.stringify(rep.checks));
		}
		return ts.slice(1); // the first run warms the verifier's caches
	})()`, base64.StdEncoding.EncodeToString(pngBaked), issuerDID(t), hostile.Now.Format(time.RFC3339))
	ready := eval[float64](t, b, `microcredTiming.readyMs`)
	// The machine is shared (CI runners, other jobs): up to three rounds
	// of 31 calls, and the best round's median must meet the target. A
	// verifier that is slow when it has the CPU fails every round.
	best := 0.0
	for round := range 3 {
		runs := eval[[]float64](t, b, script)
		sort.Float64s(runs)
		median := runs[len(runs)/2]
		t.Logf("round %d: verify of the baked PNG: median %.1f ms, min %.1f, max %.1f over %d runs", round+1, median, runs[0], runs[len(runs)-1], len(runs))
		if round == 0 || median < best {
			best = median
		}
		if best <= 30 {
			break
		}
	}
	// Time to interactive, likewise the best of up to three loads.
	for load := 2; ready > 1500 && load <= 3; load++ {
		t.Logf("load %d: ready %.0f ms after navigation; loading again", load-1, ready)
		require.NoError(t, chromedp.Do(b.ctx, chromedp.Navigate(base+"/"),
			chromedp.WaitVisible(chromedp.CSS(`body[data-state="ready"]`))))
		ready = min(ready, eval[float64](t, b, `microcredTiming.readyMs`))
	}
	t.Logf("ready %.0f ms after navigation", ready)
	assert.LessOrEqual(t, best, 30.0, "verify ≤ 30 ms (median of a round)")
	assert.LessOrEqual(t, ready, 1500.0, "interactive ≤ 1.5 s")
	b.assertOnlyOwnFiles(t)
}

type hostileCase struct{ file, setup, check string }

// TestBrowserHostileCorpus: every case of the hostile corpus that the
// page can load (credentials verified with a trust list or any issuer,
// with the corpus' status lists dropped beside them; not presentations
// or the selective-disclosure setups, which the page does not offer)
// fails in the page at the same check as in `microcred verify`, and the
// controls verify in both.
func TestBrowserHostileCorpus(t *testing.T) {
	base, bin := exportPage(t)
	b := openBrowser(t, base)
	f, err := os.Open(filepath.Join("..", "testdata", "hostile", "MANIFEST.tsv"))
	require.NoError(t, err)
	defer f.Close()
	var cases []hostileCase
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) != 5 || strings.HasPrefix(cols[0], "#") {
			continue
		}
		if cols[1] == "any" || cols[1] == "trust" || cols[1] == "trust-other" {
			cases = append(cases, hostileCase{cols[0], cols[1], cols[2]})
		}
	}
	require.NoError(t, sc.Err())
	require.GreaterOrEqual(t, len(cases), 100, "most of the corpus is loadable")

	// The corpus' status lists, at the URLs the library's test serves
	// them from (the CLI) and dropped beside the credential (the page).
	lists := map[string]string{
		hostile.ListRevocation: "revocation.json", hostile.ListSuspension: "suspension.json",
		hostile.ListOtherIssuer: "other-issuer.json", hostile.ListTampered: "tampered.json",
		hostile.ListReplayed: "replayed.json", hostile.ListExpired: "expired.json", hostile.ListRespelled: "respelled.json",
	}
	var listArgs, listPaths []string
	for url, file := range lists {
		p := filepath.Join("..", "testdata", "hostile", "lists", file)
		listArgs = append(listArgs, "--status-list", url+"="+p)
		abs, err := filepath.Abs(p)
		require.NoError(t, err)
		listPaths = append(listPaths, abs)
	}
	sort.Strings(listPaths)
	require.NoError(t, chromedp.Do(b.ctx, chromedp.SetUploadFiles(chromedp.CSS(`#extras`), listPaths)))

	issuer, other, err := hostile.Keys()
	require.NoError(t, err)
	setups := map[string][]string{"trust": {issuer.DID().String()}, "trust-other": {other.DID().String()}, "any": nil}
	sort.SliceStable(cases, func(i, j int) bool { return cases[i].setup < cases[j].setup })
	current := ""
	compared := 0
	for _, c := range cases {
		if c.setup != current {
			current = c.setup
			ids := setups[c.setup]
			if ids == nil {
				ids = []string{other.DID().String()}
			}
			b.setup(t, ids, c.setup == "any")
		}
		t.Run(c.file, func(t *testing.T) {
			path, err := filepath.Abs(filepath.Join("..", "testdata", "hostile", c.file))
			require.NoError(t, err)
			args := []string{"verify", "--json", "--now", hostile.Now.Format(time.RFC3339)}
			if c.setup == "any" {
				args = append(args, "--any-issuer")
			} else {
				args = append(args, "--trust", setups[c.setup][0])
			}
			args = append(append(args, listArgs...), path)
			stdout, stderr, code := run(t, bin, args...)
			require.Contains(t, []int{0, 1}, code, "verify %s: %s", c.file, stderr)
			var cli struct {
				Verified bool `json:"verified"`
				Checks   []struct {
					Check   string `json:"check"`
					Outcome string `json:"outcome"`
				} `json:"checks"`
			}
			require.NoError(t, json.Unmarshal([]byte(stdout), &cli))
			var cliFailed []string
			for _, ch := range cli.Checks {
				if ch.Outcome == "failed" {
					cliFailed = append(cliFailed, ch.Check)
				}
			}
			rep := b.drop(t, path)
			require.Empty(t, rep.Error)
			assert.Equal(t, cli.Verified, rep.Verified, "%s: verdict", c.file)
			assert.Equal(t, cliFailed, rep.failed(), "%s: the failing check in the CLI and in the page", c.file)
			if c.check == "-" {
				assert.True(t, rep.Verified, "%s is a control", c.file)
			} else {
				assert.Equal(t, strings.Split(c.check, "+"), rep.failed(), "%s: the check MANIFEST.tsv names", c.file)
			}
			compared++
		})
	}
	t.Logf("%d corpus cases compared between the CLI and the page", compared)
	b.assertOnlyOwnFiles(t)
}
