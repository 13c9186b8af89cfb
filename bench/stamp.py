#!/usr/bin/env python3
"""Runs a command and prints each line it writes (stdout and stderr together) with the seconds
since the command started: where a whole-process run spends its time, read from progress lines
the script prints (docs/performance.md). The last line is the exit, stamped the same way.

    bench/stamp.py bin/lunatik-lua progress.lua
"""
import subprocess
import sys
import time

if len(sys.argv) < 2:
    sys.exit("usage: bench/stamp.py command [args]")
t0 = time.monotonic()
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
lines = []  # printed at the end: printing as they come would slow the reader down
for raw in p.stdout:
    lines.append("%.3f %s" % (time.monotonic() - t0, raw.decode("utf-8", "replace").rstrip("\n")))
rc = p.wait()
lines.append("%.3f exit %d" % (time.monotonic() - t0, rc))
print("\n".join(lines))
sys.exit(rc)
