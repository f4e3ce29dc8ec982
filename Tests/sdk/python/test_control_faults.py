"""Fault rules of the control plane (`/_localoss/faults`) seen through oss2, the way a test of client code uses them.

What is asserted comes from the rule (the status, code, EC and Retry-After it names; the bytes it cuts or flips),
from OSS's documented behaviour (ListParts lists a committed part; a re-uploaded part replaces the previous one;
a GET of a key never stored is 404 NoSuchKey) and from oss2's documented CRC-64 check (`enable_crc=True` raises
`InconsistentError`), never from what the server happened to answer.
"""

import json
import os
import pathlib
import subprocess
import time

import oss2
import pytest
import requests

from conftest import make_oss2_bucket, server_binary
from localoss_helpers import (assert_oss_error, crc64, md5_hex, parse_error, quoted_etag, rand, raw_request,
                              xml_root, child_text)


def faults_url(server):
    return server.endpoint + "/_localoss/faults"


def add_fault(server, rule):
    resp = requests.post(faults_url(server), data=json.dumps(rule), timeout=10)
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert body["id"]
    return body["id"]


def list_faults(server):
    resp = requests.get(faults_url(server), timeout=10)
    assert resp.status_code == 200, resp.text
    return resp.json()["faults"]


def fault(server, fault_id):
    return next(f for f in list_faults(server) if f["id"] == fault_id)


@pytest.fixture(autouse=True)
def no_faults_left(server):
    """Every test starts and ends without rules: they are server-wide."""
    requests.delete(faults_url(server), timeout=10)
    yield
    requests.delete(faults_url(server), timeout=10)


def put(bucket, key, data):
    bucket.put_object(key, data)
    bucket.created_keys.add(key)


# ---------------------------------------------------------------- the endpoints

def test_rules_are_added_listed_and_removed(server):
    rule = {"match": {"operation": "GetObject", "keyPrefix": "a/"},
            "action": {"type": "delay", "ms": 10, "phase": "beforeBody"}, "times": 3, "after": 1,
            "probability": 0.25, "seed": 99}
    fault_id = add_fault(server, rule)
    listed = list_faults(server)
    assert [f["id"] for f in listed] == [fault_id]
    entry = listed[0]
    for field in ("match", "action", "times", "after", "probability", "seed"):
        assert entry[field] == rule[field], field
    assert entry["hits"] == 0

    resp = requests.delete(faults_url(server) + "/" + fault_id, timeout=10)
    assert resp.status_code == 204
    assert list_faults(server) == []
    resp = requests.delete(faults_url(server) + "/" + fault_id, timeout=10)
    assert resp.status_code == 404
    assert set(resp.json()) == {"error", "detail"}

    add_fault(server, {"action": {"type": "stall"}})
    add_fault(server, {"action": {"type": "wrongChecksum"}})
    assert requests.delete(faults_url(server), timeout=10).status_code == 204
    assert list_faults(server) == []


@pytest.mark.parametrize("rule, field", [
    ({}, "action"),
    ({"action": {"type": "explode"}}, "action.type"),
    ({"action": {"type": "error", "code": "InternalError"}}, "action.status"),
    ({"action": {"type": "error", "status": 503}}, "action.code"),
    ({"action": {"type": "delay", "ms": 5, "phase": "whenever"}}, "action.phase"),
    ({"action": {"type": "throttle", "bytesPerSecond": 0}}, "action.bytesPerSecond"),
    ({"action": {"type": "stall"}, "match": {"operation": "GetObjects"}}, "match.operation"),
    ({"action": {"type": "stall"}, "match": {"keyprefix": "x"}}, "match.keyprefix"),
    ({"action": {"type": "stall"}, "probability": 2}, "probability"),
    ({"action": {"type": "stall"}, "times": 0}, "times"),
    ({"action": {"type": "error", "status": "503", "code": "X"}}, "action.status"),
])
def test_invalid_rules_are_refused_with_400_naming_the_field(server, rule, field):
    resp = requests.post(faults_url(server), data=json.dumps(rule), timeout=10)
    assert resp.status_code == 400, resp.text
    body = resp.json()
    assert set(body) == {"error", "detail"}
    assert field in body["detail"], body
    assert list_faults(server) == []


