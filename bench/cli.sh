#!/usr/bin/env bash
# The lunatik command's round trip (start of the command to its exit), in one run: `lunatik
# list` answered by the shell front (bin/lunatik-front), the same through the JVM
# (LUNATIK_NO_FRONT=1), and Lunatik 3.7's own command doing the same list (a lua5.4 script,
# bench/lunatik37_list.lua), all against one daemon with one script running, in a mount
# namespace and device folder of the run's own. Needs root. Prints a Markdown table.
#   usage: bench/cli.sh [runs]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-30}"
if [ -z "${LUNATIK_BENCH_NS:-}" ]; then
  exec env LUNATIK_BENCH_NS=1 unshare -m --propagation private "$0" "$@"
fi
work="$(mktemp -d)"
export LUNATIK_DEVDIR="$work/dev" LUNATIK_RUNDIR="$work/run"
mkdir -p "$LUNATIK_DEVDIR"
trap '"$here/bin/lunatik" unload >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
command -v lua5.4 >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq lua5.4 >/dev/null; }
"$here/bin/lunatik" load
"$here/bin/lunatik" run examples/passwd >/dev/null
[ "$("$here/bin/lunatik" list)" = examples/passwd ] || { echo "list does not answer" >&2; exit 1; }
[ "$(lua5.4 "$here/bench/lunatik37_list.lua")" = examples/passwd ] || { echo "the peer does not answer" >&2; exit 1; }
median_ms() { # runs "$@" $runs times; prints the median wall time in ms
  local t=() i t0 t1
  for ((i = 0; i < runs; i++)); do
    t0=$(date +%s%N); "$@" >/dev/null; t1=$(date +%s%N)
    t+=($(( (t1 - t0) / 1000 )))
  done
  printf '%s\n' "${t[@]}" | sort -n | awk '{v[NR]=$1} END{m=(NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2; printf "%.1f", m/1000}'
}
peer=$(median_ms lua5.4 "$here/bench/lunatik37_list.lua")
front=$(median_ms "$here/bin/lunatik" list)
jvm=$(median_ms env LUNATIK_NO_FRONT=1 "$here/bin/lunatik" list)
echo "| \`list\` round trip, median of $runs | ms | ratio to Lunatik 3.7's command |"
echo "|---|---:|---:|"
echo "| Lunatik 3.7's command (lua5.4, bench/lunatik37_list.lua) | $peer | 1.00 |"
awk -v a="$front" -v p="$peer" 'BEGIN{printf "| bin/lunatik (shell front) | %s | %.2f |\n", a, a/p}'
awk -v a="$jvm" -v p="$peer" 'BEGIN{printf "| bin/lunatik through the JVM (LUNATIK_NO_FRONT=1) | %s | %.2f |\n", a, a/p}'
