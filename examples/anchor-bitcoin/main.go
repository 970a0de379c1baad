// Command anchor-bitcoin anchors a batch of badges on Bitcoin and verifies
// one of them offline, with its receipt, to assurance level L3:
//
//  1. issue a batch; its Merkle root is what goes on chain;
//  2. build and sign the anchor transaction (P2WPKH input, OP_RETURN root)
//     offline; a real issuer broadcasts it and waits for a block;
//  3. here, a regtest block is mined locally so the example needs no
//     node: its header commits to the transaction;
//  4. staple the evidence (transaction, block header, branch) into each
//     credential's receipt; verify a credential with RequireAnchor(L3).
//
// Regtest has no finality: the report says so, and only bitcoin-mainnet
// with a trusted checkpoint reaches L4. (interop/btc_test.go runs the same
// flow against a real btcd node.)
//
//	go run ./examples/anchor-bitcoin
package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"log"
	"time"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/onchaincert/microcred"
	"github.com/onchaincert/microcred/anchor"
	"github.com/onchaincert/microcred/anchor/btc"
	"github.com/onchaincert/microcred/did"
	"github.com/onchaincert/microcred/did/didkey"
	"github.com/onchaincert/microcred/proof"
	"github.com/onchaincert/microcred/proof/eddsa2022"
	"github.com/onchaincert/microcred/vc/contexts"
)

func main() {
	ctx := context.Background()
	key, err := didkey.GenerateEd25519()
	if err != nil {
		log.Fatal(err)
	}
	school := key.DID().String()

	// 1. A batch of three credentials.
	items := func(yield func(microcred.BatchItem) bool) {
		for i := 1; i <= 3; i++ {
			c := fmt.Sprintf(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":%q,"validFrom":"2025-01-15T09:00:00Z","credentialSubject":{"id":"did:example:learner-%d"}}`, school, i)
			if !yield(microcred.BatchItem{Credential: []byte(c), Ref: fmt.Sprint(i)}) {
				return
			}
		}
	}
	issuer, err := microcred.NewIssuer(key)
	if err != nil {
		log.Fatal(err)
	}
	var issued []microcred.Issued
	batch, err := issuer.IssueBatch(ctx, items, microcred.BatchOptions{}, func(r microcred.Issued) error {
		issued = append(issued, r)
		return r.Err
	})
	if err != nil {
		log.Fatal(err)
	}
	root, err := batch.Root()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("batch of %d, root %x\n", batch.Size(), root)

	// 2. The anchor transaction, built and signed offline. The funding
	// output here is made up; a real one comes from the issuer's wallet.
	var secret [32]byte
	_, _ = rand.Read(secret[:])
	wallet := secp256k1.PrivKeyFromBytes(secret[:])
	change, err := btc.AddressFromPubKey(btc.Regtest, wallet.PubKey().SerializeCompressed())
	if err != nil {
		log.Fatal(err)
	}
	tx, err := btc.BuildAnchorTx(btc.AnchorParams{
		Network: btc.Regtest, Key: wallet, Root: root, Change: change, FeeRate: 1000,
		Inputs: []btc.UTXO{{TxID: btc.DoubleSHA256([]byte("a funding transaction")), Vout: 0, Amount: 50_000}},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("anchor transaction %s (%d vbytes)\n", tx.TxID(), tx.VSize())

	// 3. A regtest block holding it (the only transaction, so the branch
	// is empty and the merkle root is its txid).
	header := &btc.Header{Version: 0x20000000, MerkleRoot: tx.TxID(), Time: uint32(time.Now().Unix()), Bits: 0x207fffff}
	for header.CheckProofOfWork(btc.RegtestPowLimit()) != nil {
		header.Nonce++
	}

	// 4. Receipts with the evidence, and an offline verification. The
	// spent amount lets the verifier check the sender's signature (BIP 143
	// commits to it).
	evidence := anchor.Anchor{Chain: "bitcoin-regtest", TxID: tx.TxID().String(), RawTx: tx.Bytes(), PrevoutAmount: &prevoutAmount,
		TxIndex: 0, Headers: [][]byte{header.Bytes()}}
	receipts := anchor.Receipts{}
	for _, r := range issued {
		rc, err := batch.Receipt(uint64(r.Leaf), evidence)
		if err != nil {
			log.Fatal(err)
		}
		receipts.Add(rc)
	}
	suite, err := eddsa2022.NewRDFC(contexts.Default())
	if err != nil {
		log.Fatal(err)
	}
	resolver, err := did.NewMethods(map[string]did.Resolver{"key": didkey.Resolver{}})
	if err != nil {
		log.Fatal(err)
	}
	verifier, err := microcred.NewVerifier(microcred.Trusted{Resolver: resolver, Suites: []proof.Suite{suite}}, microcred.WithReceipts(receipts))
	if err != nil {
		log.Fatal(err)
	}
	policy, err := microcred.NewPolicy(microcred.TrustIssuers(school), microcred.RequireAnchor(anchor.L3))
	if err != nil {
		log.Fatal(err)
	}
	res, err := verifier.Verify(ctx, issued[1].Credential, policy)
	if err != nil {
		log.Fatal(err)
	}
	c, _ := res.Check(microcred.CheckAnchor)
	fmt.Println("credential 2 verified; anchor:", c.Detail)
}

// prevoutAmount is the value (satoshis) of the output the anchor transaction spends.
var prevoutAmount int64 = 50_000
