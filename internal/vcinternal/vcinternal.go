// Package vcinternal lets microcred's own packages reach what package vc
// does not export, so that one operation parses a credential once.
package vcinternal

// ParseCredential is vc.ParseCredential returning also the decoded JSON
// object it checked (set by package vc). The object belongs to the caller;
// the credential does not keep it. cred is a *vc.Credential.
var ParseCredential func(data []byte) (cred any, decoded map[string]any, err error)

// ParseDecodedCredential is vc.ParseCredential for data the caller has
// already decoded strictly into obj (strictjson.Decode(data), or that
// object updated exactly as data was edited since). Set by package vc.
var ParseDecodedCredential func(data []byte, obj map[string]any) (cred any, err error)
