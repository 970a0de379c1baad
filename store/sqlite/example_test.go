package sqlite_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/store"
	"github.com/onchaincert/microcred/store/sqlite"
	"github.com/onchaincert/microcred/vc/status"
)

// Batch issuance with an issuer store: the status list lives in the store,
// indexes are reserved from it (never twice, across batches and
// processes), every credential is logged with its learner, and revoking a
// learner finds the index in the log and re-signs the list.
func ExampleOpen() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "example-store")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	st, err := sqlite.Open(ctx, filepath.Join(dir, "issuer.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()

	key, err := didkey.NewEd25519FromSeed(bytes.Repeat([]byte{1}, 32))
	if err != nil {
		log.Fatal(err)
	}
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	iss, err := microcred.NewIssuer(key, microcred.WithClock(func() time.Time { return at }))
	if err != nil {
		log.Fatal(err)
	}
	// sign makes the list credential of the store's current bits.
	const listURL = "https://school.example/status/1"
	sign := func(l *store.List) ([]byte, error) {
		bits, err := status.NewListFromBits(l.Bits, l.StatusSize)
		if err != nil {
			return nil, err
		}
		lc, err := status.NewListCredential(status.ListCredential{ID: l.URL, Issuer: l.Issuer, Purpose: l.Purpose, ValidFrom: at, List: bits})
		if err != nil {
			return nil, err
		}
		return iss.Issue(ctx, lc)
	}
	if _, _, err := st.CreateList(ctx, store.ListSpec{URL: listURL, Issuer: key.DID().String(), Purpose: status.Revocation, Entries: status.MinBits, StatusSize: 1}, sign); err != nil {
		log.Fatal(err)
	}

	// A batch of three learners.
	const batchID = "spring-2025"
	if err := st.CreateRun(ctx, store.Run{ID: batchID}); err != nil {
		log.Fatal(err)
	}
	blocks, err := store.NewBlocks(st, listURL, store.WithExpected(3))
	if err != nil {
		log.Fatal(err)
	}
	batchIssuer, err := microcred.NewIssuer(key, microcred.WithClock(func() time.Time { return at }), microcred.WithStatus(blocks, status.Revocation))
	if err != nil {
		log.Fatal(err)
	}
	items := func(yield func(microcred.BatchItem) bool) {
		for _, learner := range []string{"ada@example.org", "bob@example.org", "cy@example.org"} {
			cred := `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"` + key.DID().String() + `","credentialSubject":{"id":"mailto:` + learner + `"}}`
			if !yield(microcred.BatchItem{Credential: []byte(cred), Learner: learner}) {
				return
			}
		}
	}
	if _, err := batchIssuer.IssueBatch(ctx, items, microcred.BatchOptions{Workers: 1, Log: st, BatchID: batchID}, func(r microcred.Issued) error {
		if r.Err == nil {
			fmt.Printf("issued to %s: index %d\n", r.Learner, r.StatusIndex)
		}
		return r.Err
	}); err != nil {
		log.Fatal(err)
	}
	if err := blocks.Close(ctx); err != nil {
		log.Fatal(err)
	}

	// Revoke bob: the log says where his entry is.
	recs, err := st.Find(ctx, store.Query{Learner: "bob@example.org"})
	if err != nil {
		log.Fatal(err)
	}
	l, err := st.UpdateList(ctx, listURL, func(l *store.List) error {
		bits, err := status.NewListFromBits(l.Bits, l.StatusSize)
		if err != nil {
			return err
		}
		if err := bits.Set(recs[0].Index, 1); err != nil {
			return err
		}
		l.Bits = bits.Bits()
		l.Signed, err = sign(l)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	bits, err := status.NewListFromBits(l.Bits, l.StatusSize)
	if err != nil {
		log.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		v, _ := bits.Get(i)
		fmt.Printf("index %d revoked: %v\n", i, v == 1)
	}
	fmt.Println("list version:", l.Version)
	// Output:
	// issued to ada@example.org: index 0
	// issued to bob@example.org: index 1
	// issued to cy@example.org: index 2
	// index 0 revoked: false
	// index 1 revoked: true
	// index 2 revoked: false
	// list version: 2
}
