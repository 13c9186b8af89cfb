#!/usr/bin/env bash
# Device benchmark (issue 5): 1-byte reads per second from /dev/passwd (our FUSE device, a Lua
# callback per read) against the same reads from a kernel device (/dev/urandom), and the round
# trip of `lunatik list` (start of the command to its exit). Needs root. Prints a Markdown table.
# The daemon runs as installed (CPU latency request when busy: auto), then with it off.
#   usage: bench/device.sh [reads] [list-runs]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
reads="${1:-100000}"
runs="${2:-10}"
export LUNATIK_DEVDIR="${LUNATIK_DEVDIR:-/dev}" LUNATIK_RUNDIR="${LUNATIK_RUNDIR:-/run/lunatik-bench}"
lunatik="$here/bin/lunatik"
trap '"$lunatik" unload >/dev/null 2>&1 || true' EXIT
"$lunatik" load
"$lunatik" run examples/passwd >/dev/null
rate() {  # device -> reads per second of dd bs=1
  local t0 t1
  t0=$(date +%s.%N)
  dd if="$1" of=/dev/null bs=1 count="$reads" status=none
  t1=$(date +%s.%N)
  awk -v n="$reads" -v a="$t0" -v b="$t1" 'BEGIN{printf "%.0f", n/(b-a)}'
}
ours=$(rate "$LUNATIK_DEVDIR/passwd")
kernel=$(rate /dev/urandom)
# the same with the daemon and dd on one CPU: no cross-CPU wake-up per read
pid="$(cat "$LUNATIK_RUNDIR/lunatikd.pid")"
taskset -a -pc 0 "$pid" >/dev/null
pinned=$(taskset -c 0 bash -c "$(declare -f rate); reads=$reads; rate '$LUNATIK_DEVDIR/passwd'")
kpinned=$(taskset -c 0 bash -c "$(declare -f rate); reads=$reads; rate /dev/urandom")
# without the CPU latency request (idle CPUs may halt between reads)
"$lunatik" unload >/dev/null
LUNATIK_CPU_LATENCY=off "$lunatik" load
"$lunatik" run examples/passwd >/dev/null
nolat=$(rate "$LUNATIK_DEVDIR/passwd")
knolat=$(rate /dev/urandom)
times=()
for ((i = 0; i < runs; i++)); do
  t0=$(date +%s%N); "$lunatik" list >/dev/null; t1=$(date +%s%N)
  times+=($(( (t1 - t0) / 1000000 )))
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{v[NR]=$1} END{print (NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2}')
echo "| measure | ours | reference |"
echo "|---|---:|---:|"
echo "| 1-byte reads/s, /dev/passwd vs /dev/urandom | $ours | $kernel |"
echo "| same, daemon and reader on one CPU | $pinned | $kpinned |"
echo "| same, \`LUNATIK_CPU_LATENCY=off\` | $nolat | $knolat |"
echo "| \`lunatik list\` round trip, ms (median of $runs) | $median | target 100 |"
