# shellcheck shell=bash
# A throwaway single-node Slurm cluster on this machine, for tests.
#
# Source this file, then:
#   slurm_cluster_up DIR    start munged, slurmctld and slurmd with every
#                           socket, pid, spool, state and log file inside DIR
#                           (which must exist and be empty); exports SLURM_CONF
#                           so sbatch/sinfo/scontrol talk to this cluster only.
#                           Returns 0 when the node is idle, 1 on failure
#                           (a FAILED line on stderr), 3 when Slurm or munge is
#                           not installed and cannot be (a SKIPPED line).
#   slurm_cluster_down      kill the daemons this shell started (by pid, never
#                           by name) and wait for them. Safe to call twice.
#
# No systemd: the daemons run in the foreground (-D / -F) as background jobs
# of this shell, as root (SlurmUser=root), with no accounting and no cgroups
# (proctrack/linuxproc, task/none), so it works in a container. Ports come
# from SLURM_CLUSTER_PORT (slurmctld; slurmd uses the next one), default
# 16817, away from a real cluster's 6817.

SLURM_CLUSTER_PIDS=()

# Print "FAILED: slurm: MESSAGE" and the tail of every daemon log in DIR.
slurm_cluster_fail() {
  local dir=$1
  shift
  echo "FAILED: slurm: $*" >&2
  local log
  for log in "$dir"/*.log; do
    [ -f "$log" ] || continue
    echo "--- last lines of $log" >&2
    tail -n 15 "$log" >&2
  done
  return 1
}

# Wait up to SECONDS for COMMAND... to succeed; 1 if it never did.
slurm_cluster_wait() {
  local seconds=$1
  shift
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -ge "$deadline" ] && return 1
    sleep 0.5
  done
}

# Install Debian's slurm-wlm and munge when missing (root only). 3 = cannot.
slurm_cluster_install() {
  if command -v slurmctld >/dev/null && command -v slurmd >/dev/null &&
    command -v munged >/dev/null && command -v sbatch >/dev/null; then
    return 0
  fi
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "SKIPPED: slurm: slurm-wlm/munge are not installed and this is not a root Debian machine to install them" >&2
    return 3
  fi
  echo "slurm: installing Debian's slurm-wlm and munge" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! { timeout 300 apt-get update -qq && timeout 600 apt-get install -y -qq --no-install-recommends slurm-wlm munge; } >/dev/null 2>&1; then
    echo "SKIPPED: slurm: apt-get install slurm-wlm munge failed" >&2
    return 3
  fi
}

node_is_idle() {
  local state
  state=$(sinfo -h -N -o %T 2>/dev/null) || return 1
  [ "$state" = idle ]
}

slurm_cluster_up() {
  local dir=$1
  local port=${SLURM_CLUSTER_PORT:-16817}
  slurm_cluster_install || return $?

  local host
  host=$(hostname -s)
  # The node line as slurmd itself detects this machine (CPUs, sockets,
  # cores, memory), so slurmd never drains the node for a mismatch.
  local node_line
  node_line=$(slurmd -C 2>/dev/null | head -n 1)
  case $node_line in
    NodeName=*) ;;
    *) node_line="NodeName=$host CPUs=$(nproc)" ;;
  esac

  mkdir -p "$dir/munge" "$dir/state" "$dir/spool" "$dir/jobs"
  chmod 700 "$dir" "$dir/munge"

  # munge: a fresh key for this cluster only.
  if ! mungekey --create --keyfile="$dir/munge/munge.key" >/dev/null 2>&1; then
    dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 2>/dev/null
  fi
  chmod 400 "$dir/munge/munge.key"
  local socket="$dir/munge/munge.socket"
  munged --foreground --force --key-file="$dir/munge/munge.key" \
    --socket="$socket" --pid-file="$dir/munge/munged.pid" \
    --seed-file="$dir/munge/munged.seed" --log-file="$dir/munged.log" \
    >>"$dir/munged.log" 2>&1 &
  SLURM_CLUSTER_PIDS+=($!)
  if ! slurm_cluster_wait 15 test -S "$socket"; then
    slurm_cluster_fail "$dir" "munged did not open its socket within 15 s"
    return 1
  fi
  if ! slurm_cluster_wait 10 sh -c "munge -n -S '$socket' | unmunge -S '$socket'"; then
    slurm_cluster_fail "$dir" "munge could not encode/decode a credential"
    return 1
  fi

  cat >"$dir/slurm.conf" <<EOF
ClusterName=signpost-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
ReturnToService=2
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=1,bf_interval=1
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
KillWait=5
Waittime=0
$node_line NodeAddr=127.0.0.1 NodeHostname=$host State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
EOF
  export SLURM_CONF="$dir/slurm.conf"

  # -i: ignore any state a previous run left (there is none in a fresh DIR).
  slurmctld -D -i -f "$SLURM_CONF" >>"$dir/slurmctld.log" 2>&1 &
  SLURM_CLUSTER_PIDS+=($!)
  if ! slurm_cluster_wait 30 scontrol ping; then
    slurm_cluster_fail "$dir" "slurmctld did not answer scontrol ping within 30 s"
    return 1
  fi
  slurmd -D -f "$SLURM_CONF" >>"$dir/slurmd.log" 2>&1 &
  SLURM_CLUSTER_PIDS+=($!)
  if ! slurm_cluster_wait 60 node_is_idle; then
    slurm_cluster_fail "$dir" "node $host not idle within 60 s (sinfo: $(sinfo -h -N -o '%N %T %E' 2>&1))"
    return 1
  fi
}

jobs_gone() { [ -z "$(squeue -h -o %i 2>/dev/null)" ]; }

slurm_cluster_down() {
  local pid
  # Cancel this cluster's jobs first, so no slurmstepd outlives its slurmd.
  if [ -n "${SLURM_CONF:-}" ] && [ ${#SLURM_CLUSTER_PIDS[@]} -gt 1 ]; then
    timeout 10 scancel --full --user=root >/dev/null 2>&1 || true
    slurm_cluster_wait 15 jobs_gone || echo "slurm: jobs still listed after scancel" >&2
  fi
  # Newest first: slurmd, slurmctld, then munged that both depend on.
  for ((i = ${#SLURM_CLUSTER_PIDS[@]} - 1; i >= 0; i--)); do
    pid=${SLURM_CLUSTER_PIDS[i]}
    kill "$pid" 2>/dev/null || continue
    for _ in $(seq 1 20); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.25
    done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  SLURM_CLUSTER_PIDS=()
}
