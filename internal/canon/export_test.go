package canon

// WalkError runs only the walker on doc and returns its error, or nil.
func WalkError(c *RDFC, doc map[string]any) error {
	q, err := c.walk(doc, nil)
	putQuads(q)
	return err
}
