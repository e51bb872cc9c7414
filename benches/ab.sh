#!/bin/bash
# Alternating A/B whole-run timings (issue #12): BEFORE and AFTER are two
# signpost binaries; each pair runs the default, urban_deprived and
# winter_pressure at one thread, then the kernel floor if it is built
# (KERNEL_FLOOR, default /tmp/kf/release/kernel-floor). Prints
# "scenario binary user_s wall_s maxrss_kb" lines, then the medians of the
# pair ratios. Run from the repository root on an otherwise idle machine.
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
log, a, b = sys.argv[1:]
t = collections.defaultdict(list)
for line in open(log):
    f = line.split()
    t[(f[0], f[1])].append(float(f[2]))
for sc in ("default", "urban_deprived", "winter_pressure"):
    r = [y / x for x, y in zip(t[(sc, a)], t[(sc, b)])]
    print(f"{sc}: {a} median {st.median(t[(sc, a)]):.2f} s, {b} median {st.median(t[(sc, b)]):.2f} s, "
          f"median pair ratio {st.median(r):.3f} ({1 / st.median(r):.2f}x)")
if t[("floor", "kernel-floor")]:
    print(f"kernel floor: median {st.median(t[('floor', 'kernel-floor')]):.2f} s user")
PY
rm -rf "$out"
