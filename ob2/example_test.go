package ob2_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/onchaincert/microcred/ob2"
)

// Verify a hosted Open Badges 2.0 assertion offline: the assertion, its
// BadgeClass and its Issuer profile are local copies keyed by URL.
func ExampleVerifier_Verify() {
	docs := ob2.Documents{}
	for url, file := range map[string]string{
		"https://example.org/beths-robotics-badge.json": "basic-assertion.json",
		"https://example.org/robotics-badge.json":       "basic-badgeclass.json",
		"https://example.org/organization.json":         "basic-issuer.json",
	} {
		data, err := os.ReadFile(filepath.Join("..", "testdata", "ob2", "docs", file))
		if err != nil {
			log.Fatal(err)
		}
		docs[url] = data
	}
	v, err := ob2.NewVerifier(docs)
	if err != nil {
		log.Fatal(err)
	}
	res, err := v.Verify(context.Background(), []byte("https://example.org/beths-robotics-badge.json"), ob2.Checks{
		Now:       time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		Recipient: "nobody@example.org",
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range res.Steps {
		fmt.Printf("%s: %s\n", s.Name, s.Detail)
	}
	fmt.Println(res.Badge.BadgeClass.Name, "from", res.Badge.Issuer.Name)
	// Output:
	// parse: OB 2.0 hosted assertion https://example.org/beths-robotics-badge.json (URL)
	// proof: hosted at its id https://example.org/beths-robotics-badge.json
	// issuer: hosted at example.org, allowed by the issuer https://example.org/organization.json
	// status: hosted assertion not marked revoked
	// validity: issued 2016-12-31T23:59:59Z, valid at 2026-01-01T00:00:00Z
	// recipient: awarded to email nobody@example.org
	// Awesome Robotics Badge from An Example Badge Issuer
}