def test_malformed_json_is_refused_with_400(server):
    resp = requests.post(faults_url(server), data=b"{not json", timeout=10)
    assert resp.status_code == 400
    assert "JSON" in resp.json()["detail"]


def test_the_control_plane_itself_is_never_faulted(server):
    add_fault(server, {"action": {"type": "error", "status": 500, "code": "InternalError"}})
    assert requests.get(server.endpoint + "/_localoss/health", timeout=10).status_code == 200
    assert len(list_faults(server)) == 1


# ---------------------------------------------------------------- error

def test_error_fault_answers_the_status_code_ec_and_retry_after_given(server, bucket):
    put(bucket, "e/obj", b"hello")
    add_fault(server, {"match": {"operation": "GetObject", "key": "e/obj"},
                       "action": {"type": "error", "status": 503, "code": "ServiceUnavailable",
                                  "message": "Please reduce your request rate.", "ec": "0002-00000503",
                                  "retryAfter": 7},
                       "times": 1})
    resp = raw_request(server.endpoint, "GET", bucket.bucket_name, "e/obj")
    assert resp.status_code == 503
    assert resp.headers["Retry-After"] == "7"
    assert resp.headers["x-oss-ec"] == "0002-00000503"
    err = parse_error(resp)
    assert err["Code"] == "ServiceUnavailable"
    assert err["Message"] == "Please reduce your request rate."
    assert err["EC"] == "0002-00000503"
    assert err["RequestId"] == resp.headers["x-oss-request-id"]
    assert err["HostId"]
    # times: 1 — the next GET is served.
    assert bucket.get_object("e/obj").read() == b"hello"


def test_error_fault_runs_nothing_and_oss2_sees_the_error(server, bucket):
    add_fault(server, {"match": {"operation": "PutObject"},
                       "action": {"type": "error", "status": 500, "code": "InternalError", "ec": "0000-00000001"}})
    e = assert_oss_error(500, "InternalError", bucket.put_object, "e/never", b"data")
    assert e.ec == "0000-00000001"
    requests.delete(faults_url(server), timeout=10)
    assert_oss_error(404, "NoSuchKey", bucket.get_object, "e/never")


# ---------------------------------------------------------------- delay and throttle

def test_delay_before_response_delays_at_least_ms(server, bucket):
    put(bucket, "d/obj", b"x" * 100)
    add_fault(server, {"match": {"operation": "GetObject"}, "action": {"type": "delay", "ms": 600}})
    started = time.monotonic()
    assert bucket.get_object("d/obj").read() == b"x" * 100
    assert time.monotonic() - started >= 0.6


def test_delay_before_body_delays_an_upload(server, bucket):
    add_fault(server, {"match": {"operation": "PutObject"},
                       "action": {"type": "delay", "ms": 500, "phase": "beforeBody"}})
    started = time.monotonic()
    put(bucket, "d/up", b"y" * 1000)
    assert time.monotonic() - started >= 0.5
    assert bucket.get_object("d/up").read() == b"y" * 1000


def test_throttled_response_of_1_mib_at_512_kib_per_second_takes_at_least_1_5_s(server, bucket):
    data = rand(1 << 20)
    put(bucket, "t/big", data)
    add_fault(server, {"match": {"operation": "GetObject"},
                       "action": {"type": "throttle", "bytesPerSecond": 512 * 1024}})
    started = time.monotonic()
    got = bucket.get_object("t/big").read()
    elapsed = time.monotonic() - started
    assert got == data
    assert elapsed >= 1.5, elapsed


def test_throttled_request_body_is_read_slowly_and_stored_intact(server, bucket):
    data = rand(256 * 1024)
    add_fault(server, {"match": {"operation": "PutObject"},
                       "action": {"type": "throttle", "bytesPerSecond": 256 * 1024, "direction": "request"}})
    started = time.monotonic()
    put(bucket, "t/up", data)
    assert time.monotonic() - started >= 0.75
    requests.delete(faults_url(server), timeout=10)
    assert bucket.get_object("t/up").read() == data


# ---------------------------------------------------------------- connection faults

