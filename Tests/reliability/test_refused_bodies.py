"""A request refused before its body is read (wrong secret, missing bucket) must reach the client as the OSS error
XML, not as a connection reset, however large the body and however the client sends it: the server answers, shuts
down its sending side and discards the body (a lingering close) before closing.

Also: a GET/HEAD/DELETE that declares a body which never comes is answered at once, then closed.
"""

import email.utils
import io
import socket
import threading
import time

import pytest

import rhelpers
from rhelpers import build_request, connect

SECTION = "refused_bodies"
BODY_SIZE = 200 << 20
CHUNK = b"\x5a" * (1 << 20)
ACCESS_KEY_ID = "LocalOSSTestKey"
WRONG_SECRET = "not-the-secret"
BUCKET = "refused"


class PatternStream(io.RawIOBase):
    """`size` bytes produced on demand (seekable, so SDKs send Content-Length, not chunked)."""

    def __init__(self, size):
        self.size = size
        self.position = 0

    def readable(self):
        return True

    def seekable(self):
        return True

    def tell(self):
        return self.position

    def seek(self, offset, whence=io.SEEK_SET):
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = max(0, min(self.size, base + offset))
        return self.position

    def readinto(self, buffer):
        n = min(len(buffer), self.size - self.position, len(CHUNK))
        buffer[:n] = CHUNK[:n]
        self.position += n
        return n

    def __len__(self):
        return self.size


def signed_server(localoss):
    """A server that verifies signatures, with bucket BUCKET created by a correctly signed request."""
    import oss2
    srv = localoss(auth_off=False)
    oss2.Bucket(oss2.Auth(ACCESS_KEY_ID, "LocalOSSTestSecret"), srv.endpoint, BUCKET, is_cname=False).create_bucket()
    return srv


def send_whole_body_then_read(port, head, size, timeout=60):
    """A plain client: writes the request head and all `size` body bytes, and only then reads the reply."""
    s = connect(port, timeout)
    try:
        t0 = time.monotonic()
        s.sendall(head)
        left = size
        while left:
            n = min(left, len(CHUNK))
            s.sendall(CHUNK[:n])
            left -= n
        sent = time.monotonic() - t0
        reader = rhelpers.HTTPReader(s)
        response = reader.read_response()
        closed, extra = rhelpers.wait_closed(s, 10)
        return response, sent, closed
    finally:
        s.close()


def v1_put_head(key, size, extra_headers=()):
    date = email.utils.formatdate(usegmt=True)
    headers = [("Date", date), ("Content-Type", "application/octet-stream"), ("Content-Length", str(size)),
               ("Authorization", "OSS %s:%s" % (ACCESS_KEY_ID, "AAAAAAAAAAAAAAAAAAAAAAAAAAA="))]
    return build_request("PUT", "/%s/%s" % (BUCKET, key), headers + list(extra_headers))


@pytest.mark.parametrize("connection", ["keep-alive", "close"])
def test_plain_client_gets_signature_error_after_200_mib(localoss, connection):
    srv = signed_server(localoss)
    head = v1_put_head("big", BODY_SIZE, [("Connection", connection)])
    r, sent, closed = send_whole_body_then_read(srv.port, head, BODY_SIZE)
    rhelpers.note(SECTION, "plain_200MiB_send_seconds_%s" % connection, "%.2f" % sent)
    assert (r.status, r.code) == (403, "SignatureDoesNotMatch"), r
    assert r.headers.get("connection") == "close", r.headers
    assert closed is not None, "connection left open after the error"


def test_plain_client_gets_no_such_bucket_after_200_mib(localoss):
    srv = localoss()  # --auth off: only the bucket is missing
    head = build_request("PUT", "/no-such-bucket-here/big", [("Content-Length", str(BODY_SIZE))])
    r, sent, closed = send_whole_body_then_read(srv.port, head, BODY_SIZE)
    assert (r.status, r.code) == (404, "NoSuchBucket"), r
    assert closed is not None
    rhelpers.assert_serving(srv.port)


