"""The state part of the control plane, against the binary: POST /_localoss/reset[?bucket=B], named snapshots
(/_localoss/snapshots/...) and --seed-dir. Each test runs its own server on its own data directory: a reset or a
restore on the shared server would empty the buckets of every other test.

What a restore must give back is what oss2 saw when the snapshot was taken (listing, bytes, ETags, ACLs, uploads
and their parts), not whatever the server answers afterwards.
"""

import os
import pathlib
import sys

import oss2
import pytest
import requests
from oss2.models import PartInfo

from conftest import LocalOSSServer, make_oss2_bucket, server_binary, unique_bucket_name
from localoss_helpers import ACCESS_KEY_ID, ACCESS_KEY_SECRET, MIN_PART_SIZE, crc64, md5_hex, multipart_etag, rand

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "reliability"))
import rhelpers  # noqa: E402  (data_dir_violations: the invariants of a stopped server's directory)

KiB = 1024
LARGE = 64 * KiB + 1  # above the inline limit: stored as a file


@pytest.fixture
def own_server(tmp_path):
    """A private server on its own data dir, stopped at the end."""
    started = []

    def start(*extra_args, env=None):
        data = tmp_path / "data"
        data.mkdir(exist_ok=True)
        srv = LocalOSSServer(server_binary(), data, tmp_path / "server.log", extra_args=extra_args, env=env)
        srv.start()
        started.append(srv)
        return srv

    yield start
    for srv in started:
        if srv.proc is not None:
            srv.stop()


def control(srv, method, path, **kwargs):
    return requests.request(method, srv.endpoint + "/_localoss/" + path, timeout=60, **kwargs)


def blob_files(data_dir):
    root = pathlib.Path(data_dir) / "blobs"
    return sorted(p.name for p in root.glob("*/*")) if root.is_dir() else []


def inline_rows(data_dir):
    return rhelpers.inspect_data_dir(data_dir)["blobs"].keys() - set(blob_files(data_dir))


def listing(b):
    return [(o.key, o.etag, o.size, o.last_modified) for o in oss2.ObjectIterator(b)]


def uploads(b):
    return [(u.key, u.upload_id, u.initiation_date) for u in b.list_multipart_uploads().upload_list]


def parts(b, key, upload_id):
    return [(p.part_number, p.etag, p.size, p.last_modified) for p in b.list_parts(key, upload_id).parts]


def cors_rules(b):
    return [(r.allowed_origins, r.allowed_methods, r.max_age_seconds) for r in b.get_bucket_cors().rules]


def service(srv):
    return oss2.Service(oss2.Auth(ACCESS_KEY_ID, ACCESS_KEY_SECRET), srv.endpoint)


def bucket_names(srv):
    return sorted(info.name for info in oss2.BucketIterator(service(srv)))


def test_reset_empties_every_bucket_object_upload_and_blob(own_server):
    srv = own_server()
    one, two = (make_oss2_bucket(srv.endpoint, unique_bucket_name("rs")) for _ in range(2))
    for b in (one, two):
        b.create_bucket()
        b.put_object("small", b"tiny")
        b.put_object("dir/large", rand(LARGE))
    upload_id = one.init_multipart_upload("mp").upload_id
    one.upload_part("mp", upload_id, 1, rand(MIN_PART_SIZE))

    reply = control(srv, "POST", "reset")
    assert reply.status_code == 200
    assert reply.headers["Content-Type"] == "application/json"
    assert reply.json() == {"buckets": 2, "objects": 4, "uploads": 1}
    assert bucket_names(srv) == []
    with pytest.raises(oss2.exceptions.NoSuchBucket):
        one.get_bucket_info()
    # A bucket of the same name can be made again at once, empty.
    one.create_bucket()
    assert listing(one) == [] and uploads(one) == []
    assert control(srv, "POST", "reset").json() == {"buckets": 1, "objects": 0, "uploads": 0}

    srv.stop()
    assert rhelpers.data_dir_violations(srv.data_dir) == []
    assert blob_files(srv.data_dir) == []
    assert not inline_rows(srv.data_dir)


