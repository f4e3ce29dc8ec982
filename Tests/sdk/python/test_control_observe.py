"""The control plane's observation endpoints against the real binary: metrics, the request journal, the clock,
seeded ids (--deterministic), --min-part-size and the admin token.

Every test starts its own server (the clock and the journal are server-wide state), on a fresh data directory.
Expectations come from what the test itself sent and from the contract in docs/test-double.md, never from what
the server answered before.
"""

import email.utils
import hashlib
import math
import os
import queue
import re
import signal
import socket
import subprocess
import threading
import time
from datetime import datetime, timedelta

import oss2
import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from conftest import server_binary
from localoss_helpers import ACCESS_KEY_ID, ACCESS_KEY_SECRET, assert_error, raw_request

BANNER_RE = re.compile(r"^LocalOSS listening on http://(\S+):(\d+)\s*$")


class Control:
    """One LocalOSS process started with extra flags, and a small client of its control plane."""

    def __init__(self, tmp_path, *args, host="127.0.0.1", name="srv"):
        self.dir = tmp_path / name
        (self.dir / "data").mkdir(parents=True, exist_ok=True)
        self.log = open(self.dir / "server.log", "ab")
        self.proc = subprocess.Popen(
            [str(server_binary()), "serve", "--host", host, "--port", "0", "--data-dir", str(self.dir / "data"),
             *args],
            stdout=subprocess.PIPE, stderr=self.log, stdin=subprocess.DEVNULL)
        lines = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line) for line in iter(self.proc.stdout.readline, b"")],
                         daemon=True).start()
        first = lines.get(timeout=30).decode().rstrip()
        match = BANNER_RE.match(first)
        assert match, "unexpected banner %r" % first
        self.port = int(match.group(2))
        self.endpoint = "http://127.0.0.1:%d" % self.port
        self.http = requests.Session()
        self.http.trust_env = False

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=15)
        self.log.close()

    def url(self, path):
        return self.endpoint + "/_localoss/" + path

    def get(self, path, **kwargs):
        return self.http.get(self.url(path), timeout=30, **kwargs)

    def journal(self, **filters):
        resp = self.get("requests", params=filters)
        assert resp.status_code == 200, resp.text
        return resp.json()["requests"]

    def count(self, **filters):
        resp = self.get("requests/count", params=filters)
        assert resp.status_code == 200, resp.text
        return resp.json()["count"]

    def clear(self):
        resp = self.http.delete(self.url("requests"), timeout=30)
        assert resp.status_code == 204, resp.text

    def clock(self, **change):
        resp = self.http.post(self.url("clock"), json=change, timeout=30)
        assert resp.status_code == 200, resp.text
        return resp.json()

    def metrics(self):
        resp = self.get("metrics")
        assert resp.status_code == 200
        assert resp.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        samples = {}
        for family in text_string_to_metric_families(resp.text):
            for sample in family.samples:
                samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
        return samples

    def bucket(self, name, secret=ACCESS_KEY_SECRET, session=None):
        return oss2.Bucket(oss2.Auth(ACCESS_KEY_ID, secret), self.endpoint, name, session=session)


@pytest.fixture
def start(tmp_path):
    started = []

    def launch(*args, **kwargs):
        kwargs.setdefault("name", "srv%d" % len(started))
        server = Control(tmp_path, *args, **kwargs)
        started.append(server)
        return server

    yield launch
    for server in started:
        server.stop()


def requests_of(samples, operation, status):
    return samples.get(("localoss_requests_total", (("operation", operation), ("status", str(status)))), 0)


# ---------------------------------------------------------------- journal

