//go:build !race

package microcred_test

// raceFactor scales time limits under the race detector (see race_test.go).
const raceFactor = 1
