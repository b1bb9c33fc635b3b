#!/usr/bin/env bash
# Installs the Debian packages that the test suite drives for real (npm test runs this first, as `pretest`):
# a fresh Debian machine with only Node on it passes `npm ci && npm test` with nothing installed by hand.
# Each entry is PACKAGE:COMMAND; a package is installed only when its command is missing.
# Set NALSM_SKIP_TEST_DEPS=1 to skip (the tests that need a missing program then fail and name it).
set -euo pipefail
[ "${NALSM_SKIP_TEST_DEPS:-}" = "1" ] && exit 0
wanted=("chromium:chromium" "redis-server:redis-server" "espeak-ng:espeak-ng")
missing=()
for entry in "${wanted[@]}"; do
  pkg=${entry%%:*}; cmd=${entry#*:}
  command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/sbin/$cmd" ] || [ -x "/usr/bin/$cmd" ] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "nalsm tests: missing ${missing[*]} and no apt-get here; install them with your package manager (set NALSM_SKIP_TEST_DEPS=1 to go on without)" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "nalsm tests: missing Debian packages ${missing[*]}; installing them needs root (run as root, give passwordless sudo, or: apt-get install -y ${missing[*]})" >&2
    exit 1
  fi
fi
echo "nalsm tests: installing Debian packages for the browser/service tests: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
echo "nalsm tests: installed ${missing[*]}" >&2
