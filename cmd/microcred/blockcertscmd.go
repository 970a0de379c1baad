package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/anchor/merkle2019"
	"github.com/onchaincert/microcred/did/didkey"
)

// blockcertsChains maps the --chain names of the blockcerts command to
// the blink chain and network MerkleProof2019 writes.
var blockcertsChains = map[string]merkle2019.Blink{
	"mocknet":          {Chain: "mocknet", Network: "mocknet"},
	"bitcoin-testnet":  {Chain: "btc", Network: "testnet"},
	"bitcoin-mainnet":  {Chain: "btc", Network: "mainnet"},
	"ethereum-sepolia": {Chain: "eth", Network: "sepolia"},
	"ethereum-mainnet": {Chain: "eth", Network: "mainnet"},
}

// blockcertsCmd issues a batch of Blockcerts v3 certificates with
// MerkleProof2019 proofs. The inputs are unsigned credentials (JSON-LD
// the embedded contexts define, e.g. the Blockcerts v3 contexts). Two
// runs over the same inputs: the first prints the root to anchor, the
// second (--anchor-tx) writes the certificates.
func blockcertsCmd(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("blockcerts", stderr)
	keyPath := fs.String("key", "", "secp256k1 key file: its did:key is the proof's verificationMethod and its address anchors the root")
	chainName := fs.String("chain", "", "mocknet|bitcoin-testnet|bitcoin-mainnet|ethereum-sepolia|ethereum-mainnet")
	anchorTx := fs.String("anchor-tx", "", "the transaction that carries the root (Bitcoin: display hex; Ethereum: 0x hash; mocknet: a label); without it, print the root and stop")
	rootHex := fs.String("root", "", "with --anchor-tx: the root that was anchored; refuse if the inputs make another")
	createdStr := fs.String("created", "", "proof creation time, RFC 3339 (default: now)")
	setIssuer := fs.Bool("set-issuer", false, "replace each input's issuer id with the key's DID (or --issuer-profile URL)")
	profileURL := fs.String("issuer-profile", "", "URL: name the issuer by a Blockcerts issuer profile at URL instead of the key's did:key; the profile to publish there is written to DIR/issuer-profile.json")
	issuerName := fs.String("issuer-name", "Issuer", "with --issuer-profile: the profile's name")
	out := fs.String("out", "", "directory for the certificates (one per input, same file name)")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if fs.NArg() == 0 {
		return usagef("blockcerts takes at least one credential file")
	}
	blink, ok := blockcertsChains[*chainName]
	if !ok {
		return usagef("--chain must be mocknet, bitcoin-testnet, bitcoin-mainnet, ethereum-sepolia or ethereum-mainnet, got %q", *chainName)
	}
	if *anchorTx != "" && *out == "" {
		return usagef("--anchor-tx needs --out")
	}
	if *rootHex != "" && *anchorTx == "" {
		return usagef("--root goes with --anchor-tx")
	}
	created := time.Now().UTC()
	if *createdStr != "" {
		var err error
		if created, err = time.Parse(time.RFC3339, *createdStr); err != nil {
			return usagef("--created: %v", err)
		}
	}
	if *anchorTx != "" {
		blink.TxID = *anchorTx
		if _, err := merkle2019.ParseBlink(blink.String()); err != nil {
			return usagef("--anchor-tx: %v", err)
		}
	}
	if err := stdinOnce(append([]string{*keyPath}, fs.Args()...)...); err != nil {
		return err
	}
	priv, err := loadSecp256k1(*keyPath)
	if err != nil {
		return err
	}
	key, err := didkey.NewFromPrivate(didkey.Secp256k1, priv.Serialize())
	if err != nil {
		return err
	}
	issuerID, vm := key.DID().String(), key.VerificationMethod()
	if *profileURL != "" {
		if !strings.HasPrefix(*profileURL, "https://") || strings.Contains(*profileURL, "#") {
			return usagef("--issuer-profile wants an https URL without a fragment")
		}
		issuerID, vm = *profileURL, *profileURL+"#key-1"
	}
	names := map[string]bool{}
	docs := make([][]byte, fs.NArg())
	b, err := merkle2019.NewBatch(nil)
	if err != nil {
		return err
	}
	for i, path := range fs.Args() {
		name := filepath.Base(path)
		if names[name] {
			return usagef("two inputs are named %s", name)
		}
		names[name] = true
		data, err := readInput(path)
		if err != nil {
			return err
		}
		if docs[i], err = blockcertsIssuer(data, issuerID, *setIssuer); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if _, err := b.Add(docs[i]); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	root, err := b.Root()
	if err != nil {
		return err
	}
	rootStr := hex.EncodeToString(root)
	if *anchorTx == "" {
		fmt.Fprintln(stdout, rootStr)
		if blink.Chain != "mocknet" {
			addr, err := merkle2019.IssuingAddress(priv.PubKey().SerializeCompressed(), blink)
			if err != nil {
				return err
			}
			fmt.Fprintf(stderr, "anchor this root on %s from %s (the address Blockcerts derives from the key), then run again with --anchor-tx TXID --out DIR\n", *chainName, addr)
		} else {
			fmt.Fprintln(stderr, "mocknet: run again with --anchor-tx LABEL --out DIR")
		}
		return nil
	}
	if *rootHex != "" && strings.TrimPrefix(*rootHex, "0x") != rootStr {
		return fmt.Errorf("the inputs make root %s, not the anchored %s", rootStr, *rootHex)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	opts := merkle2019.ProofOptions{Anchors: []merkle2019.Blink{blink}, VerificationMethod: vm, Created: created}
	if *profileURL != "" {
		prof, err := issuerProfile(*profileURL, *issuerName, priv.PubKey(), blink, created)
		if err != nil {
			return err
		}
		dst := filepath.Join(*out, "issuer-profile.json")
		if err := os.WriteFile(dst, prof, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "publish %s at %s\n", dst, *profileURL)
	}
	for i, path := range fs.Args() {
		cert, err := b.Attach(i, docs[i], opts)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		dst := filepath.Join(*out, filepath.Base(path))
		if err := os.WriteFile(dst, append(cert, '\n'), 0o644); err != nil {
			return err
		}
		fmt.Fprintln(stdout, dst)
	}
	return nil
}

// blockcertsIssuer checks that the credential's issuer (a string or an
// object's id) is did, or sets it when set is true.
func blockcertsIssuer(data []byte, did string, set bool) ([]byte, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("not a JSON object: %w", err)
	}
	var id string
	var obj map[string]json.RawMessage
	raw := m["issuer"]
	if json.Unmarshal(raw, &id) != nil {
		if json.Unmarshal(raw, &obj) == nil && obj != nil {
			_ = json.Unmarshal(obj["id"], &id)
		}
	}
	if id == did {
		return data, nil
	}
	if !set {
		return nil, fmt.Errorf("the issuer is %q, not the key's DID %s (use --set-issuer)", id, did)
	}
	didJSON, _ := json.Marshal(did)
	if obj != nil {
		obj["id"] = didJSON
		m["issuer"], _ = json.Marshal(obj)
	} else {
		m["issuer"] = didJSON
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// hasMerkleProof2019 reports whether input is a JSON credential with a
// MerkleProof2019 proof (any of its three forms).
func hasMerkleProof2019(input []byte) bool {
	var m struct {
		Proof json.RawMessage `json:"proof"`
	}
	if json.Unmarshal(input, &m) != nil || len(m.Proof) == 0 {
		return false
	}
	var list []map[string]any
	if json.Unmarshal(m.Proof, &list) != nil {
		var one map[string]any
		if json.Unmarshal(m.Proof, &one) != nil {
			return false
		}
		list = []map[string]any{one}
	}
	for _, p := range list {
		switch {
		case p["type"] == merkle2019.Type,
			p["type"] == "DataIntegrityProof" && p["cryptosuite"] == merkle2019.Cryptosuite,
			p["type"] == "ChainedProof2021" && p["chainedProofType"] == merkle2019.Type:
			return true
		}
	}
	return false
}

// blockcertsTx is the transaction data verify reads for a
// MerkleProof2019 anchor: the shape of Blockcerts' TransactionData (what
// cert-verifier-js reads from an explorer), plus an optional raw
// transaction.
type blockcertsTx struct {
	RemoteHash       string   `json:"remoteHash"`
	IssuingAddress   string   `json:"issuingAddress"`
	Time             string   `json:"time"`
	RevokedAddresses []string `json:"revokedAddresses,omitempty"`
	RawTx            string   `json:"rawTx,omitempty"`
}

// verifyBlockcerts verifies a credential's MerkleProof2019 proof with the
// transaction data in --blockcerts-tx. The issuer binding is resolved
// offline: the proof's verificationMethod must be a did:key secp256k1 key
// of the credential's issuer (or a key of the --issuer-profile), and the
// transaction's sender must be its address. The report has two checks,
// merkle2019 (proof, anchor, issuer key) and issuer (trust), and the
// anchor's assurance.
func (e *verifyEnv) verifyBlockcerts(ctx context.Context, file string, input []byte) *fileReport {
	min, err := e.ro.level(anchor.L1)
	if err != nil {
		return &fileReport{file: file, readErr: err}
	}
	if min > anchor.L2 {
		return &fileReport{file: file, readErr: usagef("--require-level %s: a MerkleProof2019 proof carries no block evidence (at most L2)", min)}
	}
	var tx *merkle2019.TxData
	if e.bcTx != "" {
		if tx, err = readBlockcertsTx(e.bcTx); err != nil {
			return &fileReport{file: file, readErr: err}
		}
	}
	res := &microcred.Result{At: e.now, Issuer: credentialIssuer(input)}
	rep := &fileReport{file: file, res: res, name: unsafeClaimedIssuerName(input), trust: trustNotChecked}
	notVerified := func(err error) *fileReport {
		res.Checks = append(res.Checks,
			microcred.CheckResult{Check: "merkle2019", Outcome: microcred.Failed, Err: err},
			microcred.CheckResult{Check: microcred.CheckIssuer, Outcome: microcred.Skipped, Err: errors.New("skipped: an earlier check failed")})
		return rep
	}
	// First pass, L0 only: the proof's own claims (which key, which
	// anchor), needed to pick the issuer key and the transaction.
	pre, err := merkle2019.Verify(ctx, input, merkle2019.Options{Require: anchor.L0})
	if err != nil {
		return notVerified(err)
	}
	res.VerificationMethod = pre.VerificationMethod
	issuer, pub, window, err := blockcertsIssuerKey(input, pre.VerificationMethod, e.bcProf, pre.Anchor)
	if ue := (*usageError)(nil); errors.As(err, &ue) {
		return &fileReport{file: file, readErr: err}
	} else if err != nil {
		return notVerified(err)
	}
	res.Issuer = issuer
	opts := merkle2019.Options{Require: min}
	if pre.Chain != anchor.ChainMock {
		addr, err := merkle2019.IssuingAddress(pub.SerializeCompressed(), pre.Anchor)
		if err != nil {
			return notVerified(err)
		}
		ik := merkle2019.IssuerKey{Address: addr, PublicKey: pub.SerializeCompressed()}
		if window != nil {
			ik.Created, ik.Revoked, ik.Expires = window.Created, window.Revoked, window.Expires
		}
		opts.IssuerKeys = []merkle2019.IssuerKey{ik}
		if tx != nil {
			opts.Transactions = merkle2019.StaticTx{pre.Anchor.String(): tx}
		}
	}
	if min >= anchor.L1 && opts.Transactions == nil {
		if pre.Chain == anchor.ChainMock {
			return notVerified(fmt.Errorf("a mocknet anchor is on no chain: it reaches L0 only (--require-level L0 to accept it)"))
		}
		return notVerified(fmt.Errorf("%s needs the anchor transaction's data (--blockcerts-tx FILE) to reach %s", pre.Anchor, min))
	}
	mres, err := merkle2019.Verify(ctx, input, opts)
	rep.anchor = &anchorReport{level: mres.Level, chain: mres.Chain, noFinality: mres.NoFinality, sender: mres.IssuingAddress, reason: mres.Reason, required: true, min: min, ok: err == nil}
	if err != nil {
		rep.anchor.reason = err
		return notVerified(err)
	}
	res.Checks = append(res.Checks, microcred.CheckResult{Check: "merkle2019", Outcome: microcred.Passed, Detail: fmt.Sprintf("%s, anchor %s", pre.VerificationMethod, mres.Anchor)})
	// issuer: trust, decided as for every credential.
	switch {
	case e.mode == trustAny:
		rep.trust = trustAnyIssuer
		res.Checks = append(res.Checks, microcred.CheckResult{Check: microcred.CheckIssuer, Outcome: microcred.Passed, Detail: "key of the issuer; issuer not checked against a trust list (--any-issuer)"})
	case e.mode == trustList && containsString(e.trusted, issuer):
		rep.trust = trustTrusted
		res.Checks = append(res.Checks, microcred.CheckResult{Check: microcred.CheckIssuer, Outcome: microcred.Passed, Detail: "key of a trusted issuer"})
	default:
		rep.trust, rep.hint = trustUntrusted, "--trust "+issuer
		why := "no issuer is trusted"
		if e.mode == trustList {
			why = "not among the trusted issuers"
		}
		res.Checks = append(res.Checks, microcred.CheckResult{Check: microcred.CheckIssuer, Outcome: microcred.Failed, Err: fmt.Errorf("%w: %q (%s)", microcred.ErrUntrustedIssuer, issuer, why)})
	}
	rep.notes = append(rep.notes, "not checked: status, validity dates (MerkleProof2019 verification covers the proof, anchor and issuer key)")
	rep.verified = rep.trust != trustUntrusted
	if e.ro.path != "" {
		a, err := evalReceipt(input, e.ro)
		if err != nil {
			return &fileReport{file: file, readErr: err}
		}
		rep.receipt = a
		rep.verified = rep.verified && a.ok
	}
	return rep
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// credentialIssuer returns the issuer id of a credential (a string or an
// object's id), or "".
func credentialIssuer(input []byte) string {
	var m struct {
		Issuer json.RawMessage `json:"issuer"`
	}
	_ = json.Unmarshal(input, &m)
	var id string
	if json.Unmarshal(m.Issuer, &id) != nil {
		var obj struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(m.Issuer, &obj)
		id = obj.ID
	}
	return id
}

// blockcertsIssuerKey resolves the proof's verificationMethod offline —
// a did:key secp256k1 key, or a key of the issuer profile in profilePath
// — and checks that it is the credential's issuer's. For a profile key it
// also returns the validity window the profile's publicKey list gives the
// key's address on the anchor's chain (which must be listed, as
// Blockcerts requires).
func blockcertsIssuerKey(input []byte, vm, profilePath string, blink merkle2019.Blink) (string, *secp256k1.PublicKey, *merkle2019.IssuerKey, error) {
	id := credentialIssuer(input)
	didPart, fragment, ok := strings.Cut(vm, "#")
	if !ok {
		return "", nil, nil, fmt.Errorf("verificationMethod %q has no fragment", vm)
	}
	if didPart != id {
		return "", nil, nil, fmt.Errorf("verificationMethod %q is not a key of the issuer %q", vm, id)
	}
	if strings.HasPrefix(didPart, "did:key:") {
		pk, typ, err := didkey.Parse(didPart)
		if err != nil {
			return "", nil, nil, fmt.Errorf("verificationMethod %q: %w", vm, err)
		}
		pub, isK1 := pk.(*secp256k1.PublicKey)
		if typ != didkey.Secp256k1 || !isK1 || fragment != strings.TrimPrefix(didPart, "did:key:") {
			return "", nil, nil, fmt.Errorf("verificationMethod %q is not a did:key secp256k1 key", vm)
		}
		return id, pub, nil, nil
	}
	if profilePath == "" {
		return "", nil, nil, usagef("verificationMethod %q: give the issuer profile with --issuer-profile FILE (nothing is fetched)", vm)
	}
	data, err := readSmallFile(profilePath, "--issuer-profile")
	if err != nil {
		return "", nil, nil, err
	}
	var prof blockcertsProfile
	if err := json.Unmarshal(data, &prof); err != nil {
		return "", nil, nil, fmt.Errorf("issuer profile %s: %w", profilePath, err)
	}
	if prof.ID != id {
		return "", nil, nil, fmt.Errorf("issuer profile %s is %q, not the issuer %q", profilePath, prof.ID, id)
	}
	var pub *secp256k1.PublicKey
	for _, m := range prof.VerificationMethod {
		if m.ID != vm && id+m.ID != vm {
			continue
		}
		if m.PublicKeyJwk.Kty != "EC" || m.PublicKeyJwk.Crv != "secp256k1" {
			return "", nil, nil, fmt.Errorf("issuer profile key %q is not a secp256k1 JWK", vm)
		}
		x, errX := base64.RawURLEncoding.DecodeString(m.PublicKeyJwk.X)
		y, errY := base64.RawURLEncoding.DecodeString(m.PublicKeyJwk.Y)
		if errX != nil || errY != nil || len(x) != 32 || len(y) != 32 {
			return "", nil, nil, fmt.Errorf("issuer profile key %q: malformed JWK", vm)
		}
		if pub, err = secp256k1.ParsePubKey(append(append([]byte{4}, x...), y...)); err != nil {
			return "", nil, nil, fmt.Errorf("issuer profile key %q: %w", vm, err)
		}
	}
	if pub == nil {
		return "", nil, nil, fmt.Errorf("issuer profile %s has no verificationMethod %q", profilePath, vm)
	}
	if blink.Chain == "mocknet" {
		return id, pub, nil, nil
	}
	addr, err := merkle2019.IssuingAddress(pub.SerializeCompressed(), blink)
	if err != nil {
		return "", nil, nil, err
	}
	for _, k := range prof.PublicKey {
		if !strings.EqualFold(k.ID, "ecdsa-koblitz-pubkey:"+addr) {
			continue
		}
		w := &merkle2019.IssuerKey{Address: addr}
		for _, t := range []struct {
			s   string
			dst *time.Time
		}{{k.Created, &w.Created}, {k.Revoked, &w.Revoked}, {k.Expires, &w.Expires}} {
			if t.s == "" {
				continue
			}
			if *t.dst, err = time.Parse(time.RFC3339Nano, t.s); err != nil {
				return "", nil, nil, fmt.Errorf("issuer profile key %s: %w", k.ID, err)
			}
		}
		return id, pub, w, nil
	}
	return "", nil, nil, fmt.Errorf("issuer profile %s does not list the address %s of key %q in publicKey", profilePath, addr, vm)
}

// blockcertsProfile is the part of a Blockcerts issuer profile verify
// reads, and the profile blockcerts --issuer-profile writes.
type blockcertsProfile struct {
	Context            []string               `json:"@context,omitempty"`
	Type               string                 `json:"type,omitempty"`
	ID                 string                 `json:"id"`
	Name               string                 `json:"name,omitempty"`
	PublicKey          []blockcertsProfileKey `json:"publicKey"`
	VerificationMethod []blockcertsProfileVM  `json:"verificationMethod"`
}

type blockcertsProfileKey struct {
	ID      string `json:"id"`
	Created string `json:"created,omitempty"`
	Revoked string `json:"revoked,omitempty"`
	Expires string `json:"expires,omitempty"`
}

type blockcertsProfileVM struct {
	ID           string `json:"id"`
	Controller   string `json:"controller,omitempty"`
	Type         string `json:"type,omitempty"`
	PublicKeyJwk struct {
		Kty string `json:"kty"`
		Crv string `json:"crv"`
		X   string `json:"x"`
		Y   string `json:"y"`
	} `json:"publicKeyJwk"`
}

// issuerProfile returns the issuer profile to publish at url: the key as
// url#key-1 (a secp256k1 JWK) and its issuing address on the blink's
// chain, valid from one second before created.
func issuerProfile(url, name string, pub *secp256k1.PublicKey, blink merkle2019.Blink, created time.Time) ([]byte, error) {
	unc := pub.SerializeUncompressed()
	vm := blockcertsProfileVM{ID: url + "#key-1", Controller: url, Type: "EcdsaSecp256k1VerificationKey2019"}
	vm.PublicKeyJwk.Kty, vm.PublicKeyJwk.Crv = "EC", "secp256k1"
	vm.PublicKeyJwk.X = base64.RawURLEncoding.EncodeToString(unc[1:33])
	vm.PublicKeyJwk.Y = base64.RawURLEncoding.EncodeToString(unc[33:])
	p := blockcertsProfile{
		Context:            []string{"https://w3id.org/openbadges/v2", "https://w3id.org/blockcerts/v3"},
		Type:               "Profile",
		ID:                 url,
		Name:               name,
		VerificationMethod: []blockcertsProfileVM{vm},
		PublicKey:          []blockcertsProfileKey{},
	}
	if blink.Chain != "mocknet" {
		addr, err := merkle2019.IssuingAddress(pub.SerializeCompressed(), blink)
		if err != nil {
			return nil, err
		}
		p.PublicKey = append(p.PublicKey, blockcertsProfileKey{ID: "ecdsa-koblitz-pubkey:" + addr,
			Created: created.Add(-time.Second).UTC().Format(time.RFC3339)})
	}
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

func readBlockcertsTx(path string) (*merkle2019.TxData, error) {
	data, err := readSmallFile(path, "--blockcerts-tx")
	if err != nil {
		return nil, err
	}
	var j blockcertsTx
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return nil, usagef("--blockcerts-tx %s: %v", path, err)
	}
	if j.RemoteHash == "" && j.RawTx == "" {
		return nil, usagef("--blockcerts-tx %s: needs remoteHash or rawTx", path)
	}
	tx := &merkle2019.TxData{RemoteHash: j.RemoteHash, IssuingAddress: j.IssuingAddress}
	if j.Time != "" {
		if tx.Time, err = time.Parse(time.RFC3339, j.Time); err != nil {
			return nil, usagef("--blockcerts-tx %s: time: %v", path, err)
		}
	}
	if j.RawTx != "" {
		if tx.RawTx, err = hex.DecodeString(j.RawTx); err != nil {
			return nil, usagef("--blockcerts-tx %s: rawTx is not hex", path)
		}
	}
	// revokedAddresses is read and ignored: Blockcerts uses it for v1
	// certificates only.
	return tx, nil
}
