#!/usr/bin/env python3
"""Prints what many idle keep-alive connections cost the server: its threads and RSS (from /proc/PID/status) and
the latency of a fresh connection's GET while they are open, beside the same figures with no idle connection (the
reference of the same run) and the budget (<= 64 threads, <= 128 MiB RSS, fresh GET <= 2 ms median). A
measurement, not a test: it fails only when the server answers wrongly, never on a figure. bench/run.sh runs it.

Usage: idle_connections.py [--binary PATH] [--connections 10000] [--samples 200] [-- extra server flags]
The binary defaults to $LOCALOSS_BIN or .build/release/localoss. Each figure is one run.
"""

import argparse
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def request(method, target, body=b""):
    head = "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n\r\n" % (method, target, len(body))
    return head.encode() + body


def read_response(sock):
    """Reads one response with a Content-Length body; returns its status."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed before the head")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed inside the body")
        rest += chunk
    return int(head.split(b" ", 2)[1])


def status_of(pid):
    fields = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            name, _, value = line.partition(":")
            fields[name] = value.strip()
    return int(fields["Threads"]), int(fields["VmRSS"].split()[0]) / 1024.0


def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def fresh_get_milliseconds(port, samples):
    times = []
    for _ in range(samples):
        t0 = time.perf_counter()
        s = connect(port)
        s.sendall(request("GET", "/bench/object"))
        assert read_response(s) == 200
        times.append((time.perf_counter() - t0) * 1000)
        s.close()
    return statistics.median(times), max(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.environ.get("LOCALOSS_BIN", os.path.join(ROOT, ".build/release/localoss")))
    parser.add_argument("--connections", type=int, default=10000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("flags", nargs="*")
    args = parser.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = args.connections + 1024
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))
    data = tempfile.mkdtemp(prefix="localoss-idle-")
    server = subprocess.Popen(
        [args.binary, "serve", "--port", "0", "--data-dir", data, "--auth", "off", "--log-level", "error"]
        + args.flags, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
    try:
        port = int(re.search(rb":(\d+)\s*$", server.stdout.readline()).group(1))
        s = connect(port)
        s.sendall(request("PUT", "/bench"))
        assert read_response(s) == 200
        s.sendall(request("PUT", "/bench/object", b"x" * 4096))
        assert read_response(s) == 200
        s.close()
        threads, rss = status_of(server.pid)
        median, worst = fresh_get_milliseconds(port, args.samples)
        print("no idle connections:    threads %5d  RSS %7.1f MiB  fresh GET median %.3f ms (max %.3f)"
              % (threads, rss, median, worst))
        idle = []
        t0 = time.monotonic()
        for _ in range(args.connections):
            s = connect(port)
            s.sendall(request("GET", "/bench/object"))
            assert read_response(s) == 200
            idle.append(s)
        opened = time.monotonic() - t0
        threads, rss = status_of(server.pid)
        print("%5d connections opened in %.1f s, each after one GET: threads %5d  RSS %7.1f MiB"
              % (len(idle), opened, threads, rss))
        time.sleep(7)  # let the server settle: workers started for the burst end after 5 s idle
        threads, rss = status_of(server.pid)
        median, worst = fresh_get_milliseconds(port, args.samples)
        print("%5d idle connections: threads %5d  RSS %7.1f MiB  fresh GET median %.3f ms (max %.3f)"
              % (len(idle), threads, rss, median, worst))
        for name, value, limit, unit in [("idle.threads", threads, 64, ""), ("idle.rss", rss, 128, " MiB"),
                                         ("idle.fresh_get", median, 2.0, " ms")]:
            print("%-16s %10.2f%-4s <= %g%s  %s" % (name, value, unit, limit, unit,
                                                   "PASS" if value <= limit else "MISS"))
        for s in idle:
            s.close()
    finally:
        server.terminate()
        server.wait(30)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