def test_reset_of_one_bucket_empties_only_it_and_keeps_it(own_server):
    srv = own_server()
    kept, emptied = (make_oss2_bucket(srv.endpoint, unique_bucket_name("rb")) for _ in range(2))
    for b in (kept, emptied):
        b.create_bucket(oss2.BUCKET_ACL_PUBLIC_READ)
        b.put_object("k", b"v-" + b.bucket_name.encode())
        b.put_object("large", rand(LARGE))
    emptied.init_multipart_upload("mp")
    emptied.put_bucket_cors(oss2.models.BucketCors([oss2.models.CorsRule(allowed_origins=["*"],
                                                                         allowed_methods=["GET"])]))
    kept_listing = listing(kept)

    reply = control(srv, "POST", "reset", params={"bucket": emptied.bucket_name})
    assert reply.status_code == 200
    assert reply.json() == {"buckets": 0, "objects": 2, "uploads": 1}
    assert listing(emptied) == [] and uploads(emptied) == []
    # The bucket stays, with its settings.
    assert emptied.get_bucket_acl().acl == oss2.BUCKET_ACL_PUBLIC_READ
    assert [(r.allowed_origins, r.allowed_methods) for r in emptied.get_bucket_cors().rules] == [(["*"], ["GET"])]
    assert listing(kept) == kept_listing
    assert kept.get_object("k").read() == b"v-" + kept.bucket_name.encode()

    missing = control(srv, "POST", "reset", params={"bucket": "no-such-bucket-here"})
    assert missing.status_code == 404
    assert missing.json()["error"] == "no such bucket" and missing.json()["detail"]

    srv.stop()
    assert rhelpers.data_dir_violations(srv.data_dir) == []
    assert len(blob_files(srv.data_dir)) == 1  # kept/large


def test_restore_gives_back_exactly_the_snapshot(own_server):
    srv = own_server()
    b = make_oss2_bucket(srv.endpoint, unique_bucket_name("sn"))
    b.create_bucket(oss2.BUCKET_ACL_PUBLIC_READ)
    objects = {"small.txt": b"small bytes", "dir/large.bin": rand(LARGE + 5), "dir/sub/empty": b"",
               "public": b"for all"}
    for key, body in objects.items():
        b.put_object(key, body, headers={"x-oss-meta-origin": "snapshot", "Content-Type": "text/x-snap"})
    b.put_object_acl("public", oss2.OBJECT_ACL_PUBLIC_READ)
    b.put_bucket_cors(oss2.models.BucketCors([oss2.models.CorsRule(
        allowed_origins=["https://app.example"], allowed_methods=["GET", "PUT"], max_age_seconds=60)]))
    wip_key = "wip/multi part.bin"
    upload_id = b.init_multipart_upload(wip_key, headers={"Content-Type": "application/x-wip"}).upload_id
    p1, p2 = rand(MIN_PART_SIZE + 3), rand(MIN_PART_SIZE + 1)
    e1 = b.upload_part(wip_key, upload_id, 1, p1).etag
    e2 = b.upload_part(wip_key, upload_id, 2, p2).etag

    before = {"listing": listing(b), "uploads": uploads(b), "parts": parts(b, wip_key, upload_id),
              "bucket_acl": b.get_bucket_acl().acl, "public_acl": b.get_object_acl("public").acl,
              "small_acl": b.get_object_acl("small.txt").acl, "cors": cors_rules(b)}
    made = control(srv, "POST", "snapshots/before")
    assert made.status_code == 201
    body = made.json()
    assert (body["name"], body["buckets"], body["objects"], body["uploads"]) == ("before", 1, 4, 1)
    assert body["created"].endswith("Z")

    # Every kind of change after the snapshot.
    b.put_object("small.txt", b"overwritten")
    b.delete_object("dir/large.bin")
    b.put_object("new-key", rand(LARGE))
    b.put_object_acl("public", oss2.OBJECT_ACL_PRIVATE)
    b.put_bucket_acl(oss2.BUCKET_ACL_PRIVATE)
    b.delete_bucket_cors()
    b.abort_multipart_upload(wip_key, upload_id)
    b.init_multipart_upload("wip/later")
    other = make_oss2_bucket(srv.endpoint, unique_bucket_name("sn2"))
    other.create_bucket()
    other.put_object("x", b"later")

    restored = control(srv, "POST", "snapshots/before/restore")
    assert restored.status_code == 200
    assert restored.json()["name"] == "before"

    assert bucket_names(srv) == [b.bucket_name]
    assert listing(b) == before["listing"]
    for key, expected in objects.items():
        got = b.get_object(key)
        assert got.read() == expected, key
        assert got.headers["ETag"] == md5_hex(expected).join('""')
        assert got.headers["x-oss-meta-origin"] == "snapshot"
        assert got.headers["Content-Type"] == "text/x-snap"
        assert int(got.headers["x-oss-hash-crc64ecma"]) == crc64(expected)
    assert b.get_bucket_acl().acl == before["bucket_acl"] == oss2.BUCKET_ACL_PUBLIC_READ
    assert b.get_object_acl("public").acl == before["public_acl"] == oss2.OBJECT_ACL_PUBLIC_READ
    assert b.get_object_acl("small.txt").acl == before["small_acl"]
    assert cors_rules(b) == before["cors"] == [(["https://app.example"], ["GET", "PUT"], 60)]
    assert uploads(b) == before["uploads"]
    assert parts(b, wip_key, upload_id) == before["parts"]

    # The restored upload goes on: one more part, then completion with the ETags the parts had.
    e3 = b.upload_part(wip_key, upload_id, 3, b"tail").etag
    done = b.complete_multipart_upload(wip_key, upload_id, [PartInfo(1, e1), PartInfo(2, e2), PartInfo(3, e3)])
    assert done.etag == multipart_etag([p1, p2, b"tail"]).strip('"')
    got = b.get_object(wip_key)
    assert got.read() == p1 + p2 + b"tail"
    assert got.headers["Content-Type"] == "application/x-wip"

    # The snapshot is still there and can be restored again: the upload is back in progress.
    assert control(srv, "POST", "snapshots/before/restore").status_code == 200
    assert uploads(b) == before["uploads"]
    assert not b.object_exists(wip_key)

    srv.stop()
    assert rhelpers.data_dir_violations(srv.data_dir) == []


