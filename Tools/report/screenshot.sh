#!/usr/bin/env bash
# Renders a report page (synth eval ... --out report.html) in headless Chromium and saves
# a full-page PNG, to check what a reader sees: the page needs no script and no network.
#
#   bash Tools/report/screenshot.sh report.html [report.png] [width]
#
# Needs chromium (Debian: apt-get install chromium).
set -euo pipefail
page=${1:?usage: screenshot.sh REPORT.html [OUT.png] [WIDTH]}
out=${2:-${page%.html}.png}
width=${3:-1280}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "screenshot.sh: no chromium found (apt-get install chromium)" >&2; exit 1; }
[ -f "$page" ] || { echo "screenshot.sh: $page: no such file" >&2; exit 1; }
# A tall window captures the whole page; the report has no script, so nothing loads late.
"$browser" --headless=new --no-sandbox --disable-gpu --hide-scrollbars --disable-javascript \
    --window-size="${width},6000" --screenshot="$out" "file://$(realpath "$page")" >/dev/null 2>&1
echo "wrote $out"