def test_reset_after_body_bytes_on_put_stores_nothing(server, bucket):
    add_fault(server, {"match": {"operation": "PutObject", "key": "r/obj"},
                       "action": {"type": "resetAfterBodyBytes", "bytes": 64 * 1024}, "times": 1})
    with pytest.raises(oss2.exceptions.RequestError):
        bucket.put_object("r/obj", rand(1 << 20))
    assert_oss_error(404, "NoSuchKey", bucket.get_object, "r/obj")
    assert list_faults(server)[0]["hits"] == 1


def list_parts(bucket, key, upload_id):
    return {p.part_number: p for p in bucket.list_parts(key, upload_id).parts}


def test_drop_response_after_commit_keeps_the_part_and_a_retry_replaces_it(server, bucket):
    key = "m/dropped"
    upload_id = bucket.init_multipart_upload(key).upload_id
    first, second = rand(200 * 1024), rand(200 * 1024)
    fault_id = add_fault(server, {"match": {"operation": "UploadPart", "uploadId": upload_id, "partNumber": 1},
                                  "action": {"type": "dropResponseAfterCommit"}, "times": 1})
    with pytest.raises(oss2.exceptions.RequestError):
        bucket.upload_part(key, upload_id, 1, first)
    assert fault(server, fault_id)["hits"] == 1
    parts = list_parts(bucket, key, upload_id)
    assert list(parts) == [1]
    assert parts[1].etag == md5_hex(first)
    assert parts[1].size == len(first)

    result = bucket.upload_part(key, upload_id, 1, second)
    assert result.etag == md5_hex(second)
    parts = list_parts(bucket, key, upload_id)
    assert list(parts) == [1] and parts[1].etag == md5_hex(second)
    bucket.complete_multipart_upload(key, upload_id, [oss2.models.PartInfo(1, result.etag)])
    bucket.created_keys.add(key)
    assert bucket.get_object(key).read() == second


def test_stall_makes_the_client_time_out_and_the_server_serves_after_removal(server, bucket):
    put(bucket, "s/obj", b"still here")
    fault_id = add_fault(server, {"match": {"operation": "GetObject", "key": "s/obj"}, "action": {"type": "stall"}})
    started = time.monotonic()
    with pytest.raises(requests.exceptions.ReadTimeout):
        raw_request(server.endpoint, "GET", bucket.bucket_name, "s/obj", timeout=1.0)
    assert time.monotonic() - started < 5
    # A stalled request still in the server: removing the rule lets it go (the connection is closed).
    session = requests.Session()
    url = "%s/%s/s/obj" % (server.endpoint, bucket.bucket_name)
    import threading
    outcome = {}

    def stalled_get():
        try:
            outcome["status"] = session.get(url, timeout=30).status_code
        except requests.exceptions.RequestException as e:
            outcome["error"] = e

    thread = threading.Thread(target=stalled_get)
    thread.start()
    time.sleep(0.5)
    assert thread.is_alive()
    assert requests.delete(faults_url(server) + "/" + fault_id, timeout=10).status_code == 204
    thread.join(timeout=5)
    assert not thread.is_alive(), "the stalled request was not released by removing its rule"
    assert "error" in outcome, outcome  # released without an answer
    assert bucket.get_object("s/obj").read() == b"still here"


def test_a_stalled_request_does_not_keep_the_server_from_stopping(restartable_server):
    srv = restartable_server
    make_oss2_bucket(srv.endpoint, "stall-stop").create_bucket()
    add_fault(srv, {"match": {"operation": "GetBucketInfo"}, "action": {"type": "stall"}})
    import threading
    outcome = {}

    def stalled():
        try:
            outcome["status"] = requests.get(srv.endpoint + "/stall-stop?bucketInfo", timeout=30).status_code
        except requests.exceptions.RequestException as e:
            outcome["error"] = e

    thread = threading.Thread(target=stalled)
    thread.start()
    time.sleep(0.5)
    assert thread.is_alive()
    started = time.monotonic()
    assert srv.stop() == 0
    assert time.monotonic() - started < 5
    thread.join(timeout=5)
    assert "error" in outcome, outcome


