//go:build !race

package bake_test

// See race_test.go.
const (
	timeFactor  = 1
	measureRuns = 3
)
