package anchor

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/onchaincert/microcred/internal/strictjson"
)

// Caps on shared evidence.
const (
	// MaxEvidenceBytes caps an evidence file: the same budget as a whole
	// receipt, so whatever anchors one receipt may carry fit in one.
	MaxEvidenceBytes = maxReceiptJSONLen
	// maxEvidenceNameLen caps the name in an [EvidenceRef].
	maxEvidenceNameLen = 255
	// maxEvidenceNameSegments caps the path segments of that name.
	maxEvidenceNameSegments = 8
)

// Evidence is the anchor evidence of one batch, written once and shared
// by the slim receipts of all its credentials ([Tree.SharedReceipt]):
// the batch's root and size and the anchors of that root, with their
// transactions, branches and headers. A slim receipt holds only its leaf,
// path and root and an [EvidenceRef] to this, so a batch of n credentials
// carries the transaction and headers once instead of n times.
//
// JSON form (version 1; hex is lowercase):
//
//	{"version":1, "mode":"rfc6962"|"blockcerts", "root":hex32,
//	 "treeSize":n, "anchors":[Anchor…]}
//
// with anchors as in a [Receipt], at least one. Read it with
// [ParseEvidence]; check a slim receipt against it with
// [Receipt.VerifyEvidence].
type Evidence struct {
	Version int
	Mode    Mode
	Root    []byte
	Size    uint64
	Anchors []Anchor
}

// EvidenceRef is a slim receipt's reference to its batch's [Evidence]:
// the SHA-256 of the evidence file's exact bytes, and where the file is.
//
// JSON form: {"sha256":hex32, "name":"batch.evidence.json"}.
type EvidenceRef struct {
	// SHA256 is the digest of the evidence bytes: the only binding.
	// Verification hashes the bytes it is given and compares.
	SHA256 []byte
	// Name is where the evidence is, relative to the receipt's directory,
	// with "/" separators: 1 to maxEvidenceNameLen bytes in at most 8
	// segments of letters, digits, '.', '_' and '-', with ".." only as
	// leading segments and never "." or an empty segment. It is a hint
	// for finding the file; the digest decides what is accepted.
	Name string
}

// Evidence returns the shared evidence of the tree's current root with
// the given anchors (at least one, at most 16).
func (t *Tree) Evidence(anchors ...Anchor) (*Evidence, error) {
	root, err := t.Root()
	if err != nil {
		return nil, err
	}
	if len(anchors) == 0 || len(anchors) > maxAnchors {
		return nil, fmt.Errorf("%w: anchors: %d, want 1 to %d", errMalformedEvidence, len(anchors), maxAnchors)
	}
	return &Evidence{Version: receiptVersion, Mode: t.mode, Root: root, Size: t.size, Anchors: cloneAnchors(anchors)}, nil
}

// NewEvidenceRef returns the reference to the evidence file whose exact
// bytes are evidence, to be found at name (see [EvidenceRef.Name]). It
// checks that the bytes are evidence [ParseEvidence] reads, so a receipt
// never references a file its verifier would refuse. Errors wrap
// errMalformedEvidence.
func NewEvidenceRef(evidence []byte, name string) (EvidenceRef, error) {
	if err := checkEvidenceName(name); err != nil {
		return EvidenceRef{}, err
	}
	if _, err := ParseEvidence(evidence); err != nil {
		return EvidenceRef{}, err
	}
	sum := sha256.Sum256(evidence)
	return EvidenceRef{SHA256: sum[:], Name: name}, nil
}

// checkEvidenceName enforces the rules of [EvidenceRef.Name].
func checkEvidenceName(name string) error {
	if name == "" || len(name) > maxEvidenceNameLen {
		return fmt.Errorf("%w: evidence.name must have 1 to %d bytes", errMalformedEvidence, maxEvidenceNameLen)
	}
	segs := strings.Split(name, "/")
	if len(segs) > maxEvidenceNameSegments {
		return fmt.Errorf("%w: evidence.name has more than %d segments", errMalformedEvidence, maxEvidenceNameSegments)
	}
	leading := true
	for i, s := range segs {
		switch {
		case s == "..":
			if !leading || i == len(segs)-1 {
				return fmt.Errorf("%w: evidence.name %q: \"..\" only as a leading segment, before a file name", errMalformedEvidence, name)
			}
			continue
		case s == "" || s == ".":
			return fmt.Errorf("%w: evidence.name %q has an empty or \".\" segment", errMalformedEvidence, name)
		}
		leading = false
		for j := 0; j < len(s); j++ {
			c := s[j]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
				return fmt.Errorf("%w: evidence.name %q has character %q", errMalformedEvidence, name, c)
			}
		}
	}
	return nil
}

