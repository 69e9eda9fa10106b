#!/usr/bin/env bash
# Optional: a headless firefox-esr screenshot of the served demo (the issue asks that
# one shows the demo rendering correctly). Not part of the test suite; does nothing
# (exit 0) when firefox-esr is not installed (`apt-get install -y firefox-esr` brings it).
#
#   scripts/firefox-shot.sh [OUT=e2e/artifacts/firefox-demo.png] [WIDTHxHEIGHT=1400x900]
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-e2e/artifacts/firefox-demo.png}
SIZE=${2:-1400x900}
if ! command -v firefox-esr >/dev/null; then
  echo "firefox-esr is not installed: no Firefox screenshot (apt-get install -y firefox-esr)"
  exit 0
fi
[ -f dist/index.html ] || { echo "error: dist/ missing: trunk build --release (or scripts/e2e.sh)" >&2; exit 2; }
mkdir -p "$(dirname "$OUT")"

LOG=$(mktemp)
PROFILE=$(mktemp -d)
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$LOG" "$PROFILE"
}
trap cleanup EXIT

node e2e/lib/shot-server.mjs dist 0 "${FIREFOX_SHOT_DELAY_MS:-4000}" >"$LOG" 2>&1 &
SERVER_PID=$!
URL=
for _ in $(seq 1 100); do
  URL=$(sed -n 's/^listening on \(http[^ ]*\).*/\1/p' "$LOG")
  [ -n "$URL" ] && break
  sleep 0.1
done
[ -n "$URL" ] || { cat "$LOG" >&2; exit 2; }

# A fresh profile that makes no request of its own on this closed network.
cat >"$PROFILE/user.js" <<'EOF'
user_pref("app.update.enabled", false);
user_pref("app.normandy.enabled", false);
user_pref("browser.shell.checkDefaultBrowser", false);
user_pref("browser.startup.homepage_override.mstone", "ignore");
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("datareporting.healthreport.uploadEnabled", false);
user_pref("toolkit.telemetry.enabled", false);
user_pref("network.captive-portal-service.enabled", false);
user_pref("network.connectivity-service.enabled", false);
user_pref("browser.safebrowsing.malware.enabled", false);
user_pref("browser.safebrowsing.phishing.enabled", false);
user_pref("browser.safebrowsing.downloads.enabled", false);
user_pref("extensions.update.enabled", false);
user_pref("extensions.getAddons.cache.enabled", false);
user_pref("services.settings.server", "http://127.0.0.1:9/");
user_pref("network.dns.disablePrefetch", true);
user_pref("network.prefetch-next", false);
user_pref("privacy.resistFingerprinting", false);
EOF

# --screenshot is taken at the load event, before the wasm app has rendered: shoot the
# wrapper page of shot-server.mjs, which shows the app in a full-size iframe and holds
# its own load event back for FIREFOX_SHOT_DELAY_MS (default 4000).
OUT_ABS=$(realpath -m "$OUT")
rm -f "$OUT_ABS"
timeout 90 firefox-esr --headless --no-remote --profile "$PROFILE" \
  --window-size "${SIZE/x/,}" --screenshot "$OUT_ABS" "${URL}__shot.html" >/dev/null 2>&1 || true
if [ -s "$OUT_ABS" ]; then
  echo "firefox-esr screenshot: $OUT ($(stat -c %s "$OUT_ABS") bytes)"
else
  echo "error: firefox-esr made no screenshot" >&2
  exit 1
fi
