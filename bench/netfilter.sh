#!/usr/bin/env bash
# Netfilter benchmark: one-byte UDP datagrams per second through loopback in a network
# namespace of its own (sent as fast as one Java thread can, counted where they arrive), in one
# run: the kernel alone; a C program on libnetfilter_queue that accepts every packet
# (bench/nfq_accept.c), with one verdict per packet and with batched verdicts (one per 16
# packets); our daemon with a Lua hook that accepts every packet (bench/nf_accept.lua) and one
# that reads a few header fields (bench/nf_fields.lua, the dnsblock shape). Every queue is fed
# by the same rules (an nft base chain at LOCAL_OUT jumping to an iptables-nft NFQUEUE rule with
# bypass). Each row's runs follow one unmeasured run (the daemon's JIT warms up on it). Needs
# root; installs gcc and libnetfilter-queue-dev when missing. Prints a Markdown table.   usage: bench/netfilter.sh [packets] [runs]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
n="${1:-200000}"
runs="${2:-3}"
java="$("$here/bin/jdk25")/bin/java"
ns="lunatik-bench-$$"
work="$(mktemp -d)"
export LUNATIK_DEVDIR="$work/dev" LUNATIK_RUNDIR="$work/run" LUNATIK_NETNS="/var/run/netns/$ns"
mkdir -p "$LUNATIK_DEVDIR"
peer=""
cleanup() {
  [ -n "$peer" ] && kill "$peer" 2>/dev/null || true
  "$here/bin/lunatik" unload >/dev/null 2>&1 || true
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
if ! [ -f /usr/include/libnetfilter_queue/libnetfilter_queue.h ] || ! command -v gcc >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc libnetfilter-queue-dev >/dev/null
fi
gcc -O2 -Wall -o "$work/nfq_accept" "$here/bench/nfq_accept.c" -lnetfilter_queue
ip netns add "$ns"
nsx() { ip netns exec "$ns" "$@"; }
nsx ip link set lo up
flood() { nsx "$java" "$here/bench/UdpFlood.java" "$n" | awk '{print $3}'; }
median() { sort -n | awk '{v[NR]=$1} END{print (NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2}'; }
measure() { for ((i = 0; i < runs; i++)); do flood; done | median; }
# packets queued so far to all queues (id_seq, the 8th column): the rest passed a full queue
queued() { nsx awk '{s += $8} END {print s + 0}' /proc/net/netfilter/nfnetlink_queue 2>/dev/null || echo 0; }
rules() { # the rules our daemon makes, for queue $1
  nsx nft add table ip filter
  nsx nft add chain ip filter bench_h "{ type filter hook output priority 0; policy accept; }"
  nsx nft add chain ip filter bench_q
  nsx iptables-nft -A bench_q -j NFQUEUE --queue-num "$1" --queue-bypass
  nsx nft add rule ip filter bench_h jump bench_q
}
unrules() { nsx nft delete table ip filter; }
c_peer() { # $1: label; the rest: nfq_accept's arguments
  local label="$1"; shift
  rules 5000
  ip netns exec "$ns" "$work/nfq_accept" 5000 "$@" & peer=$! # ip execs the program: $! is its pid
  sleep 0.5
  flood >/dev/null # one unmeasured run, as the Lua hooks get theirs
  local before; before=$(queued)
  rate=$(measure)
  through=$(( $(queued) - before ))
  kill "$peer"; wait "$peer" 2>/dev/null || true; peer=""
  unrules
  row "$label" "$rate" "$through"
}
rows=()
row() { rows+=("$1	$2	$3"); }
row "the kernel alone (no hook)" "$(measure)" 0
c_peer "C, libnetfilter_queue, a verdict per packet"
c_peer "C, libnetfilter_queue, a verdict per 16 packets" batch 16
"$here/bin/lunatik" load
for hook in ${LUNATIK_BENCH_HOOKS:-nf_accept nf_fields}; do
  (cd "$here" && LUNATIK_ROOT="$here" "$here/bin/lunatik" run "bench/$hook" false)
  flood >/dev/null # one unmeasured run: the daemon's JIT compiles the reader's path
  before=$(queued)
  rate=$(measure)
  through=$(( $(queued) - before ))
  (cd "$here" && LUNATIK_ROOT="$here" "$here/bin/lunatik" stop "bench/$hook")
  row "Lua hook: bench/$hook.lua" "$rate" "$through"
done
plain=$(printf '%s\n' "${rows[0]}" | cut -f2)
cper=$(printf '%s\n' "${rows[1]}" | cut -f2)
cbatch=$(printf '%s\n' "${rows[2]}" | cut -f2)
echo "| 1-byte UDP datagrams through LOCAL_OUT, median of $runs runs of $n | per second | to the kernel alone | to C, verdict per packet | to C, batched | through the queue |"
echo "|---|---:|---:|---:|---:|---:|"
for r in "${rows[@]}"; do
  IFS=$'\t' read -r label rate through <<<"$r"
  awk -v l="$label" -v r="$rate" -v p="$plain" -v c="$cper" -v b="$cbatch" -v t="$through" -v total="$((n * runs))" \
    'BEGIN{q = (t > 0) ? sprintf("%.0f%%", 100 * t / total) : "—"; printf "| %s | %.0f | %.2f | %.2f | %.2f | %s |\n", l, r, r/p, r/c, r/b, q}'
done
