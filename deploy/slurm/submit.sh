#!/bin/bash
# Submit a signpost plan to Slurm: one array of units, then a merge job that
# starts only when every unit succeeded.
#
#   deploy/slurm/submit.sh [--wait] PLAN_DIR PARTS_DIR OUT_DIR [SBATCH_OPTION...]
#
# SBATCH_OPTIONs (e.g. --partition=short --account=proj --time=00:20:00)
# go to every job. --wait blocks until the merge has finished and exits
# with its status (a failed unit cancels the merge: exit non-zero).
# Prints the job ids. Environment: SIGNPOST (the binary, passed to the
# jobs), MAX_RUNNING (at most this many units at once: the array's %
# throttle; default no limit).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
wait_flag=()
if [ "${1:-}" = --wait ]; then
  wait_flag=(--wait)
  shift
fi
if [ $# -lt 3 ]; then
  echo "usage: $0 [--wait] PLAN_DIR PARTS_DIR OUT_DIR [SBATCH_OPTION...]" >&2
  exit 2
fi
plan=$1 parts=$2 out=$3
shift 3
sbatch_options=("$@")

units_file="$plan/units.tsv"
if [ ! -f "$units_file" ]; then
  echo "$units_file: not found: make the plan first (signpost plan SCENARIO --out $plan)" >&2
  exit 2
fi
# One line per unit after the header.
units=$(($(wc -l <"$units_file") - 1))
if [ "$units" -lt 1 ]; then
  echo "$units_file: the plan has no units" >&2
  exit 2
fi
mkdir -p "$parts"

# Slurm refuses array indices at or above MaxArraySize (1001 by default),
# so a larger plan goes in several arrays, each told its offset.
max_array=$(scontrol show config 2>/dev/null | awk '$1 == "MaxArraySize" { print $3 }')
max_array=${max_array:-1001}
throttle=${MAX_RUNNING:+%$MAX_RUNNING}

export SIGNPOST=${SIGNPOST:-signpost}
array_jobs=()
for ((offset = 0; offset < units; offset += max_array)); do
  count=$((units - offset < max_array ? units - offset : max_array))
  job=$(UNIT_OFFSET=$offset sbatch --parsable --export=ALL "${sbatch_options[@]}" \
    --array="0-$((count - 1))$throttle" "$here/signpost.sbatch" "$plan" "$parts")
  array_jobs+=("${job%%;*}")
  echo "units $offset..$((offset + count - 1)): array job ${job%%;*}"
done

dependency="afterok$(printf ':%s' "${array_jobs[@]}")"
status=0
merge_job=$(sbatch --parsable --export=ALL "${sbatch_options[@]}" "${wait_flag[@]}" \
  --dependency="$dependency" --kill-on-invalid-dep=yes \
  "$here/signpost-merge.sbatch" "$plan" "$parts" "$out") || status=$?
merge_job=${merge_job%%;*}
echo "merge: job $merge_job (after $dependency) -> $out"
[ ${#wait_flag[@]} = 0 ] && exit "$status"

# sbatch --wait exits 0 for a merge that never ran (cancelled because a
# unit failed), so ask Slurm how the merge job ended.
state=$(scontrol show job "$merge_job" -o 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2) || true
reason=$(scontrol show job "$merge_job" -o 2>/dev/null | grep -o 'Reason=[^ ]*' | cut -d= -f2) || true
if [ -z "$state" ] && command -v sacct >/dev/null; then
  state=$(sacct -n -X -P -j "$merge_job" -o State 2>/dev/null | head -n 1 | cut -d' ' -f1) || true
fi
if [ "$status" = 0 ] && [ "$state" = COMPLETED ]; then
  exit 0
fi
echo "merge job $merge_job ended ${state:-in a state Slurm no longer reports}${reason:+ ($reason)}, sbatch exit $status: a unit failed or the merge refused the parts; see signpost-*.out, rerun the failed units (README) and merge" >&2
exit 1
