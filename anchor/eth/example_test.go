package eth_test

import (
	"bytes"
	"fmt"
	"log"
	"math/big"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/onchaincert/microcred/anchor/eth"
)

// Build and sign an EIP-1559 transaction anchoring a batch root, then
// read it back as a verifier would: parse the raw bytes, check the data is
// the root and recover the sender.
func ExampleNewAnchorTx() {
	key := secp256k1.PrivKeyFromBytes(bytes.Repeat([]byte{0x42}, 32)) // a fixed test key
	root := bytes.Repeat([]byte{0xab}, 32)
	tx, err := eth.NewAnchorTx(key, root, eth.AnchorParams{
		ChainID:              11155111, // Sepolia
		Nonce:                0,
		MaxPriorityFeePerGas: big.NewInt(1_000_000_000),
		MaxFeePerGas:         big.NewInt(30_000_000_000),
	})
	if err != nil {
		log.Fatal(err)
	}
	raw, err := tx.MarshalBinary() // for eth_sendRawTransaction
	if err != nil {
		log.Fatal(err)
	}

	parsed, err := eth.ParseTx(raw)
	if err != nil {
		log.Fatal(err)
	}
	from, err := parsed.Sender()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("type:", parsed.Type, "gas:", parsed.Gas)
	fmt.Println("root in data:", parsed.FindRoot(root))
	fmt.Println("sender:", from)
	fmt.Println("to self:", *parsed.To == from)
	// Output:
	// type: 2 gas: 22280
	// root in data: true
	// sender: 0x17c5185167401eD00cF5F5b2fc97D9BBfDb7D025
	// to self: true
}