// SharedReceipt returns the slim receipt for leaf index: its path to the
// tree's current root and ref to the batch's shared evidence, no
// anchors. Errors are those of [Tree.Receipt], or wrap
// errMalformedEvidence for a ref that is not well formed.
func (t *Tree) SharedReceipt(index uint64, ref EvidenceRef) (*Receipt, error) {
	if len(ref.SHA256) != sha256.Size {
		return nil, fmt.Errorf("%w: evidence.sha256 is %d bytes", errMalformedEvidence, len(ref.SHA256))
	}
	if err := checkEvidenceName(ref.Name); err != nil {
		return nil, err
	}
	r, err := t.Receipt(index)
	if err != nil {
		return nil, err
	}
	r.Evidence = &EvidenceRef{SHA256: bytes.Clone(ref.SHA256), Name: ref.Name}
	return r, nil
}

type evidenceJSON struct {
	Version  int          `json:"version"`
	Mode     string       `json:"mode"`
	Root     string       `json:"root"`
	TreeSize uint64       `json:"treeSize"`
	Anchors  []anchorJSON `json:"anchors"`
}

type evidenceRefJSON struct {
	SHA256 string `json:"sha256"`
	Name   string `json:"name"`
}

// MarshalJSON writes the evidence's JSON form. It refuses evidence that
// [ParseEvidence] would refuse to read back.
func (e *Evidence) MarshalJSON() ([]byte, error) {
	out, err := json.Marshal(evidenceJSON{Version: e.Version, Mode: e.Mode.String(), Root: hex.EncodeToString(e.Root),
		TreeSize: e.Size, Anchors: anchorsJSON(e.Anchors)})
	if err != nil {
		return nil, err
	}
	if _, err := ParseEvidence(out); err != nil {
		return nil, fmt.Errorf("marshaling evidence: %w", err)
	}
	return out, nil
}

// ParseEvidence reads shared evidence as strictly as [ParseReceipt] reads
// a receipt: at most [MaxEvidenceBytes] of strict JSON, only the members
// listed on [Evidence] with the exact case, version receiptVersion, a
// known mode, a 32-byte root, treeSize from 1, 1 to 16 anchors
// each read as a receipt's are. It verifies nothing. Errors wrap
// errMalformedEvidence or errUnsupportedVersion; on error the
// evidence is nil.
func ParseEvidence(data []byte) (*Evidence, error) {
	if len(data) > MaxEvidenceBytes {
		return nil, fmt.Errorf("%w: %d bytes exceeds %d", errMalformedEvidence, len(data), MaxEvidenceBytes)
	}
	v, err := strictjson.Decode(data, strictjson.Limits{MaxBytes: MaxEvidenceBytes, MaxDepth: 8})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errMalformedEvidence, err)
	}
	p := &objParser{}
	e := p.evidence(v)
	if p.err != nil {
		return nil, p.err
	}
	return e, nil
}

func (p *objParser) evidence(v any) *Evidence {
	p.kind = errMalformedEvidence
	m := p.object(v, "evidence", []string{"version", "mode", "root", "treeSize", "anchors"}, nil)
	if p.err != nil {
		return nil
	}
	if ver, ok := m["version"].(float64); !ok || ver != receiptVersion {
		p.err = fmt.Errorf("%w: evidence version %v", errUnsupportedVersion, m["version"])
		return nil
	}
	e := &Evidence{Version: receiptVersion}
	mode, err := parseMode(p.str(m["mode"], "mode"))
	if err != nil && p.err == nil {
		p.fail("%v", err)
	}
	e.Mode = mode
	e.Root = p.hexBytes(m["root"], "root", hashSize, hashSize)
	e.Size = p.uint(m["treeSize"], "treeSize", 1<<53)
	if p.err == nil && e.Size == 0 {
		p.fail("treeSize is 0")
	}
	anchors := p.list(m["anchors"], "anchors", maxAnchors)
	if p.err == nil && len(anchors) == 0 {
		p.fail("anchors is empty")
	}
	for i, a := range anchors {
		e.Anchors = append(e.Anchors, p.anchor(a, fmt.Sprintf("anchors[%d]", i)))
	}
	if p.err != nil {
		return nil
	}
	return e
}

