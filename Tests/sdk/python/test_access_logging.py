"""Bucket access logging at run time: logging configured with oss2 and alibabacloud-oss-v2, requests made with both
SDKs and anonymously, the buffered lines written through `POST /_localoss/logging/flush`, and the log object read
back from the target bucket and parsed field by field.

Rules: protocol notes `bucket-configuration-and-access.md` §4.5 runtime (OSS doc "Logging", doc-detail/31868): one
object per delivery named `<TargetPrefix><SourceBucket>YYYY-mm-DD-HH-MM-SS-<unique>`; one line per request,
space-separated, in the order RemoteIP, -, -, [Time], "RequestURL", HTTPStatus, SentBytes, RequestTime,
"Referer", "UserAgent", "HostName", "RequestID", "LoggingFlag", "RequesterAliyunID", "Operation", "BucketName",
"ObjectName", ObjectSize, ServerCostTime, "ErrorCode", RequestLength, "UserID", DeltaDataSize, "SyncRequest",
"StorageClass", "TargetStorageClass", "TransmissionAccelerationAccessPoint", "AccessKeyID"; `-` for empty. Here
times are UTC, and the write of a log object is not a request, so it is never logged itself.
"""

import re
import time

import alibabacloud_oss_v2 as oss
import oss2
import requests

from localoss_helpers import ACCESS_KEY_ID, ACCESS_KEY_SECRET, raw_request, xml_root
from test_control_observe import start  # noqa: F401 - the fixture is used by name

TOKEN_RE = re.compile(r'\[[^\]]*\]|"(?:[^"\\]|\\.)*"|\S+')
FIELDS = ["remote_ip", "reserved1", "reserved2", "time", "request_url", "status", "sent_bytes", "request_time",
          "referer", "user_agent", "host", "request_id", "logging_flag", "requester", "operation", "bucket", "key",
          "object_size", "server_cost_time", "error_code", "request_length", "user_id", "delta_data_size",
          "sync_request", "storage_class", "target_storage_class", "acceleration_access_point", "access_key_id"]
# The fields OSS writes in double quotes.
QUOTED = {"request_url", "referer", "user_agent", "host", "request_id", "logging_flag", "requester", "operation",
          "bucket", "key", "error_code", "user_id", "sync_request", "storage_class", "target_storage_class",
          "acceleration_access_point", "access_key_id"}


def parse_line(line):
    tokens = TOKEN_RE.findall(line)
    assert len(tokens) == len(FIELDS), line
    record = {}
    for name, token in zip(FIELDS, tokens):
        if name in QUOTED:
            assert token.startswith('"') and token.endswith('"'), (name, line)
            token = token[1:-1]
        elif name == "time":
            assert token.startswith("[") and token.endswith("]"), line
            token = token[1:-1]
        else:
            assert not token.startswith('"'), (name, line)
        record[name] = token
    return record


def flush(srv):
    resp = srv.http.post(srv.url("logging/flush"), timeout=30)
    assert resp.status_code == 200, resp.text
    return resp.json()["objects"]


def owner_id(srv, bucket):
    return xml_root(raw_request(srv.endpoint, "GET", bucket, query={"acl": None}),
                    "AccessControlPolicy").find("Owner/ID").text


def v2_client(srv):
    cfg = oss.config.load_default()
    cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(ACCESS_KEY_ID, ACCESS_KEY_SECRET)
    cfg.region = "cn-hangzhou"
    cfg.endpoint = srv.endpoint
    cfg.use_path_style = True
    return oss.Client(cfg)


