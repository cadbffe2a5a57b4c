#!/usr/bin/env bash
# Renders an HTML report (endpoint-drift check -o html=FILE) to a PNG with headless Chromium, and
# fails when the page logged anything to the console: the report has no scripts and loads
# nothing, so any console message (a blocked load, a CSP violation) is a bug.
#
#   scripts/render-html.sh REPORT.html OUT.png [WIDTH [HEIGHT [SCALE]]]
#   scripts/render-html.sh report.html desktop.png 1280 1800
#   scripts/render-html.sh report.html phone.png 390 2400 2     # a phone, at 2x
#
# Needs Debian's `chromium` (make deps installs it). Set CHROMIUM to use another binary.
set -euo pipefail

if [ $# -lt 2 ]; then
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
report=$1
out=$2
width=${3:-1280}
height=${4:-1800}
scale=${5:-1}

[ -f "$report" ] || { echo "render-html: no such file: $report" >&2; exit 2; }
browser=${CHROMIUM:-}
if [ -z "$browser" ]; then
  for candidate in chromium chromium-browser google-chrome; do
    if command -v "$candidate" >/dev/null 2>&1; then browser=$candidate; break; fi
  done
fi
[ -n "$browser" ] || { echo "render-html: chromium not found (Debian: apt-get install chromium)" >&2; exit 2; }

profile=$(mktemp -d)
log=$(mktemp)
trap 'rm -rf "$profile" "$log"' EXIT
absolute=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")
mkdir -p "$(dirname "$out")"
rm -f "$out"

# --no-sandbox: Chromium's sandbox refuses to start as root (CI containers); the page is our own
# file and may not load anything. The host resolver rule keeps even a buggy page off the network.
status=0
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
  --no-default-browser-check --disable-extensions --disable-background-networking \
  --host-resolver-rules='MAP * ~NOTFOUND' --user-data-dir="$profile" \
  --enable-logging=stderr --v=0 --force-device-scale-factor="$scale" \
  --window-size="$width,$height" --screenshot="$out" "file://$absolute" >"$log" 2>&1 || status=$?

if [ "$status" -ne 0 ]; then
  echo "render-html: $browser exited $status" >&2
  cat "$log" >&2
  exit 1
fi
if [ ! -s "$out" ]; then
  echo "render-html: no screenshot was written" >&2
  cat "$log" >&2
  exit 1
fi
if grep -q 'CONSOLE' "$log"; then
  echo "render-html: the page logged to the console:" >&2
  grep 'CONSOLE' "$log" >&2
  exit 1
fi
echo "render-html: $out (${width}x${height} at ${scale}x)"
