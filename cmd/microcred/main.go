// Command microcred issues and verifies Open Badges 3.0 credentials offline.
//
//	microcred key generate --type ed25519|p256|p384|secp256k1|rsa [--seed HEX] --out FILE
//	microcred sign --key FILE [--suite SUITE] [--mandatory POINTER]... [--format di|jwt|vc+jwt] [--created RFC3339] [--set-issuer] IN.json
//	microcred derive --reveal POINTER... BASE.json
//	microcred verify [--now RFC3339] [--json] [--trust DID]... FILE
//	microcred present --key FILE --challenge C [--domain D] CREDENTIAL...
//	microcred bake --image IN.png|IN.svg --credential FILE --out OUT [--replace]
//	microcred extract FILE
//	microcred status create|set|check ...
//	microcred demo
//	microcred anchor address|btc build|eth build ...
//	microcred batch-root --out DIR FILE...
//	microcred receipt --batch DIR --chain CHAIN --txid TXID [evidence] --out DIR
//	microcred blockcerts --key FILE --chain CHAIN [--anchor-tx TXID] --out DIR IN.json...
//
// Exit status: 0 success (verify: verified), 1 failure (verify: not
// verified), 2 bad usage or unreadable input.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
)

const usage = `microcred issues and verifies Open Badges 3.0 credentials offline.

Usage:
  microcred key generate --type ed25519|p256|p384|secp256k1 [--seed HEX] --out FILE
  microcred sign --key FILE [--suite eddsa-rdfc-2022|eddsa-jcs-2022|ecdsa-rdfc-2019|ecdsa-jcs-2019|ecdsa-sd-2023|Ed25519Signature2020]
                 [--mandatory POINTER]... [--format di|jwt|vc+jwt] [--alg ALG] [--created RFC3339] [--set-issuer] IN.json
  microcred verify [--now RFC3339] [--json] [--trust DID]... [--status-list URL=FILE]... [--challenge C --domain D] FILE
  microcred derive --reveal POINTER... BASE.json   (ecdsa-sd-2023 selective disclosure)
  microcred present --key FILE --challenge C [--domain D] CREDENTIAL...
  microcred bake --image IN.png|IN.svg --credential FILE --out OUT [--replace]
  microcred extract FILE
  microcred status create --key FILE --url URL [--purpose P] [--status-size BITS] --out FILE
  microcred status set --key FILE --list FILE --index I [--value V | --clear] --out FILE
  microcred status check --list FILE --index I
  microcred batch --template T.json --data learners.csv|.jsonl --key K.json --out DIR [--format json|jwt]
                  [--bake IMAGE] [--status-list URL] [--workers N] [--resume]
  microcred demo [--out DIR]
  microcred verify --receipt FILE [--checkpoint CHAIN:BLOCKHASH[:NBITS]]... [--require-level L0..L4] [--confirmations N] FILE
  microcred verify [--blockcerts-tx FILE] [--require-level L0..L2] [--trust DID] CERT.json   (MerkleProof2019)

Anchoring (transactions are signed offline and printed, never broadcast):
  microcred anchor address --key K.json --network mainnet|testnet|regtest
  microcred anchor btc build --key K.json --network mainnet|testnet|regtest --utxo TXID:VOUT:AMOUNT_SATS [--utxo ...]
                 --root HEX --change ADDR [--fee-rate SATS_PER_KVB]
  microcred anchor eth build --key K.json --chain-id N --nonce N (--max-fee WEI --max-priority-fee WEI | --legacy --gas-price WEI)
                 [--gas-limit N] --root HEX
  microcred batch-root --out DIR FILE...     (copies the signed files into DIR, writes DIR/batch.json, prints the root)
  microcred receipt --batch DIR --chain bitcoin-mainnet|bitcoin-testnet|bitcoin-regtest|ethereum-mainnet|ethereum-sepolia|ethereum-dev|mock
                 --txid TXID [--raw-tx FILE] [--block FILE | --tx-index N [--branch FILE] --headers FILE] [--headers FILE] --out DIR
  microcred blockcerts --key K.json --chain mocknet|bitcoin-testnet|bitcoin-mainnet|ethereum-sepolia|ethereum-mainnet
                 [--anchor-tx TXID [--root HEX]] [--created RFC3339] [--set-issuer] --out DIR IN.json...

Exit status: 0 success (verify: verified), 1 failure (verify: not verified),
2 bad usage or unreadable input.
`

// usageError is a command-line mistake: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// exitError carries an exit status with an already-printed outcome.
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	err := dispatch(ctx, args, stdout, stderr)
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	fmt.Fprintln(stderr, "microcred:", err)
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprint(stderr, "\n", usage)
		return 2
	}
	return 1
}

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usagef("no command")
	}
	switch args[0] {
	case "key":
		if len(args) < 2 || args[1] != "generate" {
			return usagef("usage: microcred key generate --type TYPE [--seed HEX] --out FILE")
		}
		return keyGenerate(args[2:], stdout, stderr)
	case "sign":
		return sign(ctx, args[1:], stdout, stderr)
	case "verify":
		return verify(ctx, args[1:], stdout, stderr)
	case "bake":
		return bakeCmd(args[1:], stdout, stderr)
	case "extract":
		return extract(args[1:], stdout, stderr)
	case "derive":
		return derive(args[1:], stdout, stderr)
	case "present":
		return present(ctx, args[1:], stdout, stderr)
	case "batch":
		return batchCmd(ctx, args[1:], stdout, stderr)
	case "status":
		return statusCmd(ctx, args[1:], stdout, stderr)
	case "demo":
		return demo(ctx, args[1:], stdout, stderr)
	case "anchor":
		return anchorCmd(args[1:], stdout, stderr)
	case "batch-root":
		return batchRoot(args[1:], stdout, stderr)
	case "receipt":
		return receiptCmd(args[1:], stdout, stderr)
	case "blockcerts":
		return blockcertsCmd(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return usagef("unknown command %q", args[0])
}
