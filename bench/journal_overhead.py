#!/usr/bin/env python3
"""Prints what the request journal and the metrics cost per request: the server's CPU time per 4 KiB GET (from
/proc/PID/stat, all threads, user + system) with `--journal-size 0` and with the default journal, measured with
`wrk` in alternating rounds on fresh servers; the median of each and their difference in microseconds. CPU time
per request, not the request rate, because on a machine shared with the client (and other work) the rate moves with
whatever else runs, while the server's own CPU per request does not. Metrics are counted in both modes (they cannot
be switched off), so the difference is the journal's cost; the metrics' own cost is part of both figures.

A measurement, not a test: it fails only when the server answers wrongly. bench/run.sh runs it.

With --callgrind it counts instructions instead (valgrind's callgrind, one keep-alive connection): the server's
instructions for N and for 5N GETs, per request from the difference, with and without the journal. Slow, but it
does not move with the machine's load.

Usage: journal_overhead.py [--binary PATH] [--rounds 3] [--seconds 3] [--connections 16] [--callgrind [--gets N]]
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
# What an SDK sends besides Host (the servers run with --auth off: the signature is not checked), so that journal
# entries have a realistic size.
SDK_HEADERS = [
    "Accept-Encoding: identity", "User-Agent: aliyun-sdk-python/2.19.1(Linux/6.1.0/x86_64;3.11.2)/bench",
    "Date: Wed, 02 Dec 2026 00:00:00 GMT", "x-oss-date: Wed, 02 Dec 2026 00:00:00 GMT",
    "Authorization: OSS LocalOSSTestKey:Zm9yLXRoZS1iZW5jaC1vbmx5LTEyMzQ1Ng==",
]


def start(binary, data_dir, journal_size, wrapper=()):
    os.makedirs(data_dir, exist_ok=True)
    proc = subprocess.Popen(
        [*wrapper, binary, "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", data_dir, "--auth", "off",
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
        headers = []
        for header in SDK_HEADERS:
            headers += ["-H", header]
        subprocess.run(["wrk", "-t", "2", "-c", str(connections), "-d", "1s", *headers, url], capture_output=True,
                       check=True)
        before = cpu_seconds(proc.pid)
        out = subprocess.run(["wrk", "-t", "2", "-c", str(connections), "-d", "%gs" % seconds, *headers, url],
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


def keep_alive_gets(port, target, count):
    """`count` GETs back to back on one connection; every answer must be 200 with its 4 KiB."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        request = ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%s\r\n\r\n"
                   % (target, "\r\n".join(SDK_HEADERS))).encode()
        buffer = b""
        for _ in range(count):
            sock.sendall(request)
            while b"\r\n\r\n" not in buffer:
                buffer += sock.recv(65536)
            head, _, buffer = buffer.partition(b"\r\n\r\n")
            length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
            while len(buffer) < length:
                buffer += sock.recv(65536)
            buffer = buffer[length:]
            if not head.startswith(b"HTTP/1.1 200") or length != 4096:
                raise SystemExit("unexpected answer %r" % head[:200])


def instructions(binary, journal_size, gets):
    """Instructions callgrind counted in the whole server process for `gets` GETs (plus start-up and stop)."""
    data_dir = tempfile.mkdtemp(prefix="localoss-journal-bench-")
    out = os.path.join(data_dir, "callgrind.out")
    proc, port = start(binary, os.path.join(data_dir, "data"), journal_size,
                       wrapper=("valgrind", "--tool=callgrind", "--callgrind-out-file=" + out))
    try:
        call(port, "PUT", "/bench")
        call(port, "PUT", "/bench/small", os.urandom(4096))
        keep_alive_gets(port, "/bench/small", gets)
    finally:
        proc.terminate()
        proc.wait(timeout=120)
    with open(out) as f:
        total = next(int(line.split()[1]) for line in f if line.startswith(("summary:", "totals:")))
    shutil.rmtree(data_dir, ignore_errors=True)
    return total


def callgrind(binary, gets):
    per_request = {}
    for size in (0, 10000):
        few = instructions(binary, size, gets)
        many = instructions(binary, size, 5 * gets)
        per_request[size] = (many - few) / (4 * gets)
    for size, label in ((0, "journal.off"), (10000, "journal.on")):
        print("%-18s %9.0f instructions/request (callgrind, %d vs %d GETs)" % (label, per_request[size], gets,
                                                                             5 * gets))
    delta = per_request[10000] - per_request[0]
    print("%-18s %9.0f instructions/request (%.1f%% of a 4 KiB GET)" % ("journal.overhead", delta,
                                                                      delta / per_request[0] * 100))
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.environ.get("LOCALOSS_BIN")
                        or os.path.join(ROOT, ".build-bench", "release", "localoss"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--callgrind", action="store_true")
    parser.add_argument("--gets", type=int, default=400)
    args = parser.parse_args()
    if args.callgrind:
        if not shutil.which("valgrind"):
            print("journal.overhead  n/a (valgrind is not installed)")
            return 0
        return callgrind(args.binary, args.gets)
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
