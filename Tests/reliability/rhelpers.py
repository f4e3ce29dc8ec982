"""Helpers for the reliability suite: a small HTTP client for `--auth off` servers, a raw-socket HTTP reader,
data-directory inspection (tmp/, blobs/, metadata.sqlite read-only) and the counters printed at the end of a run.
"""

import base64
import collections
import hashlib
import os
import socket
import sqlite3
import threading
import time
import xml.etree.ElementTree as ET
from urllib.parse import quote

import requests

MIN_PART = 102400

# ---------------------------------------------------------------- counters printed by conftest's terminal summary

_report_lock = threading.Lock()
_REPORT = collections.OrderedDict()  # section -> OrderedDict(name -> value)


def count(section, name, inc=1):
    with _report_lock:
        sec = _REPORT.setdefault(section, collections.OrderedDict())
        sec[name] = sec.get(name, 0) + inc


def note(section, name, value):
    with _report_lock:
        _REPORT.setdefault(section, collections.OrderedDict())[name] = value


def report_lines():
    with _report_lock:
        out = []
        for section, values in _REPORT.items():
            out.append("%s: %s" % (section, ", ".join("%s=%s" % kv for kv in values.items())))
        return out


# ---------------------------------------------------------------- digests

def md5_hex(data: bytes) -> str:
    return hashlib.md5(data).hexdigest().upper()


def md5_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def quoted_etag(data: bytes) -> str:
    return '"%s"' % md5_hex(data)


def multipart_etag(parts) -> str:
    h = hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest().upper()
    return '"%s-%d"' % (h, len(parts))


def complete_xml(parts) -> bytes:
    """parts: [(number, etag)]"""
    body = "".join("<Part><PartNumber>%d</PartNumber><ETag>%s</ETag></Part>" % (n, e) for n, e in parts)
    return ("<CompleteMultipartUpload>%s</CompleteMultipartUpload>" % body).encode()


def error_code(body: bytes):
    try:
        return ET.fromstring(body).findtext("Code")
    except ET.ParseError:
        return None


# ---------------------------------------------------------------- requests-based client (auth off)

class Client:
    """Path-style requests against an `--auth off` server. Keys are percent-encoded with '/' kept."""

    def __init__(self, endpoint, timeout=20.0):
        self.endpoint = endpoint.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()

    def close(self):
        self.session.close()

    def url(self, bucket, key="", query=""):
        u = self.endpoint + "/" + bucket
        if key:
            u += "/" + quote(key.encode("utf-8"), safe="/")
        if query:
            u += "?" + query
        return u

    def request(self, method, bucket, key="", query="", data=b"", headers=None, timeout=None):
        h = {"Accept-Encoding": "identity"}
        h.update(headers or {})
        req = requests.Request(method, self.url(bucket, key, query), headers=h, data=data)
        prepped = self.session.prepare_request(req)
        return self.session.send(prepped, timeout=timeout or self.timeout)

    # convenience wrappers
    def create_bucket(self, bucket):
        r = self.request("PUT", bucket)
        assert r.status_code == 200, (r.status_code, r.content[:300])

    def initiate(self, bucket, key):
        r = self.request("POST", bucket, key, "uploads")
        assert r.status_code == 200, (r.status_code, r.content[:300])
        return ET.fromstring(r.content).findtext("UploadId")

    def upload_part(self, bucket, key, upload_id, number, data):
        return self.request("PUT", bucket, key, "partNumber=%d&uploadId=%s" % (number, upload_id), data=data)

    def complete(self, bucket, key, upload_id, parts):
        return self.request("POST", bucket, key, "uploadId=%s" % upload_id, data=complete_xml(parts))

    def abort(self, bucket, key, upload_id):
        return self.request("DELETE", bucket, key, "uploadId=%s" % upload_id)

    def put(self, bucket, key, data):
        return self.request("PUT", bucket, key, data=data)

    def get(self, bucket, key):
        return self.request("GET", bucket, key)

    def list_parts(self, bucket, key, upload_id):
        """{number: (etag, size)} or None for 404 NoSuchUpload."""
        r = self.request("GET", bucket, key, "uploadId=%s&max-parts=1000" % upload_id)
        if r.status_code == 404:
            assert error_code(r.content) == "NoSuchUpload", r.content[:300]
            return None
        assert r.status_code == 200, (r.status_code, r.content[:300])
        root = ET.fromstring(r.content)
        assert root.findtext("IsTruncated") == "false"
        out = {}
        for p in root.findall("Part"):
            out[int(p.findtext("PartNumber"))] = (p.findtext("ETag"), int(p.findtext("Size")))
        return out

    def list_uploads(self, bucket):
        """set of (key, upload_id)"""
        r = self.request("GET", bucket, "", "uploads&max-uploads=1000")
        assert r.status_code == 200, (r.status_code, r.content[:300])
        root = ET.fromstring(r.content)
        assert root.findtext("IsTruncated") == "false"
        return {(u.findtext("Key"), u.findtext("UploadId")) for u in root.findall("Upload")}

    def list_keys(self, bucket):
        r = self.request("GET", bucket, "", "max-keys=1000")
        assert r.status_code == 200, (r.status_code, r.content[:300])
        root = ET.fromstring(r.content)
        return {c.findtext("Key") for c in root.findall("Contents")}