def test_each_request_on_a_logging_bucket_becomes_one_line_in_the_target(start):  # noqa: F811
    # A frozen clock makes the time field and the object name exact; the SDKs sign with the real time.
    srv = start("--access-log-interval", "0", "--max-skew", str(400 * 86400))
    srv.clock(set="2026-05-02T00:00:04Z", freeze=True)
    source, target = srv.bucket("logged-source"), srv.bucket("log-target")
    source.create_bucket()
    target.create_bucket()
    owner = owner_id(srv, "logged-source")
    source.put_bucket_logging(oss2.models.BucketLogging("log-target", "access/"))

    put = source.put_object("dir/a b.txt", b"hello")
    try:
        source.get_object("missing.txt")
        raise AssertionError("GetObject of a missing key succeeded")
    except oss2.exceptions.NoSuchKey as error:
        missing_id = error.request_id
    anonymous = requests.get(srv.endpoint + "/logged-source/dir/a%20b.txt", timeout=30,
                             headers={"Referer": "https://ref.example/page", "User-Agent": "logging-test/1.0"})
    assert anonymous.status_code == 403
    got = v2_client(srv).get_object(oss.GetObjectRequest(bucket="logged-source", key="dir/a b.txt"))
    assert got.body.read() == b"hello"

    written = flush(srv)
    name = "access/logged-source2026-05-02-00-00-04-0001"
    assert written == [{"bucket": "log-target", "key": name, "lines": 5}]
    assert [o.key for o in target.list_objects().object_list] == [name]
    lines = target.get_object(name).read().decode().split("\n")
    assert lines[-1] == ""
    records = [parse_line(line) for line in lines[:-1]]

    expected = [
        # operation, method and path, status, error code, key, object size, request id, signed
        ("PutBucketLogging", "PUT /logged-source/?logging", 200, "-", "-", "-", None, True),
        # The request URL is the path as sent (oss2 encodes "/" in keys, pyv2 does not); the key as stored.
        ("PutObject", "PUT /logged-source/dir%2Fa%20b.txt", 200, "-", "dir/a%20b.txt", "5", put.request_id, True),
        ("GetObject", "GET /logged-source/missing.txt", 404, "NoSuchKey", "missing.txt", "-", missing_id, True),
        ("GetObject", "GET /logged-source/dir/a%20b.txt", 403, "AccessDenied", "dir/a%20b.txt", "-",
         anonymous.headers["x-oss-request-id"], False),
        ("GetObject", "GET /logged-source/dir/a%20b.txt", 200, "-", "dir/a%20b.txt", "5", got.request_id, True),
    ]
    assert len(records) == len(expected)
    for record, (operation, request, status, code, key, size, request_id, signed) in zip(records, expected):
        assert record["remote_ip"] == "127.0.0.1"
        assert (record["reserved1"], record["reserved2"]) == ("-", "-")
        assert record["time"] == "02/May/2026:00:00:04 +0000"
        method_path, version = record["request_url"].rsplit(" ", 1)
        assert version == "HTTP/1.1"
        assert method_path.split("?")[0] == request.split("?")[0]
        if "?" in request:
            assert method_path.split("?")[1].startswith(request.split("?")[1])
        assert int(record["status"]) == status
        assert record["operation"] == operation
        assert record["bucket"] == "logged-source"
        assert record["key"] == key
        assert record["object_size"] == size
        assert record["error_code"] == code
        if request_id is not None:
            assert record["request_id"] == request_id
        assert re.fullmatch(r"[0-9A-F]{24}", record["request_id"])
        assert record["logging_flag"] == "true"
        assert record["host"] == "127.0.0.1:%d" % srv.port
        assert record["user_id"] == owner
        assert record["requester"] == (owner if signed else "-")
        assert record["access_key_id"] == (ACCESS_KEY_ID if signed else "-")
        for field in ("request_time", "server_cost_time", "sent_bytes", "request_length"):
            assert record[field].isdigit(), (field, record[field])
        # The request line and headers alone make a request longer than its body.
        assert int(record["request_length"]) > (5 if operation == "PutObject" else 0) + len(record["request_url"])
        for field in ("delta_data_size", "sync_request", "storage_class", "target_storage_class",
                      "acceleration_access_point"):
            assert record[field] == "-"
    put_line, missing_line, anonymous_line, get_line = records[1:]
    assert put_line["sent_bytes"] == "0"
    assert get_line["sent_bytes"] == "5"
    assert int(missing_line["sent_bytes"]) > 0 and int(anonymous_line["sent_bytes"]) > 0
    assert put_line["user_agent"].startswith("aliyun-sdk-python/")
    assert get_line["user_agent"].startswith("alibabacloud-python-sdk-v2/")
    assert (anonymous_line["referer"], anonymous_line["user_agent"]) == ("https://ref.example/page", "logging-test/1.0")
    assert put_line["referer"] == "-"

    # Nothing new since: the flush, the listing and the read of the target were no requests on the source.
    assert flush(srv) == []


