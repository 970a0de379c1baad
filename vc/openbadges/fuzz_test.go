package openbadges_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/onchaincert/microcred/vc/openbadges"
)

func FuzzParseAchievementCredential(f *testing.F) {
	files, _ := filepath.Glob("testdata/spec-examples/*.json")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := openbadges.ParseAchievementCredential(data)
		if err != nil {
			if a != nil {
				t.Fatal("credential returned with error")
			}
			return
		}
		_ = a.Validate() // must not panic on any parsed credential
	})
}
