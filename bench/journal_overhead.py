#!/usr/bin/env python3
"""Prints what the request journal and the metrics cost per request: the server's CPU time per 4 KiB GET (from
/proc/PID/stat, all threads, user + system) with `--journal-size 0` and with the default journal, measured with
`wrk` in alternating rounds on fresh servers; the median of each and their difference in microseconds. CPU time
per request, not the request rate, because on a machine shared with the client (and other work) the rate moves with
whatever else runs, while the server's own CPU per request does not. Metrics are counted in both modes (they cannot
be switched off), so the difference is the journal's cost; the metrics' own cost is part of both figures.

A measurement, not a test: it fails only when the server answers wrongly. bench/run.sh runs it.

Usage: journal_overhead.py [--binary PATH] [--rounds 3] [--seconds 3] [--connections 16]
The binary defaults to $LOCALOSS_BIN or .build-bench/release/localoss.
"""

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TICKS = os.sysconf("SC_CLK_TCK")


def start(binary, data_dir, journal_size):
    proc = subprocess.Popen(
        [binary, "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", data_dir, "--auth", "off",
         "--journal-size", str(journal_size), "--log-level", "warning"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    line = proc.stdout.readline().decode()
    match = re.match(r"LocalOSS listening on http://127\.0\.0\.1:(\d+)", line)
    if not match:
        proc.kill()
        raise SystemExit("unexpected banner %r" % line)
    return proc, int(match.group(1))


def call(port, method, target, body=b""):
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(("%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
                      % (method, target, len(body))).encode() + body)
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    status = int(data.split(b" ", 2)[1])
    if status != 200:
        raise SystemExit("%s %s answered %d" % (method, target, status))


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime (fields 14 and 15)


def round_trip(binary, journal_size, seconds, connections):
    data_dir = tempfile.mkdtemp(prefix="localoss-journal-bench-")
    proc, port = start(binary, data_dir, journal_size)
    try:
        call(port, "PUT", "/bench")
        call(port, "PUT", "/bench/small", os.urandom(4096))
        url = "http://127.0.0.1:%d/bench/small" % port
        subprocess.run(["wrk", "-t", "2", "-c", str(connections), "-d", "1s", url], capture_output=True, check=True)
        before = cpu_seconds(proc.pid)
        out = subprocess.run(["wrk", "-t", "2", "-c", str(connections), "-d", "%gs" % seconds, url],
                             capture_output=True, text=True, check=True).stdout
        used = cpu_seconds(proc.pid) - before
        count = int(re.search(r"(\d+) requests in", out).group(1))
        if "Non-2xx" in out:
            raise SystemExit("wrk saw answers that were not 2xx:\n" + out)
        return used / count * 1e6, count / seconds
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        shutil.rmtree(data_dir, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.environ.get("LOCALOSS_BIN")
                        or os.path.join(ROOT, ".build-bench", "release", "localoss"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("journal.overhead  n/a (wrk is not installed)")
        return 0
    figures = {0: [], 10000: []}
    for _ in range(args.rounds):
        for size in (0, 10000):
            figures[size].append(round_trip(args.binary, size, args.seconds, args.connections))
    off = statistics.median(us for us, _ in figures[0])
    on = statistics.median(us for us, _ in figures[10000])
    for size, label in ((0, "journal.off"), (10000, "journal.on")):
        rows = ", ".join("%.1f us at %.0f req/s" % pair for pair in figures[size])
        print("%-18s %7.1f us CPU/request (median; rounds: %s)" % (label, statistics.median(
            us for us, _ in figures[size]), rows))
    print("%-18s %7.1f us CPU/request (%.1f%% of a 4 KiB GET)" % ("journal.overhead", on - off,
                                                                  (on - off) / off * 100))
    return 0


if __name__ == "__main__":
    sys.exit(main())