// evidenceRef reads a receipt's "evidence" member.
func (p *objParser) evidenceRef(v any) *EvidenceRef {
	m := p.object(v, "evidence", []string{"sha256", "name"}, nil)
	if p.err != nil {
		return nil
	}
	ref := &EvidenceRef{SHA256: p.hexBytes(m["sha256"], "evidence.sha256", sha256.Size, sha256.Size), Name: p.str(m["name"], "evidence.name")}
	if p.err != nil {
		return nil
	}
	if err := checkEvidenceName(ref.Name); err != nil {
		p.fail("%v", err)
		return nil
	}
	return ref
}

// VerifyEvidence verifies a slim receipt ([Tree.SharedReceipt]) with its
// batch's shared evidence, given as the evidence file's exact bytes: it
// is [Receipt.WithEvidence] and then [Receipt.Verify] of the result, so
// the receipt is graded with the evidence's anchors exactly as a receipt
// that carries them.
//
// Errors are those of WithEvidence and Verify. On any error the
// Assurance is at LevelNone.
func (r *Receipt) VerifyEvidence(evidence []byte, opts VerifyOptions) (*Assurance, error) {
	full, err := r.WithEvidence(evidence)
	if err != nil {
		return &Assurance{Level: LevelNone, Anchor: -1, Reason: err}, err
	}
	return full.Verify(opts)
}

// WithEvidence returns the full receipt a slim receipt and its batch's
// shared evidence make: the receipt's leaf, path and root with the
// evidence's anchors. It checks nothing beyond the reference; verify the
// result ([Receipt.Verify]).
//
// What is referenced is what is checked: the bytes must be at most
// [MaxEvidenceBytes], their SHA-256 must be the receipt's
// [EvidenceRef.SHA256], and those same bytes are then parsed
// ([ParseEvidence]) and must be for the receipt's batch (same mode, root
// and treeSize).
//
// Errors wrap [ErrMalformedReceipt] for a receipt that references no
// evidence (or has anchors too), errMalformedEvidence for bytes over
// the budget or not well formed, errWrongEvidence for evidence that is
// not the one referenced or is for another batch.
func (r *Receipt) WithEvidence(evidence []byte) (*Receipt, error) {
	if r == nil {
		return nil, fmt.Errorf("%w: nil receipt", ErrMalformedReceipt)
	}
	if r.Evidence == nil {
		return nil, fmt.Errorf("%w: the receipt references no shared evidence (verify it with Receipt.Verify)", ErrMalformedReceipt)
	}
	if len(r.Anchors) > 0 {
		return nil, fmt.Errorf("%w: a receipt has both anchors and shared evidence", ErrMalformedReceipt)
	}
	// The budget is checked before anything else reads the bytes.
	if len(evidence) > MaxEvidenceBytes {
		return nil, fmt.Errorf("%w: %d bytes exceeds %d", errMalformedEvidence, len(evidence), MaxEvidenceBytes)
	}
	sum := sha256.Sum256(evidence)
	if !bytes.Equal(sum[:], r.Evidence.SHA256) {
		return nil, fmt.Errorf("%w: evidence.sha256: the bytes given hash to %x, the receipt references %x", errWrongEvidence, sum[:], r.Evidence.SHA256)
	}
	e, err := ParseEvidence(evidence)
	if err != nil {
		return nil, err
	}
	switch {
	case e.Mode != r.Mode:
		return nil, fmt.Errorf("%w: evidence mode %s, receipt mode %s", errWrongEvidence, e.Mode, r.Mode)
	case !bytes.Equal(e.Root, r.Root):
		return nil, fmt.Errorf("%w: evidence root %x, receipt root %x (another batch)", errWrongEvidence, e.Root, r.Root)
	case e.Size != r.Size:
		return nil, fmt.Errorf("%w: evidence treeSize %d, receipt treeSize %d", errWrongEvidence, e.Size, r.Size)
	}
	return &Receipt{Version: r.Version, Mode: r.Mode, Leaf: bytes.Clone(r.Leaf), Index: r.Index, Size: r.Size,
		Path: cloneList(r.Path), Root: bytes.Clone(r.Root), Anchors: e.Anchors}, nil
}
