"""Hostile XML request bodies and hostile names.

XML (CompleteMultipartUpload bodies): DOCTYPEs, external entities (file:///etc/passwd, and an http:// URL on a
loopback listener of ours that must never be contacted), billion laughs, quadratic blow-up, other encodings
(UTF-16, UTF-7, EBCDIC) that hide the DOCTYPE from a byte scan, XInclude, deep nesting, and bodies of 4 MiB to 100 MB.
Every one is refused with 400 quickly, no passwd content comes back, the upload keeps its part, and the server keeps
serving; server memory does not grow with the body size.

Names: object keys with `../`, leading `/` or `\\`, NUL, invalid UTF-8, 1024+ bytes (rejected: InvalidObjectName)
and traversal-looking keys that are valid (stored as keys: read back byte-exact, while the directory that holds the
data dir — with a canary file in it — stays unchanged and the data dir holds nothing but its own layout); bucket
names breaking the rules (InvalidBucketName), path style and virtual-hosted style.
"""

import os
import re
import socket
import threading
import time
import uuid
from urllib.parse import unquote_to_bytes

import pytest

import rhelpers
from rhelpers import MIN_PART, build_request, connect, raw_exchange, raw_request, assert_serving

BUCKET = "hostile-xml"
SECTION = "hostile_xml_names"
PASSWD_MARKERS = (b"root:x:0:0", b"root:", b"/bin/bash", b"/usr/sbin/nologin", b"daemon:")


