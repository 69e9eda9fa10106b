#!/usr/bin/env bash
# Installs everything the build and the tests need, idempotently.
# Versions are pinned to what is known to work on this project's machines
# (see README "Toolchain"); trunk never downloads anything itself (Trunk.toml).
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
# Must equal the `wasm-bindgen = "=X"` pin in frontend/Cargo.toml.
WASM_BINDGEN_VERSION=0.2.130

want_browser=1
want_web=1
for arg in "$@"; do
  case "$arg" in
    --no-browser) want_browser=0 ;;
    --cli-only) want_browser=0; want_web=0 ;;
  esac
done

export PATH="$HOME/.cargo/bin:$PATH"

step() { printf '\n==> %s\n' "$*"; }

if [ "$want_web" = 1 ]; then
  if ! rustup target list --installed | grep -q wasm32-unknown-unknown; then
    step "adding the wasm32 target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
    step "installing trunk $TRUNK_VERSION (several minutes, once)"
    cargo install --locked "trunk@$TRUNK_VERSION"
  fi
  if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
    step "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (several minutes, once)"
    # Not --locked: one of its locked dependency versions is not on the registry.
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
  fi
  if [ ! -x e2e/node_modules/.bin/wasm-opt ] || [ ! -d e2e/node_modules/playwright-core ] || [ ! -d e2e/node_modules/axe-core ]; then
    step "installing npm tools (binaryen's wasm-opt, playwright-core, axe-core)"
    (cd e2e && npm ci --no-audit --no-fund)
  fi
fi

if [ "$want_browser" = 1 ]; then
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    step "installing Debian chromium + chromium-driver"
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver
    else
      sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver
    fi
  fi
fi

# Only the benchmark generator (shared/bench/gen.py) needs PyYAML; the tests do not.
if ! python3 -c 'import yaml' 2>/dev/null; then
  step "installing PyYAML (benchmark generator)"
  python3 -m pip install --quiet pyyaml || echo "warning: PyYAML not installed: bench/run.sh will try again"
fi
step "set-up complete"
