#!/usr/bin/env bash
# Side-by-side: signpost vs SimPy (and Ciw, if it installs) on ref-net, the
# Jackson network in ../shared/peers (beside the repository root), against
# the closed form. Runs everything one at a time (the machine has 2 cores).
#
#   tests/peers/run_peer_comparison.sh            # SimPy (+ Ciw 10 x 100k if it installs)
#   CIW_1M=1 tests/peers/run_peer_comparison.sh   # also Ciw's 1M-minute single run (~70 s, ~1.1 GB)
#
# Outputs: tests/peers/out/*.json (results), *.time (GNU time -v), table on stdout.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
PEERS=${PEERS:-$REPO/../shared/peers}
OUT=$HERE/out
VENV=${VENV:-$OUT/venv}
TARGET=${CARGO_TARGET_DIR:-$REPO/target}
T1M=1000000
T100K=100000
WARM=10000
mkdir -p "$OUT"
[[ -f $PEERS/sim_simpy.py ]] || { echo "peer scripts not found in $PEERS (set PEERS=...)" >&2; exit 2; }

if [[ ! -x $VENV/bin/python ]]; then python3 -m venv "$VENV"; fi
# numpy: the peers' report prints the closed form through analytic.py.
"$VENV/bin/pip" install -q simpy==4.1.2 numpy
HAVE_CIW=0
if "$VENV/bin/pip" install -q ciw==3.2.7; then HAVE_CIW=1; else echo "ciw==3.2.7 did not install; skipping Ciw" >&2; fi
PY=$VENV/bin/python

(cd "$REPO" && cargo build --release --example refnet_compare)
BIN=$TARGET/release/examples/refnet_compare

timed() {  # timed <name> <command...>: GNU time -v into out/<name>.time, stdout into out/<name>.log
  local name=$1; shift
  echo "[$(date +%T)] $name" >&2
  /usr/bin/time -v -o "$OUT/$name.time" "$@" > "$OUT/$name.log" 2>&1
}

# Speed: one replication, 1,000,000 minutes (~1M arrivals, ~3.2M events), one process / one thread.
timed signpost_1M "$BIN" --T $T1M --warmup $WARM --seed 12345 --reps 1 --threads 1 --out "$OUT/signpost_1M.json"
timed simpy_1M "$PY" "$PEERS/sim_simpy.py" --T $T1M --warmup $WARM --seed 12345 --out "$OUT/simpy_1M.json"
if [[ $HAVE_CIW == 1 && ${CIW_1M:-0} == 1 ]]; then
  timed ciw_1M "$PY" "$PEERS/sim_ciw.py" --T $T1M --warmup $WARM --seed 12345 --out "$OUT/ciw_1M.json"
fi

# Accuracy: 10 replications x 100,000 minutes on 2 workers, CI across replications.
timed signpost_x10 "$BIN" --T $T100K --warmup $WARM --seed 1000 --reps 10 --threads 2 --out "$OUT/signpost_x10.json"
timed simpy_x10 "$PY" "$PEERS/sim_simpy.py" --T $T100K --warmup $WARM --seed 1000 --reps 10 --procs 2 --out "$OUT/simpy_x10.json"
if [[ $HAVE_CIW == 1 ]]; then
  timed ciw_x10 "$PY" "$PEERS/sim_ciw.py" --T $T100K --warmup $WARM --seed 1000 --reps 10 --procs 2 --out "$OUT/ciw_x10.json"
fi

python3 "$HERE/compare.py" "$OUT"
