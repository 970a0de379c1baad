#!/usr/bin/env bash
# Makes sure a headless Chromium from the OS package is installed for the
# browser tests (browser_test.go), and brotli for the size report. Does
# nothing when /usr/bin/chromium is already there.
set -euo pipefail
if [ -x /usr/bin/chromium ] && command -v brotli >/dev/null; then
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "interop: install Chromium (/usr/bin/chromium) for the browser tests" >&2
  exit 1
fi
SUDO=
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium brotli fonts-dejavu-core >/dev/null
