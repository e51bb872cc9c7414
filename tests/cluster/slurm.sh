#!/usr/bin/env bash
# The Slurm test of issue #18, on a real single-node cluster:
#
#   bash tests/cluster/slurm.sh [SIGNPOST_BIN]   (default target/release/signpost)
#
# 1. start munged, slurmctld and slurmd in a temp dir (slurm_cluster.sh);
# 2. `signpost plan` the default scenario, REPS replications in units of
#    UNIT_REPS, and submit it with deploy/slurm/submit.sh --wait: an array
#    of units, then the merge job that depends on it;
# 3. compare the merged files with `signpost run` of the same scenario,
#    seed and replications (same_results.py: byte for byte, run facts aside);
# 4. rerun one index as a user would after a failure, merge again: the
#    same bytes;
# and always stop the daemons and remove the temp dir.
#
# Prints "slurm: PASSED ..." and exits 0, or a FAILED line and exits 1.
# When Slurm cannot be installed (not root, no apt) it prints SKIPPED and
# exits 0, unless SIGNPOST_REQUIRE_CLUSTER=1 (CI sets it), then 1.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=$(realpath "${1:-target/release/signpost}")
reps=${REPS:-6}
unit_reps=${UNIT_REPS:-2}
seed=${SEED:-20261202}

work=$(mktemp -d /tmp/signpost-slurm.XXXXXX)
# shellcheck source=tests/cluster/slurm_cluster.sh
. tests/cluster/slurm_cluster.sh
cleanup() {
  slurm_cluster_down
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
  echo "FAILED: slurm: $*" >&2
  for log in "$work"/logs/*.out; do
    [ -f "$log" ] || continue
    echo "--- $log" >&2
    tail -n 20 "$log" >&2
  done
  exit 1
}

started=$SECONDS
mkdir -p "$work/cluster" "$work/logs"
status=0
slurm_cluster_up "$work/cluster" || status=$?
if [ "$status" = 3 ]; then
  [ "${SIGNPOST_REQUIRE_CLUSTER:-0}" = 1 ] && fail "Slurm is required here (SIGNPOST_REQUIRE_CLUSTER=1) but could not be installed"
  exit 0
fi
[ "$status" = 0 ] || exit 1
echo "slurm: cluster up in $((SECONDS - started)) s ($(sinfo -h -N -o '%N %c CPUs %T'))"

"$bin" plan --reps "$reps" --unit-reps "$unit_reps" --seed "$seed" --out "$work/plan" >/dev/null ||
  fail "signpost plan exited $?"
units=$(($(wc -l <"$work/plan/units.tsv") - 1))

submitted=$SECONDS
# Job logs under the temp dir; a time limit so a hung unit cannot hang CI.
SIGNPOST=$bin timeout 600 deploy/slurm/submit.sh --wait "$work/plan" "$work/parts" "$work/merged" \
  --output="$work/logs/%x-%A_%a.out" --time=00:10:00 >"$work/logs/submit.txt" ||
  fail "submit.sh --wait exited $? ($(tr '\n' ' ' <"$work/logs/submit.txt"))"
slurm_seconds=$((SECONDS - submitted))

"$bin" run --reps "$reps" --seed "$seed" --out "$work/single" --quiet >/dev/null ||
  fail "signpost run exited $?"
python3 tests/cluster/same_results.py "$work/single" "$work/merged" >"$work/logs/compare.txt" ||
  fail "merged results differ from signpost run: $(tr '\n' ' ' <"$work/logs/compare.txt")"
echo "slurm: $units units on Slurm + merge in $slurm_seconds s: $(cat "$work/logs/compare.txt") with signpost run --reps $reps"

# A rerun of one failed index, as the guide says: only that part is replaced.
rerun=$((units - 1))
timeout 300 sbatch --wait --quiet --array="$rerun" --output="$work/logs/%x-%A_%a.out" \
  --export=ALL,SIGNPOST="$bin" deploy/slurm/signpost.sbatch "$work/plan" "$work/parts" ||
  fail "rerun of index $rerun exited $?"
"$bin" merge "$work/plan" "$work/parts" --out "$work/merged-again" >/dev/null ||
  fail "merge after the rerun exited $?"
python3 tests/cluster/same_results.py "$work/merged" "$work/merged-again" >"$work/logs/compare.txt" ||
  fail "results after rerunning index $rerun differ: $(tr '\n' ' ' <"$work/logs/compare.txt")"

echo "slurm: PASSED ($units units, rerun of index $rerun identical, $((SECONDS - started)) s in all)"
