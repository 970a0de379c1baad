// Package archtest holds no code: its tests check the module's import graph
// and API floors (which packages may import which, no exported mutable
// package variables) so that a regression fails `go test`.
package archtest
