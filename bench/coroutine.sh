#!/usr/bin/env bash
# A coroutine resume/yield round trip with the JDK's continuations (the JVM given
# --add-exports java.base/jdk.internal.vm=ALL-UNNAMED) and without (virtual threads handing off
# to each other). Needs the classes built (bin/mvn25 -q compile -pl lua-stdlib -am).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
java="$("$here/bin/jdk25")/bin/java"
cp="$here/lua-core/target/classes:$here/lua-stdlib/target/classes"
n="${1:-1000000}"
"$java" --add-exports java.base/jdk.internal.vm=ALL-UNNAMED -cp "$cp" "$here/bench/CoroutineBench.java" "$n"
"$java" -cp "$cp" "$here/bench/CoroutineBench.java" "$((n / 10))"
