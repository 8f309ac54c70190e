#!/usr/bin/env bash
# Set up, build the KB from data/ and serve the web app on http://127.0.0.1:${PORT:-5000}/
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/makb build
.venv/bin/makb stats | head -n 1
exec .venv/bin/makb serve --host "${HOST:-127.0.0.1}" --port "${PORT:-5000}"
