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

	"github.com/onchaincert/microcred/anchor/merkle2019"
	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didkey"
)

// blockcertsChains maps the --chain names of the blockcerts command to
// the blink chain and network MerkleProof2019 writes.
var blockcertsChains = map[string]merkle2019.Blink{
	"mocknet":          {Chain: "mocknet", Network: "mocknet"},
	"bitcoin-testnet":  {Chain: "btc", Network: "testnet"},
	"bitcoin-mainnet":  {Chain: "btc", Network: "mainnet"},
	"bitcoin-regtest":  {Chain: "btc", Network: "regtest"},
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
	chainName := fs.String("chain", "", "mocknet|bitcoin-regtest|bitcoin-testnet|bitcoin-mainnet|ethereum-sepolia|ethereum-mainnet")
	anchorTx := fs.String("anchor-tx", "", "the transaction that carries the root (Bitcoin: display hex; Ethereum: 0x hash; mocknet: a label); without it, print the root and stop")
	rootHex := fs.String("root", "", "with --anchor-tx: the root that was anchored; refuse if the inputs make another")
	createdStr := fs.String("created", "", "proof creation time, RFC 3339 (default: now)")
	setIssuer := fs.Bool("set-issuer", false, "replace each input's issuer id with the key's DID (or --issuer-profile URL)")
	profileURL := fs.String("issuer-profile", "", "URL: name the issuer by a Blockcerts issuer profile at URL instead of the key's did:key; the profile to publish there is written to DIR/issuer-profile.json")
	issuerName := fs.String("issuer-name", "Issuer", "with --issuer-profile: the profile's name")
	keyCreatedStr := fs.String("key-created", "", "with --issuer-profile: when the key was created (RFC 3339), written as the profile key's created; it must precede every anchor transaction. Default: kept from an existing DIR/issuer-profile.json, or the time of the first run (the one that prints the root, with --out)")
	out := fs.String("out", "", "directory for the certificates (one per input, same file name)")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if fs.NArg() == 0 {
		return usagef("blockcerts takes at least one credential file")
	}
	blink, ok := blockcertsChains[*chainName]
	if !ok {
		return usagef("--chain must be mocknet, bitcoin-regtest, bitcoin-testnet, bitcoin-mainnet, ethereum-sepolia or ethereum-mainnet, got %q", *chainName)
	}
	if *anchorTx != "" && *out == "" {
		return usagef("--anchor-tx needs --out")
	}
	if *rootHex != "" && *anchorTx == "" {
		return usagef("--root goes with --anchor-tx")
	}
	created, err := timeFlag("created", *createdStr, time.Now().UTC())
	if err != nil {
		return err
	}
	if *keyCreatedStr != "" && *profileURL == "" {
		return usagef("--key-created goes with --issuer-profile")
	}
	keyCreated, err := timeFlag("key-created", *keyCreatedStr, time.Time{})
	if err != nil {
		return err
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
		if *profileURL != "" && *out != "" {
			// Before the anchor transaction exists: the moment to fix the
			// key's created, which must precede it.
			if keyCreated.IsZero() {
				keyCreated = time.Now().UTC().Truncate(time.Second)
			}
			dst, err := writeIssuerProfile(*out, *profileURL, *issuerName, priv.PubKey(), blink, keyCreated)
			if err != nil {
				return err
			}
			fmt.Fprintf(stderr, "publish %s at %s before anchoring\n", dst, *profileURL)
		}
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
		dst, err := writeIssuerProfile(*out, *profileURL, *issuerName, priv.PubKey(), blink, keyCreated)
		if err != nil {
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

// blockcertsTx is the transaction data verify reads for a
// MerkleProof2019 anchor: the shape of Blockcerts' TransactionData (what
// cert-verifier-js reads from an explorer), plus an optional raw
// transaction.
type blockcertsTx struct {
	// Anchor is the blink the data is for; without it, the data applies
	// to the anchor of every credential verified (one file only).
	Anchor           string   `json:"anchor,omitempty"`
	RemoteHash       string   `json:"remoteHash"`
	IssuingAddress   string   `json:"issuingAddress"`
	Time             string   `json:"time"`
	RevokedAddresses []string `json:"revokedAddresses,omitempty"`
	RawTx            string   `json:"rawTx,omitempty"`
	PrevoutAmount    *int64   `json:"prevoutAmount,omitempty"`
	// TxIndex, Branch and Headers are the block evidence (as in a
	// receipt's anchor: the index in the block, the merkle branch in
	// internal byte order, the raw block header then its successors, hex)
	// that takes a raw transaction to L3, L4 with --checkpoint.
	TxIndex *uint32  `json:"txIndex,omitempty"`
	Branch  []string `json:"branch,omitempty"`
	Headers []string `json:"headers,omitempty"`
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

// writeIssuerProfile writes DIR/issuer-profile.json. The key's entry
// (its address and created) is kept from an existing profile there, so
// that every batch anchored with the key stays valid; a new entry takes
// created from keyCreated, which must be set: never the time of a run
// made after the anchor transaction, which would postdate it.
func writeIssuerProfile(dir, url, name string, pub *secp256k1.PublicKey, blink merkle2019.Blink, keyCreated time.Time) (string, error) {
	dst := filepath.Join(dir, "issuer-profile.json")
	var keep []blockcertsProfileKey
	if old, err := os.ReadFile(dst); err == nil {
		var p blockcertsProfile
		if err := json.Unmarshal(old, &p); err != nil {
			return "", fmt.Errorf("%s: %w", dst, err)
		}
		if p.ID != url {
			return "", fmt.Errorf("%s is the profile of %q, not %s", dst, p.ID, url)
		}
		keep = p.PublicKey
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	addr := ""
	if blink.Chain != "mocknet" {
		var err error
		if addr, err = merkle2019.IssuingAddress(pub.SerializeCompressed(), blink); err != nil {
			return "", err
		}
	}
	keys := keep
	found := addr == ""
	for _, k := range keep {
		if strings.EqualFold(k.ID, "ecdsa-koblitz-pubkey:"+addr) {
			found = true
		}
	}
	if !found {
		if keyCreated.IsZero() {
			return "", usagef("--issuer-profile: the profile key's created must precede the anchor transaction: run the first step (without --anchor-tx) with --out %s, keep its issuer-profile.json, or give --key-created", dir)
		}
		keys = append(keys, blockcertsProfileKey{ID: "ecdsa-koblitz-pubkey:" + addr, Created: keyCreated.UTC().Format(time.RFC3339)})
	}
	prof, err := issuerProfile(url, name, pub, keys)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	return dst, os.WriteFile(dst, prof, 0o644)
}

// issuerProfile returns the issuer profile to publish at url: the key as
// url#key-1 (a secp256k1 JWK) and the publicKey entries keys.
func issuerProfile(url, name string, pub *secp256k1.PublicKey, keys []blockcertsProfileKey) ([]byte, error) {
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
		PublicKey:          append([]blockcertsProfileKey{}, keys...),
	}
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

func readBlockcertsTx(path string) (string, *merkle2019.TxData, error) {
	data, err := readSmallFile(path, "--blockcerts-tx")
	if err != nil {
		return "", nil, err
	}
	var j blockcertsTx
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return "", nil, usagef("--blockcerts-tx %s: %v", path, err)
	}
	if j.RemoteHash == "" && j.RawTx == "" {
		return "", nil, usagef("--blockcerts-tx %s: needs remoteHash or rawTx", path)
	}
	if j.Anchor != "" {
		if _, err := merkle2019.ParseBlink(j.Anchor); err != nil {
			return "", nil, usagef("--blockcerts-tx %s: anchor: %v", path, err)
		}
	}
	tx := &merkle2019.TxData{RemoteHash: j.RemoteHash, IssuingAddress: j.IssuingAddress, PrevoutAmount: j.PrevoutAmount}
	if j.Time != "" {
		if tx.Time, err = time.Parse(time.RFC3339, j.Time); err != nil {
			return "", nil, usagef("--blockcerts-tx %s: time: %v", path, err)
		}
	}
	if j.RawTx != "" {
		if tx.RawTx, err = hex.DecodeString(j.RawTx); err != nil {
			return "", nil, usagef("--blockcerts-tx %s: rawTx is not hex", path)
		}
	}
	if (j.TxIndex != nil) != (len(j.Headers) > 0) || (len(j.Branch) > 0 && len(j.Headers) == 0) {
		return "", nil, usagef("--blockcerts-tx %s: txIndex, branch and headers go together (block evidence)", path)
	}
	if len(j.Headers) > 0 {
		if tx.RawTx == nil {
			return "", nil, usagef("--blockcerts-tx %s: block evidence needs rawTx", path)
		}
		// 2016 headers and 64 steps are package anchor's budgets for one
		// anchor (see its doc); checked here before decoding, and again
		// by the verifier.
		if len(j.Headers) > 2016 || len(j.Branch) > 64 {
			return "", nil, usagef("--blockcerts-tx %s: at most 2016 headers and 64 branch steps", path)
		}
		tx.TxIndex = *j.TxIndex
		for i, h := range j.Branch {
			b, err := hex.DecodeString(h)
			if err != nil || len(b) != 32 {
				return "", nil, usagef("--blockcerts-tx %s: branch[%d] is not 32 bytes of hex", path, i)
			}
			tx.Branch = append(tx.Branch, b)
		}
		for i, h := range j.Headers {
			b, err := hex.DecodeString(h)
			if err != nil || len(b) != 80 {
				return "", nil, usagef("--blockcerts-tx %s: headers[%d] is not an 80-byte header in hex", path, i)
			}
			tx.Headers = append(tx.Headers, b)
		}
	}
	// revokedAddresses is read and ignored: Blockcerts uses it for v1
	// certificates only.
	return j.Anchor, tx, nil
}

// cliTxSource serves the --blockcerts-tx files: by anchor, or one file
// for any anchor.
type cliTxSource struct {
	byAnchor map[string]*merkle2019.TxData
	any      *merkle2019.TxData
}

// Transaction implements merkle2019.TxSource.
func (s *cliTxSource) Transaction(_ context.Context, b merkle2019.Blink) (*merkle2019.TxData, error) {
	if tx, ok := s.byAnchor[b.String()]; ok {
		return tx, nil
	}
	return s.any, nil
}

// issuerProfileArg splits an --issuer-profile value: "URL=FILE" (URL an
// http or https URL, up to the first "=") or "FILE" (url "").
func issuerProfileArg(arg string) (url, file string) {
	if u, f, ok := strings.Cut(arg, "="); ok && (strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://")) {
		return u, f
	}
	return "", arg
}

// blockcertsEvidence reads the --blockcerts-tx, --issuer-profile and
// --did-doc files into the verifier's Blockcerts evidence.
func blockcertsEvidence(txFiles, profileFiles, didDocs []string) (merkle2019.Evidence, error) {
	src := &cliTxSource{byAnchor: map[string]*merkle2019.TxData{}}
	for _, path := range txFiles {
		a, tx, err := readBlockcertsTx(path)
		if err != nil {
			return merkle2019.Evidence{}, err
		}
		switch {
		case a != "":
			src.byAnchor[a] = tx
		case len(txFiles) > 1:
			return merkle2019.Evidence{}, usagef("--blockcerts-tx %s: with several files, each names its anchor (\"anchor\": \"blink:…\")", path)
		default:
			src.any = tx
		}
	}
	bc := merkle2019.Evidence{Transactions: src, IssuerProfiles: map[string][]byte{}, DIDDocuments: map[string][]byte{}}
	for _, arg := range profileFiles {
		url, path := issuerProfileArg(arg)
		data, err := readSmallFile(path, "--issuer-profile")
		if err != nil {
			return merkle2019.Evidence{}, err
		}
		if url != "" {
			// served at url: the library checks it parses, and notes an
			// id that differs.
			if bc.IssuerProfilesAt == nil {
				bc.IssuerProfilesAt = map[string][]byte{}
			}
			if _, dup := bc.IssuerProfilesAt[url]; dup {
				return merkle2019.Evidence{}, usagef("--issuer-profile %s: two profiles served at %s", arg, url)
			}
			bc.IssuerProfilesAt[url] = data
			continue
		}
		var p struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(data, &p); err != nil || p.ID == "" {
			return merkle2019.Evidence{}, usagef("--issuer-profile %s: not a JSON object with an id", path)
		}
		bc.IssuerProfiles[p.ID] = data
	}
	for _, path := range didDocs {
		data, err := readInput(path)
		if err != nil {
			return merkle2019.Evidence{}, err
		}
		doc, err := did.ParseDocument(data)
		if err != nil {
			return merkle2019.Evidence{}, fmt.Errorf("%s: %w", path, err)
		}
		bc.DIDDocuments[doc.ID] = data
	}
	return bc, nil
}
