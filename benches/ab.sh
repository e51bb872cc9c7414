#!/bin/bash
# Alternating A/B whole-run timings (issue #12): BEFORE and AFTER are two
# signpost binaries; each pair runs the default, urban_deprived and
# winter_pressure at one thread, then the kernel floor if it is built
# (KERNEL_FLOOR, default /tmp/kf/release/kernel-floor). Prints
# "scenario binary user_s wall_s maxrss_kb" lines, then the medians of the
# pair ratios (AFTER / BEFORE user seconds), each with a distribution-free
# interval for that median (order statistics of the pair ratios; with 5
# pairs it is their range, at 94%, and 95% needs at least 6) and how many
# pairs AFTER won. Run from the repository root on an otherwise idle machine.
set -euo pipefail
before=$1; after=$2; pairs=${3:-5}
floor=${KERNEL_FLOOR:-/tmp/kf/release/kernel-floor}
out=$(mktemp -d); log=$out/ab.log
for _ in $(seq "$pairs"); do
  for sc in default urban_deprived winter_pressure; do
    arg=(); [ "$sc" != default ] && arg=("scenarios/$sc.toml")
    for b in "$before" "$after"; do
      /usr/bin/time -f "$sc $(basename "$b") %U %e %M" "$b" run "${arg[@]}" --threads 1 --no-charts --quiet \
        --out "$out/run" --force 2>&1 >/dev/null | tail -1 | tee -a "$log"
    done
  done
  if [ -x "$floor" ]; then
    /usr/bin/time -f "floor kernel-floor %U %e" "$floor" 3000000 2>&1 >/dev/null | tail -1 | tee -a "$log"
  fi
done
python3 - "$log" "$(basename "$before")" "$(basename "$after")" <<'PY'
import sys, statistics as st, collections
from math import comb
log, a, b = sys.argv[1:]

def median_interval(ratios):
    """Distribution-free interval for the median pair ratio: order
    statistics k and n+1-k of the sorted ratios, with k the largest whose
    coverage 1 - 2 P(Binomial(n, 1/2) < k) is at least 95% (k = 1, the
    range, when none is). Returns (low, high, coverage)."""
    r, n = sorted(ratios), len(ratios)
    k, cover = 1, 1 - 2 * 0.5**n
    for j in range(2, n // 2 + 1):
        tail = sum(comb(n, i) for i in range(j)) / 2**n
        if 1 - 2 * tail >= 0.95:
            k, cover = j, 1 - 2 * tail
    return r[k - 1], r[n - k], cover

t = collections.defaultdict(list)
for line in open(log):
    f = line.split()
    t[(f[0], f[1])].append(float(f[2]))
for sc in ("default", "urban_deprived", "winter_pressure"):
    r = [y / x for x, y in zip(t[(sc, a)], t[(sc, b)])]
    low, high, cover = median_interval(r)
    print(f"{sc}: {a} median {st.median(t[(sc, a)]):.2f} s, {b} median {st.median(t[(sc, b)]):.2f} s, "
          f"median pair ratio {st.median(r):.3f} ({1 / st.median(r):.2f}x); "
          f"{cover:.0%} interval {low:.3f}-{high:.3f} ({1 / high:.2f}x-{1 / low:.2f}x); "
          f"{b} faster in {sum(x < 1 for x in r)} of {len(r)} pairs")
if t[("floor", "kernel-floor")]:
    print(f"kernel floor: median {st.median(t[('floor', 'kernel-floor')]):.2f} s user")
PY
rm -rf "$out"
