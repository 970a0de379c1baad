#!/usr/bin/env bash
# Installs the exact npm packages of package-lock.json; does nothing if
# node_modules already matches it.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.microcred-lock
if [ -f "$stamp" ] && cmp -s package-lock.json "$stamp"; then
  exit 0
fi
if ! command -v npm >/dev/null; then
  echo "interop: npm is required (Node 20)" >&2
  exit 1
fi
npm ci --no-audit --no-fund --loglevel=error
cp package-lock.json "$stamp"
