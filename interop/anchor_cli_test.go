package interop_test

// The two-command anchoring flow, through the CLI only: microcred
// batch-root makes a batch, then `anchor btc|eth send --rpc` and
// `receipt --rpc --wait N` talk to a real node the test runs on
// loopback (btcd regtest, ganache); the test only mines blocks in
// between, as the network would. The receipts then verify offline at L3
// with `microcred verify`, and tampered copies fail.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cli runs the microcred binary with extra environment and returns
// stdout, stderr and the exit code.
func (e *env) cli(t *testing.T, envs []string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(e.bin, args...)
	cmd.Env = append(os.Environ(), envs...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return stdout.String(), stderr.String(), code
}

// syncBuffer is a bytes.Buffer safe to read while a process writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// background is a microcred process running in the background.
type background struct {
	t      *testing.T
	stderr *syncBuffer
	wait   func() (string, string, int)
}

// await waits until the process has written text to stderr.
func (b *background) await(text string) {
	b.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !strings.Contains(b.stderr.String(), text) {
		if time.Now().After(deadline) {
			b.t.Fatalf("no %q from the background microcred: %s", text, b.stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// start runs the binary in the background.
func (e *env) start(t *testing.T, envs []string, args ...string) *background {
	t.Helper()
	cmd := exec.Command(e.bin, args...)
	cmd.Env = append(os.Environ(), envs...)
	var stdout bytes.Buffer
	stderr := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = &stdout, stderr
	require.NoError(t, cmd.Start())
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		select {
		case <-done:
		default:
			_ = cmd.Process.Kill()
			<-done
		}
	})
	return &background{t: t, stderr: stderr, wait: func() (string, string, int) {
		t.Helper()
		var err error
		select {
		case err = <-done:
			done <- err // for the cleanup
		case <-time.After(2 * time.Minute):
			t.Fatalf("microcred %s did not finish: %s", strings.Join(args, " "), stderr.String())
		}
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else {
			require.NoError(t, err)
		}
		return stdout.String(), stderr.String(), code
	}}
}

// cliBatch signs three OB 3.0 credentials with the CLI and collects them
// with batch-root; it returns the batch directory, the root and the
// credential files in it.
func cliBatch(t *testing.T, e *env, tag string) (dir, root string, creds []string) {
	t.Helper()
	edKey := filepath.Join(e.dir, "ed-"+tag+".json")
	_, errOut, code := run(t, e.bin, "key", "generate", "--type", "ed25519", "--out", edKey)
	require.Equal(t, 0, code, errOut)
	vector, err := os.ReadFile("../testdata/vectors/ob3/ldp-test-vector-ob/credential.json")
	require.NoError(t, err)
	var files []string
	for i := range 3 {
		in := e.write(t, fmt.Sprintf("%s-in%d.json", tag, i),
			bytes.Replace(vector, []byte(`"http://example.com/credentials/3527"`), []byte(fmt.Sprintf(`"http://example.com/credentials/%s-%d"`, tag, i)), 1))
		out, errOut, code := run(t, e.bin, "sign", "--key", edKey, "--set-issuer", in)
		require.Equal(t, 0, code, errOut)
		require.Contains(t, out, fmt.Sprintf("credentials/%s-%d", tag, i), "each credential differs")
		files = append(files, e.write(t, fmt.Sprintf("%s-cred%d.json", tag, i), []byte(out)))
	}
	dir = filepath.Join(e.dir, "batch-"+tag)
	out, errOut, code := run(t, e.bin, append([]string{"batch-root", "--out", dir}, files...)...)
	require.Equal(t, 0, code, errOut)
	for _, f := range files {
		creds = append(creds, filepath.Join(dir, filepath.Base(f)))
	}
	return dir, strings.TrimSpace(out), creds
}

// tamperReceipt writes a copy of a receipt with one hex digit of the
// given anchor member flipped.
func tamperReceipt(t *testing.T, e *env, path, member string, at int) string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m))
	an := m["anchors"].([]any)[0].(map[string]any)
	flip := func(s string) string {
		b := []byte(s)
		if b[at] == '0' {
			b[at] = '1'
		} else {
			b[at] = '0'
		}
		return string(b)
	}
	switch v := an[member].(type) {
	case string:
		an[member] = flip(v)
	case []any:
		v[0] = flip(v[0].(string))
	default:
		t.Fatalf("receipt member %s: %T", member, v)
	}
	out, err := json.Marshal(m)
	require.NoError(t, err)
	return e.write(t, "tampered-"+member+"-"+filepath.Base(path), out)
}