def test_snapshot_listing_and_refusals(own_server):
    srv = own_server()
    assert control(srv, "GET", "snapshots").json() == {"snapshots": []}
    for name in ("first", "A-z_0.9"):
        assert control(srv, "POST", "snapshots/" + name).status_code == 201
    listed = control(srv, "GET", "snapshots").json()["snapshots"]
    assert [s["name"] for s in listed] == ["first", "A-z_0.9"]
    assert all(set(s) == {"name", "created", "buckets", "objects", "uploads"} for s in listed)

    duplicate = control(srv, "POST", "snapshots/first")
    assert duplicate.status_code == 409 and duplicate.json()["error"] == "snapshot exists"
    for bad in ("has%20space", "a" * 65, "%C3%BC", "semi%3Bcolon"):
        refused = control(srv, "POST", "snapshots/" + bad)
        assert refused.status_code == 400, bad
        assert refused.json()["error"] == "invalid snapshot name"
    for method, path in (("POST", "snapshots/missing/restore"), ("DELETE", "snapshots/missing")):
        missing = control(srv, method, path)
        assert missing.status_code == 404 and missing.json()["error"] == "no such snapshot"
    deleted = control(srv, "DELETE", "snapshots/first")
    assert deleted.status_code == 204 and deleted.content == b""
    assert [s["name"] for s in control(srv, "GET", "snapshots").json()["snapshots"]] == ["A-z_0.9"]


