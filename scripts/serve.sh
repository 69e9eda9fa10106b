#!/usr/bin/env bash
# Sets up the toolchain (idempotent), builds the playground and serves it at
# http://127.0.0.1:8080 (PORT=... to change), rebuilding when frontend/, engine/ or static/ change.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh --no-browser
export PATH="$HOME/.cargo/bin:$PWD/e2e/node_modules/.bin:$PATH"
exec trunk serve --release --address 127.0.0.1 --port "${PORT:-8080}"
