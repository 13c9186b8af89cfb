#!/usr/bin/env python3
"""Sums up a HotSpot compilation log: what C2 (or another tier) spent its time on, and when.

    java -XX:+UnlockDiagnosticVMOptions -XX:+LogCompilation -XX:LogFile=c.log ... script.lua
    bench/jit-compiles.py c.log [--level 4] [--top 20]

Prints the tier's total compile time, the time by class (generated Lua classes together as
LuaFn), and the longest compiles with the time each started (seconds since the JVM started).
On a 2-vCPU machine the compiler threads share one CPU, so this is what sets when a whole-process
run gets fast (docs/performance.md).
"""
import argparse
import collections
import re

ap = argparse.ArgumentParser()
ap.add_argument("log")
ap.add_argument("--level", type=int, default=4, help="the tier to sum (4: C2)")
ap.add_argument("--top", type=int, default=20, help="how many of the longest compiles to list")
args = ap.parse_args()

text = open(args.log, encoding="utf-8", errors="replace").read()
tasks = []
for m in re.finditer(r"<task ([^>]*)>(.*?)<task_done([^>]*)/>", text, re.S):
    attrs, done = m.group(1), m.group(3)
    level = re.search(r"level='(\d)'", attrs)
    level = int(level.group(1)) if level else 4  # (logs without tiers are C2's)
    if level != args.level:
        continue
    start = float(re.search(r"stamp='([\d.]+)'", attrs).group(1))
    end = float(re.search(r"stamp='([\d.]+)'", done).group(1))
    method = re.sub(r"0x[0-9a-f]+", "X", re.search(r"method='([^']*)'", attrs).group(1))
    tasks.append((end - start, start, method, "compile_kind='osr'" in attrs))

print("tier %d: %.3f s in %d compiles" % (args.level, sum(t[0] for t in tasks), len(tasks)))
by_class = collections.Counter()
for t in tasks:
    cls = t[2].split(" ")[0]
    by_class["LuaFn (generated)" if ".jit.LuaFn/" in cls else cls] += t[0]
for cls, s in by_class.most_common(12):
    print("  %7.3f s  %s" % (s, cls))
print("longest:")
for d, start, method, osr in sorted(tasks, reverse=True)[:args.top]:
    print("  %.3f s from %.3f s %s%s" % (d, start, "OSR " if osr else "", method[:120]))
