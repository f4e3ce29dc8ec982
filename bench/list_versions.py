#!/usr/bin/env python3
"""Prints what one ListObjectVersions page costs in a bucket with many versions: the latency of a 1,000-entry page
(`max-keys=1000`) taken from the middle of 100,000 versions (10 per key: objects and delete markers), with and
without a key-marker + version-id-marker, and with a delimiter. Each page must be an index range scan, so the figure
should not grow with the number of versions in the bucket.

The versions are made quickly: each key gets one PutObject, then DeleteMultipleObjects (1,000 keys a request, no
VersionId) adds a delete marker to every key per round, in a bucket with versioning Enabled.

A measurement, not a test: it fails only when the server answers wrongly. bench/run.sh runs it (fewer versions with
--quick).

Usage: list_versions.py [--binary PATH] [--versions 100000] [--per-key 10] [--samples 20]
The binary defaults to $LOCALOSS_BIN or .build-bench/release/localoss.
"""

import argparse
import base64
import hashlib
import http.client
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from urllib.parse import quote

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUCKET = "bench-versions"


def start(binary, data_dir):
    proc = subprocess.Popen(
        [binary, "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", data_dir, "--auth", "off",
         "--log-level", "error"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    line = proc.stdout.readline().decode()
    match = re.match(r"LocalOSS listening on http://127\.0\.0\.1:(\d+)", line)
    if not match:
        proc.kill()
        sys.exit("server did not start: %r" % line)
    return proc, int(match.group(1))


def request(conn, method, path, body=b"", headers=None):
    headers = dict(headers or {})
    headers["Content-Length"] = str(len(body))
    conn.request(method, path, body=body, headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    if resp.status >= 300:
        sys.exit("%s %s -> %d %r" % (method, path, resp.status, data[:300]))
    return resp, data


def key_name(i):
    return "dir%02d/key-%06d" % (i % 10, i)


def populate(conn, keys, per_key):
    request(conn, "PUT", "/" + BUCKET)
    request(conn, "PUT", "/%s/?versioning" % BUCKET,
            b"<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>")
    for i in range(keys):
        request(conn, "PUT", "/%s/%s" % (BUCKET, quote(key_name(i))), b"v")
    for _ in range(per_key - 1):
        for start in range(0, keys, 1000):
            objects = "".join("<Object><Key>%s</Key></Object>" % key_name(i)
                              for i in range(start, min(keys, start + 1000)))
            body = ("<Delete><Quiet>true</Quiet>%s</Delete>" % objects).encode()
            md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
            request(conn, "POST", "/%s/?delete" % BUCKET, body, {"Content-MD5": md5})


def page_ms(conn, query, samples, expect_entries):
    times = []
    for _ in range(samples):
        began = time.perf_counter()
        _, data = request(conn, "GET", "/%s/?versions&max-keys=1000%s" % (BUCKET, query))
        times.append((time.perf_counter() - began) * 1000)
        root = ET.fromstring(data)
        entries = len(root.findall("Version")) + len(root.findall("DeleteMarker")) + len(root.findall("CommonPrefixes"))
        if entries != expect_entries:
            sys.exit("ListObjectVersions%s returned %d entries, expected %d" % (query, entries, expect_entries))
    return statistics.median(times), root


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.environ.get("LOCALOSS_BIN") or
                        os.path.join(ROOT, ".build-bench", "release", "localoss"))
    parser.add_argument("--versions", type=int, default=100_000)
    parser.add_argument("--per-key", type=int, default=10)
    parser.add_argument("--samples", type=int, default=20)
    args = parser.parse_args()
    keys = args.versions // args.per_key
    with tempfile.TemporaryDirectory(prefix="localoss-bench-versions-") as data_dir:
        proc, port = start(args.binary, data_dir)
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            began = time.perf_counter()
            populate(conn, keys, args.per_key)
            made = time.perf_counter() - began
            middle = key_name(keys // 2)
            _, first = page_ms(conn, "&key-marker=" + quote(middle, safe=""), 1, 1000)
            marker = first.findall("DeleteMarker")[3]
            resume = "&key-marker=%s&version-id-marker=%s" % (
                quote(marker.findtext("Key"), safe=""), marker.findtext("VersionId"))
            plain, _ = page_ms(conn, "&key-marker=" + quote(middle, safe=""), args.samples, 1000)
            inside, _ = page_ms(conn, resume, args.samples, 1000)
            rolled, _ = page_ms(conn, "&delimiter=%2F", args.samples, 10)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    print("ListObjectVersions, %d versions (%d keys x %d; made in %.1f s):" % (
        args.versions, keys, args.per_key, made))
    print("  one page of 1,000 from the middle (key-marker)            %8.2f ms" % plain)
    print("  one page of 1,000 inside a key (key + version-id marker)  %8.2f ms" % inside)
    print("  delimiter '/' (10 common prefixes over all versions)      %8.2f ms" % rolled)


if __name__ == "__main__":
    main()