def test_resumable_upload_with_four_threads_journals_every_upload_part(start, tmp_path, monkeypatch):
    srv = start()
    bucket = srv.bucket("journal-resumable")
    bucket.create_bucket()
    part_size = 100 * 1024
    size = 10 * part_size + 12345
    path = tmp_path / "big.bin"
    data = os.urandom(size)
    path.write_bytes(data)

    sent = []
    lock = threading.Lock()
    original = oss2.Bucket.upload_part

    def counting_upload_part(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        with lock:
            sent.append(result.request_id)
        return result

    monkeypatch.setattr(oss2.Bucket, "upload_part", counting_upload_part)
    srv.clear()
    oss2.resumable_upload(bucket, "big.bin", str(path), store=oss2.ResumableStore(root=str(tmp_path)),
                          multipart_threshold=part_size, part_size=part_size, num_threads=4)
    assert bucket.get_object("big.bin").read() == data

    assert len(sent) == math.ceil(size / part_size) == 11
    assert srv.count(operation="UploadPart") == len(sent)
    assert srv.count(operation="UploadPart", bucket="journal-resumable", key="big.bin", status=200) == len(sent)
    records = srv.journal(operation="UploadPart")
    assert sorted(r["requestId"] for r in records) == sorted(sent)
    # Each part's MD5 is the one the handler computed for its ETag: check against the bytes sent.
    part_md5s = {hashlib.md5(data[i:i + part_size]).hexdigest() for i in range(0, size, part_size)}
    assert {r["bodyMD5"] for r in records} == part_md5s
    assert sorted(r["bodyBytes"] for r in records) == sorted([part_size] * 10 + [12345])
    assert srv.count(operation="InitiateMultipartUpload") == 1
    assert srv.count(operation="CompleteMultipartUpload") == 1


def test_journal_record_shape_filters_and_limit(start):
    srv = start()
    bucket = srv.bucket("journal-filters")
    bucket.create_bucket()
    bodies = {"dir/a": b"alpha", "dir/b": b"bravo!", "top": b""}
    for key, body in bodies.items():
        bucket.put_object(key, body)
    with pytest.raises(oss2.exceptions.NoSuchKey):
        bucket.get_object("missing")
    bucket.get_object("dir/a").read()

    everything = srv.journal()
    assert [r["seq"] for r in everything] == list(range(1, len(everything) + 1))
    assert [r["operation"] for r in everything] == ["PutBucket", "PutObject", "PutObject", "PutObject",
                                                   "GetObject", "GetObject"]
    put = srv.journal(operation="PutObject", key="dir/b")
    assert len(put) == 1
    record = put[0]
    expected_keys = {"seq", "time", "requestId", "method", "path", "query", "operation", "bucket", "key", "status",
                     "errorCode", "bodyBytes", "bodyMD5", "durationMs", "fault", "headers", "stringToSign"}
    assert expected_keys <= set(record)
    assert record["method"] == "PUT"
    assert record["path"] == "/journal-filters/dir%2Fb" or record["path"] == "/journal-filters/dir/b"
    assert record["bucket"] == "journal-filters"
    assert record["status"] == 200
    assert record["errorCode"] is None
    assert record["fault"] is None
    assert record["stringToSign"] is None
    assert record["bodyBytes"] == len(b"bravo!")
    assert record["bodyMD5"] == hashlib.md5(b"bravo!").hexdigest()
    assert re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", record["time"])
    assert re.match(r"^[0-9A-F]{24}$", record["requestId"])
    assert record["durationMs"] >= 0
    # oss2 signs V1: the signature is masked, the access key id is kept.
    authorization = [v for k, v in record["headers"].items() if k.lower() == "authorization"]
    assert authorization == ["OSS %s:***" % ACCESS_KEY_ID]
    assert ACCESS_KEY_SECRET not in str(everything)

    assert srv.count(operation="PutObject") == 3
    assert srv.count(keyPrefix="dir/") == 3  # two PUTs and one GET
    assert srv.count(bucket="journal-filters") == 6
    assert srv.count(bucket="elsewhere") == 0
    missing = srv.journal(status=404)
    assert [(r["operation"], r["key"], r["errorCode"]) for r in missing] == [("GetObject", "missing", "NoSuchKey")]
    gets = srv.journal(operation="GetObject")
    assert gets[-1]["bodyMD5"] is None and gets[-1]["bodyBytes"] == 0
    assert [r["seq"] for r in srv.journal(since=4)] == [5, 6]
    assert srv.count(since=4) == 2
    # limit: the newest N matches, oldest first.
    assert [r["key"] for r in srv.journal(operation="PutObject", limit=2)] == ["dir/b", "top"]
    # since as an ISO 8601 time of the server clock.
    assert [r["seq"] for r in srv.journal(since=everything[3]["time"])] == [
        r["seq"] for r in everything if r["time"] > everything[3]["time"]]
    assert srv.get("requests", params={"status": "ok"}).status_code == 400


def test_delete_clears_and_control_plane_requests_are_not_journaled(start):
    srv = start()
    bucket = srv.bucket("journal-clear")
    bucket.create_bucket()
    bucket.put_object("k", b"v")
    assert srv.count() == 2
    last_seq = srv.journal()[-1]["seq"]
    srv.clear()
    assert srv.count() == 0
    for path in ("health", "metrics", "clock", "requests", "requests/count", "nowhere"):
        srv.get(path)
    srv.clock(advanceSeconds=0)
    assert srv.count() == 0
    assert srv.journal() == []
    bucket.get_object("k").read()
    after = srv.journal()
    assert [(r["operation"], r["seq"]) for r in after] == [("GetObject", last_seq + 1)]


def test_journal_size_bounds_the_ring_and_zero_disables_it(start):
    small = start("--journal-size", "3")
    bucket = small.bucket("journal-ring")
    bucket.create_bucket()
    for index in range(5):
        bucket.put_object("k%d" % index, b"x")
    kept = small.journal()
    assert [r["seq"] for r in kept] == [4, 5, 6]
    assert [r["key"] for r in kept] == ["k2", "k3", "k4"]

    off = start("--journal-size", "0")
    off.bucket("journal-off").create_bucket()
    assert off.count() == 0 and off.journal() == []


def test_signature_failure_records_the_string_to_sign(start):
    srv = start()
    srv.bucket("journal-sig").create_bucket()
    date = email.utils.formatdate(usegmt=True)
    resp = raw_request(srv.endpoint, "GET", "journal-sig", "some/key",
                       headers={"Date": date, "Authorization": "OSS %s:bm90LXRoZS1zaWduYXR1cmU=" % ACCESS_KEY_ID})
    error = assert_error(resp, 403, "SignatureDoesNotMatch")
    expected = "GET\n\n\n%s\n/journal-sig/some/key" % date  # wire-and-auth.md §6.2
    assert error["StringToSign"] == expected
    record = srv.journal(status=403)[-1]
    assert record["errorCode"] == "SignatureDoesNotMatch"
    assert record["stringToSign"] == expected
    assert record["headers"]["Authorization"] == "OSS %s:***" % ACCESS_KEY_ID

    # V4 (alibabacloud-oss-v2 with a wrong secret): the CanonicalRequest comes along too.
    import alibabacloud_oss_v2 as oss
    cfg = oss.config.load_default()
    cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(ACCESS_KEY_ID, "wrong-secret")
    cfg.region = "cn-hangzhou"
    cfg.endpoint = srv.endpoint
    cfg.use_path_style = True
    cfg.retry_max_attempts = 1
    with pytest.raises(oss.exceptions.OperationError):
        oss.Client(cfg).get_object(oss.GetObjectRequest(bucket="journal-sig", key="v4-key"))
    v4 = srv.journal(key="v4-key")[-1]
    assert v4["errorCode"] == "SignatureDoesNotMatch"
    assert v4["stringToSign"].startswith("OSS4-HMAC-SHA256\n")
    assert v4["canonicalRequest"].startswith("GET\n/journal-sig/v4-key\n")
    assert "Signature=***" in v4["headers"]["Authorization"]


# ---------------------------------------------------------------- clock

def test_clock_reads_and_changes(start):
    srv = start("--auth", "off")
    state = srv.get("clock").json()
    assert set(state) == {"now", "offsetSeconds", "frozen"} and state["frozen"] is False
    assert abs(state["offsetSeconds"]) < 1
    frozen = srv.clock(set="2031-05-06T07:08:09.250Z", freeze=True)
    assert frozen["now"] == "2031-05-06T07:08:09.250Z" and frozen["frozen"] is True
    assert srv.clock(advanceSeconds=90)["now"] == "2031-05-06T07:09:39.250Z"
    resp = requests.get(srv.endpoint + "/", timeout=30)
    assert resp.headers["Date"] == "Tue, 06 May 2031 07:09:39 GMT"
    running = srv.clock(freeze=False, offsetSeconds=-3600)
    assert running["frozen"] is False and abs(running["offsetSeconds"] + 3600) < 1
    bad = srv.http.post(srv.url("clock"), json={"advance": 5}, timeout=30)
    assert bad.status_code == 400 and set(bad.json()) == {"error", "detail"}
    assert srv.http.post(srv.url("clock"), json={"set": "tomorrow"}, timeout=30).status_code == 400


@pytest.mark.parametrize("signer", ["v1", "v4"])
def test_advancing_the_clock_past_a_presigned_expiry_makes_the_url_answer_403(start, signer):
    srv = start()
    bucket = srv.bucket("clock-presign")
    bucket.create_bucket()
    bucket.put_object("k", b"payload")
    if signer == "v1":
        url = bucket.sign_url("GET", "k", 60)
    else:
        import alibabacloud_oss_v2 as oss
        cfg = oss.config.load_default()
        cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(ACCESS_KEY_ID, ACCESS_KEY_SECRET)
        cfg.region = "cn-hangzhou"
        cfg.endpoint = srv.endpoint
        cfg.use_path_style = True
        url = oss.Client(cfg).presign(oss.GetObjectRequest(bucket="clock-presign", key="k"),
                                      expires=timedelta(seconds=60)).url
    assert requests.get(url, timeout=30).content == b"payload"
    srv.clock(advanceSeconds=120)
    resp = requests.get(url, timeout=30)
    error = assert_error(resp, 403, "AccessDenied")
    assert error["Message"] == "Request has expired."


def test_a_frozen_clock_gives_two_puts_the_same_last_modified(start):
    srv = start()
    bucket = srv.bucket("clock-frozen")
    bucket.create_bucket()
    state = srv.clock(freeze=True)
    bucket.put_object("first", b"1")
    time.sleep(1.2)
    bucket.put_object("second", b"2")
    first = bucket.head_object("first").headers["Last-Modified"]
    second = bucket.head_object("second").headers["Last-Modified"]
    assert first == second
    frozen_second = int(email.utils.parsedate_to_datetime(first).timestamp())
    assert frozen_second == int(datetime.fromisoformat(state["now"].replace("Z", "+00:00")).timestamp())
    listed = {o.key: o.last_modified for o in bucket.list_objects().object_list}
    assert listed["first"] == listed["second"] == frozen_second


# ---------------------------------------------------------------- determinism

GOLDEN_INSTANT = "2030-01-02T03:04:05.000Z"


def golden_run(srv, monkeypatch):
    """One oss2 client session: what it sent and got back, in order (request id, status, body bytes)."""
    srv.clock(set=GOLDEN_INSTANT, freeze=True)
    seen = []
    original = oss2.http.Response.read

    def recording_read(self, amt=None):
        content = original(self, amt)
        if amt is None:
            seen.append((self.request_id, self.status, content))
        return content

    monkeypatch.setattr(oss2.http.Response, "read", recording_read)
    bucket = srv.bucket("golden-bucket", session=oss2.http.Session())
    ids = [bucket.create_bucket().request_id]
    ids.append(bucket.put_object("hello.txt", b"hello, golden files").request_id)
    upload = bucket.init_multipart_upload("big.bin")
    ids.append(upload.request_id)
    uploads = bucket.list_multipart_uploads()
    ids.append(uploads.request_id)
    objects = bucket.list_objects()
    ids.append(objects.request_id)
    monkeypatch.setattr(oss2.http.Response, "read", original)
    assert [u.upload_id for u in uploads.upload_list] == [upload.upload_id]
    assert [o.key for o in objects.object_list] == ["hello.txt"]
    return {"request_ids": ids, "upload_id": upload.upload_id, "bodies": seen}


def test_the_same_seed_gives_byte_identical_runs_and_another_seed_does_not(start, monkeypatch):
    first = golden_run(start("--deterministic", "golden-seed", "--auth", "off"), monkeypatch)
    second = golden_run(start("--deterministic", "golden-seed", "--auth", "off"), monkeypatch)
    other = golden_run(start("--deterministic", "another-seed", "--auth", "off"), monkeypatch)

    assert re.match(r"^[0-9A-F]{32}$", first["upload_id"])
    assert all(re.match(r"^[0-9A-F]{24}$", i) for i in first["request_ids"])
    assert len(set(first["request_ids"])) == len(first["request_ids"])
    assert first["request_ids"] == second["request_ids"]
    assert first["upload_id"] == second["upload_id"]
    assert first["bodies"] == second["bodies"]
    assert any(b"<UploadId>%s</UploadId>" % first["upload_id"].encode() in body for _, _, body in first["bodies"])
    assert any(b"2030-01-02T03:04:05.000Z" in body for _, _, body in first["bodies"])

    assert set(other["request_ids"]).isdisjoint(first["request_ids"])
    assert other["upload_id"] != first["upload_id"]
    # The stamp half of an upload id is the (frozen) clock; only the seeded half differs.
    assert other["upload_id"][:16] == first["upload_id"][:16]
    assert other["bodies"] != first["bodies"]


def test_seeded_upload_ids_stay_unique_and_ordered_across_a_restart(start):
    args = ("--deterministic", "restart-seed", "--auth", "off")
    first = start(*args, name="same-dir")
    first.clock(set=GOLDEN_INSTANT, freeze=True)
    bucket = first.bucket("restart-bucket")
    bucket.create_bucket()
    before = bucket.init_multipart_upload("k").upload_id
    first.stop()
    again = start(*args, name="same-dir")
    again.clock(set=GOLDEN_INSTANT, freeze=True)
    after = again.bucket("restart-bucket").init_multipart_upload("k").upload_id
    assert after != before and after > before
    listed = [u.upload_id for u in again.bucket("restart-bucket").list_multipart_uploads().upload_list]
    assert listed == [before, after]


def test_secrets_in_query_strings_and_token_headers_are_masked(start):
    srv = start()
    bucket = srv.bucket("journal-mask")
    bucket.create_bucket()
    bucket.put_object("k", b"v")
    url = bucket.sign_url("GET", "k", 300)
    signature = re.search(r"[?&]Signature=([^&]+)", url).group(1)
    assert requests.get(url, timeout=30).status_code == 200
    record = srv.journal(operation="GetObject")[-1]
    assert "Signature=***" in record["query"] and signature not in record["query"]
    assert "OSSAccessKeyId=%s" % ACCESS_KEY_ID in record["query"]
    resp = raw_request(srv.endpoint, "GET", "journal-mask", "k", headers={"x-oss-security-token": "sts-secret"})
    assert resp.status_code == 403
    token_record = srv.journal(status=403)[-1]
    token = [v for k, v in token_record["headers"].items() if k.lower() == "x-oss-security-token"]
    assert token == ["***"]
    assert "sts-secret" not in str(srv.journal())


# ---------------------------------------------------------------- metrics

def test_metrics_count_requests_bytes_and_storage(start):
    srv = start()
    bucket = srv.bucket("metrics-bucket")
    bucket.create_bucket()
    before = srv.metrics()
    bodies = [b"a" * 10, b"b" * 2000, b"c" * 333]
    for index, body in enumerate(bodies):
        bucket.put_object("obj%d" % index, body)
    with pytest.raises(oss2.exceptions.NoSuchKey):
        bucket.get_object("missing")
    upload = bucket.init_multipart_upload("multi")
    bucket.upload_part("multi", upload.upload_id, 1, b"p" * 4096)
    bucket.upload_part("multi", upload.upload_id, 2, b"q" * 100)
    after = srv.metrics()

    assert requests_of(after, "PutObject", 200) - requests_of(before, "PutObject", 200) == len(bodies)
    assert requests_of(after, "GetObject", 404) - requests_of(before, "GetObject", 404) == 1
    assert requests_of(after, "UploadPart", 200) == 2
    assert requests_of(after, "PutBucket", 200) == 1
    sent = sum(len(b) for b in bodies) + 4096 + 100
    assert after[("localoss_request_body_bytes_total", ())] - before[("localoss_request_body_bytes_total", ())] == sent
    answered = 3 + 1 + 1 + 2
    count = ("localoss_request_duration_seconds_count", ())
    assert after[count] - before[count] == answered
    assert after[("localoss_request_duration_seconds_bucket", (("le", "+Inf"),))] == after[count]
    assert after[("localoss_objects", ())] == 3
    assert after[("localoss_uploads_in_progress", ())] == 1
    assert after[("localoss_parts", ())] == 2
    assert after[("localoss_blob_bytes", ())] == sent
    assert after[("localoss_open_connections", ())] >= 1

    bucket.get_object("obj1").read()
    got = srv.metrics()
    assert got[("localoss_response_body_bytes_total", ())] - after[("localoss_response_body_bytes_total", ())] == 2000


# ---------------------------------------------------------------- strictness and access

def test_min_part_size_relaxes_entity_too_small(start):
    def complete_tiny(srv):
        bucket = srv.bucket("tiny-parts")
        bucket.create_bucket()
        upload = bucket.init_multipart_upload("k")
        parts = [oss2.models.PartInfo(n, bucket.upload_part("k", upload.upload_id, n, b"x" * 10).etag)
                 for n in (1, 2)]
        return bucket.complete_multipart_upload("k", upload.upload_id, parts)

    with pytest.raises(oss2.exceptions.OssError) as refused:
        complete_tiny(start())
    assert (refused.value.status, refused.value.code) == (400, "EntityTooSmall")
    complete_tiny(start("--min-part-size", "10"))
    with pytest.raises(oss2.exceptions.OssError) as still_refused:
        complete_tiny(start("--min-part-size", "11"))
    assert still_refused.value.code == "EntityTooSmall"


def non_loopback_address():
    """An address of this machine other than loopback, or None."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.255.255.255", 1))
        address = probe.getsockname()[0]
    except OSError:
        return None
    finally:
        probe.close()
    return None if address.startswith("127.") else address


def test_beyond_loopback_the_control_plane_needs_the_admin_token(start):
    closed = start(host="0.0.0.0")
    resp = closed.get("health")
    assert resp.status_code == 403 and set(resp.json()) == {"error", "detail"}
    # Without a configured token no bearer is right.
    assert closed.get("health", headers={"Authorization": "Bearer anything"}).status_code == 403
    # OSS requests are unaffected.
    assert closed.http.get(closed.endpoint + "/", timeout=30).status_code == 403  # anonymous ListBuckets

    guarded = start("--admin-token", "T0ken", host="0.0.0.0")
    assert guarded.get("health").status_code == 401
    assert guarded.get("health", headers={"Authorization": "Bearer wrong"}).status_code == 401
    ok = guarded.get("health", headers={"Authorization": "Bearer T0ken"})
    assert ok.status_code == 200 and ok.json()["status"] == "ok"
    assert guarded.get("metrics", headers={"Authorization": "Bearer T0ken"}).status_code == 200

    address = non_loopback_address()
    if address:
        resp = requests.get("http://%s:%d/_localoss/health" % (address, guarded.port),
                            headers={"Authorization": "Bearer T0ken"}, timeout=30)
        assert resp.status_code == 200