func TestBtcRegtestTwoCommandAnchor(t *testing.T) {
	start := time.Now()
	lap := func(what string) { t.Logf("%-48s %6.2f s", what, time.Since(start).Seconds()) }
	e := setupCLI(t)
	k1 := filepath.Join(e.dir, "k1.json")
	_, errOut, code := run(t, e.bin, "key", "generate", "--type", "secp256k1", "--out", k1)
	require.Equal(t, 0, code, errOut)
	addr := func(spend string) string {
		out, errOut, code := run(t, e.bin, "anchor", "address", "--key", k1, "--network", "regtest", "--spend", spend)
		require.Equal(t, 0, code, errOut)
		return strings.TrimSpace(out)
	}
	segwitAddr, legacyAddr := addr("p2wpkh"), addr("p2pkh")
	require.Regexp(t, `^bcrt1q`, segwitAddr)
	require.Regexp(t, `^[mn]`, legacyAddr)

	// btcd mines to both of the key's addresses (it picks one per block),
	// with the indexes its searchrawtransactions needs.
	node := startBtcdWith(t, "--miningaddr="+segwitAddr, "--miningaddr="+legacyAddr, "--txindex", "--addrindex")
	lap("btcd started")
	node.generate(segwitHeight) // coinbase maturity and segwit
	lap(fmt.Sprintf("mined %d blocks", segwitHeight))
	rpcEnv := []string{"MICROCRED_RPC_PASSWORD=" + node.pass}
	rpc := []string{"--rpc", node.url, "--rpc-user", node.user}

	for _, spend := range []string{"p2wpkh", "p2pkh"} {
		t.Run(spend, func(t *testing.T) {
			batch, root, creds := cliBatch(t, e, "btc-"+spend)

			// Command 1: select a coin of the key's address, build, sign,
			// broadcast.
			t0 := time.Now()
			out, errOut, code := e.cli(t, rpcEnv, append([]string{"anchor", "btc", "send", "--key", k1, "--root", root,
				"--network", "regtest", "--spend", spend, "--fee-rate", "2000"}, rpc...)...)
			require.Equal(t, 0, code, errOut)
			txid := strings.TrimSpace(out)
			require.Regexp(t, `^[0-9a-f]{64}$`, txid)
			from := segwitAddr
			if spend == "p2pkh" {
				from = legacyAddr
			}
			assert.Contains(t, errOut, "of "+from, "spent a coin of the key's %s address", spend)
			var mempool []string
			node.call(&mempool, "getrawmempool")
			assert.Contains(t, mempool, txid, "btcd accepted the %s transaction", spend)
			sendTime := time.Since(t0)

			// Command 2, started before the blocks exist: waits for six
			// confirmations while the test mines them.
			receipts := filepath.Join(e.dir, "receipts-"+spend)
			t1 := time.Now()
			bg := e.start(t, rpcEnv, append([]string{"receipt", "--batch", batch, "--chain", "bitcoin-regtest", "--txid", txid,
				"--wait", "6", "--poll", "100ms", "--timeout", "90s", "--out", receipts}, rpc...)...)
			bg.await("to be mined")
			node.generate(1)
			bg.await("waiting for 6 confirmations")
			for range 5 {
				node.generate(1)
			}
			out, errOut, code = bg.wait()
			require.Equal(t, 0, code, errOut)
			assert.Equal(t, 3, strings.Count(out, " L3\n"), out)
			receiptTime := time.Since(t1)
			t.Logf("%s: anchor btc send %.2f s; receipt --wait 6 %.2f s (mining included)", spend, sendTime.Seconds(), receiptTime.Seconds())

			// Offline from here on: verify needs only the files.
			rec := filepath.Join(receipts, filepath.Base(creds[1])+".receipt.json")
			out, errOut, code = run(t, e.bin, "verify", "--any-issuer", "--receipt", rec, "--require-level", "L3", creds[1])
			require.Equal(t, 0, code, "%s\n%s", out, errOut)
			assert.Contains(t, out, "level L3")
			assert.Contains(t, out, "confirmations: 6")
			assert.Contains(t, out, "sender: "+from, "the sender proven by the input's signature")

			// Tampered receipts and another credential fail at L3.
			for _, bad := range []struct{ member string }{{"rawTx"}, {"headers"}, {"branch"}} {
				at := 20
				if bad.member == "headers" {
					at = 80 // the merkle root in the anchor header
				}
				path := tamperReceipt(t, e, rec, bad.member, at)
				out, _, code := run(t, e.bin, "verify", "--any-issuer", "--receipt", path, "--require-level", "L3", creds[1])
				assert.Equal(t, 1, code, "tampered %s: %s", bad.member, out)
			}
			_, _, code = run(t, e.bin, "verify", "--any-issuer", "--receipt", rec, "--require-level", "L3", creds[0])
			assert.Equal(t, 1, code, "another credential's receipt")

			// Two more blocks, then --refresh adds them.
			node.generate(2)
			out, errOut, code = e.cli(t, rpcEnv, append(append([]string{"receipt", "--refresh"}, rpc...), rec)...)
			require.Equal(t, 0, code, errOut)
			assert.Contains(t, out, "confirmations 8")
			out, _, code = run(t, e.bin, "verify", "--any-issuer", "--receipt", rec, "--require-level", "L3", creds[1])
			require.Equal(t, 0, code, out)
			assert.Contains(t, out, "confirmations: 8")
		})
	}
	node.stop()
	lap("done, btcd stopped")
}

