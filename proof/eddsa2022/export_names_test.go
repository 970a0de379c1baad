package eddsa2022

// Names the external tests of this package use; unexported in the
// package itself (issue 20: a smaller public API).

const LegacyRDFCName = legacyRDFCName

var DecodeProofValue = decodeProofValue

const JCSName = jcsName
const RDFCName = rdfcName

type Suite = suite
