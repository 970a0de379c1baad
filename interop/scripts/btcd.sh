#!/usr/bin/env bash
# Installs btcd and btcctl v0.24.2 (from the Go module proxy) into
# interop/.bin for the regtest anchoring test (btc_test.go); does nothing
# when the installed binaries already report that version.
set -euo pipefail
cd "$(dirname "$0")/.."
version=v0.24.2
bin="$PWD/.bin"
stamp="$bin/.btcd-$version"
if [ -x "$bin/btcd" ] && [ -x "$bin/btcctl" ] && [ -f "$stamp" ]; then
  exit 0
fi
if ! command -v go >/dev/null; then
  echo "interop: go is required to install btcd" >&2
  exit 1
fi
mkdir -p "$bin"
GOBIN="$bin" go install "github.com/btcsuite/btcd@$version" "github.com/btcsuite/btcd/cmd/btcctl@$version"
rm -f "$bin"/.btcd-*
touch "$stamp"
