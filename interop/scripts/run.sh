#!/usr/bin/env bash
# Cross-checks microcred with Digital Bazaar's JavaScript libraries: installs
# the npm packages, then runs the Go interop tests (which build the CLI).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
go test -count=1 ./...