# ---------------------------------------------------------------- raw sockets

class RawResponse:
    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.headers = headers  # lower-case name -> value (last wins)
        self.body = body

    @property
    def code(self):
        return error_code(self.body) if self.body else None

    def __repr__(self):
        return "RawResponse(%d %s, %r)" % (self.status, self.code, self.body[:200])


class HTTPReader:
    """Reads successive HTTP/1.1 responses from one socket (pipelining-aware)."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def _fill(self):
        data = self.sock.recv(1 << 16)
        if not data:
            raise EOFError("connection closed by server")
        self.buf += data

    def read_response(self, head_request=False):
        while True:
            while b"\r\n\r\n" not in self.buf:
                self._fill()
            head, self.buf = self.buf.split(b"\r\n\r\n", 1)
            lines = head.decode("latin-1").split("\r\n")
            status_parts = lines[0].split(" ", 2)
            status = int(status_parts[1])
            reason = status_parts[2] if len(status_parts) > 2 else ""
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            if status == 100:
                continue
            break
        if head_request or status in (204, 304):
            return RawResponse(status, reason, headers, b"")
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while True:
                while b"\r\n" not in self.buf:
                    self._fill()
                size_line, self.buf = self.buf.split(b"\r\n", 1)
                size = int(size_line.split(b";")[0], 16)
                while len(self.buf) < size + 2:
                    self._fill()
                body += self.buf[:size]
                self.buf = self.buf[size + 2:]
                if size == 0:
                    break
            return RawResponse(status, reason, headers, body)
        n = int(headers.get("content-length", "0"))
        while len(self.buf) < n:
            self._fill()
        body, self.buf = self.buf[:n], self.buf[n:]
        return RawResponse(status, reason, headers, body)


def connect(port, timeout=10.0):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def build_request(method, target, headers=None, body=b"", host="127.0.0.1", content_length=True):
    """Bytes of one HTTP/1.1 request. headers: list of (name, value) or dict; values may be bytes."""
    lines = [("%s %s HTTP/1.1" % (method, target)).encode("latin-1") if isinstance(target, str)
             else method.encode() + b" " + target + b" HTTP/1.1"]
    items = list(headers.items()) if isinstance(headers, dict) else list(headers or [])
    names = {n.lower() for n, _ in items}
    if "host" not in names:
        items.insert(0, ("Host", host))
    if content_length and "content-length" not in names and "transfer-encoding" not in names and body:
        items.append(("Content-Length", str(len(body))))
    for n, v in items:
        lines.append(n.encode("latin-1") + b": " + (v if isinstance(v, bytes) else str(v).encode("latin-1")))
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def raw_exchange(port, data, timeout=15.0, head_request=False, shut_write=False):
    """Send bytes on a new connection, read one response. Returns RawResponse, or None if the server closed first."""
    s = connect(port, timeout)
    try:
        s.sendall(data)
        if shut_write:
            s.shutdown(socket.SHUT_WR)
        try:
            return HTTPReader(s).read_response(head_request=head_request)
        except (EOFError, ConnectionResetError):
            return None
    finally:
        s.close()


def raw_request(port, method, target, headers=None, body=b"", timeout=15.0):
    headers = list(headers.items()) if isinstance(headers, dict) else list(headers or [])
    if not any(n.lower() == "connection" for n, _ in headers):
        headers.append(("Connection", "close"))
    if method in ("PUT", "POST") and not any(n.lower() in ("content-length", "transfer-encoding") for n, _ in headers):
        headers.append(("Content-Length", str(len(body))))
    return raw_exchange(port, build_request(method, target, headers, body), timeout=timeout,
                        head_request=(method == "HEAD"))


def wait_closed(sock, timeout):
    """Read until the server closes (returns (seconds, bytes_received)) or timeout (returns (None, bytes))."""
    start = time.monotonic()
    got = b""
    sock.settimeout(0.2)
    while time.monotonic() - start < timeout:
        try:
            data = sock.recv(65536)
        except socket.timeout:
            continue
        except (ConnectionResetError, BrokenPipeError):
            return time.monotonic() - start, got
        if not data:
            return time.monotonic() - start, got
        got += data
    return None, got


def assert_serving(port, bucket=None, tries=3):
    """The server answers a fresh connection promptly (ListBuckets, or GET on a bucket)."""
    target = "/" if bucket is None else "/%s?max-keys=1" % bucket
    last = None
    for _ in range(tries):
        t0 = time.monotonic()
        r = raw_request(port, "GET", target, timeout=10)
        last = r
        if r is not None and r.status == 200:
            return time.monotonic() - t0
        time.sleep(0.2)
    raise AssertionError("server no longer answers GET %s normally: %r" % (target, last))


# ---------------------------------------------------------------- data directory inspection

def inspect_data_dir(data_dir):
    """{tmp: [names], blobs: {name: size} (files and inline rows), misplaced: [paths], refs: [(table, blob, size)],
    snapshot_refs: the same from snapshot tables} — server must be stopped."""
    data_dir = str(data_dir)
    tmp_dir = os.path.join(data_dir, "tmp")
    blobs_dir = os.path.join(data_dir, "blobs")
    tmp = sorted(os.listdir(tmp_dir)) if os.path.isdir(tmp_dir) else []
    blobs, misplaced = {}, []
    if os.path.isdir(blobs_dir):
        for sub in sorted(os.listdir(blobs_dir)):
            p = os.path.join(blobs_dir, sub)
            if not os.path.isdir(p):
                misplaced.append(p)
                continue
            for f in os.listdir(p):
                fp = os.path.join(p, f)
                if not f.startswith(sub) or not os.path.isfile(fp):
                    misplaced.append(fp)
                blobs[f] = os.path.getsize(fp)
    refs = []
    db = os.path.join(data_dir, "metadata.sqlite")
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=5)
    try:
        # Small objects' bytes are rows of inline_blobs (schema 5): blobs like the files, held to the same rules.
        if con.execute("SELECT 1 FROM sqlite_master WHERE name = 'inline_blobs'").fetchone():
            for name, length in con.execute("SELECT name, length(bytes) FROM inline_blobs"):
                blobs[name] = length or 0
        for table in ("extents", "parts"):
            for blob, size in con.execute("SELECT blob, size FROM %s" % table):
                refs.append((table, blob, size))
        # Named snapshots (schema 6) copy rows and name the same blobs: references too, which keep blobs alive.
        snapshot_refs = []
        has_snapshots = con.execute("SELECT 1 FROM sqlite_master WHERE name = 'snapshots'").fetchone()
        if has_snapshots:
            for table in ("snapshot_extents", "snapshot_parts"):
                for blob, size in con.execute("SELECT blob, size FROM %s" % table):
                    snapshot_refs.append((table, blob, size))
        counts = {t: con.execute("SELECT COUNT(*) FROM %s" % t).fetchone()[0]
                  for t in ("buckets", "objects", "uploads", "parts", "extents")}
        dangling = con.execute("SELECT COUNT(*) FROM parts WHERE upload_id NOT IN (SELECT upload_id FROM uploads)"
                               ).fetchone()[0]
        dangling += con.execute("SELECT COUNT(*) FROM extents WHERE object_id NOT IN (SELECT id FROM objects)"
                                ).fetchone()[0]
        if has_snapshots:
            for table in ("snapshot_buckets", "snapshot_objects", "snapshot_extents", "snapshot_uploads",
                          "snapshot_parts"):
                dangling += con.execute("SELECT COUNT(*) FROM %s WHERE snapshot NOT IN (SELECT name FROM snapshots)"
                                        % table).fetchone()[0]
        integrity = con.execute("PRAGMA quick_check").fetchone()[0]
    finally:
        con.close()
    return {"tmp": tmp, "blobs": blobs, "misplaced": misplaced, "refs": refs, "snapshot_refs": snapshot_refs,
            "counts": counts,
            "dangling_rows": dangling, "integrity": integrity}


def data_dir_violations(data_dir):
    """Invariants of a stopped server's directory; returns a list of human-readable violations (empty = clean)."""
    st = inspect_data_dir(data_dir)
    v = []
    if st["tmp"]:
        v.append("tmp/ not empty: %r" % st["tmp"][:5])
    if st["misplaced"]:
        v.append("misplaced files under blobs/: %r" % st["misplaced"][:5])
    if st["integrity"] != "ok":
        v.append("sqlite quick_check: %r" % st["integrity"])
    if st["dangling_rows"]:
        v.append("%d part/extent rows without their upload/object" % st["dangling_rows"])
    seen = collections.Counter(b for _, b, _ in st["refs"])
    dup = [b for b, c in seen.items() if c > 1]
    if dup:
        v.append("blob referenced by more than one row: %r" % dup[:5])
    referenced = set(seen) | {b for _, b, _ in st["snapshot_refs"]}
    orphans = sorted(set(st["blobs"]) - referenced)
    if orphans:
        v.append("%d unreferenced blob(s) in blobs/: %r" % (len(orphans), orphans[:5]))
    for table, blob, size in st["refs"] + st["snapshot_refs"]:
        if blob not in st["blobs"]:
            v.append("%s row references missing blob %s" % (table, blob))
        elif st["blobs"][blob] != size:
            v.append("%s row says %s has %d bytes, file has %d" % (table, blob, size, st["blobs"][blob]))
    return v


def tmp_files(data_dir):
    p = os.path.join(str(data_dir), "tmp")
    return sorted(os.listdir(p)) if os.path.isdir(p) else []


def tree_snapshot(root, exclude=()):
    """{relative path: (is_dir, size)} of everything under root, skipping the excluded absolute paths."""
    root = str(root)
    exclude = {os.path.abspath(str(e)) for e in exclude}
    snap = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if os.path.abspath(os.path.join(dirpath, d)) not in exclude]
        for d in dirnames:
            snap[os.path.relpath(os.path.join(dirpath, d), root)] = (True, 0)
        for f in filenames:
            fp = os.path.join(dirpath, f)
            if os.path.abspath(fp) in exclude:
                continue
            try:
                snap[os.path.relpath(fp, root)] = (False, os.path.getsize(fp))
            except OSError:
                pass
    return snap


def raise_nofile(wanted):
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = min(hard, max(soft, wanted)) if hard != resource.RLIM_INFINITY else max(soft, wanted)
    if target > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]
