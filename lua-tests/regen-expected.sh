#!/usr/bin/env bash
# Regenerates the expected outputs of the conformance corpus with the reference interpreter.
#
#   lua-tests/regen-expected.sh            # all of corpus/full and corpus/both
#   lua-tests/regen-expected.sh both/x.lua # only the named files (relative to the corpus)
#
# Each corpus/{full,both}/X.lua is run by lua5.4 from inside its own directory (so that error
# positions read "X.lua:LINE:", the chunk name the JUnit harness also uses) and its standard
# output becomes X.expected. A file that writes to stderr, exits with an error or runs longer
# than 10 s is reported and its expected file is left unchanged.
#
# corpus/both files must give the same output in the KERNEL dialect (integers only, "/" is
# floor division, no "^"): the compiled code of each is checked with luac5.4 for float
# constants and for the /, ^ operators.
#
# corpus/kernel/*.expected are written by hand from the dialect spec and never touched here.
set -uo pipefail
LUA=${LUA:-/usr/bin/lua5.4}
LUAC=${LUAC:-/usr/bin/luac5.4}
corpus="$(cd "$(dirname "$0")" && pwd)/src/test/resources/corpus"
status=0

files=("$@")
if [ ${#files[@]} -eq 0 ]; then
  cd "$corpus" && files=(full/*.lua both/*.lua)
fi

for rel in "${files[@]}"; do
  case "$rel" in full/*|both/*) ;; *) echo "skipped (not in full/ or both/): $rel"; continue ;; esac
  dir="$corpus/$(dirname "$rel")"
  name="$(basename "$rel")"
  base="${name%.lua}"
  err="$(mktemp)"; out="$(mktemp)"
  start=$(date +%s%N)
  (cd "$dir" && timeout 10 "$LUA" "$name" >"$out" 2>"$err")
  rc=$?
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  if [ $rc -ne 0 ] || [ -s "$err" ]; then
    echo "FAILED $rel (exit $rc):"; sed 's/^/    /' "$err"; status=1
  else
    if [[ "$rel" == both/* ]]; then
      # float constants (F) and the float-only opcodes must not appear in dialect-neutral files
      bad=$(cd "$dir" && "$LUAC" -l -l -p "$name" | grep -E $'\t(DIV|DIVK|POW|POWK|LOADF)\t|^\t[0-9]+\tF\t' | head -3)
      if [ -n "$bad" ]; then echo "NOT KERNEL-SAFE $rel:"; echo "$bad" | sed 's/^/    /'; status=1; fi
    fi
    if grep -qE '(table|function|thread|userdata): 0x' "$out"; then
      echo "PRINTS AN ADDRESS $rel"; status=1
    fi
    mv "$out" "$dir/$base.expected"
    [ "$ms" -gt 1000 ] && echo "SLOW ($ms ms) $rel"
    echo "ok $rel ($ms ms, $(wc -l <"$dir/$base.expected") lines)"
  fi
  rm -f "$err" "$out"
done
exit $status
