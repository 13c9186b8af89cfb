#!/usr/bin/env bash
# Netfilter benchmark: one-byte UDP datagrams per second through loopback in a network
# namespace of its own, without a hook (the kernel alone, the peer) and through a Lua hook that
# accepts every packet (bench/nf_accept.lua, NFQUEUE to the daemon and back). Needs root.
# Prints a Markdown table.   usage: bench/netfilter.sh [packets] [runs]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
n="${1:-200000}"
runs="${2:-3}"
java="$("$here/bin/jdk25")/bin/java"
ns="lunatik-bench-$$"
export LUNATIK_DEVDIR="/run/lunatik-bench-nf/dev" LUNATIK_RUNDIR="/run/lunatik-bench-nf" LUNATIK_NETNS="/var/run/netns/$ns"
mkdir -p "$LUNATIK_DEVDIR"
cleanup() { "$here/bin/lunatik" unload >/dev/null 2>&1 || true; ip netns del "$ns" 2>/dev/null || true; }
trap cleanup EXIT
ip netns add "$ns"
ip netns exec "$ns" ip link set lo up
flood() { ip netns exec "$ns" "$java" "$here/bench/UdpFlood.java" "$n" | awk '{print $3}'; }
median() { sort -n | awk '{v[NR]=$1} END{print (NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2}'; }
plain=$(for ((i = 0; i < runs; i++)); do flood; done | median)
"$here/bin/lunatik" load
(cd "$here" && LUNATIK_ROOT="$here" "$here/bin/lunatik" run bench/nf_accept false)
hooked=$(for ((i = 0; i < runs; i++)); do flood; done | median)
# how many went through the queue (and so through Lua): a full queue lets the rest pass
# unhooked (fail-open); id_seq (8th column) counts the packets queued
queued=$(ip netns exec "$ns" awk '{s += $8} END {print s + 0}' /proc/net/netfilter/nfnetlink_queue)
echo "| measure | ours (Lua hook) | kernel alone | ratio |"
echo "|---|---:|---:|---:|"
awk -v h="$hooked" -v p="$plain" 'BEGIN{printf "| 1-byte UDP datagrams/s through LOCAL_OUT, median of '"$runs"' | %.0f | %.0f | %.2f |\n", h, p, h/p}'
awk -v q="$queued" -v t="$((n * runs))" 'BEGIN{printf "\nPackets that went through the Lua hook: %d of %d (%.0f%%; the rest passed a full queue, fail-open).\n", q, t, 100*q/t}'
