#!/usr/bin/env bash
# Set up everything (virtualenv, packages, headless Chromium) and run the whole test suite.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test || exit 1
bash scripts/install-browser.sh || exit 1
bash scripts/install-virtuoso.sh || exit 1
.venv/bin/ruff check . || exit 1
.venv/bin/mypy || exit 1
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
rc=$?
if [ "$rc" = "5" ]; then
  echo "no tests were collected: failing" >&2
  exit 1
fi
exit "$rc"
