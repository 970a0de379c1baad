package main

import (
	"bytes"
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/vc/bake"
)

//go:embed demo-credential.json
var demoTemplate string

// demoCredential fills the OB 3.0 demo template.
func demoCredential(issuer string, now time.Time) []byte {
	var id [16]byte
	_, _ = rand.Read(id[:])
	id[6] = id[6]&0x0f | 0x40
	id[8] = id[8]&0x3f | 0x80
	h := hex.EncodeToString(id[:])
	uuid := h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
	r := strings.NewReplacer(
		"CREDENTIAL-ID", uuid,
		"ISSUER-DID", issuer,
		"VALID-FROM", now.UTC().Truncate(time.Second).Format(time.RFC3339),
		"VALID-UNTIL", now.UTC().Truncate(time.Second).AddDate(3, 0, 0).Format(time.RFC3339),
	)
	return []byte(r.Replace(demoTemplate))
}

func demo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("demo", stderr)
	out := fs.String("out", "", "also write the baked badge PNG here (- writes it to standard output, and the narrative to standard error)")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if fs.NArg() != 0 {
		return usagef("demo takes no arguments")
	}
	now := time.Now()
	image := stdout
	if *out == "-" {
		stdout = stderr // standard output carries the image
	}
	st := styleFor(stdout)

	fmt.Fprintln(stdout, "== 1. The school generates its signing key (did:key, Ed25519)")
	key, err := didkey.GenerateEd25519()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "   issuer DID: %s\n\n", key.DID())

	fmt.Fprintln(stdout, "== 2. The LMS builds an Open Badges 3.0 AchievementCredential and signs it (eddsa-rdfc-2022)")
	issuer, err := microcred.NewIssuer(key, microcred.WithClock(func() time.Time { return now }))
	if err != nil {
		return err
	}
	start := time.Now()
	signed, err := issuer.Issue(ctx, demoCredential(key.DID().String(), now))
	if err != nil {
		return err
	}
	signTime := time.Since(start)
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, signed, "   ", "  "); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "   signed in %s; the learner receives %d bytes:\n   %s\n\n", signTime.Round(time.Microsecond), len(signed), pretty.String())

	fmt.Fprintln(stdout, "== 3. The credential is baked into the badge image the learner shares")
	badge, err := drawBadge(96)
	if err != nil {
		return err
	}
	baked, err := bake.BakePNG(badge, signed, bake.Options{})
	if err != nil {
		return err
	}
	if *out != "" {
		if err := writeOutput(*out, baked, image); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "   wrote %s (%d bytes)\n\n", *out, len(baked))
	} else {
		fmt.Fprintf(stdout, "   badge.png: %d bytes (PNG with an openbadgecredential iTXt chunk; --out FILE to keep it)\n\n", len(baked))
	}

	fmt.Fprintln(stdout, "== 4. An employer verifies the badge image offline (no network, embedded contexts, did:key)")
	v, err := offlineVerifier(now, nil, nil, nil)
	if err != nil {
		return err
	}
	policy, err := microcred.NewPolicy(microcred.TrustIssuers(key.DID().String()))
	if err != nil {
		return err
	}
	start = time.Now()
	res, verr := v.Verify(ctx, baked, policy)
	verifyTime := time.Since(start)
	writeReport(stdout, st, "badge.png", res)
	if verr != nil {
		return fmt.Errorf("the demo credential did not verify: %w", verr)
	}
	fmt.Fprintf(stdout, "   verified in %s\n\n", verifyTime.Round(time.Microsecond))

	fmt.Fprintln(stdout, "== 5. Someone edits the score from 92 to 99: verification fails")
	tampered := bytes.Replace(signed, []byte(`"value":"92"`), []byte(`"value":"99"`), 1)
	if bytes.Equal(tampered, signed) {
		tampered = bytes.Replace(signed, []byte(`"92"`), []byte(`"99"`), 1)
	}
	res, verr = v.Verify(ctx, tampered, policy)
	writeReport(stdout, st, "badge-tampered.json", res)
	if verr == nil {
		return fmt.Errorf("the tampered credential verified")
	}
	fmt.Fprintln(stdout)
	fmt.Fprintln(stdout, "Demo complete: issued, signed, baked, verified offline, and tampering detected.")
	return nil
}
