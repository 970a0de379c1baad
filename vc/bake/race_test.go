//go:build race

package bake_test

// timeFactor scales the time budgets the tests assert: the race detector
// slows the scanners down by up to ten times.
const timeFactor = 10
