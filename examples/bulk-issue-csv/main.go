// Command bulk-issue-csv issues a cohort's badges from a spreadsheet: each
// CSV row fills a credential template, bad rows are reported by row and
// column while the good ones are issued in parallel, and the batch's
// Merkle root is printed for anchoring. Public API only.
//
//	go run ./examples/bulk-issue-csv [-data learners.csv] [-template template.json]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/vc"
	"github.com/onchaincert/microcred/vc/template"
)

func main() {
	dataPath := flag.String("data", "examples/bulk-issue-csv/data/learners.csv", "learners (CSV with a header line)")
	tplPath := flag.String("template", "examples/bulk-issue-csv/data/template.json", "credential template")
	flag.Parse()
	ctx := context.Background()

	key, err := didkey.GenerateEd25519()
	if err != nil {
		log.Fatal(err)
	}
	tplData, err := os.ReadFile(*tplPath)
	if err != nil {
		log.Fatal(err)
	}
	// The template's issuer becomes this key's DID.
	tplData, err = vc.SetIssuer(tplData, key.DID().String())
	if err != nil {
		log.Fatal(err)
	}
	tpl, err := template.Parse(tplData)
	if err != nil {
		log.Fatal(err)
	}
	f, err := os.Open(*dataPath)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()

	// Rows -> credentials; a row that cannot become one is reported and skipped.
	items := func(yield func(microcred.BatchItem) bool) {
		for row, err := range template.ReadCSV(f) {
			var cred []byte
			if err == nil {
				cred, err = tpl.Fill(row)
			}
			var re *template.RowError
			if errors.As(err, &re) {
				fmt.Println("skipped", re)
				continue
			}
			if err != nil {
				log.Fatal(err)
			}
			if !yield(microcred.BatchItem{Credential: cred, Ref: fmt.Sprintf("row %d", row.Line)}) {
				return
			}
		}
	}

	issuer, err := microcred.NewIssuer(key)
	if err != nil {
		log.Fatal(err)
	}
	batch, err := issuer.IssueBatch(ctx, items, microcred.BatchOptions{}, func(r microcred.Issued) error {
		if r.Err != nil {
			fmt.Println("failed", r.Ref+":", r.Err)
			return nil
		}
		// A real issuer writes r.Credential to the learner's wallet or a file.
		fmt.Printf("issued %s as leaf %d (%d bytes)\n", r.Ref, r.Leaf, len(r.Credential))
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	root, err := batch.Root()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d credentials; batch root to anchor: %x\n", batch.Size(), root)
}
