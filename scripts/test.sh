#!/usr/bin/env bash
# Sets up what the tests need (idempotent) and runs every test: formatting, clippy for the native
# and wasm32 targets, the engine/CLI tests (corpora, properties, snapshots, error tests), the
# frontend's native unit tests, and the end-to-end browser tests in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

./scripts/setup.sh
export PATH="$HOME/.cargo/bin:$ROOT/e2e/node_modules/.bin:$PATH"

step() { printf '\n==> %s\n' "$*"; }

step "rustfmt"
cargo fmt --all -- --check

step "clippy (native: engine, CLI, frontend's pure modules; tests included)"
cargo clippy -p netpol-engine -p netpol -p netpol-frontend --all-targets -- -D warnings

step "clippy (wasm32: engine and frontend)"
cargo clippy -p netpol-engine -p netpol-frontend --target wasm32-unknown-unknown -- -D warnings

step "engine and CLI tests"
if [ -d ../shared/conformance/np-guard ]; then
  echo "peer corpus: ../shared/conformance/np-guard (run by engine/tests/scenarios.rs)"
else
  echo "notice: ../shared/conformance/np-guard not found: the np-guard peer corpus is skipped"
fi
cargo test -p netpol-engine -p netpol

step "frontend unit tests (native: reducer, layout, share links)"
cargo test -p netpol-frontend

step "end-to-end browser tests"
bash scripts/e2e.sh

# The issue asks for a headless Firefox screenshot of the demo as well; taken when firefox-esr is
# installed (`apt-get install firefox-esr`), never a reason to fail.
bash scripts/firefox-shot.sh || echo "note: the firefox-esr screenshot could not be taken"
