#!/usr/bin/env python3
"""Prints what the state endpoints of the control plane take on a data directory of N objects (default 10,000):
loading them with --seed-dir at start, then POST /_localoss/snapshots/NAME, POST /_localoss/reset,
POST /_localoss/snapshots/NAME/restore, POST /_localoss/reset?bucket=B and DELETE /_localoss/snapshots/NAME, each
timed as one HTTP round trip on loopback (the server does the whole operation before it answers). One object in
100 is larger than the inline limit (a file blob); the rest are small (rows of inline_blobs).

A measurement, not a test: it fails only when the server answers wrongly (a count or listing that is off).
bench/run.sh runs it, with --objects 1000 in --quick mode.

Usage: state_ops.py [--binary PATH] [--objects 10000] [--rounds 3]
The binary defaults to $LOCALOSS_BIN or .build-bench/release/localoss.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LARGE = 64 * 1024 + 1


def make_seed(root, objects):
    buckets = ("bench-one", "bench-two")
    for index in range(objects):
        bucket = buckets[index % 2]
        path = os.path.join(root, bucket, "dir%03d" % (index // 100), "object-%06d.txt" % index)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(os.urandom(LARGE) if index % 100 == 0 else b"x" * (100 + index % 900))
    return buckets


def start(binary, data_dir, seed):
    os.makedirs(data_dir, exist_ok=True)
    began = time.monotonic()
    proc = subprocess.Popen(
        [binary, "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", data_dir, "--auth", "off",
         "--log-level", "warning"] + (["--seed-dir", seed] if seed else []),
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    line = proc.stdout.readline().decode()
    elapsed = time.monotonic() - began
    match = re.match(r"LocalOSS listening on http://127\.0\.0\.1:(\d+)", line)
    if not match:
        proc.kill()
        raise SystemExit("unexpected banner %r" % line)
    return proc, int(match.group(1)), elapsed


def call(connection, method, target):
    began = time.monotonic()
    connection.request(method, target)
    response = connection.getresponse()
    body = response.read()
    elapsed = (time.monotonic() - began) * 1000
    return response.status, (json.loads(body) if body and body.startswith(b"{") else body), elapsed


def expect(condition, what):
    if not condition:
        raise SystemExit("state_ops: wrong answer: %s" % what)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.environ.get("LOCALOSS_BIN")
                        or os.path.join(ROOT, ".build-bench", "release", "localoss"))
    parser.add_argument("--objects", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    n = args.objects
    scratch = tempfile.mkdtemp(prefix="localoss-state-bench-")
    proc = None
    try:
        seed = os.path.join(scratch, "seed")
        buckets = make_seed(seed, n)
        proc, port, seeded = start(args.binary, os.path.join(scratch, "data"), seed)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        timings = {name: [] for name in ("snapshot", "reset", "restore", "reset one bucket", "delete snapshot")}
        for round_number in range(args.rounds):
            name = "bench-%d" % round_number
            status, reply, ms = call(connection, "POST", "/_localoss/snapshots/" + name)
            expect(status == 201 and reply["objects"] == n, "snapshot: %r %r" % (status, reply))
            timings["snapshot"].append(ms)
            status, reply, ms = call(connection, "POST", "/_localoss/reset")
            expect(status == 200 and reply == {"buckets": 2, "objects": n, "uploads": 0}, "reset: %r" % reply)
            timings["reset"].append(ms)
            status, reply, ms = call(connection, "POST", "/_localoss/snapshots/%s/restore" % name)
            expect(status == 200 and reply["objects"] == n, "restore: %r %r" % (status, reply))
            timings["restore"].append(ms)
            status, listing, _ = call(connection, "GET", "/%s/?max-keys=1" % buckets[0])
            expect(status == 200 and b"<Key>dir000/object-000000.txt</Key>" in listing, "listing after restore")
            status, reply, ms = call(connection, "POST", "/_localoss/reset?bucket=" + buckets[1])
            expect(status == 200 and reply["objects"] == n // 2, "reset one bucket: %r" % reply)
            timings["reset one bucket"].append(ms)
            # Back to all n objects for the next round; the snapshot then goes.
            status, _, _ = call(connection, "POST", "/_localoss/snapshots/%s/restore" % name)
            expect(status == 200, "second restore")
            status, _, ms = call(connection, "DELETE", "/_localoss/snapshots/" + name)
            expect(status == 204, "delete snapshot: %r" % status)
            timings["delete snapshot"].append(ms)
        print("state operations on %d objects (%d file blobs, the rest inline), median of %d round(s):"
              % (n, (n + 99) // 100, args.rounds))
        print("  %-28s %9.0f ms  (start to banner, --seed-dir)" % ("seed load + start", seeded * 1000))
        for name, values in timings.items():
            print("  %-28s %9.1f ms" % (name, statistics.median(values)))
        return 0
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
