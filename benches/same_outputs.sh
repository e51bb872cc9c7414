#!/bin/bash
# benches/same_outputs.sh A_BIN B_BIN [REPS]: runs every library scenario (and the
# default with the online route) with both binaries at --threads 2 and
# diffs the result directories, ignoring run.json's timing fields: the
# byte-identity check for a speed step (issue #12). Binaries as absolute
# paths; prints "same NAME" or "DIFF NAME" per scenario.
set -u
a=$1; b=$2; reps=${3:-2}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
online=$tmp/online.toml
{ cat scenarios/default.toml; printf '\n[online]\n'; } > "$online"
strip() { python3 -c "
import json,sys
d=json.load(open(sys.argv[1]))
for k in ('wall_seconds','events_per_second','threads','software'): d.pop(k,None)
print(json.dumps(d,sort_keys=True,indent=1))" "$1"; }
for f in scenarios/*.toml "$online"; do
  n=$(basename "$f" .toml)
  for x in a b; do
    bin=$a; [ $x = b ] && bin=$b
    "$bin" run "$f" --reps "$reps" --threads 2 --no-charts --quiet --out "$tmp/$x-$n" --force >/dev/null 2>"$tmp/$x-$n.err" || echo "run failed $x $n"
    [ -f "$tmp/$x-$n/run.json" ] && strip "$tmp/$x-$n/run.json" > "$tmp/$x-$n.json" && rm "$tmp/$x-$n/run.json"
  done
  if diff -rq "$tmp/a-$n" "$tmp/b-$n" >/dev/null && cmp -s "$tmp/a-$n.json" "$tmp/b-$n.json"; then echo "same $n"; else echo "DIFF $n"; diff -rq "$tmp/a-$n" "$tmp/b-$n" | head -3; fi
done
rm -rf "$tmp"
