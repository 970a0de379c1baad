package canon

// FallbackReason runs only the compiled path on doc and returns why it does
// not apply, or "".
func FallbackReason(c *RDFC, doc map[string]any) string {
	if _, err := c.fastQuads(doc); err != nil {
		return err.Error()
	}
	return ""
}
