#!/usr/bin/env bash
# A coroutine resume/yield round trip: stackless (the default for a body this simple), on the
# JDK's continuations (-Dlunatik.stackless=false, the JVM given
# --add-exports java.base/jdk.internal.vm=ALL-UNNAMED) and on virtual threads handing off to each
# other (neither). Needs the classes built (bin/mvn25 -q compile -pl lua-stdlib -am).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
java="$("$here/bin/jdk25")/bin/java"
cp="$here/lua-core/target/classes:$here/lua-stdlib/target/classes"
n="${1:-1000000}"
"$java" --add-exports java.base/jdk.internal.vm=ALL-UNNAMED -cp "$cp" "$here/bench/CoroutineBench.java" "$n"
"$java" -Dlunatik.stackless=false --add-exports java.base/jdk.internal.vm=ALL-UNNAMED -cp "$cp" "$here/bench/CoroutineBench.java" "$n"
"$java" -Dlunatik.stackless=false -cp "$cp" "$here/bench/CoroutineBench.java" "$((n / 10))"
# the same loop on lua5.4, for scale (a body that yields forever, resumed n times)
if command -v lua5.4 >/dev/null; then
  lua5.4 -e "local n = $n
    local co = coroutine.wrap(function() while true do coroutine.yield() end end)
    local best = math.huge
    for round = 1, 5 do
      local t0 = os.clock()
      for i = 1, n do co() end
      best = math.min(best, os.clock() - t0)
    end
    print(string.format('lua5.4: %.0f ns per resume/yield round trip (best of 5 rounds of %d)', best * 1e9 / n, n))"
fi
