"""One server per data directory: a second server started on a directory in use exits with a clear message and
changes nothing (above all, its start-up sweep must not delete the first server's in-flight part files), and a
server that cannot bind its port does not sweep either.
"""

import os
import subprocess
import time

import rhelpers
from rhelpers import MIN_PART, build_request, connect

SECTION = "data_dir_lock"
BUCKET = "locked"


def run_second_server(binary, data_dir, port=0, timeout=20):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOCALOSS_")}
    return subprocess.run([str(binary), "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir",
                           str(data_dir), "--auth", "off"], env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, timeout=timeout)


def wait_for_tmp_file(data_dir, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = rhelpers.tmp_files(data_dir)
        if files:
            return files
        time.sleep(0.02)
    raise AssertionError("the in-flight part never reached tmp/")


def test_second_server_on_same_directory_exits_and_harms_nothing(localoss, localoss_binary):
    a = localoss()
    c = a.client()
    c.create_bucket(BUCKET)
    key = "in-flight"
    upload_id = c.initiate(BUCKET, key)
    part1 = os.urandom(MIN_PART)
    r = c.upload_part(BUCKET, key, upload_id, 1, part1)
    assert r.status_code == 200, r.content
    etag1 = r.headers["ETag"]
    part2 = os.urandom(2 * MIN_PART)
    s = connect(a.port, timeout=30)
    try:
        # part 2 is half sent: its bytes sit in tmp/, unreferenced, exactly what a sweep would delete
        s.sendall(build_request("PUT", "/%s/%s?partNumber=2&uploadId=%s" % (BUCKET, key, upload_id),
                                [("Content-Length", str(len(part2)))]) + part2[:MIN_PART])
        wait_for_tmp_file(a.data_dir)
        before = rhelpers.tree_snapshot(a.data_dir)
        t0 = time.monotonic()
        second = run_second_server(localoss_binary, a.data_dir)
        rhelpers.note(SECTION, "second_server_exit_seconds", "%.2f" % (time.monotonic() - t0))
        message = second.stderr.decode("utf-8", "replace")
        assert second.returncode != 0, (second.returncode, second.stdout, message)
        assert b"listening" not in second.stdout, second.stdout
        assert "in use by another LocalOSS server" in message, message
        assert rhelpers.tree_snapshot(a.data_dir) == before, "the second server changed the data directory"
        s.sendall(part2[MIN_PART:])
        reply = rhelpers.HTTPReader(s).read_response()
        assert reply.status == 200, reply
        etag2 = reply.headers["etag"]
    finally:
        s.close()
    r = c.complete(BUCKET, key, upload_id, [(1, etag1), (2, etag2)])
    assert r.status_code == 200, r.content
    g = c.get(BUCKET, key)
    assert g.status_code == 200 and g.content == part1 + part2
    c.close()
    rhelpers.count(SECTION, "second_server_refused")
    a.stop()
    assert rhelpers.data_dir_violations(a.data_dir) == []
    # once the first server is gone, the directory is free again
    b = localoss(data_dir=a.data_dir)
    assert b.client().get(BUCKET, key).content == part1 + part2


def test_server_that_cannot_bind_does_not_sweep(localoss, localoss_binary, tmp_path):
    a = localoss()
    other = tmp_path / "other-data"
    (other / "tmp").mkdir(parents=True)
    leftover = other / "tmp" / "leftover-from-a-crash"
    leftover.write_bytes(b"unfinished")
    second = run_second_server(localoss_binary, other, port=a.port)
    assert second.returncode != 0, second
    assert "cannot listen" in second.stderr.decode("utf-8", "replace"), second.stderr
    assert leftover.exists(), "the sweep ran although the port could not be bound"
    rhelpers.count(SECTION, "bind_before_sweep")