def test_snapshot_survives_restart_and_deleting_it_frees_its_blobs(own_server):
    srv = own_server()
    b = make_oss2_bucket(srv.endpoint, unique_bucket_name("sf"))
    b.create_bucket()
    large, small = rand(LARGE * 2), b"inline bytes"
    b.put_object("large", large)
    b.put_object("small", small)
    upload_id = b.init_multipart_upload("mp").upload_id
    b.upload_part("mp", upload_id, 1, rand(MIN_PART_SIZE))
    assert control(srv, "POST", "snapshots/keep").status_code == 201
    assert control(srv, "POST", "reset").status_code == 200
    # Nothing live names them, the snapshot does: they stay, through a restart and its start-up sweep.
    srv.stop()
    assert rhelpers.data_dir_violations(srv.data_dir) == []
    assert len(blob_files(srv.data_dir)) == 2 and len(inline_rows(srv.data_dir)) == 1

    srv.start()
    b = make_oss2_bucket(srv.endpoint, b.bucket_name)
    assert [s["name"] for s in control(srv, "GET", "snapshots").json()["snapshots"]] == ["keep"]
    assert control(srv, "POST", "snapshots/keep/restore").status_code == 200
    assert b.get_object("large").read() == large
    assert b.get_object("small").read() == small
    assert [u[1] for u in uploads(b)] == [upload_id]

    # Deleted while live rows still name the blobs: they stay for the live objects.
    assert control(srv, "DELETE", "snapshots/keep").status_code == 204
    assert b.get_object("large").read() == large
    # Then nothing names them.
    assert control(srv, "POST", "reset").status_code == 200
    srv.stop()
    assert rhelpers.data_dir_violations(srv.data_dir) == []
    assert blob_files(srv.data_dir) == []
    assert not inline_rows(srv.data_dir)


def test_deleting_a_snapshot_frees_blobs_only_it_named(own_server):
    srv = own_server()
    b = make_oss2_bucket(srv.endpoint, unique_bucket_name("sd"))
    b.create_bucket()
    b.put_object("k", rand(LARGE))
    assert control(srv, "POST", "snapshots/old").status_code == 201
    b.put_object("k", rand(LARGE))  # the snapshot alone names the first version now
    b.put_object("tiny", b"x")
    assert control(srv, "POST", "snapshots/new").status_code == 201
    b.delete_object("tiny")  # snapshot "new" alone names this inline blob
    assert len(blob_files(srv.data_dir)) == 2
    assert control(srv, "DELETE", "snapshots/old").status_code == 204
    assert len(blob_files(srv.data_dir)) == 1
    assert control(srv, "DELETE", "snapshots/new").status_code == 204
    srv.stop()
    assert rhelpers.data_dir_violations(srv.data_dir) == []
    assert len(blob_files(srv.data_dir)) == 1 and not inline_rows(srv.data_dir)


def make_tree(root, files):
    for relative, body in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)


def test_seed_dir_loads_a_folder_tree(own_server, tmp_path):
    seed = tmp_path / "seed"
    big = rand(3 * 1024 * KiB + 17)  # several read chunks
    files = {"site/index.html": b"<h1>hi</h1>", "site/css/main.css": b"body{}", "site/js/app.js": b"1;",
             "site/img/logo.PNG": b"\x89PNG", "site/data/a b.json": b"{}", "site/deep/er/file": big,
             "docs/readme.txt": b"read me", "docs/report.pdf": b"%PDF", "docs/photo.jpeg": b"jpg",
             "Bad_Bucket/x.txt": b"skipped", "loose.txt": b"skipped too"}
    make_tree(seed, files)
    srv = own_server("--seed-dir", str(seed))
    assert bucket_names(srv) == ["docs", "site"]
    site = make_oss2_bucket(srv.endpoint, "site")
    assert [o.key for o in oss2.ObjectIterator(site)] == sorted(
        ["index.html", "css/main.css", "js/app.js", "img/logo.PNG", "data/a b.json", "deep/er/file"])
    types = {"index.html": "text/html", "css/main.css": "text/css", "js/app.js": "application/javascript",
             "img/logo.PNG": "image/png", "data/a b.json": "application/json",
             "deep/er/file": "application/octet-stream"}
    for key, content_type in types.items():
        got = site.get_object(key)
        assert got.read() == files["site/" + key], key
        assert got.headers["Content-Type"] == content_type, key
        assert got.headers["ETag"] == md5_hex(files["site/" + key]).join('""')
    docs = make_oss2_bucket(srv.endpoint, "docs")
    assert docs.get_object("report.pdf").headers["Content-Type"] == "application/pdf"
    assert docs.get_object("photo.jpeg").headers["Content-Type"] == "image/jpeg"
    assert docs.get_object("readme.txt").headers["Content-Type"] == "text/plain"
    log = pathlib.Path(srv.log_path).read_text()
    assert "Bad_Bucket" in log and "loaded 9 objects" in log

    # Started again with the seed (from the environment this time): same names are overwritten, others stay.
    site.put_object("index.html", b"changed by a test")
    site.put_object("extra", b"kept")
    srv.stop()
    (seed / "site" / "index.html").write_bytes(b"<h1>seeded again</h1>")
    srv.env = dict(os.environ, LOCALOSS_SEED_DIR=str(seed))
    srv.start()
    site = make_oss2_bucket(srv.endpoint, "site")
    assert site.get_object("index.html").read() == b"<h1>seeded again</h1>"
    assert site.get_object("extra").read() == b"kept"
    srv.stop()
    assert rhelpers.data_dir_violations(srv.data_dir) == []


