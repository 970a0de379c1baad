#!/usr/bin/env bash
# Cross-checks microcred with Digital Bazaar's JavaScript libraries and
# with a btcd regtest node, and runs the browser verifier in headless
# Chromium: installs the npm packages, btcd and chromium, then runs the Go
# interop tests (which build the CLI and start btcd on loopback).
# Browser screenshots go to $ARTIFACTS when it is set.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/btcd.sh
scripts/chromium.sh
go test -count=1 ./...
