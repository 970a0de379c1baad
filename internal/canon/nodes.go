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
	// Graph reports a graph object: the value of a @graph container,
	// whose node object's statements go into a named graph.
	Graph bool
	// IDMember is the member name an @id is written under in this node
	// object, in the compacted form of its context ("id" where the
	// contexts alias @id so, else "@id").
	IDMember string
}

// QuadsAndNodes is [RDFC.Quads] that also lists the node objects of doc,
// children before parents. The
// pointers address doc as given, so a caller can relate each node of the
// RDF dataset to the JSON that produced it (ecdsa-sd-2023 skolemizes
// blank nodes this way). The same safe-mode checks run.
func (c *RDFC) QuadsAndNodes(doc map[string]any) ([]rdfc.Quad, []Node, error) {
	if c.opts.ReferenceOnly {
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
			nodes[i] = Node{Pointer: n.pointer, ID: id, Graph: graph, IDMember: "@id"}
		}
		return quads, nodes, nil
	}
	var nodes []Node
	quads, err := c.walk(doc, &nodes)
	if err != nil {
		return nil, nil, err
	}
	out := append([]rdfc.Quad(nil), quads...)
	putQuads(quads)
	return out, nodes, nil
}