def test_seed_dir_that_does_not_exist_stops_the_start(tmp_path):
    srv = LocalOSSServer(server_binary(), tmp_path / "data", tmp_path / "server.log",
                         extra_args=["--seed-dir", str(tmp_path / "missing")])
    (tmp_path / "data").mkdir()
    with pytest.raises(RuntimeError):
        srv.start()
    assert srv.proc is None or srv.proc.poll() is not None


def test_writes_during_snapshots_restores_and_resets_leave_a_consistent_directory(own_server):
    """Clients keep writing while the state is saved, replaced and emptied under them: each request either lands
    before or after a state operation (its errors are those of a bucket, key or upload that went away), every
    object listed afterwards reads back with its ETag, and the stopped directory has no orphan and no dangling row."""
    import hashlib
    import threading

    srv = own_server()
    name = unique_bucket_name("cc")
    make_oss2_bucket(srv.endpoint, name).create_bucket()
    stop = threading.Event()
    unexpected = []
    expected_codes = {"NoSuchBucket", "NoSuchKey", "NoSuchUpload", "InvalidPart"}

    def writer(worker):
        b = make_oss2_bucket(srv.endpoint, name, session=oss2.http.Session())
        n = 0
        while not stop.is_set():
            n += 1
            key = "w%d/%d" % (worker, n % 7)
            try:
                if n % 5 == 0:
                    b.delete_object(key)
                elif n % 11 == 0:
                    uid = b.init_multipart_upload(key).upload_id
                    etag = b.upload_part(key, uid, 1, rand(2 * KiB)).etag
                    b.complete_multipart_upload(key, uid, [PartInfo(1, etag)])
                else:
                    b.put_object(key, rand(LARGE if n % 3 == 0 else 300))
            except oss2.exceptions.OssError as e:
                if e.code not in expected_codes:
                    unexpected.append((e.status, e.code))
            except Exception as e:  # noqa: BLE001 - reported below
                unexpected.append(repr(e))

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    try:
        for round_number in range(15):
            snap = "cc-%d" % round_number
            assert control(srv, "POST", "snapshots/" + snap).status_code == 201
            assert control(srv, "POST", "reset", params={"bucket": name}).status_code == 200
            assert control(srv, "POST", "snapshots/%s/restore" % snap).status_code == 200
            if round_number % 3 == 0:
                assert control(srv, "POST", "reset").status_code == 200
                assert control(srv, "POST", "snapshots/%s/restore" % snap).status_code == 200
            if round_number % 2 == 0:
                assert control(srv, "DELETE", "snapshots/" + snap).status_code == 204
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    assert unexpected == []

    b = make_oss2_bucket(srv.endpoint, name)
    for info in oss2.ObjectIterator(b):
        got = b.get_object(info.key)
        body = got.read()
        assert len(body) == info.size
        if got.headers["x-oss-object-type"] == "Normal":
            assert '"%s"' % hashlib.md5(body).hexdigest().upper() == got.headers["ETag"]
        assert int(got.headers["x-oss-hash-crc64ecma"]) == crc64(body)
    srv.stop()
    assert rhelpers.data_dir_violations(srv.data_dir) == []


