#!/usr/bin/env bash
# Netfilter benchmark: one-byte UDP datagrams per second through loopback in a network
# namespace of its own (sent as fast as one Java thread can, counted where they arrive), in one
# run: the kernel alone; a C program on libnetfilter_queue that accepts every packet
# (bench/nfq_accept.c), with one verdict per packet and with batched verdicts (one per 16
# packets); our daemon with a Lua hook that accepts every packet (bench/nf_accept.lua) and one
# that reads a few header fields (bench/nf_fields.lua, the dnsblock shape). Every queue is fed
# by the same rules (an nft base chain at LOCAL_OUT jumping to an iptables-nft NFQUEUE rule with
# bypass). The rows take turns: each round measures every row once (after one unmeasured run:
# the daemon's JIT warms up on it, the C program's page cache), so a slow spell of the machine
# falls on all rows alike; the ratios to the C rows are taken round by round, and their median
# is reported. Needs root; installs gcc and libnetfilter-queue-dev when missing. Prints
# Markdown tables.   usage: bench/netfilter.sh [packets] [rounds]
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
hooks=(${LUNATIK_BENCH_HOOKS:-nf_accept nf_fields})
labels=("the kernel alone (no hook)" "C, libnetfilter_queue, a verdict per packet"
  "C, libnetfilter_queue, a verdict per 16 packets")
for hook in "${hooks[@]}"; do labels+=("Lua hook: bench/$hook.lua"); done
start_row() {
  case "$1" in
    0) ;;
    1 | 2)
      rules 5000
      if [ "$1" = 1 ]; then set --; else set -- batch 16; fi
      ip netns exec "$ns" "$work/nfq_accept" 5000 "$@" & peer=$! # ip execs the program: $! is its pid
      sleep 0.5 ;;
    *) (cd "$here" && LUNATIK_ROOT="$here" "$here/bin/lunatik" run "bench/${hooks[$1 - 3]}" false) ;;
  esac
}
stop_row() {
  case "$1" in
    0) ;;
    1 | 2) kill "$peer"; wait "$peer" 2>/dev/null || true; peer=""; unrules ;;
    *) (cd "$here" && LUNATIK_ROOT="$here" "$here/bin/lunatik" stop "bench/${hooks[$1 - 3]}") ;;
  esac
}
"$here/bin/lunatik" load
declare -A rate through
for ((r = 0; r < runs; r++)); do
  for k in "${!labels[@]}"; do
    start_row "$k"
    flood >/dev/null # one unmeasured run
    before=$(queued)
    rate[$k,$r]=$(flood)
    through[$k,$r]=$(( $(queued) - before ))
    stop_row "$k"
  done
done
col() { local k=$1 r; for ((r = 0; r < runs; r++)); do echo "${rate[$k,$r]}"; done; }
ratio() { local a=$1 b=$2 r; for ((r = 0; r < runs; r++)); do awk -v x="${rate[$a,$r]}" -v y="${rate[$b,$r]}" 'BEGIN{printf "%.3f\n", x / y}'; done; }
echo "| 1-byte UDP datagrams through LOCAL_OUT, $runs rounds of $n | per second, median | to the kernel alone | to C, verdict per packet | to C, batched | through the queue |"
echo "|---|---:|---:|---:|---:|---:|"
for k in "${!labels[@]}"; do
  t=0; for ((r = 0; r < runs; r++)); do t=$((t + through[$k,$r])); done
  q="—"; [ "$k" = 0 ] || q="$(awk -v t="$t" -v total="$((n * runs))" 'BEGIN{printf "%.0f%%", 100 * t / total}')"
  printf '| %s | %.0f | %.2f | %.2f | %.2f | %s |\n' "${labels[$k]}" "$(col "$k" | median)" \
    "$(ratio "$k" 0 | median)" "$(ratio "$k" 1 | median)" "$(ratio "$k" 2 | median)" "$q"
done
echo
echo "Ratios are medians of the ratios within each round. Every round, to C batched:"
echo
for k in "${!labels[@]}"; do
  [ "$k" -ge 3 ] || continue
  echo "- ${labels[$k]}: $(ratio "$k" 2 | tr '\n' ' ')"
done
echo
echo "Every round, per second:"
echo
for k in "${!labels[@]}"; do
  echo "- ${labels[$k]}: $(col "$k" | tr '\n' ' ')"
done