# ---------------------------------------------------------------- body faults

def test_corrupt_body_is_caught_by_oss2_crc_check(server, bucket, tmp_path):
    data = rand(300 * 1024)
    put(bucket, "c/obj", data)
    add_fault(server, {"match": {"operation": "GetObject", "key": "c/obj"},
                       "action": {"type": "corruptBody", "offset": 1000}})
    raw = raw_request(server.endpoint, "GET", bucket.bucket_name, "c/obj")
    assert raw.status_code == 200
    assert raw.headers["x-oss-hash-crc64ecma"] == str(crc64(data))
    assert raw.headers["ETag"] == quoted_etag(data)
    body = raw.content
    assert len(body) == len(data)
    assert [i for i in range(len(data)) if body[i] != data[i]] == [1000]
    # oss2 checks CRC-64 where it reads a whole object for the caller (get_object_to_file); a stream read by hand
    # exposes both values for the caller to compare.
    with pytest.raises(oss2.exceptions.InconsistentError):
        bucket.get_object_to_file("c/obj", str(tmp_path / "c.bin"))
    result = bucket.get_object("c/obj")
    result.read()
    assert result.client_crc != result.server_crc == crc64(data)


def test_wrong_checksum_is_caught_by_oss2_and_the_body_is_intact(server, bucket, tmp_path):
    data = rand(50 * 1024)
    put(bucket, "w/obj", data)
    add_fault(server, {"match": {"operation": "GetObject", "key": "w/obj"}, "action": {"type": "wrongChecksum"}})
    raw = raw_request(server.endpoint, "GET", bucket.bucket_name, "w/obj")
    assert raw.content == data
    assert raw.headers["x-oss-hash-crc64ecma"] != str(crc64(data))
    with pytest.raises(oss2.exceptions.InconsistentError):
        bucket.get_object_to_file("w/obj", str(tmp_path / "w.bin"))


def test_truncated_body_fails_the_read(server, bucket):
    data = rand(200 * 1024)
    put(bucket, "tr/obj", data)
    add_fault(server, {"match": {"operation": "GetObject", "key": "tr/obj"},
                       "action": {"type": "truncateBody", "bytes": 5000}, "times": 1})
    with pytest.raises(Exception) as ei:
        bucket.get_object("tr/obj").read()
    assert not isinstance(ei.value, AssertionError)
    assert bucket.get_object("tr/obj").read() == data  # times: 1


def test_resumable_download_survives_a_truncated_part(server, bucket, tmp_path):
    part = 100 * 1024
    data = rand(3 * part)
    put(bucket, "tr/resumable", data)
    fault_id = add_fault(server, {"match": {"operation": "GetObject", "key": "tr/resumable"},
                                  "action": {"type": "truncateBody", "bytes": 1000}, "times": 1, "after": 1})
    target = str(tmp_path / "download.bin")
    store = oss2.ResumableDownloadStore(root=str(tmp_path / "checkpoints"))
    kwargs = dict(multiget_threshold=part, part_size=part, num_threads=1, store=store)
    with pytest.raises(Exception) as ei:
        oss2.resumable_download(bucket, "tr/resumable", target, **kwargs)
    assert not isinstance(ei.value, AssertionError)
    assert fault(server, fault_id)["hits"] == 1
    oss2.resumable_download(bucket, "tr/resumable", target, **kwargs)
    assert pathlib.Path(target).read_bytes() == data
    # Part 1 came in the first call and is not fetched again: 2 GETs then, 2 (parts 2 and 3) after.
    assert fault(server, fault_id)["matched"] == 4


# ---------------------------------------------------------------- budget

def splitmix64_units(seed, count):
    """SplitMix64 (Steele, Lea, Flood 2014) as uniform doubles in [0, 1) from the top 53 bits."""
    mask = (1 << 64) - 1
    state = seed
    out = []
    for _ in range(count):
        state = (state + 0x9E3779B97F4A7C15) & mask
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        z ^= z >> 31
        out.append((z >> 11) / float(1 << 53))
    return out


