"""State survives a clean restart (SIGTERM, then start again on the same data dir)."""

import time

import oss2
import pytest
from oss2.models import PartInfo

from conftest import make_oss2_bucket, unique_bucket_name
from localoss_helpers import MIN_PART_SIZE, crc64, md5_hex, multipart_etag, rand

KiB = 1024


def snapshot_uploads(b):
    r = b.list_multipart_uploads()
    return [(u.key, u.upload_id, u.initiation_date) for u in r.upload_list]


def snapshot_parts(b, key, uid):
    return [(p.part_number, p.etag, p.size, p.last_modified) for p in b.list_parts(key, uid).parts]


def test_state_survives_restart(restartable_server):
    srv = restartable_server
    name = unique_bucket_name("rs")
    b = make_oss2_bucket(srv.endpoint, name)
    b.create_bucket()

    # A plain object and a completed multipart object.
    plain = rand(1234)
    b.put_object("plain.bin", plain)
    done_parts = [rand(MIN_PART_SIZE + 7), rand(99)]
    done_key = "done/object.bin"
    duid = b.init_multipart_upload(done_key, headers={"Content-Type": "application/x-done",
                                                      "x-oss-meta-tag": "kept"}).upload_id
    infos = [PartInfo(n, b.upload_part(done_key, duid, n, body).etag, size=len(body), part_crc=crc64(body))
             for n, body in enumerate(done_parts, 1)]
    b.complete_multipart_upload(done_key, duid, infos)

    # Two in-progress uploads (one with parts), one aborted upload.
    wip_key = "wip/big file 文.bin"
    wuid = b.init_multipart_upload(wip_key, headers={"x-oss-meta-owner": "restart"}).upload_id
    p1, p2 = rand(150 * KiB), rand(120 * KiB)
    r1 = b.upload_part(wip_key, wuid, 1, p1)
    r2 = b.upload_part(wip_key, wuid, 2, p2)
    other_uid = b.init_multipart_upload("wip/other.bin").upload_id
    gone_uid = b.init_multipart_upload("wip/aborted.bin").upload_id
    b.upload_part("wip/aborted.bin", gone_uid, 1, b"bye")
    b.abort_multipart_upload("wip/aborted.bin", gone_uid)

    uploads_before = snapshot_uploads(b)
    parts_before = snapshot_parts(b, wip_key, wuid)
    assert [(k, u) for k, u, _ in uploads_before] == sorted([(wip_key, wuid), ("wip/other.bin", other_uid)])
    assert [(n, e, s) for n, e, s, _ in parts_before] == [(1, md5_hex(p1), len(p1)), (2, md5_hex(p2), len(p2))]

    rc = srv.stop()
    print("server exit status after SIGTERM: %r" % rc)
    srv.start()
    assert srv.endpoint  # port may differ
    b = make_oss2_bucket(srv.endpoint, name)

    assert b.get_bucket_info().name == name
    assert snapshot_uploads(b) == uploads_before, "in-progress uploads (key, id, Initiated) after restart"
    assert snapshot_parts(b, wip_key, wuid) == parts_before, "parts (number, ETag, size, LastModified) after restart"
    with pytest.raises(oss2.exceptions.NoSuchUpload):
        b.list_parts("wip/aborted.bin", gone_uid)
    with pytest.raises(oss2.exceptions.NoSuchUpload):
        b.list_parts(done_key, duid)

    assert b.get_object("plain.bin").read() == plain
    got = b.get_object(done_key)
    assert got.read() == b"".join(done_parts)
    assert got.headers["ETag"] == multipart_etag(done_parts)
    assert got.headers["Content-Type"] == "application/x-done"
    assert got.headers["x-oss-meta-tag"] == "kept"
    assert got.headers["x-oss-object-type"] == "Multipart"
    assert int(got.headers["x-oss-hash-crc64ecma"]) == crc64(b"".join(done_parts))

    # A new upload of the same key created after the restart still lists after the older one.
    newer = b.init_multipart_upload(wip_key).upload_id
    assert newer > wuid, "upload id order must stay creation order across restarts"
    b.abort_multipart_upload(wip_key, newer)

    # Finish the surviving upload with ETags obtained before the restart.
    p3 = rand(10)
    r3 = b.upload_part(wip_key, wuid, 3, p3)
    res = b.complete_multipart_upload(wip_key, wuid, [
        PartInfo(1, r1.etag, size=len(p1), part_crc=r1.crc),
        PartInfo(2, r2.etag, size=len(p2), part_crc=r2.crc),
        PartInfo(3, r3.etag, size=len(p3), part_crc=r3.crc)])
    whole = p1 + p2 + p3
    assert '"%s"' % res.etag == multipart_etag([p1, p2, p3])
    assert res.crc == crc64(whole)
    head = b.head_object(wip_key)
    assert head.headers["x-oss-meta-owner"] == "restart", "Initiate metadata survives the restart"
    assert b.get_object(wip_key).read() == whole
    assert snapshot_uploads(b) == [("wip/other.bin", other_uid, uploads_before[1][2])]

    # And everything survives a second restart too.
    srv.restart()
    b = make_oss2_bucket(srv.endpoint, name)
    assert b.get_object(wip_key).read() == whole
    assert [(k, u) for k, u, _ in snapshot_uploads(b)] == [("wip/other.bin", other_uid)]


def test_sigterm_right_after_banner(restartable_server):
    """The server contract: SIGTERM stops it cleanly. The banner line is the readiness signal, so a SIGTERM sent
    right after it must already be handled (exit status 0, promptly) - not kill it by default action (-15) or be
    lost (no exit)."""
    srv = restartable_server
    for attempt in range(6):  # the window is short: try several start/stop cycles
        if attempt:
            srv.start()
        try:
            rc = srv.stop(timeout=10)
        except RuntimeError as e:
            pytest.fail("cycle %d: %s" % (attempt, e))
        assert rc == 0, "cycle %d: exit status after SIGTERM right after the banner: %r" % (attempt, rc)


def test_sigterm_after_requests_then_restart(restartable_server):
    srv = restartable_server
    b = make_oss2_bucket(srv.endpoint, unique_bucket_name("st"))
    b.create_bucket()
    time.sleep(1)  # the immediate-SIGTERM case is test_sigterm_right_after_banner
    rc = srv.stop()
    assert rc == 0, "exit status after SIGTERM: %r (log tail: %s)" % (rc, srv.log_tail(800))
    srv.start()
    assert make_oss2_bucket(srv.endpoint, b.bucket_name).get_bucket_info().name == b.bucket_name
