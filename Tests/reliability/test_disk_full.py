"""A full disk: uploads fail with a clear error (507 InsufficientStorage) and leave nothing half-written, while
DeleteObject, DeleteMultipleObjects, AbortMultipartUpload and DeleteBucket still work, so space can be freed
through the API. The data directory is a small tmpfs (needs root; skipped where mounting is impossible).
"""

import os
import subprocess
import time

import pytest

import rhelpers
from rhelpers import MIN_PART

SECTION = "disk_full"
BUCKET = "full"
SIZE_MIB = 24


@pytest.fixture
def small_disk(tmp_path):
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%dm" % SIZE_MIB, "tmpfs", str(mount_point)],
                          capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here: %s" % done.stderr.decode(errors="replace").strip())
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


def free_bytes(path):
    st = os.statvfs(str(path))
    return st.f_bavail * st.f_frsize


def fill(c, prefix, size, limit):
    """PUT objects of `size` bytes until one fails; returns (stored keys, the failing response)."""
    keys = []
    for i in range(limit):
        key = "%s-%05d" % (prefix, i)
        r = c.put(BUCKET, key, os.urandom(size) if size else b"")
        if r.status_code != 200:
            return keys, r
        keys.append(key)
    return keys, None


def delete_multiple(c, keys):
    body = "<Delete><Quiet>false</Quiet>%s</Delete>" % "".join("<Object><Key>%s</Key></Object>" % k for k in keys)
    body = body.encode()
    return c.request("POST", BUCKET, "", "delete", data=body, headers={"Content-MD5": rhelpers.md5_b64(body)})


def test_full_disk_refuses_uploads_and_still_frees_space(localoss, small_disk):
    srv = localoss(data_dir=small_disk)
    c = srv.client(timeout=30)
    c.create_bucket(BUCKET)
    upload_id = c.initiate(BUCKET, "multipart")
    assert c.upload_part(BUCKET, "multipart", upload_id, 1, os.urandom(MIN_PART * 10)).status_code == 200
    keys, failed = fill(c, "big", 1 << 20, 64)
    stored = keys
    rhelpers.note(SECTION, "objects_of_1MiB_stored", len(keys))
    assert failed is not None, "the disk never filled up"
    assert (failed.status_code, rhelpers.error_code(failed.content)) == (507, "InsufficientStorage"), \
        (failed.status_code, failed.content[:300])
    assert rhelpers.tmp_files(srv.data_dir) == [], "a refused upload left bytes in tmp/"
    # Something else takes the last bytes of the disk: now even SQLite cannot grow its files.
    filler_path = small_disk / "filler"
    fd = os.open(str(filler_path), os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)
    rhelpers.note(SECTION, "free_bytes_when_full", free_bytes(small_disk))
    for i in range(3000):  # objects without bytes need only metadata: they too must fail cleanly at some point
        r = c.put(BUCKET, "empty-%05d" % i, b"")
        if r.status_code != 200:
            assert (r.status_code, rhelpers.error_code(r.content)) == (507, "InsufficientStorage"), r.content[:300]
            break
        stored.append("empty-%05d" % i)
    rhelpers.note(SECTION, "empty_objects_stored", i)
    # an UploadPart on a full disk fails the same way and leaves its upload as it was
    r = c.upload_part(BUCKET, "multipart", upload_id, 2, os.urandom(1 << 20))
    assert (r.status_code, rhelpers.error_code(r.content)) == (507, "InsufficientStorage"), r.content[:300]
    assert set(c.list_parts(BUCKET, "multipart", upload_id)) == {1}

    # space is freed through the API
    t0 = time.monotonic()
    r = c.request("DELETE", BUCKET, stored[-1])
    assert r.status_code == 204, (r.status_code, r.content[:300])
    r = delete_multiple(c, stored[-60:-1])
    assert r.status_code == 200, (r.status_code, r.content[:300])
    r = c.abort(BUCKET, "multipart", upload_id)
    assert r.status_code == 204, (r.status_code, r.content[:300])
    for start in range(0, len(stored) - 60, 500):
        r = delete_multiple(c, stored[start:min(start + 500, len(stored) - 60)])
        assert r.status_code == 200, (r.status_code, r.content[:300])
    assert c.list_keys(BUCKET) == set()
    r = c.request("DELETE", BUCKET)
    assert r.status_code == 204, (r.status_code, r.content[:300])
    rhelpers.note(SECTION, "freeing_seconds", "%.2f" % (time.monotonic() - t0))
    rhelpers.note(SECTION, "free_bytes_after_freeing", free_bytes(small_disk))

    # and the server works normally again
    c.create_bucket(BUCKET)
    data = os.urandom(2 << 20)
    assert c.put(BUCKET, "after", data).status_code == 200
    assert c.get(BUCKET, "after").content == data
    c.close()
    srv.stop()
    assert rhelpers.data_dir_violations(srv.data_dir) == []