def test_restored_state_as_alibabacloud_oss_v2_sees_it(own_server):
    import alibabacloud_oss_v2 as oss

    srv = own_server()
    cfg = oss.config.load_default()
    cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(ACCESS_KEY_ID, ACCESS_KEY_SECRET)
    cfg.region = "cn-hangzhou"
    cfg.endpoint = srv.endpoint
    cfg.use_path_style = True
    client = oss.Client(cfg)
    name = unique_bucket_name("v2")
    client.put_bucket(oss.PutBucketRequest(bucket=name))
    body = rand(LARGE)
    client.put_object(oss.PutObjectRequest(bucket=name, key="a/b.bin", body=body))
    upload_id = client.initiate_multipart_upload(
        oss.InitiateMultipartUploadRequest(bucket=name, key="mp")).upload_id
    part = rand(MIN_PART_SIZE)
    part_etag = client.upload_part(oss.UploadPartRequest(bucket=name, key="mp", upload_id=upload_id, part_number=1,
                                                         body=part)).etag
    assert control(srv, "POST", "snapshots/v2").status_code == 201
    client.delete_object(oss.DeleteObjectRequest(bucket=name, key="a/b.bin"))
    client.abort_multipart_upload(oss.AbortMultipartUploadRequest(bucket=name, key="mp", upload_id=upload_id))
    assert control(srv, "POST", "snapshots/v2/restore").status_code == 200

    listed = client.list_objects_v2(oss.ListObjectsV2Request(bucket=name))
    assert [(o.key, o.size, o.etag) for o in listed.contents] == [("a/b.bin", LARGE, md5_hex(body).join('""'))]
    assert client.get_object(oss.GetObjectRequest(bucket=name, key="a/b.bin")).body.read() == body
    ups = client.list_multipart_uploads(oss.ListMultipartUploadsRequest(bucket=name))
    assert [(u.key, u.upload_id) for u in ups.uploads] == [("mp", upload_id)]
    parts_listed = client.list_parts(oss.ListPartsRequest(bucket=name, key="mp", upload_id=upload_id))
    assert [(p.part_number, p.etag, p.size) for p in parts_listed.parts] == [(1, part_etag, MIN_PART_SIZE)]
    done = client.complete_multipart_upload(oss.CompleteMultipartUploadRequest(
        bucket=name, key="mp", upload_id=upload_id,
        complete_multipart_upload=oss.CompleteMultipartUpload(parts=[oss.UploadPart(part_number=1, etag=part_etag)])))
    assert done.etag == multipart_etag([part])


@pytest.mark.parametrize("operation", ["reset", "restore", "delete snapshot"])
def test_a_crash_after_a_state_operation_commits_leaves_no_orphans(own_server, operation):
    """Killed (SIGKILL) after the operation's transaction committed but before it unlinked the files it freed: the
    operation holds, and the next start's sweep removes those files."""
    crash = dict(os.environ, LOCALOSS_ENABLE_CRASH_POINTS="1", LOCALOSS_CRASH_AT="state-committed:1")
    srv = own_server(env=crash)
    b = make_oss2_bucket(srv.endpoint, unique_bucket_name("cr"))
    b.create_bucket()
    b.put_object("kept", rand(LARGE))
    assert control(srv, "POST", "snapshots/s").status_code == 201
    b.put_object("later", rand(LARGE))  # only live rows name it: freed by the operation
    if operation == "delete snapshot":
        b.delete_object("kept")  # only the snapshot names it now
    target = {"reset": ("POST", "reset"), "restore": ("POST", "snapshots/s/restore"),
              "delete snapshot": ("DELETE", "snapshots/s")}[operation]
    with pytest.raises(requests.exceptions.ConnectionError):
        control(srv, *target)
    srv.proc.wait(timeout=30)
    srv._finish(srv.proc.returncode)
    assert len(blob_files(srv.data_dir)) == 2  # the freed file is still there

    srv.env = None
    srv.start()
    b = make_oss2_bucket(srv.endpoint, b.bucket_name)
    snapshots = [s["name"] for s in control(srv, "GET", "snapshots").json()["snapshots"]]
    if operation == "reset":
        assert bucket_names(srv) == [] and snapshots == ["s"]
    elif operation == "restore":
        assert [o.key for o in oss2.ObjectIterator(b)] == ["kept"]
    else:
        assert snapshots == [] and [o.key for o in oss2.ObjectIterator(b)] == ["later"]
    srv.stop()
    assert rhelpers.data_dir_violations(srv.data_dir) == []
    assert len(blob_files(srv.data_dir)) == 1
