package contexts

// Names the external tests of this package use; unexported in the
// package itself (issue 20: a smaller public API).

const DataIntegrity = dataIntegrity
const Multikey = multikey
const OpenBadgesV3_0 = openBadgesV3_0

var Index = index