def firing_pattern(server, bucket, key, rule, requests_made):
    add_fault(server, rule)
    pattern = []
    for _ in range(requests_made):
        resp = raw_request(server.endpoint, "HEAD", bucket.bucket_name, key)
        assert resp.status_code in (200, 503), resp.status_code
        pattern.append(resp.status_code == 503)
    requests.delete(faults_url(server), timeout=10)
    return pattern


def test_probability_with_seed_fires_in_the_same_pattern_in_two_runs(server, bucket):
    put(bucket, "p/obj", b"p")
    rule = {"match": {"operation": "HeadObject", "key": "p/obj"},
            "action": {"type": "error", "status": 503, "code": "ServiceUnavailable"},
            "probability": 0.4, "seed": 20261201}
    first = firing_pattern(server, bucket, "p/obj", rule, 30)
    second = firing_pattern(server, bucket, "p/obj", rule, 30)
    assert first == second
    assert 0 < sum(first) < 30
    assert first == [u < 0.4 for u in splitmix64_units(20261201, 30)]


def test_times_and_after_pick_which_matches_fire(server, bucket):
    put(bucket, "p/ta", b"p")
    rule = {"match": {"operation": "HeadObject", "key": "p/ta"},
            "action": {"type": "error", "status": 503, "code": "ServiceUnavailable"}, "times": 2, "after": 1}
    assert firing_pattern(server, bucket, "p/ta", rule, 5) == [False, True, True, False, False]


# ---------------------------------------------------------------- rules at start

def run_server(tmp_path, *args, env=None):
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    return subprocess.Popen([str(server_binary()), "serve", "--host", "127.0.0.1", "--port", "0",
                             "--data-dir", str(data), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            env=dict(os.environ, **(env or {})))


def test_fault_flags_at_start_are_in_force(tmp_path):
    flag = {"match": {"operation": "ListBuckets"},
            "action": {"type": "error", "status": 503, "code": "ServiceUnavailable", "ec": "0002-00000001"}}
    from_env = [{"match": {"operation": "GetBucketInfo"}, "action": {"type": "delay", "ms": 1}}]
    proc = run_server(tmp_path, "--fault", json.dumps(flag), env={"LOCALOSS_FAULTS": json.dumps(from_env)})
    try:
        line = proc.stdout.readline().decode()
        assert line.startswith("LocalOSS listening on http://127.0.0.1:"), line
        endpoint = line.split()[-1]
        listed = requests.get(endpoint + "/_localoss/faults", timeout=10).json()["faults"]
        # A flag given replaces the environment variable, as for every other option.
        assert [f["action"] for f in listed] == [dict(flag["action"], message=listed[0]["action"]["message"])]
        service = oss2.Service(oss2.Auth("LocalOSSTestKey", "LocalOSSTestSecret"), endpoint)
        e = assert_oss_error(503, "ServiceUnavailable", service.list_buckets)
        assert e.ec == "0002-00000001"
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def test_faults_from_the_environment_at_start_are_in_force(tmp_path):
    rules = [{"match": {"operation": "ListBuckets"}, "action": {"type": "error", "status": 500, "code": "InternalError"}},
             {"action": {"type": "wrongChecksum"}}]
    proc = run_server(tmp_path, env={"LOCALOSS_FAULTS": json.dumps(rules)})
    try:
        endpoint = proc.stdout.readline().decode().split()[-1]
        listed = requests.get(endpoint + "/_localoss/faults", timeout=10).json()["faults"]
        assert [f["action"]["type"] for f in listed] == ["error", "wrongChecksum"]
        service = oss2.Service(oss2.Auth("LocalOSSTestKey", "LocalOSSTestSecret"), endpoint)
        assert_oss_error(500, "InternalError", service.list_buckets)
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def test_an_invalid_fault_flag_stops_the_server_with_a_clear_message(tmp_path):
    proc = run_server(tmp_path, "--fault", '{"action": {"type": "delay"}}')
    out, err = proc.communicate(timeout=30)
    assert proc.returncode != 0
    assert b"listening" not in out
    assert b"action.ms" in err, err
    proc = run_server(tmp_path, "--fault", "{oops")
    out, err = proc.communicate(timeout=30)
    assert proc.returncode != 0 and b"not valid JSON" in err, err
