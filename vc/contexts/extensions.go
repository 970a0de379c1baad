package contexts

import (
	"embed"
	"fmt"
	"strings"
)

//go:embed extensions/*.json
var extensionFiles embed.FS

// extensionURL is where an Open Badges 3.0 extension's context is cited
// from: https://openbadgespec.org/extensions/<name>/context-3.0.0.json, the
// URL the extensions' own documentation assumes.
func extensionURL(name string) string {
	return "https://openbadgespec.org/extensions/" + name + "/context-3.0.0.json"
}

// WithOpenBadgesExtensions adds the contexts of the registered OB 3.0
// extensions (accessibilityExtension, applyLinkExtension,
// geoCoordinatesExtension, licenseExtension), as published in the 1EdTech
// specification repository, each at
// https://openbadgespec.org/extensions/<name>/context-3.0.0.json, the URL
// the extensions' own documentation assumes. They are not in the default
// set because their URLs are the documentation's assumption, not a
// published redirect: opt in when the credentials you read cite them.
func WithOpenBadgesExtensions() Option {
	return func(m map[string]*entry) error {
		entries, err := extensionFiles.ReadDir("extensions")
		if err != nil {
			return err
		}
		for _, e := range entries {
			name, ok := strings.CutSuffix(e.Name(), "-context-3.0.0.json")
			if !ok {
				continue
			}
			data, err := extensionFiles.ReadFile("extensions/" + e.Name())
			if err != nil {
				return err
			}
			ent, err := newEntry(data)
			if err != nil {
				return fmt.Errorf("contexts: extension %s: %w", name, err)
			}
			m[extensionURL(name)] = ent
		}
		return nil
	}
}
