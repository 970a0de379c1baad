// Command issue-badge builds an Open Badges 3.0 AchievementCredential with
// alignments, evidence and a result, signs it with a did:key, bakes it into
// a PNG badge and checks the baked badge offline, using only microcred's
// public API.
//
//	go run ./examples/issue-badge -out badge.png
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"log"
	"os"
	"time"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/eddsa2022"
	"github.com/onchaincert/microcred/vc/bake"
	"github.com/onchaincert/microcred/vc/contexts"
	"github.com/onchaincert/microcred/vc/openbadges"
)

func main() {
	out := flag.String("out", "badge.png", "where to write the baked badge")
	flag.Parse()
	ctx := context.Background()

	key, err := didkey.GenerateEd25519()
	if err != nil {
		log.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	cred, err := openbadges.NewAchievementCredential(openbadges.AchievementCredential{
		ID:        "urn:uuid:6a3c1f0e-93b2-4d8e-a0f5-1b2c3d4e5f60",
		Name:      "Data Analysis Fundamentals",
		Issuer:    openbadges.Profile{ID: key.DID().String(), Name: "Example Technical Institute", URL: "https://institute.example/"},
		ValidFrom: now.Format(time.RFC3339),
		CredentialSubject: openbadges.AchievementSubject{
			ID: "did:example:learner-1234",
			Achievement: &openbadges.Achievement{
				ID:              "https://institute.example/achievements/data-analysis-fundamentals",
				AchievementType: "Course",
				Name:            "Data Analysis Fundamentals",
				Description:     "Cleaning, exploring and visualizing tabular data.",
				Criteria:        &openbadges.Criteria{Narrative: "Complete the four labs and pass the final project review."},
				Alignment: openbadges.List[openbadges.Alignment]{{
					TargetName:      "Data visualization",
					TargetURL:       "https://framework.example/skills/data-visualization",
					TargetType:      "ceasn:Competency",
					TargetFramework: "Example Skills Framework",
				}},
				ResultDescription: openbadges.List[openbadges.ResultDescription]{{
					ID:         "https://institute.example/achievements/data-analysis-fundamentals/results/grade",
					Name:       "Final grade",
					ResultType: "LetterGrade",
				}},
			},
			Result: openbadges.List[openbadges.Result]{{
				ResultDescription: "https://institute.example/achievements/data-analysis-fundamentals/results/grade",
				Value:             "A",
			}},
		},
		Evidence: openbadges.List[openbadges.Evidence]{{
			ID:   "https://institute.example/evidence/1234/final-project",
			Name: "Final project",
		}},
	})
	if err != nil {
		log.Fatal(err) // the error lists every missing field
	}

	issuer, err := microcred.NewIssuer(key)
	if err != nil {
		log.Fatal(err)
	}
	signed, err := issuer.Issue(ctx, cred)
	if err != nil {
		log.Fatal(err)
	}

	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for y := 0; y < 64; y++ {
		for x := 0; x < 64; x++ {
			img.Set(x, y, color.RGBA{uint8(40 + x), uint8(90 + y), 200, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		log.Fatal(err)
	}
	baked, err := bake.BakePNG(buf.Bytes(), signed, bake.Options{})
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, baked, 0o644); err != nil {
		log.Fatal(err)
	}

	// Check the baked badge as an employer would.
	suite, err := eddsa2022.NewRDFC(contexts.Default())
	if err != nil {
		log.Fatal(err)
	}
	resolver, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}})
	if err != nil {
		log.Fatal(err)
	}
	v, err := microcred.NewVerifier(microcred.Trusted{Resolver: resolver, Suites: []proof.Suite{suite}})
	if err != nil {
		log.Fatal(err)
	}
	policy, err := microcred.NewPolicy(microcred.TrustIssuers(key.DID().String()))
	if err != nil {
		log.Fatal(err)
	}
	res, err := v.Verify(ctx, baked, policy)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("wrote %s; verified=%v, issuer %s\n", *out, res.Verified, res.Issuer)
}
