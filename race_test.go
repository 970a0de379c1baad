//go:build race

package microcred_test

// raceFactor scales time limits under the race detector, which slows the
// canonicalizer down up to ten times.
const raceFactor = 10