func TestEthGanacheTwoCommandAnchor(t *testing.T) {
	start := time.Now()
	e := setupCLI(t)
	k1 := filepath.Join(e.dir, "eth-k1.json")
	_, errOut, code := run(t, e.bin, "key", "generate", "--type", "secp256k1", "--seed", ganacheKey, "--out", k1)
	require.Equal(t, 0, code, errOut)
	c, stop := startGanache(t)
	t.Logf("ganache up in %.2f s", time.Since(start).Seconds())
	var accounts []string
	require.NoError(t, c.call(t, "eth_accounts", &accounts))
	batch, root, creds := cliBatch(t, e, "eth")
	rpc := []string{"--rpc", c.url}

	// Command 1.
	t0 := time.Now()
	out, errOut, code := e.cli(t, nil, append([]string{"anchor", "eth", "send", "--key", k1, "--root", root}, rpc...)...)
	require.Equal(t, 0, code, errOut)
	txHash := strings.TrimSpace(out)
	require.Regexp(t, `^0x[0-9a-f]{64}$`, txHash)
	assert.Contains(t, strings.ToLower(errOut), "sender "+strings.ToLower(accounts[0]), "the funded account sent it")
	assert.Contains(t, errOut, "chain id "+strconv.Itoa(ganacheChainID))
	sendTime := time.Since(t0)

	// Command 2: ganache mined the transaction at once; evm_mine makes
	// the two confirmations more.
	receipts := filepath.Join(e.dir, "receipts-eth")
	t1 := time.Now()
	bg := e.start(t, nil, append([]string{"receipt", "--batch", batch, "--chain", "ethereum-dev", "--txid", txHash,
		"--wait", "3", "--poll", "100ms", "--timeout", "60s", "--out", receipts}, rpc...)...)
	bg.await("waiting for 3 confirmations")
	for range 2 {
		require.NoError(t, c.call(t, "evm_mine", nil))
	}
	out, errOut, code = bg.wait()
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, 3, strings.Count(out, " L3\n"), out)
	receiptTime := time.Since(t1)
	t.Logf("anchor eth send %.2f s; receipt --wait 3 %.2f s (mining included)", sendTime.Seconds(), receiptTime.Seconds())
	// The block the receipt trusted: the node's third block from the anchor.
	var tip struct {
		Hash string `json:"hash"`
	}
	require.NoError(t, c.call(t, "eth_getBlockByNumber", &tip, "latest", false))
	assert.Contains(t, errOut, "--checkpoint ethereum-dev:"+tip.Hash)

	// Two more blocks; --refresh adds them and names the new tip.
	for range 2 {
		require.NoError(t, c.call(t, "evm_mine", nil))
	}
	recRefreshed := filepath.Join(receipts, filepath.Base(creds[0])+".receipt.json")
	out, errOut, code = e.cli(t, nil, append(append([]string{"receipt", "--refresh"}, rpc...), recRefreshed)...)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "confirmations 5")
	var newTip struct {
		Hash string `json:"hash"`
	}
	require.NoError(t, c.call(t, "eth_getBlockByNumber", &newTip, "latest", false))
	assert.Contains(t, errOut, "--checkpoint ethereum-dev:"+newTip.Hash)

	// Offline.
	stop()
	rec := filepath.Join(receipts, filepath.Base(creds[2])+".receipt.json")
	checkpoint := "ethereum-dev:" + tip.Hash
	out, errOut, code = run(t, e.bin, "verify", "--any-issuer", "--receipt", rec, "--checkpoint", checkpoint, "--require-level", "L3", creds[2])
	require.Equal(t, 0, code, "%s\n%s", out, errOut)
	assert.Contains(t, out, "level L3")
	assert.Contains(t, out, "confirmations: 3")
	assert.Contains(t, strings.ToLower(out), "sender: "+strings.ToLower(accounts[0]))
	// Without a checkpoint Ethereum evidence stops at L2.
	_, _, code = run(t, e.bin, "verify", "--any-issuer", "--receipt", rec, "--require-level", "L3", creds[2])
	assert.Equal(t, 1, code, "no trusted block: not L3")
	out, errOut, code = run(t, e.bin, "verify", "--any-issuer", "--receipt", recRefreshed, "--checkpoint", "ethereum-dev:"+newTip.Hash, "--require-level", "L3", creds[0])
	require.Equal(t, 0, code, "%s\n%s", out, errOut)
	assert.Contains(t, out, "confirmations: 5")
	for _, member := range []string{"rawTx", "branch", "headers"} {
		path := tamperReceipt(t, e, rec, member, 40)
		out, _, code := run(t, e.bin, "verify", "--any-issuer", "--receipt", path, "--checkpoint", checkpoint, "--require-level", "L3", creds[2])
		assert.Equal(t, 1, code, "tampered %s: %s", member, out)
	}
	t.Logf("total %.2f s", time.Since(start).Seconds())
}

// setupCLI builds the CLI (setup also checks the npm packages).
func setupCLI(t *testing.T) *env {
	t.Helper()
	return setup(t)
}
