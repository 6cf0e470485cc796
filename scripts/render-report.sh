#!/usr/bin/env bash
# Renders a report.html to a PNG in headless Chromium, to look at the report as a person would.
# Usage: scripts/render-report.sh REPORT_DIR_OR_HTML [OUT.png] [WIDTH]   (default OUT: beside the HTML)
# Installs the Debian `chromium` package when no Chromium is on PATH (needs root and network).
set -euo pipefail
input=${1:?usage: scripts/render-report.sh REPORT_DIR_OR_HTML [OUT.png] [WIDTH]}
html=$input
[ -d "$input" ] && html=$input/report.html
[ -f "$html" ] || { echo "error: $html does not exist." >&2; exit 1; }
html=$(cd "$(dirname "$html")" && pwd)/$(basename "$html")
out=${2:-${html%.html}.png}
width=${3:-1280}

browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
  echo "installing chromium (apt) ..." >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  browser=$(command -v chromium)
fi

# Height: tall enough for the whole page; Chromium has no full-page flag in --screenshot mode.
height=$(python3 - "$html" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
svg = sum(int(h) for h in re.findall(r'<svg[^>]* height="(\d+)"', text))
rows = text.count("<tr>")
print(min(16000, 400 + svg + rows * 27 + text.count("<h2>") * 60 + text.count("<p") * 40))
PY
)
profile=$(mktemp -d /tmp/vantage-chromium.XXXXXX)
trap 'rm -rf "$profile"' EXIT
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" \
  --window-size="$width,$height" --screenshot="$out" "file://$html" >/dev/null 2>&1
echo "$out (${width}x${height})"
