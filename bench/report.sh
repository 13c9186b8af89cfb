#!/usr/bin/env bash
# Benchmark report: runs ../shared/bench on lua5.4, LuaJ 3.0.1 (interpreter and luajc) and our
# engine (whole process, FULL and KERNEL, and warmed up in one JVM), then writes a Markdown
# table of times and ratios to lua5.4 measured in the same run.
#   usage: bench/report.sh [-n runs] [-o report.md] [-b "fib sieve ..."] [-r revision]
# -r: also builds our engine at that git revision (in a temporary worktree) and measures it
# beside today's, the two taking turns run by run, for a table "against the engine before".
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
shared="$here/../shared/bench"
runs=3 out="$here/docs/bench.md" list="" rev=""
while getopts "n:o:b:r:" opt; do
  case "$opt" in n) runs="$OPTARG" ;; o) out="$OPTARG" ;; b) list="$OPTARG" ;; r) rev="$OPTARG" ;; *) exit 2 ;; esac
done
[ -n "$list" ] || list="$(cd "$shared/lua" && ls *.lua | sed 's/\.lua$//' | tr '\n' ' ')"
JAVA_HOME="$("$here/bin/jdk25")"; export JAVA_HOME
(cd "$here" && bin/mvn25 -q -B -ntp package -DskipTests -pl lua-cli -am)
rows="$(mktemp)"; old=""
trap 'rm -f "$rows" "$rows.rss"; [ -z "$old" ] || git -C "$here" worktree remove --force "$old"' EXIT
if [ -n "$rev" ]; then
  old="$(mktemp -d)"; rmdir "$old"
  git -C "$here" worktree add --detach "$old" "$rev" >&2
  (cd "$old" && bin/mvn25 -q -B -ntp package -DskipTests -pl lua-cli -am) >&2
  "$old/bin/lunatik-lua" -e "" || true
