package canon

import "github.com/onchaincert/microcred/internal/rdfc"

// Node is one node object of a JSON-LD document as expansion saw it.
type Node struct {
	// Pointer is the JSON Pointer (RFC 6901) of the node object in the
	// input document; "" is the document itself.
	Pointer string
	// ID is the node's expanded @id: an absolute IRI, a blank node
	// identifier ("_:b0"), or "" if the node has none.
	ID string
	// Graph reports a graph object (a node with @graph).
	Graph bool
}

// QuadsAndNodes is [RDFC.Quads] that also lists the node objects of doc,
// in the order expansion reported them (children before parents). The
// pointers address doc as given, so a caller can relate each node of the
// RDF dataset to the JSON that produced it (ecdsa-sd-2023 skolemizes
// blank nodes this way). The same safe-mode checks run.
func (c *RDFC) QuadsAndNodes(doc map[string]any) ([]rdfc.Quad, []Node, error) {
	expanded, seen, err := c.expandSafe(doc)
	if err != nil {
		return nil, nil, err
	}
	quads, err := toRDF(expanded)
	if err != nil {
		return nil, nil, err
	}
	nodes := make([]Node, len(seen))
	for i, n := range seen {
		id, _ := n.node["@id"].(string)
		_, graph := n.node["@graph"]
		nodes[i] = Node{Pointer: n.pointer, ID: id, Graph: graph}
	}
	return quads, nodes, nil
}