def test_client_reading_while_writing_gets_error_early(localoss):
    """A client that reads while it writes (as the Go SDK does) gets the reply before its body is through."""
    srv = signed_server(localoss)
    s = connect(srv.port, 60)
    got = {}

    def read():
        try:
            got["response"] = rhelpers.HTTPReader(s).read_response()
            got["at"] = time.monotonic()
        except Exception as e:  # noqa: BLE001 - reported below
            got["error"] = e

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    t0 = time.monotonic()
    try:
        s.sendall(v1_put_head("big", BODY_SIZE))
        for _ in range(BODY_SIZE // len(CHUNK)):
            s.sendall(CHUNK)
        done = time.monotonic()
        reader.join(10)
    finally:
        s.close()
    assert "response" in got, got
    r = got["response"]
    assert (r.status, r.code) == (403, "SignatureDoesNotMatch"), r
    assert got["at"] <= done + 0.5
    rhelpers.note(SECTION, "reply_after_seconds", "%.3f" % (got["at"] - t0))


def test_oss2_put_200_mib_with_wrong_secret(localoss):
    import oss2
    srv = signed_server(localoss)
    bucket = oss2.Bucket(oss2.Auth(ACCESS_KEY_ID, WRONG_SECRET), srv.endpoint, BUCKET, is_cname=False)
    t0 = time.monotonic()
    with pytest.raises(oss2.exceptions.OssError) as ei:
        bucket.put_object("big", PatternStream(BODY_SIZE))
    rhelpers.note(SECTION, "oss2_seconds", "%.2f" % (time.monotonic() - t0))
    e = ei.value
    assert isinstance(e, oss2.exceptions.ServerError), "not a server error: %r" % (e,)
    assert (e.status, e.code) == (403, "SignatureDoesNotMatch"), (e.status, e.code, e.details)


def test_oss2_put_200_mib_to_missing_bucket(localoss):
    import oss2
    srv = localoss()
    bucket = oss2.Bucket(oss2.Auth(ACCESS_KEY_ID, WRONG_SECRET), srv.endpoint, "no-such-bucket-here",
                         is_cname=False)
    with pytest.raises(oss2.exceptions.OssError) as ei:
        bucket.put_object("big", PatternStream(BODY_SIZE))
    assert (ei.value.status, ei.value.code) == (404, "NoSuchBucket"), ei.value.details


def test_oss_v2_put_200_mib_with_wrong_secret(localoss):
    import alibabacloud_oss_v2 as oss
    srv = signed_server(localoss)
    cfg = oss.config.load_default()
    cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(ACCESS_KEY_ID, WRONG_SECRET)
    cfg.region = "cn-hangzhou"
    cfg.endpoint = srv.endpoint
    cfg.use_path_style = True
    client = oss.Client(cfg)
    t0 = time.monotonic()
    with pytest.raises(oss.exceptions.OperationError) as ei:
        client.put_object(oss.PutObjectRequest(bucket=BUCKET, key="big", body=PatternStream(BODY_SIZE)))
    rhelpers.note(SECTION, "oss_v2_seconds", "%.2f" % (time.monotonic() - t0))
    err = ei.value.unwrap()
    assert isinstance(err, oss.exceptions.ServiceError), "not a ServiceError: %r" % (err,)
    assert (err.status_code, err.code) == (403, "SignatureDoesNotMatch"), (err.status_code, err.code)


@pytest.mark.parametrize("method", ["GET", "HEAD", "DELETE"])
def test_declared_body_that_never_comes_is_not_waited_for(localoss, method):
    """--idle-timeout 30: the reply must not wait for the 1000 declared bytes (nor for the idle timeout)."""
    srv = localoss(flags=["--idle-timeout", "30"])
    assert rhelpers.raw_request(srv.port, "PUT", "/" + BUCKET).status == 200
    s = connect(srv.port, 20)
    try:
        t0 = time.monotonic()
        s.sendall(build_request(method, "/%s/missing-key" % BUCKET, [("Content-Length", "1000")]))
        r = rhelpers.HTTPReader(s).read_response(head_request=(method == "HEAD"))
        answered = time.monotonic() - t0
        closed, _ = rhelpers.wait_closed(s, 10)
    finally:
        s.close()
    assert r.status in (404, 204), r
    assert r.headers.get("connection") == "close", r.headers
    assert answered < 1.0, "reply took %.2fs" % answered
    assert closed is not None and closed < 5, "connection still open"
    rhelpers.note(SECTION, "declared_body_reply_seconds_%s" % method, "%.3f" % answered)
