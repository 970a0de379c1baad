//go:build !race

package bake_test

// timeFactor scales the time budgets the tests assert (see race_test.go).
const timeFactor = 1
