#!/usr/bin/env bash
# Scaling figures for issue #12 (measured and reported, not asserted):
#   benches/scaling.sh [BIN]
# 1. 2 threads vs 1 on the default (10 replications x 5 arms);
# 2. list size 10,000 -> 1,000,000 with capacities scaled in proportion
#    (population.list_size, every `fte`, navigation.servers, VCSE places,
#    initial caseloads, occupancies and waiting lists, the whole-system arm's splw.fte);
# 3. horizon 1 -> 5 years.
# Each point is one `signpost run --reps 2 --threads 1` (so 10 arm-
# replications plus the warm-up diagnostic), user seconds, median of 3.
set -eu
bin=${1:-target/release/signpost}
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
med() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
user() { # user seconds of one run: scenario file, then extra args
  local f=$1; shift
  /usr/bin/time -f "%U" "$bin" run "$f" "$@" --no-charts --quiet --force --out "$tmp/out" 2>&1 >/dev/null | tail -1
}
point() { for _ in 1 2 3; do user "$@"; done | med; }
scaled() { # scaled FACTOR HORIZON_DAYS > toml
  python3 - "$here/scenarios/default.toml" "$1" "$2" <<'PY'
import re, sys
src, k, horizon = open(sys.argv[1]).read(), float(sys.argv[2]), sys.argv[3]
def mul(m):
    v = float(m.group(2)) * k
    return m.group(1) + (str(int(round(v))) if '.' not in m.group(2) else repr(v))
src = re.sub(r'(?m)^(\s*(?:list_size|fte|servers|places|initial_caseload|initial_waitlist|initial_occupancy|waitlist_cap)\s*=\s*)([0-9.]+)', mul, src)
src = re.sub(r'("splw\.fte" = )([0-9.]+)', mul, src)
src = re.sub(r'(?m)^(horizon_days\s*=\s*)[0-9.]+', lambda m: m.group(1) + horizon, src)
print(src)
PY
}
echo "threads: 1 -> 2 (default, 10 reps; wall seconds, median of 3)"
for t in 1 2; do
  w=$(for _ in 1 2 3; do /usr/bin/time -f "%e" "$bin" run --threads $t --no-charts --quiet --force --out "$tmp/out" 2>&1 >/dev/null | tail -1; done | med)
  echo "  threads $t: $w s"
done
echo "list size (1 year, --reps 2 --threads 1; user seconds)"
for n in 10000 50000 200000 1000000; do
  scaled "$(python3 -c "print($n / 50000)")" 364 > "$tmp/s.toml"
  echo "  $n: $(point "$tmp/s.toml" --reps 2 --threads 1) s"
done
echo "horizon (50,000 patients, --reps 2 --threads 1; user seconds)"
for y in 1 2 3 5; do
  scaled 1 $((364 * y)) > "$tmp/s.toml"
  echo "  $y years: $(point "$tmp/s.toml" --reps 2 --threads 1) s"
done
