"""Hostile HTTP on raw sockets (loopback only). Every case checks the reply (or the close), that nothing was stored,
that tmp/ holds no leftover, and that the server still answers a fresh connection normally afterwards.

Several cases here once found server bugs (since fixed) and now guard against their return.
"""

import os
import select
import socket
import threading
import time

import pytest

import rhelpers
from rhelpers import MIN_PART, build_request, connect, raw_exchange, raw_request, assert_serving

BUCKET = "hostile-http"
SECTION = "hostile_http"


def start(localoss, *flags):
    srv = localoss(flags=list(flags))
    r = raw_request(srv.port, "PUT", "/" + BUCKET)
    assert r is not None and r.status == 200, r
    return srv


def initiate(srv, key):
    c = srv.client()
    try:
        return c.initiate(BUCKET, key)
    finally:
        c.close()


def assert_nothing_stored(srv, key, upload_id=None):
    g = raw_request(srv.port, "GET", "/%s/%s" % (BUCKET, key))
    assert g is not None and g.status == 404 and g.code == "NoSuchKey", g
    if upload_id:
        c = srv.client()
        try:
            assert c.list_parts(BUCKET, key, upload_id) == {}
        finally:
            c.close()


def wait_tmp_empty(srv, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not rhelpers.tmp_files(srv.data_dir):
            return
        time.sleep(0.05)
    raise AssertionError("tmp/ still holds %r" % rhelpers.tmp_files(srv.data_dir))


def expect_error_and_close(port, data, statuses, codes, shut_write=False, timeout=10):
    """Send `data` on a new connection; the server must answer one of `statuses`/`codes` and close."""
    s = connect(port, timeout)
    try:
        s.sendall(data)
        if shut_write:
            s.shutdown(socket.SHUT_WR)
        reader = rhelpers.HTTPReader(s)
        r = reader.read_response()
        assert r.status in statuses and r.code in codes, r
        assert r.headers.get("connection") == "close", r.headers
        closed, extra = rhelpers.wait_closed(s, 5)
        assert closed is not None, "connection kept open after %d" % r.status
        assert reader.buf + extra == b"", "bytes after the error reply: %r" % (reader.buf + extra)[:200]
        return r
    finally:
        s.close()


def finish(srv):
    """Stop the server and check its directory."""
    srv.stop()
    violations = rhelpers.data_dir_violations(srv.data_dir)
    assert violations == [], violations


# ---------------------------------------------------------------- head limits

def test_oversized_request_line_and_headers(localoss):
    srv = start(localoss)
    big = 70 * 1024
    cases = {
        "request line 70 KiB": b"GET /" + BUCKET.encode() + b"/" + b"a" * big + b" HTTP/1.1\r\nHost: x\r\n\r\n",
        "request line 1 MiB": b"GET /" + b"a" * (1 << 20) + b" HTTP/1.1\r\nHost: x\r\n\r\n",
        "one 70 KiB header": build_request("GET", "/" + BUCKET, [("X-Big", "v" * big)]),
        "70 headers of 1 KiB": build_request("GET", "/" + BUCKET, [("X-H%d" % i, "v" * 1024) for i in range(70)]),
        "head without end 200 KiB": b"GET / HTTP/1.1\r\nX-Endless: " + b"z" * (200 * 1024),
        "PUT with 70 KiB header and body": build_request("PUT", "/%s/big-head" % BUCKET,
                                                         [("x-oss-meta-a", "v" * big)], b"body"),
    }
    for name, data in cases.items():
        expect_error_and_close(srv.port, data, (431,), ("RequestHeaderTooLarge",))
        rhelpers.count(SECTION, "head_limits")
        assert_serving(srv.port)
    # just under the limit is an ordinary request
    r = raw_exchange(srv.port, build_request("GET", "/" + BUCKET, [("X-Fill", "v" * (60 * 1024)),
                                                                  ("Connection", "close")]))
    assert r is not None and r.status == 200, r
    assert_nothing_stored(srv, "big-head")
    finish(srv)


def test_too_many_headers(localoss):
    srv = start(localoss)
    for n in (201, 500, 5000):
        data = build_request("GET", "/" + BUCKET, [("X-H%d" % i, "v") for i in range(n)])
        expect_error_and_close(srv.port, data, (431,), ("RequestHeaderTooLarge",))
        rhelpers.count(SECTION, "too_many_headers")
        assert_serving(srv.port)
    data = build_request("PUT", "/%s/many-headers" % BUCKET, [("x-oss-meta-h%d" % i, "v") for i in range(300)], b"x")
    expect_error_and_close(srv.port, data, (431,), ("RequestHeaderTooLarge",))
    rhelpers.count(SECTION, "too_many_headers")
    r = raw_exchange(srv.port, build_request("GET", "/" + BUCKET, [("X-H%d" % i, "v") for i in range(190)]
                                             + [("Connection", "close")]))
    assert r is not None and r.status == 200, r
    assert_nothing_stored(srv, "many-headers")
    finish(srv)


def test_malformed_request_heads(localoss):
    srv = start(localoss, "--header-timeout", "3", "--idle-timeout", "10")
    cases = {
        "lower-case method": b"get / HTTP/1.1\r\nHost: x\r\n\r\n",
        "method with digit": b"G3T / HTTP/1.1\r\nHost: x\r\n\r\n",
        "HTTP/2.0": b"GET / HTTP/2.0\r\nHost: x\r\n\r\n",
        "no version": b"GET /\r\nHost: x\r\n\r\n",
        "extra token": b"GET / HTTP/1.1 extra\r\nHost: x\r\n\r\n",
        "empty request": b"\r\n\r\n",
        "header without colon": b"GET / HTTP/1.1\r\nHost x\r\n\r\n",
        "space in header name": b"GET / HTTP/1.1\r\nBad Name: x\r\n\r\n",
        "NUL in target": b"GET /a\x00b HTTP/1.1\r\nHost: x\r\n\r\n",
        "8-bit target": b"GET /\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n",
        "obs-fold line": b"GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n",
        "TLS ClientHello": bytes.fromhex("16030100a5010000a10303") + os.urandom(64) + b"\r\n\r\n",
    }
    for name, data in cases.items():
        expect_error_and_close(srv.port, data, (400,), ("InvalidArgument",))
        rhelpers.count(SECTION, "malformed_heads")
    # bare LF line ends: no CRLFCRLF ever arrives; the client gives up (half-close) and the server must let go
    s = connect(srv.port)
    s.sendall(b"GET / HTTP/1.1\nHost: x\n\n")
    s.shutdown(socket.SHUT_WR)
    closed, _ = rhelpers.wait_closed(s, 5)
    s.close()
    assert closed is not None
    rhelpers.count(SECTION, "malformed_heads")
    assert_serving(srv.port)
    finish(srv)


# ---------------------------------------------------------------- Content-Length

def test_content_length_larger_than_body(localoss):
    """--idle-timeout 2: a body that stops short is dropped after the timeout; nothing is stored, tmp/ is empty."""
    srv = start(localoss, "--idle-timeout", "2")
    key = "short-body"
    upload_id = initiate(srv, key)
    targets = {
        "UploadPart": "/%s/%s?partNumber=1&uploadId=%s" % (BUCKET, key, upload_id),
        "PutObject": "/%s/%s" % (BUCKET, key),
        "AppendObject": "/%s/%s-append?append&position=0" % (BUCKET, key),
        "CompleteMultipartUpload": "/%s/%s?uploadId=%s" % (BUCKET, key, upload_id),
    }
    socks = {}
    try:
        for name, target in targets.items():  # all four stall at once
            method = "POST" if name in ("CompleteMultipartUpload", "AppendObject") else "PUT"
            socks[name] = connect(srv.port, timeout=20)
            socks[name].sendall(build_request(method, target, [("Content-Length", str(3 * MIN_PART))])
                                + b"x" * MIN_PART)
        deadline = time.monotonic() + 1.5  # the three byte-storing operations are staging their halves in tmp/
        while time.monotonic() < deadline and len(rhelpers.tmp_files(srv.data_dir)) < 3:
            time.sleep(0.01)
        assert len(rhelpers.tmp_files(srv.data_dir)) == 3, rhelpers.tmp_files(srv.data_dir)
        for name, s in socks.items():
            closed, data = rhelpers.wait_closed(s, 15)
            assert closed is not None, "%s: stalled connection still open after 15 s" % name
            if data:  # a reply is optional; if there is one it is an error
                status = int(data.split(b" ", 2)[1])
                assert status >= 400, data[:300]
            rhelpers.count(SECTION, "short_bodies")
    finally:
        for s in socks.values():
            s.close()
    wait_tmp_empty(srv)
    assert_serving(srv.port)
    assert_nothing_stored(srv, key, upload_id)
    assert_nothing_stored(srv, key + "-append")
    finish(srv)


BAD_LENGTHS = ["-5", "abc", "1e3", "0x10", "99999999999999999999999", "18446744073709551616", "5,6", "5 5",
               "", "５"]


def test_bad_content_length(localoss):
    srv = start(localoss)
    for value in BAD_LENGTHS:
        key = "bad-length-%d" % BAD_LENGTHS.index(value)
        data = build_request("PUT", "/%s/%s" % (BUCKET, key),
                             [("Content-Length", value.encode("utf-8"))], b"hello")
        expect_error_and_close(srv.port, data, (400,), ("InvalidArgument",))
        assert_nothing_stored(srv, key)
        rhelpers.count(SECTION, "bad_content_length")
    # declared lengths beyond what OSS accepts are refused before any byte is read (with and without 100-continue)
    for expect in (False, True):
        headers = [("Content-Length", str(6 << 30))] + ([("Expect", "100-continue")] if expect else [])
        t0 = time.monotonic()
        r = raw_exchange(srv.port, build_request("PUT", "/%s/huge" % BUCKET, headers))
        assert r is not None and r.status == 400 and r.code == "EntityTooLarge", r
        assert time.monotonic() - t0 < 5
        rhelpers.count(SECTION, "bad_content_length")
    assert_nothing_stored(srv, "huge")
    wait_tmp_empty(srv)
    assert_serving(srv.port)
    finish(srv)


@pytest.mark.parametrize("value", ["+5", "-0"])
def test_content_length_with_sign(localoss, value):
    srv = start(localoss)
    data = build_request("PUT", "/%s/signed" % BUCKET, [("Content-Length", value)], b"hello")
    rhelpers.count(SECTION, "bad_content_length")
    try:
        expect_error_and_close(srv.port, data, (400,), ("InvalidArgument",))
    finally:
        stored = raw_request(srv.port, "GET", "/%s/signed" % BUCKET)
    assert stored.status == 404, stored


def test_conflicting_content_lengths(localoss):
    srv = start(localoss)
    data = build_request("PUT", "/%s/dup-length" % BUCKET, [("Content-Length", "5"), ("Content-Length", "3")],
                         b"hello")
    rhelpers.count(SECTION, "bad_content_length")
    try:
        expect_error_and_close(srv.port, data, (400,), ("InvalidArgument",))
    finally:
        stored = raw_request(srv.port, "GET", "/%s/dup-length" % BUCKET)
    assert stored.status == 404, stored


def test_transfer_encoding_with_content_length_closes(localoss):
    srv = start(localoss)
    s = connect(srv.port)
    try:
        s.sendall(build_request("PUT", "/%s/te-cl" % BUCKET, [("Content-Length", "3"),
                                                              ("Transfer-Encoding", "chunked")],
                                b"5\r\nhello\r\n0\r\n\r\n"))
        r = rhelpers.HTTPReader(s).read_response()
        rhelpers.count(SECTION, "bad_content_length")
        assert r.status == 400 or r.headers.get("connection") == "close", (r, r.headers)
    finally:
        s.close()


# ---------------------------------------------------------------- chunked

BROKEN_CHUNKED = {
    "non-hex size": b"zz\r\nhello\r\n0\r\n\r\n",
    "negative size": b"-5\r\nhello\r\n0\r\n\r\n",
    "missing CRLF after data": b"5\r\nhelloXX0\r\n\r\n",
    "size line of 5000 digits": b"5" * 5000 + b"\r\nhello\r\n0\r\n\r\n",
    "size over 16 hex digits": b"ffffffffffffffffff\r\nabc",
    "size 2^64-1": b"ffffffffffffffff\r\nabc",
    "data shorter than size": b"100\r\nabc",
    "empty size line": b"\r\nhello\r\n0\r\n\r\n",
    "data longer than size": b"3\r\nhello\r\n0\r\n\r\n",
}


def test_broken_chunked(localoss):
    """Broken chunked bodies: 400 (or a close), nothing stored. The client half-closes after sending, as a client
    that has nothing more to send would; prompt replies without the half-close are checked below."""
    srv = start(localoss, "--idle-timeout", "5")
    key = "chunked"
    upload_id = initiate(srv, key)
    for i, (name, body) in enumerate(BROKEN_CHUNKED.items()):
        for target in ("/%s/%s-%d" % (BUCKET, key, i), "/%s/%s?partNumber=%d&uploadId=%s" % (BUCKET, key, i + 1,
                                                                                              upload_id)):
            s = connect(srv.port, timeout=15)
            try:
                s.sendall(build_request("PUT", target, [("Transfer-Encoding", "chunked")], body))
                s.shutdown(socket.SHUT_WR)
                t0 = time.monotonic()
                closed, data = rhelpers.wait_closed(s, 12)
                assert closed is not None, "%s: connection still open" % name
                if data:
                    status = int(data.split(b" ", 2)[1])
                    assert status == 400, (name, data[:300])
                    assert b"<Code>InvalidArgument</Code>" in data or b"<Code>IncompleteBody</Code>" in data, data
                assert time.monotonic() - t0 < 3, "%s: took %.1fs" % (name, time.monotonic() - t0)
            finally:
                s.close()
            rhelpers.count(SECTION, "broken_chunked")
        assert_nothing_stored(srv, "%s-%d" % (key, i))
        wait_tmp_empty(srv)
    assert_nothing_stored(srv, key, upload_id)
    # a well-formed chunked body with extensions and trailers still works on the same server
    good = b"3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: t\r\n\r\n"
    r = raw_exchange(srv.port, build_request("PUT", "/%s/good-chunked" % BUCKET,
                                             [("Transfer-Encoding", "chunked"), ("Connection", "close")], good))
    assert r is not None and r.status == 200, r
    assert raw_request(srv.port, "GET", "/%s/good-chunked" % BUCKET).body == b"abcde"
    finish(srv)


@pytest.mark.parametrize("body", [b"5\r\nhello\r\n", b"5\r\nhello"], ids=["before-next-size", "before-crlf"])
def test_chunked_body_cut_at_chunk_boundary(localoss, body):
    srv = start(localoss)
    rhelpers.count(SECTION, "broken_chunked")
    r = raw_exchange(srv.port, build_request("PUT", "/%s/cut" % BUCKET, [("Transfer-Encoding", "chunked")], body),
                     shut_write=True)
    assert_nothing_stored(srv, "cut")
    assert r is not None and r.status == 400 and r.code in ("IncompleteBody", "InvalidArgument"), r


def test_broken_chunked_answered_promptly(localoss):
    srv = start(localoss, "--idle-timeout", "8")
    slow = []
    for name in ("size over 16 hex digits", "size line of 5000 digits", "data shorter than size"):
        s = connect(srv.port, timeout=15)
        try:
            s.sendall(build_request("PUT", "/%s/prompt" % BUCKET, [("Transfer-Encoding", "chunked")],
                                    BROKEN_CHUNKED[name]))
            t0 = time.monotonic()
            s.settimeout(4)
            try:
                r = rhelpers.HTTPReader(s).read_response()
                elapsed = time.monotonic() - t0
                if name != "data shorter than size":
                    assert r.status == 400, r
            except (socket.timeout, EOFError, ConnectionResetError):
                elapsed = time.monotonic() - t0
            rhelpers.count(SECTION, "broken_chunked")
            if name != "data shorter than size" and elapsed > 3:
                slow.append("%s: reply after %.1fs" % (name, elapsed))
        finally:
            s.close()
    assert not slow, slow


def test_stalled_body_gets_request_timeout(localoss):
    srv = start(localoss, "--idle-timeout", "2")
    s = connect(srv.port, timeout=15)
    try:
        s.sendall(build_request("PUT", "/%s/stalled" % BUCKET, [("Content-Length", "1000")]) + b"x" * 10)
        t0 = time.monotonic()
        r = rhelpers.HTTPReader(s).read_response()
        elapsed = time.monotonic() - t0
    finally:
        s.close()
    rhelpers.count(SECTION, "short_bodies")
    assert (r.status, r.code) == (400, "RequestTimeout"), r
    assert elapsed < 3.5, elapsed


# ---------------------------------------------------------------- pipelining

def test_pipelined_requests(localoss):
    srv = start(localoss)
    c = srv.client()
    for i in range(3):
        assert c.put(BUCKET, "pipe-%d" % i, b"object %d" % i).status_code == 200
    c.close()
    s = connect(srv.port)
    try:
        s.sendall(b"".join(build_request("GET", "/%s/pipe-%d" % (BUCKET, i)) for i in range(3)))
        reader = rhelpers.HTTPReader(s)
        for i in range(3):
            r = reader.read_response()
            assert (r.status, r.body) == (200, b"object %d" % i), (i, r)
        rhelpers.count(SECTION, "pipelined_batches")
        # writes and reads mixed, bodies included, last one closes
        batch = (build_request("PUT", "/%s/pipe-new" % BUCKET, [], b"fresh bytes")
                 + build_request("GET", "/%s/pipe-new" % BUCKET)
                 + build_request("HEAD", "/%s/pipe-missing" % BUCKET)
                 + build_request("DELETE", "/%s/pipe-0" % BUCKET)
                 + build_request("GET", "/%s/pipe-0" % BUCKET, [("Connection", "close")]))
        s.sendall(batch)
        r1 = reader.read_response()
        r2 = reader.read_response()
        r3 = reader.read_response(head_request=True)
        r4 = reader.read_response()
        r5 = reader.read_response()
        assert r1.status == 200 and r1.headers["etag"] == rhelpers.quoted_etag(b"fresh bytes")
        assert (r2.status, r2.body) == (200, b"fresh bytes")
        assert r3.status == 404
        assert r4.status == 204
        assert r5.status == 404 and r5.code == "NoSuchKey"
        assert r5.headers.get("connection") == "close"
        closed, extra = rhelpers.wait_closed(s, 5)
        assert closed is not None and reader.buf + extra == b""
        rhelpers.count(SECTION, "pipelined_batches")
    finally:
        s.close()
    # a pipelined request behind an error reply that closes the connection is not executed
    s = connect(srv.port)
    try:
        s.sendall(build_request("PUT", "/%s/pipe-x" % BUCKET, [("Content-Length", "abc")])
                  + build_request("PUT", "/%s/pipe-after-error" % BUCKET, [], b"must not be stored"))
        reader = rhelpers.HTTPReader(s)
        r = reader.read_response()
        assert r.status == 400
        closed, _ = rhelpers.wait_closed(s, 5)
        assert closed is not None
        rhelpers.count(SECTION, "pipelined_batches")
    finally:
        s.close()
    assert_nothing_stored(srv, "pipe-after-error")
    finish(srv)


# ---------------------------------------------------------------- slow and idle clients

def _peer_closed(sock):
    r, _, _ = select.select([sock], [], [], 0)
    if not r:
        return False
    try:
        return sock.recv(1, socket.MSG_PEEK) == b""
    except (ConnectionResetError, BrokenPipeError):
        return True


def test_slow_header_client_is_closed(localoss):
    """--header-timeout 3: clients trickling a head one byte a second are cut off after ~3 s while other clients are
    served with normal latency."""
    srv = start(localoss, "--header-timeout", "3", "--idle-timeout", "30")
    request = build_request("GET", "/%s/a-rather-long-object-name-for-a-slow-client" % BUCKET)
    results = {}

    def trickle(i):
        s = connect(srv.port, timeout=5)
        t0 = time.monotonic()
        outcome = None
        try:
            for byte in request:
                if _peer_closed(s):
                    outcome = ("closed", time.monotonic() - t0)
                    break
                try:
                    s.send(bytes([byte]))
                except OSError:
                    outcome = ("closed", time.monotonic() - t0)
                    break
                if time.monotonic() - t0 > 12:
                    outcome = ("still open", time.monotonic() - t0)
                    break
                time.sleep(1)
            else:
                outcome = ("whole head sent", time.monotonic() - t0)
        finally:
            s.close()
        results[i] = outcome

    threads = [threading.Thread(target=trickle, args=(i,), daemon=True) for i in range(8)]
    for t in threads:
        t.start()
    latencies = []
    t0 = time.monotonic()
    while time.monotonic() - t0 < 6:
        latencies.append(assert_serving(srv.port, BUCKET))
        time.sleep(0.2)
    for t in threads:
        t.join(20)
    rhelpers.count(SECTION, "slow_clients", len(threads))
    assert all(r is not None and r[0] == "closed" and 2.5 <= r[1] <= 6.5 for r in results.values()), results
    assert len(latencies) >= 10 and max(latencies) < 0.5, "normal requests slowed down: max %.3fs" % max(latencies)
    finish(srv)


def test_stalled_partial_head_closed_by_header_timeout(localoss):
    srv = start(localoss, "--header-timeout", "3", "--idle-timeout", "30")
    s = connect(srv.port, timeout=5)
    try:
        s.sendall(b"GET /%s/x HTTP/1.1\r\nHost: 127.0.0.1\r\n" % BUCKET.encode())
        closed, _ = rhelpers.wait_closed(s, 8)
    finally:
        s.close()
    rhelpers.count(SECTION, "slow_clients")
    assert closed is not None and closed < 6, "partial head still held after 8 s"


def test_2000_idle_connections(localoss):
    limit = rhelpers.raise_nofile(2000 + 512)
    if limit < 2000 + 256:
        pytest.skip("RLIMIT_NOFILE hard limit %d too low for 2000 connections" % limit)
    srv = start(localoss)
    socks = []
    try:
        t0 = time.monotonic()
        for i in range(2000):
            s = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
            if i % 4 == 0:
                s.sendall(b"GET /")  # a head started and left hanging
            socks.append(s)
            assert time.monotonic() - t0 < 60, "opening connections is too slow"
        # every connection has been accepted (one descriptor each, parked without a thread), not merely queued
        # in the backlog
        deadline = time.monotonic() + 15
        descriptors = 0
        while time.monotonic() < deadline:
            descriptors = len(os.listdir("/proc/%d/fd" % srv.pid))
            if descriptors >= 2000:
                break
            time.sleep(0.2)
        assert descriptors >= 2000, "server holds only %d descriptors with 2000 clients connected" % descriptors
        threads = len(os.listdir("/proc/%d/task" % srv.pid))
        assert threads <= 64, "server has %d threads with 2000 idle clients" % threads
        latencies = [assert_serving(srv.port, BUCKET) for _ in range(30)]
        assert max(latencies) < 1.0, "new connections slow with 2000 idle ones: %.3fs" % max(latencies)
        c = srv.client()
        assert c.put(BUCKET, "while-2000-idle", b"ok").status_code == 200
        c.close()
        # an idle keep-alive connection is still usable
        s = socks[1001]
        s.sendall(build_request("GET", "/%s/while-2000-idle" % BUCKET))
        r = rhelpers.HTTPReader(s).read_response()
        assert (r.status, r.body) == (200, b"ok")
        rhelpers.count(SECTION, "idle_connections", len(socks))
    finally:
        for s in socks:
            s.close()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and len(os.listdir("/proc/%d/task" % srv.pid)) > 50:
        time.sleep(0.2)
    assert len(os.listdir("/proc/%d/task" % srv.pid)) <= 50, "connection threads linger after clients closed"
    assert_serving(srv.port, BUCKET)
    finish(srv)


# ---------------------------------------------------------------- body deadline and trailers

def test_trickled_body_cut_off_by_body_timeout(localoss):
    """--body-timeout 2 --idle-timeout 10: a body trickled one byte every 0.3 s never trips the idle timeout, yet
    is cut off after its overall deadline (2 s, plus 1 s per MiB received) with 400 RequestTimeout; nothing stored."""
    srv = start(localoss, "--body-timeout", "2", "--idle-timeout", "10")
    s = connect(srv.port, timeout=15)
    outcome = None
    try:
        s.sendall(build_request("PUT", "/%s/trickled" % BUCKET, [("Content-Length", "1000")]))
        t0 = time.monotonic()
        for _ in range(40):
            if _peer_closed(s) or select.select([s], [], [], 0)[0]:
                break
            try:
                s.send(b"x")
            except OSError:
                break
            time.sleep(0.3)
        elapsed = time.monotonic() - t0
        s.settimeout(5)
        try:
            outcome = rhelpers.HTTPReader(s).read_response()
        except (EOFError, ConnectionResetError, socket.timeout) as e:
            outcome = e
    finally:
        s.close()
    rhelpers.count(SECTION, "body_deadline")
    assert isinstance(outcome, rhelpers.RawResponse), outcome
    assert (outcome.status, outcome.code) == (400, "RequestTimeout"), outcome
    assert 1.5 <= elapsed <= 4.5, "cut off after %.1fs" % elapsed
    wait_tmp_empty(srv)
    assert_nothing_stored(srv, "trickled")
    finish(srv)


@pytest.mark.parametrize("trailers", [
    b"".join(b"X-T%d: v\r\n" % i for i in range(5000)),
    b"X-Big: " + b"v" * 20000 + b"\r\n",
    b"".join(b"X-T%d: %s\r\n" % (i, b"v" * 1000) for i in range(30)),
], ids=["5000-fields", "one-20KB-field", "30KB-in-30-fields"])
def test_excessive_chunked_trailers_refused(localoss, trailers):
    srv = start(localoss)
    body = b"5\r\nhello\r\n0\r\n" + trailers + b"\r\n"
    r = raw_exchange(srv.port, build_request("PUT", "/%s/trailers" % BUCKET, [("Transfer-Encoding", "chunked")],
                                             body))
    rhelpers.count(SECTION, "trailers")
    assert r is not None and (r.status, r.code) == (400, "InvalidArgument"), r
    assert_nothing_stored(srv, "trailers")
    # a few ordinary trailers are still accepted
    ok = b"5\r\nhello\r\n0\r\n" + b"".join(b"X-T%d: v\r\n" % i for i in range(8)) + b"\r\n"
    r = raw_exchange(srv.port, build_request("PUT", "/%s/trailers-ok" % BUCKET,
                                             [("Transfer-Encoding", "chunked"), ("Connection", "close")], ok))
    assert r is not None and r.status == 200, r
    finish(srv)
