#!/usr/bin/env bash
# Cross-checks microcred with Digital Bazaar's JavaScript libraries and
# with a btcd regtest node: installs the npm packages and btcd, then runs
# the Go interop tests (which build the CLI and start btcd on loopback).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/btcd.sh
go test -count=1 ./...