class Canary:
    """A loopback listener that records any connection: an external entity or DTD fetched over HTTP would hit it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.hits = 0
        self.stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop:
            try:
                c, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            self.hits += 1
            c.close()

    def close(self):
        self.stop = True
        self.thread.join(2)
        self.sock.close()


@pytest.fixture
def xml_server(localoss):
    srv = localoss()
    c = srv.client()
    c.create_bucket(BUCKET)
    upload_id = c.initiate(BUCKET, "doc")
    data = os.urandom(2000)
    assert c.upload_part(BUCKET, "doc", upload_id, 1, data).status_code == 200
    srv.upload_id, srv.part = upload_id, data
    yield srv
    c.close()


def part_xml(srv):
    return "<Part><PartNumber>1</PartNumber><ETag>%s</ETag></Part>" % rhelpers.quoted_etag(srv.part)


def post_complete(srv, body, headers=(), timeout=30):
    data = build_request("POST", "/%s/doc?uploadId=%s" % (BUCKET, srv.upload_id),
                         list(headers) + [("Connection", "close"), ("Content-Length", str(len(body)))], body)
    t0 = time.monotonic()
    r = raw_exchange(srv.port, data, timeout=timeout)
    return r, time.monotonic() - t0


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def check_upload_intact(srv):
    c = srv.client()
    try:
        assert c.list_parts(BUCKET, "doc", srv.upload_id) == {1: (rhelpers.quoted_etag(srv.part), len(srv.part))}
    finally:
        c.close()


# ---------------------------------------------------------------- entities and DOCTYPEs

def doctype_bodies(srv, canary_port):
    part = part_xml(srv)
    et = rhelpers.quoted_etag(srv.part)
    lol = "".join('<!ENTITY l%d "%s">' % (i, ("&l%d;" % (i - 1)) * 10) for i in range(1, 10))
    lol = '<!ENTITY l0 "lol">' + lol
    quad = '<!ENTITY q "%s">' % ("Q" * 50000)
    xxe_part = "<Part><PartNumber>1</PartNumber><ETag>&x;</ETag></Part>"
    docs = {
        "internal entity": '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e "x">]><CompleteMultipartUpload>%s'
                           '</CompleteMultipartUpload>' % part,
        "XXE file:///etc/passwd": '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                                  '<CompleteMultipartUpload>%s</CompleteMultipartUpload>' % xxe_part,
        "XXE parameter entity": '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY %% p SYSTEM "file:///etc/passwd"> %%p;]>'
                                '<CompleteMultipartUpload>%s</CompleteMultipartUpload>' % part,
        "XXE http loopback": '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "http://127.0.0.1:%d/x">]>'
                             '<CompleteMultipartUpload>%s</CompleteMultipartUpload>' % (canary_port, xxe_part),
        "external DTD http loopback": '<!DOCTYPE CompleteMultipartUpload SYSTEM "http://127.0.0.1:%d/x.dtd">'
                                      '<CompleteMultipartUpload>%s</CompleteMultipartUpload>' % (canary_port, part),
        "billion laughs": '<?xml version="1.0"?><!DOCTYPE r [%s]><CompleteMultipartUpload>%s<X>&l9;</X>'
                          '</CompleteMultipartUpload>' % (lol, part),
        "quadratic blowup": '<?xml version="1.0"?><!DOCTYPE r [%s]><CompleteMultipartUpload>%s<X>%s</X>'
                            '</CompleteMultipartUpload>' % (quad, part, "&q;" * 2000),
        "lower-case doctype": '<!doctype r [<!ENTITY x SYSTEM "file:///etc/passwd">]><CompleteMultipartUpload>%s'
                              '</CompleteMultipartUpload>' % xxe_part,
        "doctype after comment and PI": '<?xml version="1.0"?><!-- c --><?pi x?><!DOCTYPE r [<!ENTITY x SYSTEM '
                                        '"file:///etc/passwd">]><CompleteMultipartUpload>%s'
                                        '</CompleteMultipartUpload>' % xxe_part,
        "entity without doctype": "<CompleteMultipartUpload>%s</CompleteMultipartUpload>" % xxe_part,
        "XInclude passwd": '<CompleteMultipartUpload xmlns:xi="http://www.w3.org/2001/XInclude"><Part><PartNumber>1'
                           '</PartNumber><ETag><xi:include href="file:///etc/passwd" parse="text"/></ETag></Part>'
                           '</CompleteMultipartUpload>',
        "schemaLocation http": '<CompleteMultipartUpload xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                               'xsi:schemaLocation="urn:x http://127.0.0.1:%d/s.xsd"><Part><PartNumber>1'
                               '</PartNumber><ETag>%s</ETag></Part><Part><PartNumber>1</PartNumber><ETag>%s</ETag>'
                               '</Part></CompleteMultipartUpload>' % (canary_port, et, et),
    }
    out = {name: doc.encode() for name, doc in docs.items()}
    xxe = docs["XXE file:///etc/passwd"]
    out["XXE in UTF-16"] = xxe.replace('version="1.0"', 'version="1.0" encoding="UTF-16"').encode("utf-16")
    out["billion laughs in UTF-16"] = docs["billion laughs"].replace(
        'version="1.0"', 'version="1.0" encoding="UTF-16"').encode("utf-16")
    out["XXE in UTF-16BE no BOM"] = xxe.replace('version="1.0"', 'version="1.0" encoding="UTF-16BE"').encode(
        "utf-16-be")
    out["XXE in UTF-7"] = ('<?xml version="1.0" encoding="UTF-7"?>+ADw-!DOCTYPE r +AFs-+ADw-!ENTITY x SYSTEM '
                           '+ACI-file:///etc/passwd+ACI-+AD4-+AF0-+AD4-<CompleteMultipartUpload>%s'
                           '</CompleteMultipartUpload>' % xxe_part).encode()
    out["XXE in EBCDIC"] = xxe.replace('version="1.0"', 'version="1.0" encoding="IBM037"').encode("cp037")
    return out


def test_doctype_and_entities(xml_server):
    srv = xml_server
    canary = Canary()
    try:
        for name, body in doctype_bodies(srv, canary.port).items():
            r, elapsed = post_complete(srv, body)
            assert r is not None, "%s: no reply" % name
            assert r.status == 400, (name, r)
            expected = {"XInclude passwd": ("MalformedXML", "InvalidPart"),  # ETag left empty: no such part
                        "schemaLocation http": ("InvalidPartOrder",),  # part 1 listed twice: parsed, then refused
                        }.get(name, ("MalformedXML",))
            assert r.code in expected, (name, r)
            assert not any(m in r.body for m in PASSWD_MARKERS), "%s: passwd content in reply" % name
            assert b"lollollol" not in r.body and b"QQQQ" not in r.body, "%s: entity expanded" % name
            assert elapsed < 5, "%s took %.1fs" % (name, elapsed)
            assert srv.alive()
            rhelpers.count(SECTION, "xml_doctype_entities")
        time.sleep(0.3)
        assert canary.hits == 0, "the server fetched an external entity/DTD/schema over HTTP"
    finally:
        canary.close()
    check_upload_intact(srv)
    assert_serving(srv.port)
    # the upload still completes normally afterwards
    r, _ = post_complete(srv, ("<CompleteMultipartUpload>%s</CompleteMultipartUpload>" % part_xml(srv)).encode())
    assert r.status == 200, r
    srv.stop()
    assert rhelpers.data_dir_violations(srv.data_dir) == []


def test_deep_nesting_and_wide_documents(xml_server):
    srv = xml_server
    part = part_xml(srv)
    docs = {}
    for depth in (33, 40, 300, 10000, 100000):
        docs["nested %d" % depth] = "<CompleteMultipartUpload>%s%s%s</CompleteMultipartUpload>" % (
            part, "<a>" * depth, "</a>" * depth)
    docs["nested inside Part 1000"] = "<CompleteMultipartUpload><Part>%s<PartNumber>1</PartNumber></Part>" \
                                      "</CompleteMultipartUpload>" % ("<b>" * 1000 + "</b>" * 1000)
    docs["1M unclosed elements"] = "<CompleteMultipartUpload>" + "<a>" * 1000000
    docs["300k empty siblings"] = "<CompleteMultipartUpload>" + "<x/>" * 300000 + "</CompleteMultipartUpload>"
    docs["2000 attributes"] = "<CompleteMultipartUpload %s><Part><PartNumber>1</PartNumber><ETag>bogus</ETag>" \
                              "</Part></CompleteMultipartUpload>" % " ".join('a%d="v"' % i for i in range(2000))
    docs["1 MB element name"] = "<%s/>" % ("n" * (1 << 20))
    docs["1 MB text in PartNumber"] = "<CompleteMultipartUpload><Part><PartNumber>%s</PartNumber><ETag>x</ETag>" \
                                      "</Part></CompleteMultipartUpload>" % ("9" * (1 << 20))
    docs["unterminated CDATA"] = "<CompleteMultipartUpload><![CDATA[" + "x" * 100000
    docs["NUL bytes"] = "<CompleteMultipartUpload>\x00\x00%s</CompleteMultipartUpload>" % part
    docs["invalid UTF-8"] = "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>\udcff</ETag></Part>" \
                            "</CompleteMultipartUpload>"
    for name, doc in docs.items():
        body = doc.encode("utf-8", "surrogateescape")
        r, elapsed = post_complete(srv, body)
        assert r is not None, "%s: no reply" % name
        assert r.status == 400, (name, r)
        assert r.code in ("MalformedXML", "InvalidPart"), (name, r)
        assert elapsed < 10, "%s took %.1fs" % (name, elapsed)
        assert srv.alive(), "%s: server died" % name
        rhelpers.count(SECTION, "xml_nesting_shape")
    check_upload_intact(srv)
    assert_serving(srv.port)


def test_many_attributes_answered_quickly(localoss):
    srv = localoss()
    c = srv.client()
    c.create_bucket(BUCKET)
    upload_id = c.initiate(BUCKET, "doc")
    c.close()
    body = ("<CompleteMultipartUpload %s></CompleteMultipartUpload>" % " ".join(
        'a%d="v"' % i for i in range(40000))).encode()
    rhelpers.count(SECTION, "xml_nesting_shape")
    s = connect(srv.port, timeout=6)
    try:
        s.sendall(build_request("POST", "/%s/doc?uploadId=%s" % (BUCKET, upload_id), [], body))
        try:
            r = rhelpers.HTTPReader(s).read_response()
        except socket.timeout:
            r = None
    finally:
        s.close()
        srv.stop()  # ends the parse that may still be burning a core
    assert r is not None and r.status == 400, "no reply within 6 s to a %d-byte Complete body" % len(body)


def send_large(port, head, body_iter, timeout=60):
    """Send a head and body (from an iterator of chunks) on a thread while reading the reply."""
    s = connect(port, timeout=timeout)
    errors = []

    def sender():
        try:
            s.sendall(head)
            for chunk in body_iter:
                s.sendall(chunk)
        except OSError as e:  # the server may close once it has answered
            errors.append(e)

    t = threading.Thread(target=sender, daemon=True)
    t.start()
    try:
        reader = rhelpers.HTTPReader(s)
        r = reader.read_response()
    except (EOFError, ConnectionResetError):
        r = None
    t.join(timeout)
    return s, reader, r


def test_oversized_complete_bodies(xml_server):
    srv = xml_server
    part = part_xml(srv).encode()
    rss_before = rss_kib(srv.pid)
    target = "/%s/doc?uploadId=%s" % (BUCKET, srv.upload_id)
    cases = [("4 MiB + 1", 4 * 2 ** 20 + 1, "length"), ("50 MB", 50 * 10 ** 6, "length"),
             ("50 MB chunked", 50 * 10 ** 6, "chunked"), ("100 MB", 100 * 10 ** 6, "length"),
             ("50 MB with 100-continue", 50 * 10 ** 6, "expect")]
    for name, size, framing in cases:
        body_unit = part * 1000
        count_units = size // len(body_unit)
        prefix, suffix = b"<CompleteMultipartUpload>", b"</CompleteMultipartUpload>"
        filler = size - len(prefix) - len(suffix) - count_units * len(body_unit)

        def chunks():
            yield prefix
            for _ in range(count_units):
                yield body_unit
            yield b" " * filler + suffix

        if framing == "chunked":
            head = build_request("POST", target, [("Transfer-Encoding", "chunked")])
            body_iter = (b"%x\r\n%s\r\n" % (len(c), c) for c in chunks() if c)
            body_iter = _then(body_iter, b"0\r\n\r\n")
        elif framing == "expect":
            head = build_request("POST", target, [("Content-Length", str(size)), ("Expect", "100-continue")])
            body_iter = iter(())  # a client honouring 100-continue sends nothing until told to
        else:
            head = build_request("POST", target, [("Content-Length", str(size))])
            body_iter = chunks()
        t0 = time.monotonic()
        s, reader, r = send_large(srv.port, head, body_iter)
        try:
            assert r is not None, "%s: connection closed without a reply" % name
            assert (r.status, r.code) == (400, "EntityTooLarge"), (name, r)
            assert time.monotonic() - t0 < 30, "%s: %.1fs" % (name, time.monotonic() - t0)
            if r.headers.get("connection") == "keep-alive":  # the connection must really be reusable
                s.sendall(build_request("GET", "/%s?max-keys=1" % BUCKET))
                again = reader.read_response()
                assert again.status == 200, (name, again)
        finally:
            s.close()
        assert srv.alive()
        assert_serving(srv.port)
        rhelpers.count(SECTION, "xml_size")
    grown = rss_kib(srv.pid) - rss_before
    assert grown < 64 * 1024, "server RSS grew by %d KiB while refusing large bodies" % grown
    check_upload_intact(srv)


def _then(iterator, last):
    yield from iterator
    yield last


# ---------------------------------------------------------------- names

@pytest.fixture
def sandboxed(localoss, tmp_path):
    """A server whose data dir sits alone in a sandbox directory with a canary file; the sandbox is snapshotted."""
    sandbox = tmp_path / "sandbox"
    data = sandbox / "data"
    data.mkdir(parents=True)
    (sandbox / "canary.txt").write_bytes(b"canary")
    srv = localoss(data_dir=data)
    srv.sandbox = sandbox
    srv.snapshot = rhelpers.tree_snapshot(sandbox, exclude=[data])
    yield srv


REJECTED_KEYS = {
    "leading slash": "/x",
    "leading slash encoded": "%2Fetc%2Fpasswd",
    "leading backslash": "%5Cx",
    "leading raw backslash": "\\x",
    "leading slash traversal": "%2F..%2F..%2Fevil",
    "NUL inside": "a%00b",
    "NUL only": "%00",
    "NUL after traversal": "..%2F%00",
    "invalid UTF-8 FF": "%FF",
    "overlong slash C0AF": "%C0%AF",
    "overlong dot-dot-slash": "%C0%AE%C0%AE%C0%AF",
    "UTF-16 surrogate": "%ED%A0%80",
    "above U+10FFFF": "%F4%90%80%80",
    "truncated multibyte": "ab%E4%B8",
    "1024 bytes": "k" * 1024,
    "1026 bytes of 3-byte chars": "%E4%B8%AD" * 342,
    "64 KiB-ish key": "k" * 60000,
}

STORED_KEYS = {
    "dot-dot slash": "../x",
    "encoded dot-dot slash": "..%2Fx",
    "deep traversal to sandbox": "../../../../../../../../SANDBOX/evil",
    "deep traversal to /tmp": "../../../../../../../../../../tmp/UNIQUE",
    "encoded traversal": "%2E%2E%2F%2E%2E%2Fevil",
    "dot-dot": "..",
    "dot": ".",
    "middle traversal": "a/../../../b",
    "backslash traversal": "..%5C..%5Cevil",
    "metadata name": "../metadata.sqlite",
    "blobs path": "blobs/../../evil",
    "tmp path": "tmp/../../../evil",
    "tilde": "~/evil",
    "shell": "%24(touch%20%2Ftmp%2FUNIQUE)",
    "CRLF": "a%0D%0AX-Injected:%201",
    "percent literal": "%25252e%25252e%252fevil",
    "1023 bytes": "k" * 1023,
    "1023 bytes of dots and slashes": ("../" * 341),
}


def test_object_keys(sandboxed):
    srv = sandboxed
    unique = "localoss-evil-" + uuid.uuid4().hex
    assert raw_request(srv.port, "PUT", "/names-bucket").status == 200
    for name, key in REJECTED_KEYS.items():
        for method, suffix, body in (("PUT", "", b"payload"), ("POST", "?uploads", b""), ("GET", "", b"")):
            r = raw_request(srv.port, method, "/names-bucket/" + key + suffix, body=body)
            assert r is not None and r.status == 400 and r.code == "InvalidObjectName", (name, method, r)
            rhelpers.count(SECTION, "keys_rejected")
    stored = {}
    for name, key in STORED_KEYS.items():
        key = key.replace("SANDBOX", srv.sandbox.name).replace("UNIQUE", unique)
        payload = ("payload for %s" % name).encode()
        r = raw_request(srv.port, "PUT", "/names-bucket/" + key, body=payload)
        if r.status == 400:  # refusing is also safe, as long as it is InvalidObjectName
            assert r.code == "InvalidObjectName", (name, r)
        else:
            assert r.status == 200, (name, r)
            g = raw_request(srv.port, "GET", "/names-bucket/" + key)
            assert (g.status, g.body) == (200, payload), (name, g)
            stored[name] = key
        rhelpers.count(SECTION, "keys_stored_or_rejected")
    # one traversal key through the whole multipart path as well
    # (raw requests throughout: HTTP client libraries would normalise the dot segments away)
    key = "../../../%s/mp-evil" % srv.sandbox.name
    r = raw_request(srv.port, "POST", "/names-bucket/%s?uploads" % key)
    assert r.status == 200, r
    upload_id = re.search(rb"<UploadId>([^<]+)</UploadId>", r.body).group(1).decode()
    data = os.urandom(MIN_PART)
    r = raw_request(srv.port, "PUT", "/names-bucket/%s?partNumber=1&uploadId=%s" % (key, upload_id), body=data)
    assert r.status == 200, r
    r = raw_request(srv.port, "POST", "/names-bucket/%s?uploadId=%s" % (key, upload_id),
                    body=rhelpers.complete_xml([(1, rhelpers.quoted_etag(data))]))
    assert r.status == 200, r
    assert raw_request(srv.port, "GET", "/names-bucket/" + key).body == data
    stored["multipart traversal"] = key
    rhelpers.count(SECTION, "keys_stored_or_rejected")
    # listing (url-encoded) shows every stored key exactly
    r = raw_request(srv.port, "GET", "/names-bucket?encoding-type=url&max-keys=1000")
    listed = {unquote_to_bytes(k.decode()) for k in re.findall(rb"<Key>([^<]*)</Key>", r.body)}
    for name, raw_key in stored.items():
        assert unquote_to_bytes(raw_key) in listed, (name, raw_key)
    srv.stop()
    assert rhelpers.tree_snapshot(srv.sandbox, exclude=[srv.sandbox / "data"]) == srv.snapshot, \
        "files appeared or changed next to the data dir"
    assert not os.path.exists("/tmp/" + unique)
    top = set(os.listdir(srv.sandbox / "data"))
    # .lock: the data directory lock; .reserve: disk space held for deletes on a full disk
    assert top <= {"metadata.sqlite", "metadata.sqlite-wal", "metadata.sqlite-shm", "blobs", "tmp", ".lock",
                   ".reserve"}, top
    for sub in os.listdir(srv.sandbox / "data" / "blobs"):
        assert re.fullmatch(r"[0-9a-f]{2}", sub), sub
        for f in os.listdir(srv.sandbox / "data" / "blobs" / sub):
            assert re.fullmatch(r"[0-9a-f]{32}", f) and f.startswith(sub), f
    assert rhelpers.data_dir_violations(srv.sandbox / "data") == []


REJECTED_BUCKETS = {
    "2 chars": "ab",
    "64 chars": "a" * 64,
    "upper case": "Abc",
    "underscore": "a_b",
    "leading hyphen": "-abc",
    "trailing hyphen": "abc-",
    "dot": "a.b",
    "dot-dot": "..",
    "encoded dot-dot": "%2E%2E",
    "IP address": "192.168.1.1",
    "non-ASCII": "b%C3%BCcket",
    "space": "a%20b",
    "encoded slash": "a%2Fb",
    "traversal": "..%2F..%2Fetc",
    "invalid UTF-8": "ab%FFc",
    "very long": "b" * 5000,
}


def test_bucket_names(localoss):
    srv = localoss()
    for name, bucket in REJECTED_BUCKETS.items():
        for method, suffix in (("PUT", ""), ("GET", ""), ("PUT", "/key"), ("POST", "/key?uploads")):
            r = raw_request(srv.port, method, "/" + bucket + suffix, body=b"x" if method == "PUT" else b"")
            assert r is not None and r.status == 400 and r.code == "InvalidBucketName", (name, method, suffix, r)
            rhelpers.count(SECTION, "buckets_rejected")
    for host in ("Bad_Bucket.localhost", "-abc.localhost", "ab.localhost", "%2E%2E.localhost"):
        r = raw_request(srv.port, "PUT", "/", headers=[("Host", host)])
        assert r is not None and r.status == 400 and r.code == "InvalidBucketName", (host, r)
        rhelpers.count(SECTION, "buckets_rejected")
    for ok in ("abc", "a" * 63, "0-9", "x-y-z"):
        assert raw_request(srv.port, "PUT", "/" + ok).status == 200, ok
    r = raw_request(srv.port, "GET", "/")
    names = set(re.findall(rb"<Name>([^<]*)</Name>", r.body))
    assert names == {b"abc", b"a" * 63, b"0-9", b"x-y-z"}, names
    srv.stop()
    assert rhelpers.data_dir_violations(srv.data_dir) == []


@pytest.mark.parametrize("bucket", ["ab%00c", "ab%01c", "ab%1Bc"])
def test_error_xml_well_formed_for_control_characters(localoss, bucket):
    srv = localoss()
    r = raw_request(srv.port, "PUT", "/" + bucket)
    rhelpers.count(SECTION, "buckets_rejected")
    assert r.status == 400
    assert r.code == "InvalidBucketName", "error body is not well-formed XML: %r" % r.body[:300]
