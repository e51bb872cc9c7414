#!/usr/bin/env bash
# The what-if page end to end: writes it with `signpost whatif`, drives it
# in headless Chromium (tests/browser/whatif_check.js: a what-if from the
# URL fragment run to N replications, a control changed and the first
# answer timed, a bad link, keyboard, print view, no network), then runs
# the scenario file of the page's what-if with `signpost run` and requires
# the very same comparison.csv bytes and terminal table.
#
#   tests/browser/check_whatif.sh SIGNPOST_BIN OUT_DIR [FRAGMENT]
#
# Needs the module built (web/build.sh), node and chromium (installed from
# Debian when missing). Exit 0 = every check passed.
set -euo pipefail
bin=${1:?usage: check_whatif.sh SIGNPOST_BIN OUT_DIR [FRAGMENT]}
out=${2:?usage: check_whatif.sh SIGNPOST_BIN OUT_DIR [FRAGMENT]}
fragment=${3:-reps=4&splw.fte=4&navigation.training=expert&vcse.funding=1.2}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)

# shellcheck source=tests/browser/chromium.sh
source "$here/chromium.sh"

"$bin" whatif --out "$out/whatif.html" --force
node "$here/whatif_check.js" "$out/whatif.html" "$fragment" "$out" "$profile/cdp" "$chromium_bin" 2> >(grep -v -E 'dbus|^\[' >&2)

reps=$(cat "$out/page-replications.txt")
"$bin" run "$out/page-whatif.toml" --reps "$reps" --out "$out/cli" --force --no-charts >"$out/cli-stdout.txt" 2>"$out/cli-stderr.txt"
fail=0
if cmp -s "$out/page-comparison.csv" "$out/cli/comparison.csv"; then
  echo "ok: the page's comparison.csv equals signpost run's, byte for byte ($reps replications, $(wc -l <"$out/cli/comparison.csv") lines)"
else
  echo "FAIL: the page's comparison.csv differs from signpost run's:"
  diff "$out/page-comparison.csv" "$out/cli/comparison.csv" | head -20
  fail=1
fi
# stdout: the table, then a line of run facts (events, wall time).
if head -n "$(wc -l <"$out/page-table.txt")" "$out/cli-stdout.txt" | cmp -s - "$out/page-table.txt"; then
  echo "ok: the page's table is the one signpost run prints"
else
  echo "FAIL: the page's table is not in signpost run's output (see $out/page-table.txt, $out/cli-stdout.txt)"
  fail=1
fi
exit $fail
