#!/usr/bin/env bash
# The measurements of docs/scale.md, on this machine:
#
#   bash tests/cluster/scale.sh [SIGNPOST_BIN] [PYTHON]
#     (defaults target/release/signpost and target/py-venv/bin/python)
#
# One plan of the default scenario, REPS replications in units of one
# replication (plus the warm-up unit), run three ways on every core
# (nproc): plain processes (xargs -P), a Slurm array on the single-node
# test cluster, and signpost.spark in local[nproc]. The difference in wall
# time against plain processes, times the cores, over the units, is each
# engine's overhead per unit [core-seconds]. Then the merge. Not part of
# CI: it takes a few minutes and its numbers depend on the machine's load,
# which it prints.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=$(realpath "${1:-target/release/signpost}")
python=${2:-target/py-venv/bin/python}
reps=${REPS:-24}
cores=$(nproc)
work=$(mktemp -d /tmp/signpost-scale.XXXXXX)
# shellcheck source=tests/cluster/slurm_cluster.sh
. tests/cluster/slurm_cluster.sh
trap 'slurm_cluster_down; rm -rf "$work"' EXIT

now() { date +%s.%N; }
since() { python3 -c "print(f'{$(now) - $1:.2f}')"; }
per_unit() { python3 -c "print(f'{($1 - $2) * $cores / $3:.3f}')"; }

echo "machine: $cores cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$bin" plan --reps "$reps" --unit-reps 1 --seed 1 --out "$work/plan" --quiet
units=$(($(wc -l <"$work/plan/units.tsv") - 1))
echo "plan: default scenario, $reps replications in $units units (warm-up + 1 replication each)"

start=$(now)
seq 0 $((units - 1)) | xargs -P "$cores" -I{} "$bin" run-unit "$work/plan" --index {} --threads 1 --out "$work/parts-local" --quiet
local_s=$(since "$start")
echo "plain processes, $cores at a time: $local_s s"

/usr/bin/time -f "merge of $units units (charts): %e s wall, %U s user, %M KB peak" \
  "$bin" merge "$work/plan" "$work/parts-local" --out "$work/merged" --quiet 2>&1 | grep -v 'warning:' || true

mkdir -p "$work/cluster"
if slurm_cluster_up "$work/cluster"; then
  start=$(now)
  SIGNPOST=$bin sbatch --quiet --export=ALL --array=0-$((units - 1)) --output=/dev/null \
    deploy/slurm/signpost.sbatch "$work/plan" "$work/parts-slurm"
  sleep 1
  until [ -z "$(squeue -h -o %i)" ]; do sleep 0.2; done
  slurm_s=$(since "$start")
  echo "slurm array: $slurm_s s; overhead $(per_unit "$slurm_s" "$local_s" "$units") core-s per unit; $(find "$work/parts-slurm" -name "*.part" | wc -l) parts"
  slurm_cluster_down
fi

"$python" - "$work/plan" "$work/spark" "$local_s" "$units" "$cores" <<'EOF'
import os, sys, time
plan, out, local_s, units, cores = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
os.environ["PYSPARK_PYTHON"] = sys.executable
import warnings
warnings.simplefilter("ignore")
t = time.time()
from pyspark.sql import SparkSession
spark = (SparkSession.builder.master(f"local[{cores}]").config("spark.ui.enabled", "false")
         .config("spark.ui.showConsoleProgress", "false").config("spark.driver.bindAddress", "127.0.0.1")
         .config("spark.driver.host", "127.0.0.1").getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
print(f"spark session start: {time.time() - t:.2f} s")
import signpost.spark
t = time.time()
signpost.spark.run(spark, plan, out)
s = time.time() - t
print(f"signpost.spark.run (units + fetch + merge): {s:.2f} s; overhead {(s - local_s) * cores / units:.3f} core-s per unit")
spark.stop()
EOF
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