def test_a_bucket_logging_into_itself_does_not_log_the_log_and_deleting_the_config_stops_it(start):  # noqa: F811
    srv = start("--access-log-interval", "0")
    client = v2_client(srv)
    bucket, quiet = srv.bucket("self-logged"), srv.bucket("not-logged")
    bucket.create_bucket()
    quiet.create_bucket()
    result = client.put_bucket_logging(oss.PutBucketLoggingRequest(
        bucket="self-logged", bucket_logging_status=oss.BucketLoggingStatus(
            logging_enabled=oss.LoggingEnabled(target_bucket="self-logged", target_prefix="log/"))))
    assert result.status_code == 200
    bucket.put_object("a.txt", b"a")
    quiet.put_object("b.txt", b"b")
    quiet.get_object("b.txt").read()

    written = flush(srv)
    assert len(written) == 1 and written[0]["bucket"] == "self-logged" and written[0]["lines"] == 2
    assert re.fullmatch(r"log/self-logged\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-0001", written[0]["key"])
    # The log object's write is not a request: flushing again writes nothing.
    assert flush(srv) == []
    # A bucket without logging has no log anywhere.
    assert [o.key for o in quiet.list_objects().object_list] == ["b.txt"]
    records = [parse_line(line) for line in bucket.get_object(written[0]["key"]).read().decode().splitlines()]
    assert [r["operation"] for r in records] == ["PutBucketLogging", "PutObject"]
    assert records[1]["user_agent"].startswith("aliyun-sdk-python/")

    # The read of the log just made is logged; once the configuration is deleted nothing more is.
    log_key = written[0]["key"]
    bucket.delete_bucket_logging()
    bucket.put_object("c.txt", b"c")
    written = flush(srv)
    assert [w["lines"] for w in written] == [1]
    records = [parse_line(line) for line in bucket.get_object(written[0]["key"]).read().decode().splitlines()]
    assert [(r["operation"], r["key"]) for r in records] == [("GetObject", log_key)]
    assert written[0]["key"].endswith("-0002")
    assert bucket.get_bucket_logging().target_bucket == ""
    assert flush(srv) == []


def test_lines_are_written_on_the_interval_and_when_the_clock_moves(start):  # noqa: F811
    timed = start("--access-log-interval", "1")
    source = timed.bucket("timed-source")
    source.create_bucket()
    source.put_bucket_logging(oss2.models.BucketLogging("timed-source", "t/"))
    deadline = time.monotonic() + 10
    while not [o.key for o in source.list_objects(prefix="t/").object_list]:
        assert time.monotonic() < deadline, "no log object written within 10 s with --access-log-interval 1"
        time.sleep(0.2)

    untimed = start("--access-log-interval", "0", "--max-skew", str(2 * 3600))
    source = untimed.bucket("clocked-source")
    source.create_bucket()
    source.put_bucket_logging(oss2.models.BucketLogging("clocked-source", "c/"))
    time.sleep(1.5)
    assert [o.key for o in source.list_objects(prefix="c/").object_list] == []
    # Moving the clock an hour on delivers the hour's log, as OSS's hourly delivery would.
    untimed.clock(advanceSeconds=3600)
    keys = [o.key for o in source.list_objects(prefix="c/").object_list]
    assert len(keys) == 1 and keys[0].endswith("-0001")
    operations = [parse_line(line)["operation"] for line in source.get_object(keys[0]).read().decode().splitlines()]
    assert operations == ["PutBucketLogging", "ListObjects"]


def test_a_stopping_server_writes_what_it_buffered_and_a_restart_overwrites_no_log(restartable_server):
    srv = restartable_server
    bucket = oss2.Bucket(oss2.Auth(ACCESS_KEY_ID, ACCESS_KEY_SECRET), srv.endpoint, "restart-logged")
    bucket.create_bucket()
    bucket.put_bucket_logging(oss2.models.BucketLogging("restart-logged", "r/"))
    bucket.put_object("a.txt", b"a")
    srv.restart()
    bucket = oss2.Bucket(oss2.Auth(ACCESS_KEY_ID, ACCESS_KEY_SECRET), srv.endpoint, "restart-logged")
    first = [o.key for o in bucket.list_objects(prefix="r/").object_list]
    assert len(first) == 1
    records = [parse_line(line) for line in bucket.get_object(first[0]).read().decode().splitlines()]
    assert [r["operation"] for r in records] == ["PutBucketLogging", "PutObject"]
    resp = requests.post(srv.endpoint + "/_localoss/logging/flush", timeout=30)
    assert resp.status_code == 200
    written = resp.json()["objects"]
    assert len(written) == 1 and written[0]["key"] not in first
    keys = [o.key for o in bucket.list_objects(prefix="r/").object_list]
    assert sorted(keys) == sorted(first + [written[0]["key"]])


def test_a_reset_drops_the_lines_of_the_state_it_replaced(start):  # noqa: F811
    srv = start("--access-log-interval", "0")
    bucket = srv.bucket("reset-logged")
    bucket.create_bucket()
    bucket.put_bucket_logging(oss2.models.BucketLogging("reset-logged", ""))
    bucket.put_object("a.txt", b"a")
    assert srv.http.post(srv.url("reset"), timeout=30).status_code == 200
    # A bucket of the same name made afterwards does not receive the old bucket's log.
    bucket.create_bucket()
    assert flush(srv) == []
    assert [o.key for o in bucket.list_objects().object_list] == []
