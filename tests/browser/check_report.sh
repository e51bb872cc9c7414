#!/usr/bin/env bash
# Opens DIR/report.html in headless Chromium and checks what a reader would
# see: no console errors or network requests, every chart <svg> present and
# rendered with a non-zero size, plus screenshots to look at.
#
#   tests/browser/check_report.sh DIR [OUT_DIR]
#
# OUT_DIR (default DIR/browser-check) receives report.png (first screen),
# report-page-NN.png (the whole page in slices) and dom.html. Installs
# Debian's chromium with apt-get when it is missing. Exit 0 = all checks
# passed. With node available the checks run over the DevTools protocol
# (tests/browser/cdp_check.js); without it, a reduced check uses --dump-dom
# and --screenshot.
set -euo pipefail

dir=${1:?usage: check_report.sh DIR [OUT_DIR]}
out=${2:-$dir/browser-check}
report=$(cd "$dir" && pwd)/report.html
here=$(cd "$(dirname "$0")" && pwd)
[[ -f $report ]] || { echo "no report.html in $dir (run: signpost report $dir)" >&2; exit 2; }
mkdir -p "$out"
out=$(cd "$out" && pwd)

# shellcheck source=tests/browser/chromium.sh
source "$here/chromium.sh"
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
  --disable-background-networking --disable-component-update --disable-sync
  --hide-scrollbars "--user-data-dir=$profile")

expected=$(grep -o '<figure id="' "$report" | wc -l)
echo "report: $report ($expected charts)"

# The DOM as Chromium parsed it: every chart's <svg> must be there.
"$chromium_bin" "${flags[@]}" --dump-dom "file://$report" >"$out/dom.html" 2>"$out/chromium-dom.log"
in_dom=$(grep -o '<figure id="[^"]*">' "$out/dom.html" | wc -l)
svgs=$(grep -c '<svg ' "$out/dom.html" || true)
fail=0
if [[ $in_dom -ne $expected || $svgs -lt $expected ]]; then
  echo "FAIL: parsed DOM has $in_dom figures and $svgs <svg> (expected $expected)"
  fail=1
else
  echo "ok: parsed DOM has $in_dom figures, each with an <svg>"
fi

if command -v node >/dev/null; then
  EXPECTED_CHARTS=$expected node "$here/cdp_check.js" "$report" "$out" "$profile/cdp" "$chromium_bin" || fail=1
else
  echo "node not found: reduced check (console errors from chromium's log, screenshot only)"
  "$chromium_bin" "${flags[@]}" --enable-logging=stderr --v=0 --window-size=1280,2400 \
    "--screenshot=$out/report.png" "file://$report" 2>"$out/chromium.log" || fail=1
  if grep -E 'CONSOLE|Uncaught|Refused to|ERR_' "$out/chromium.log" | grep -v -E 'dbus|gcm|GPU' ; then
    echo "FAIL: console errors (above)"
    fail=1
  else
    echo "ok: no console errors"
  fi
fi
echo "screenshots and DOM in $out"
exit $fail
