#!/usr/bin/env bash
# End-to-end browser tests of the playground: builds dist/ when it is missing or older
# than its sources, serves it on 127.0.0.1, runs e2e/tests/*.test.mjs with node's test
# runner (one file at a time) in headless Debian Chromium, and exits with its status.
# Screenshots land in e2e/artifacts/ (git-ignored).
#
#   scripts/e2e.sh                      # all tests
#   scripts/e2e.sh e2e/tests/03-share.test.mjs   # some files
#   E2E_REBUILD=1 scripts/e2e.sh        # force `trunk build --release`
#   E2E_PORT=8123 scripts/e2e.sh        # a fixed port (default: a free one)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export PATH="$HOME/.cargo/bin:$ROOT/e2e/node_modules/.bin:$PATH"

if [ ! -d e2e/node_modules/playwright-core ] || [ ! -d e2e/node_modules/axe-core ] || [ ! -x e2e/node_modules/.bin/wasm-opt ]; then
  echo "==> installing e2e npm packages (npm ci)"
  (cd e2e && npm ci --no-audit --no-fund)
fi
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
  echo "error: ${CHROMIUM:-/usr/bin/chromium} is missing: run scripts/setup.sh (it installs Debian's chromium)" >&2
  exit 2
fi

# The tests take expected answers from the engine itself: the CLI (target/debug/netpol).
if [ -z "${NETPOL:-}" ]; then
  if [ ! -x target/debug/netpol ] || [ -n "$(find engine/src cli/src Cargo.lock -newer target/debug/netpol -type f 2>/dev/null | head -n 1)" ]; then
    echo "==> cargo build -p netpol (the tests' reference answers)"
    cargo build -q -p netpol --bin netpol
  fi
fi

needs_build=0
if [ "${E2E_REBUILD:-0}" = 1 ] || [ ! -f dist/index.html ]; then
  needs_build=1
elif [ -n "$(find frontend engine/src static Trunk.toml Cargo.toml Cargo.lock -newer dist/index.html -type f 2>/dev/null | head -n 1)" ]; then
  needs_build=1
fi
if [ "$needs_build" = 1 ]; then
  echo "==> trunk build --release"
  trunk build --release
fi

LOG=$(mktemp)
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -f "$LOG"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# `node … &` directly (no subshell), so that $! is the server's own PID.
node e2e/serve.mjs dist "${E2E_PORT:-0}" 127.0.0.1 >"$LOG" 2>&1 &
SERVER_PID=$!
URL=
for _ in $(seq 1 100); do
  URL=$(sed -n 's/^listening on \(http[^ ]*\).*/\1/p' "$LOG")
  [ -n "$URL" ] && break
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then cat "$LOG" >&2; echo "error: the static server did not start" >&2; exit 2; fi
  sleep 0.1
done
[ -n "$URL" ] || { cat "$LOG" >&2; echo "error: the static server did not report its address" >&2; exit 2; }
echo "==> serving dist/ at $URL (pid $SERVER_PID)"

mkdir -p e2e/artifacts
rm -f e2e/artifacts/*.png e2e/artifacts/*.log
if [ "$#" -gt 0 ]; then files=("$@"); else files=(e2e/tests/*.test.mjs); fi
status=0
E2E_BASE_URL="$URL" node --test --test-concurrency=1 "${files[@]}" || status=$?
echo "==> screenshots in e2e/artifacts/"
exit "$status"