fi
"$here/bin/lunatik-lua" -e "" # makes its AOT cache now (first use), not in a timed run
run() { "$shared/run.sh" -n "$runs" -b "$list" -l "$1" -o "$rows" "$2" >&2 || true; }
# -k: no feature probe (the kernel dialect has no math.type, which the probe reads)
runk() { "$shared/run.sh" -k -n "$runs" -b "$list" -l "$1" -o "$rows" "$2" >&2 || true; }
lua54="$("$shared/engines.sh" lua5.4)"
# lua5.4 and ours (and the engine before) take turns run by run and benchmark by benchmark, so
# that a slow spell of the machine falls on all of them alike; each time in the table is the
# median of the runs. Each run starts on an idle machine: on this 2-vCPU VM a JVM started when a
# CPU has been idle for a second or more takes longer than one started right after another
# JVM (sieve whole: 0.85-0.87 s against 0.72-0.75 s; 0.3 s of idle made no difference;
# measured 2026-12-07), and in a fixed order lua5.4 (one thread) always ran before the same
# one of ours. So each engine's turn (run.sh: the empty script, then the benchmark) starts
# after $settle s of nothing, the state of a user's idle machine, and the order of ours
# rotates from round to round.
settle=1.2
one() {
  case "$1" in
    lua5.4) run lua5.4 "$lua54" ;;
    ours) run ours "$here/bin/lunatik-lua" ;;
    ours-k) runk ours-k "$here/bin/lunatik-lua -k" ;;
    before) run before "$old/bin/lunatik-lua" ;;
    before-k) runk before-k "$old/bin/lunatik-lua -k" ;;
  esac
}
turns=(ours ours-k); [ -z "$old" ] || turns+=(before before-k)
all="$list" n="$runs" runs=1
for ((round = 0; round < n; round++)); do
  for list in $all; do
    sleep "$settle"; one lua5.4
    for ((i = 0; i < ${#turns[@]}; i++)); do
      sleep "$settle"; one "${turns[(i + round) % ${#turns[@]}]}"
    done
  done
done
list="$all" runs=$((n < 3 ? n : 3)) # LuaJ's interpreter takes minutes: three runs each at most
run luaj "$(JAVA="$JAVA_HOME/bin/java" "$shared/engines.sh" luaj)"
run luajc "$(JAVA="$JAVA_HOME/bin/java" "$shared/engines.sh" luajc)"
warm() { # label checkout benchmark cpu
  local jar line med want status
  jar="$(ls "$2"/lua-cli/target/lua-cli-*.jar | grep -v -e sources -e javadoc | head -1)" # older revisions have no bin/version
  local cp="$jar:$2/lua-cli/target/lib/*"
  line="$(taskset -c "$4" "$JAVA_HOME/bin/java" --add-exports java.base/jdk.internal.vm=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED -XX:+UseSerialGC \
    -cp "$cp" lunatik.lua.cli.WarmBench -w 3 -n 5 "$shared/lua/$3.lua" 2>&1 | tail -1)"
  med="$(sed -n 's/.*median_s=\([0-9.]*\).*/\1/p' <<<"$line")"
  want="$(grep "^checksum $3 " "$shared/expected.txt" || true)"
  status=ok; [[ "$line" == *"$want"* ]] || status=MISMATCH
  printf '%s\t%s\t%s\t%s\t5\t%s\n' "$1" "$3" "$med" "$med" "$status" >>"$rows"
}
# warm: a JVM's JIT decisions vary from JVM to JVM, so up to three JVMs each (today's and the
# engine before taking turns); the time is the median of their medians. Each pair of JVMs runs
# on one CPU, the next pair on the next: on a virtual machine one CPU can be slower than the
# other for minutes (its host core shared), and the scheduler seldom moves a busy thread, so
# unpinned, one engine could draw the slow CPU and the other the fast one (docs/performance.md)
cpus="$(nproc)"
for ((round = 0; round < (runs < 3 ? runs : 3); round++)); do
  for b in $list; do
    cpu=$((round % cpus))
    warm warm "$here" "$b" "$cpu"
    [ -z "$old" ] || warm before-warm "$old" "$b" "$cpu"
  done
done
# peak resident memory (one more run each, GNU time's maximum RSS) of lua5.4 and ours (FULL)
for b in $list; do
  for e in lua5.4 ours; do
    if [ "$e" = lua5.4 ]; then cmd=($lua54); else cmd=("$here/bin/lunatik-lua"); fi
    /usr/bin/time -o "$rows.rss" -f '%M' timeout 120 "${cmd[@]}" "$shared/lua/$b.lua" >/dev/null 2>&1 || true
    kb="$(tail -1 "$rows.rss" 2>/dev/null | grep -E '^[0-9]+$' || true)"
    printf 'rss-%s\t%s\t%s\t%s\t1\tok\n' "$e" "$b" "${kb:--}" "${kb:--}" >>"$rows"
  done
done
mkdir -p "$(dirname "$out")"
awk -F'\t' -v settle="$settle" -v rev="$rev" -v date="$(date -u +%Y-%m-%d)" -v host="$(nproc) cores, $(uname -m), $(uname -r)" '
  { k = $1 "," $2; cnt[k]++; vals[k, cnt[k]] = $4
    if (st[k] == "" || ($6 != "ok" && $6 != "ok(no-ref)")) st[k] = $6
    if (!($2 in seen)) { seen[$2] = 1; order[++n] = $2 } }
  function median(k,   i, j, m, x, a) { # of the numeric values of key k ("-" when none)
    m = 0; for (i = 1; i <= cnt[k]; i++) if (vals[k, i] != "-" && vals[k, i] != "") a[++m] = vals[k, i] + 0
    if (m == 0) return "-"
    for (i = 2; i <= m; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
    return (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
  }
  function cell(e, b,   v, r) {
    v = t[e "," b]; if (v == "" || v == "-") return st[e "," b] == "" ? "—" : st[e "," b]
    if (st[e "," b] != "ok" && st[e "," b] != "ok(no-ref)") return v " " st[e "," b]
    r = t["lua5.4," b]; if (r == "" || r == "-" || e == "lua5.4") return sprintf("%.2f", v)
    return sprintf("%.2f (%.2fx)", v, v / r)
  }
  function paired(ka, kb,   i, j, m, x, a) { # median of the ratios of runs taken in turns (the i-th of each)
    m = 0; for (i = 1; i <= cnt[ka] && i <= cnt[kb]; i++)
      if (vals[ka, i] != "-" && vals[ka, i] != "" && vals[kb, i] != "-" && vals[kb, i] != "" && vals[kb, i] + 0 > 0)
        a[++m] = vals[ka, i] / vals[kb, i]
    if (m == 0) return "-"
    for (i = 2; i <= m; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
    return (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
  }
  function rss(e, b,   v) { v = t[e "," b]; if (v == "" || v == "-") return "—"; return sprintf("%.1f", v / 1024) }
  function ratio(e, b) { if (t[e "," b] == "" || t[e "," b] == "-" || t["lua5.4," b] == "" || t["lua5.4," b] == "-") return 0; return t[e "," b] / t["lua5.4," b] }
  END {
    for (k in cnt) t[k] = median(k)
    print "# Benchmark report"
    print ""
    print "Generated by `bench/report.sh` on " date " (" host "). Seconds, median of the runs (lua5.4 and ours"
    print "taking turns run by run, each turn after " settle " s of idle machine); in brackets the"
    print "ratio to lua5.4 in the same run (below 1 is faster). *whole* is the whole process as"
    print "`../shared/bench/run.sh` measures it (JVM start-up included); *warm* is a JVM that loaded the"
    print "script once and ran it 3 times before the 5 timed runs (the daemon case), the median of up to"
    print "three such JVMs (their medians; taking turns with the engine before, if any, each pair pinned"
    print "to one CPU, the next pair to the next CPU). Peak RSS: one more"
    print "whole-process run each, the maximum resident set size GNU time reports."
    print ""
    print "| bench | lua5.4 | ours whole (FULL) | ours whole (KERNEL) | ours warm | LuaJ 3.0.1 | LuaJ luajc | peak RSS, MB: lua5.4 / ours |"
    print "|---|---:|---:|---:|---:|---:|---:|---:|"
    for (i = 1; i <= n; i++) { b = order[i]
      printf "| %s | %s | %s | %s | %s | %s | %s | %s / %s |\n", b, cell("lua5.4", b), cell("ours", b), cell("ours-k", b), cell("warm", b), cell("luaj", b), cell("luajc", b), rss("rss-lua5.4", b), rss("rss-ours", b)
    }
    split("ours ours-k warm", es, " ")
    print ""
    for (k = 1; k <= 3; k++) { e = es[k]; s = 0; c = 0; mx = 0; mb = ""
      for (i = 1; i <= n; i++) { b = order[i]; if (b == "startup") continue; r = ratio(e, b); if (r > 0) { s += log(r); c++; if (r > mx) { mx = r; mb = b } } }
      if (c > 0) printf "- %s: geometric mean of the ratios to lua5.4 %.2fx over %d benchmarks; slowest %s at %.2fx\n", e, exp(s / c), c, mb, mx
    }
    lc = 0; lw = 0
    for (i = 1; i <= n; i++) { b = order[i]; if (b == "startup") continue; if (ratio("luajc", b) > 0 && ratio("ours", b) > 0) { lc++; if (t["ours," b] < t["luajc," b]) lw++ } }
    printf "- faster than luajc (whole process) on %d of the %d benchmarks luajc runs\n", lw, lc
    if (rev == "") exit
    print ""
    print "## Against the engine before (" rev ")"
    print ""
    print "The same benchmarks run by our engine built at `" rev "`, measured in this run beside today'"'"'s"
    print "(the two taking turns run by run). Each cell: today'"'"'s time / that engine'"'"'s time, the median of"
    print "that ratio over the pairs of runs taken in turns (a warm pair: two JVMs on one CPU), so that a"
    print "slow spell of the machine falls on both sides of a ratio (below 1 is faster today); in brackets"
    print "that engine'"'"'s ratio to lua5.4 in this run."
    print ""
    print "| bench | whole (FULL) | whole (KERNEL) | warm |"
    print "|---|---:|---:|---:|"
    split("ours before ours-k before-k warm before-warm", pr, " ")
    worse = 0; cells = 0
    for (i = 1; i <= n; i++) { b = order[i]; row = "| " b
      for (k = 1; k <= 5; k += 2) { a = t[pr[k] "," b]; o = t[pr[k + 1] "," b]
        if (a == "" || a == "-" || o == "" || o == "-" || o == 0) { row = row " | —"; continue }
        q = paired(pr[k] "," b, pr[k + 1] "," b); if (q == "-") { row = row " | —"; continue }
        cells++; if (q > 1) worse++
        r = ratio(pr[k + 1], b)
        row = row sprintf(" | %.2f", q) (r > 0 ? sprintf(" (%.2fx)", r) : "")
      }
      print row " |"
    }
    print ""
    printf "- today slower than `%s` in %d of %d cells\n", rev, worse, cells
  }' "$rows" >"$out"
cat "$out"
