//go:build race

package bake_test

// The race detector slows the scanners down by up to ten times: the time
// budgets the tests assert are scaled by timeFactor, and measure runs once.
const (
	timeFactor  = 10
	measureRuns = 1
)
