// Package vcinternal lets microcred's own packages reach what package vc
// does not export, so that one operation parses a credential once.
package vcinternal

// ParseCredential is vc.ParseCredential returning also the decoded JSON
// object it checked (set by package vc). The object belongs to the caller;
// the credential does not keep it. cred is a *vc.Credential.
var ParseCredential func(data []byte) (cred any, decoded map[string]any, err error)
