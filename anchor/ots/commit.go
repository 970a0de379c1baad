package ots

import "fmt"

// commitment is an attestation together with the message that reaches it
// and the ops that lead there from the file digest.
type commitment struct {
	Attestation *attestation
	// Message is the result of applying Path to the digest: what the
	// attestation attests (for Bitcoin, a block merkle root in internal
	// byte order).
	Message []byte
	// Path is the ops from the digest to Message, in order.
	Path []op
}

// commitments applies the ops of the tree to the proof's digest and
// returns every attestation with its message, in file order (depth first,
// edges in the order written). Errors wrap errMalformed or errLimit;
// a proof from [Parse] never fails.
func (p *Proof) commitments() ([]commitment, error) {
	if p == nil || p.root == nil {
		return nil, fmt.Errorf("%w: empty proof", errMalformed)
	}
	var out []commitment
	var path []op
	var walk func(n *node, msg []byte, depth int) error
	walk = func(n *node, msg []byte, depth int) error {
		if depth >= maxDepth {
			return fmt.Errorf("%w: timestamp tree deeper than %d", errLimit, maxDepth)
		}
		if n == nil || len(n.Edges) == 0 {
			return fmt.Errorf("%w: node without edges", errMalformed)
		}
		for i := range n.Edges {
			e := &n.Edges[i]
			if e.Attestation != nil {
				if len(out) >= maxAttestations {
					return fmt.Errorf("%w: more than %d attestations", errLimit, maxAttestations)
				}
				out = append(out, commitment{
					Attestation: e.Attestation,
					Message:     msg,
					Path:        append([]op(nil), path...),
				})
				continue
			}
			next, err := e.Op.Apply(msg)
			if err != nil {
				return err
			}
			path = append(path, e.Op)
			if err := walk(e.Next, next, depth+1); err != nil {
				return err
			}
			path = path[:len(path)-1]
		}
		return nil
	}
	if err := walk(p.root, p.digest, 0); err != nil {
		return nil, err
	}
	return out, nil
}
