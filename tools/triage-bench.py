#!/usr/bin/env python3
"""Triage benchmarks (issue 5): one-core throughput next to `analyze -j 1`, `-j 2` scaling, and
peak memory for 1,000 vs 10,000 messages of the same mail.

    tools/triage-bench.py DIR [--pairs N] [--bin target/release/unphish] [--core 0]

DIR is a folder of .eml files (for example a copy of ../shared/corpus/phish made with
strip_verdict_headers.py --neutral). Every message is written to temporary mbox files under /tmp
(removed afterwards): all of DIR, its first 1,000 messages, and those 1,000 ten times over, each
copy with its own `X-Bench-Copy: N` header so that the store sees 10,000 distinct messages of
the same population.

Measured per child process with wait4(): wall time, CPU time (user + system) and peak RSS.
One core: `taskset -c CORE` on both commands, alternating pairs, medians. Other work on the
machine moves single runs by 10-20 %; the medians of alternating pairs are the figure to quote.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def run(cmd):
    """Runs cmd with output discarded; returns (wall s, cpu s, peak RSS MiB, exit status)."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    cpu = usage.ru_utime + usage.ru_stime
    return wall, cpu, usage.ru_maxrss / 1024.0, os.waitstatus_to_exitcode(status)


def emls(folder):
    out = []
    for root, _, files in os.walk(folder):
        out += [os.path.join(root, f) for f in files if f.endswith(".eml")]
    return sorted(out)


def write_mbox(path, messages, copies=1):
    """mboxrd: a `From ` line before each message, body lines starting with (>*)From quoted."""
    with open(path, "wb") as out:
        for c in range(copies):
            for raw in messages:
                if not raw.strip():
                    continue  # an mbox cannot carry an empty message
                out.write(b"From MAILER-DAEMON Mon Jan  1 00:00:00 2024\n")
                if copies > 1:
                    out.write(b"X-Bench-Copy: %d\n" % c)
                for line in raw.replace(b"\r\n", b"\n").split(b"\n"):
                    if line.lstrip(b">").startswith(b"From "):
                        line = b">" + line
                    out.write(line + b"\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir")
    ap.add_argument("--pairs", type=int, default=9)
    ap.add_argument("--bin", default="target/release/unphish")
    ap.add_argument("--core", default="0")
    a = ap.parse_args()
    if not os.access(a.bin, os.X_OK):
        sys.exit(f"{a.bin}: build it first (cargo build --release -p unphish-cli)")
    files = emls(a.dir)
    if not files:
        sys.exit(f"{a.dir}: no .eml files")
    taskset = ["taskset", "-c", a.core] if shutil.which("taskset") else []
    if not taskset:
        print("taskset not found: the one-core figures are not pinned")
    work = tempfile.mkdtemp(prefix="unphish-triage-bench.")
    try:
        raw = [open(f, "rb").read() for f in files]
        write_mbox(os.path.join(work, "all.mbox"), raw)
        write_mbox(os.path.join(work, "1k.mbox"), raw[:1000])
        write_mbox(os.path.join(work, "1kx10.mbox"), raw[:1000], copies=10)
        db = os.path.join(work, "t.db")

        def fresh_db():
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(db + suffix):
                    os.remove(db + suffix)

        def triage(jobs, source, pin):
            fresh_db()
            return run((taskset if pin else []) + [a.bin, "triage", "-j", str(jobs), "-q", "--db", db, source])

        print(f"{len(files)} messages in {a.dir}, binary {a.bin}")
        print(f"\none core ({' '.join(taskset) or 'not pinned'}), {a.pairs} alternating pairs:")
        an, tr = [], []
        for _ in range(a.pairs):
            an.append(run(taskset + [a.bin, "analyze", "-j", "1", "--format", "jsonl", a.dir]))
            tr.append(triage(1, a.dir, True))
        for name, rows in (("analyze -j 1 --format jsonl", an), ("triage -j 1 -q", tr)):
            if any(r[3] != 0 for r in rows):
                sys.exit(f"{name}: a run failed")
        aw, ac = statistics.median(r[0] for r in an), statistics.median(r[1] for r in an)
        tw, tc = statistics.median(r[0] for r in tr), statistics.median(r[1] for r in tr)
        n = len(files)
        print(f"  analyze: wall {aw:.2f} s ({n / aw:.0f} msg/s), cpu {ac:.2f} s")
        print(f"  triage:  wall {tw:.2f} s ({n / tw:.0f} msg/s), cpu {tc:.2f} s")
        print(f"  triage / analyze throughput: {aw / tw:.2f} (wall), {ac / tc:.2f} (cpu); target >= 0.80")

        print("\nall cores, the folder (three runs each):")
        for jobs in (1, 2):
            rows = [triage(jobs, a.dir, False) for _ in range(3)]
            walls = ", ".join(f"{r[0]:.2f}" for r in rows)
            print(f"  triage -j {jobs}: wall {walls} s")

        print("\npeak memory, fresh store, -j 1 (three runs each):")
        for name in ("1k.mbox", "1kx10.mbox"):
            rows = [triage(1, os.path.join(work, name), False) for _ in range(3)]
            rss = ", ".join(f"{r[2]:.1f}" for r in rows)
            print(f"  {name:11} wall {statistics.median(r[0] for r in rows):.2f} s, peak RSS {rss} MiB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
