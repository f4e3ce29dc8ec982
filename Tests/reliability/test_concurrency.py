"""Races on one upload, each client on its own connection (own requests.Session), released together by a barrier.

* 32 clients upload the same part number of one upload at once, each with different bytes: every one is answered 200
  with the ETag of its own bytes, ListParts then shows exactly one entry whose ETag and size are one client's, and the
  completed object equals that client's bytes (3 rounds).
* CompleteMultipartUpload racing AbortMultipartUpload on one upload (20 times): exactly one succeeds, the loser gets
  404 NoSuchUpload, and the object exists (with the parts' bytes) exactly when Complete won.
* Complete racing Complete, and UploadPart racing Abort / Complete (10 times each): same rules, nothing half-done.
* After all races the server is stopped and the data directory is checked: tmp/ empty, no unreferenced blob in
  blobs/, every row's blob present with its size.
"""

import os
import random
import threading

import rhelpers
from rhelpers import MIN_PART, multipart_etag, quoted_etag

BUCKET = "race-bucket"
CLIENTS = 32


def run_together(functions, timeout=90):
    """Run the callables on their own threads, released at once; returns their results (exceptions re-raised)."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)
    errors = [None] * len(functions)

    def body(i, fn):
        try:
            results[i] = fn(barrier)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors[i] = e

    threads = [threading.Thread(target=body, args=(i, fn), daemon=True) for i, fn in enumerate(functions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
        assert not t.is_alive(), "a racing client did not finish within %ds" % timeout
    for e in errors:
        if e is not None:
            raise e
    return results


def warmed_client(srv):
    """A client whose connection is already open (a cheap request), so the race starts at the barrier."""
    c = srv.client(timeout=60)
    r = c.request("GET", BUCKET, "", "max-keys=1")
    assert r.status_code == 200
    return c


def test_same_part_number_32_clients(localoss):
    srv = localoss()
    admin = srv.client()
    admin.create_bucket(BUCKET)
    rng = random.Random(int.from_bytes(os.urandom(4), "big"))
    for round_ in range(3):
        key = "same-part-%d" % round_
        upload_id = admin.initiate(BUCKET, key)
        datas = [rng.randbytes(MIN_PART + rng.randint(0, 200000)) for _ in range(CLIENTS)]
        clients = [warmed_client(srv) for _ in range(CLIENTS)]

        def uploader(i):
            def go(barrier):
                barrier.wait(30)
                r = clients[i].upload_part(BUCKET, key, upload_id, 7, datas[i])
                return r.status_code, r.headers.get("ETag"), r.content[:200]
            return go

        results = run_together([uploader(i) for i in range(CLIENTS)])
        for c in clients:
            c.close()
        for i, (status, etag, body) in enumerate(results):
            assert status == 200, (i, status, body)
            assert etag == quoted_etag(datas[i]), (i, etag)
        parts = admin.list_parts(BUCKET, key, upload_id)
        assert list(parts) == [7], parts
        etag, size = parts[7]
        winners = [i for i in range(CLIENTS) if quoted_etag(datas[i]) == etag]
        assert len(winners) == 1, "listed ETag %s matches %d clients' bytes" % (etag, len(winners))
        won = datas[winners[0]]
        assert size == len(won)
        r = admin.complete(BUCKET, key, upload_id, [(7, etag)])
        assert r.status_code == 200, r.content[:300]
        assert r.headers["ETag"] == multipart_etag([won])
        g = admin.get(BUCKET, key)
        assert g.status_code == 200 and g.content == won and g.headers["ETag"] == multipart_etag([won])
        rhelpers.count("concurrency", "same_part_rounds(32 clients)")
    admin.close()
    srv.stop()
    assert rhelpers.data_dir_violations(srv.data_dir) == []


def _upload_with_parts(admin, key, rng):
    upload_id = admin.initiate(BUCKET, key)
    datas = [rng.randbytes(MIN_PART + rng.randint(0, 5000)), rng.randbytes(rng.randint(1, 50000))]
    for n, d in enumerate(datas, 1):
        r = admin.upload_part(BUCKET, key, upload_id, n, d)
        assert r.status_code == 200, r.content[:200]
    return upload_id, datas


def test_complete_abort_and_part_races(localoss):
    srv = localoss()
    admin = srv.client()
    admin.create_bucket(BUCKET)
    rng = random.Random(int.from_bytes(os.urandom(4), "big"))
    outcomes = {"complete_won": 0, "abort_won": 0}

    # Complete racing Abort
    for i in range(20):
        key = "complete-vs-abort-%d" % i
        upload_id, datas = _upload_with_parts(admin, key, rng)
        listing = [(n, quoted_etag(d)) for n, d in enumerate(datas, 1)]
        a, b = warmed_client(srv), warmed_client(srv)

        def completer(barrier):
            barrier.wait(30)
            r = a.complete(BUCKET, key, upload_id, listing)
            return r.status_code, rhelpers.error_code(r.content) if r.status_code != 200 else None

        def aborter(barrier):
            barrier.wait(30)
            r = b.abort(BUCKET, key, upload_id)
            return r.status_code, rhelpers.error_code(r.content) if r.status_code != 204 else None

        fns = [completer, aborter] if i % 2 == 0 else [aborter, completer]
        res = run_together(fns)
        c_res, a_res = (res[0], res[1]) if i % 2 == 0 else (res[1], res[0])
        a.close()
        b.close()
        g = admin.get(BUCKET, key)
        if c_res[0] == 200:
            assert a_res == (404, "NoSuchUpload"), (c_res, a_res)
            assert g.status_code == 200 and g.content == b"".join(datas)
            assert g.headers["ETag"] == multipart_etag(datas)
            outcomes["complete_won"] += 1
        else:
            assert c_res == (404, "NoSuchUpload"), (c_res, a_res)
            assert a_res[0] == 204, (c_res, a_res)
            assert g.status_code == 404
            outcomes["abort_won"] += 1
        assert admin.list_parts(BUCKET, key, upload_id) is None
        rhelpers.count("concurrency", "complete_vs_abort")

    # Complete racing Complete
    for i in range(10):
        key = "complete-vs-complete-%d" % i
        upload_id, datas = _upload_with_parts(admin, key, rng)
        listing = [(n, quoted_etag(d)) for n, d in enumerate(datas, 1)]
        cs = [warmed_client(srv), warmed_client(srv)]

        def completer(j):
            def go(barrier):
                barrier.wait(30)
                r = cs[j].complete(BUCKET, key, upload_id, listing)
                return r.status_code, rhelpers.error_code(r.content) if r.status_code != 200 else None
            return go

        res = run_together([completer(0), completer(1)])
        for c in cs:
            c.close()
        assert sorted(res, key=lambda x: x[0]) == [(200, None), (404, "NoSuchUpload")], res
        g = admin.get(BUCKET, key)
        assert g.status_code == 200 and g.content == b"".join(datas)
        rhelpers.count("concurrency", "complete_vs_complete")

    # UploadPart racing Abort, and UploadPart racing Complete (of the other parts)
    for i in range(20):
        versus = "abort" if i % 2 == 0 else "complete"
        key = "part-vs-%s-%d" % (versus, i)
        upload_id, datas = _upload_with_parts(admin, key, rng)
        extra = rng.randbytes(MIN_PART + rng.randint(0, 300000))
        a, b = warmed_client(srv), warmed_client(srv)

        def part(barrier):
            barrier.wait(30)
            r = a.upload_part(BUCKET, key, upload_id, 3, extra)
            return r.status_code, rhelpers.error_code(r.content) if r.status_code != 200 else None

        def other(barrier):
            barrier.wait(30)
            if versus == "abort":
                r = b.abort(BUCKET, key, upload_id)
            else:
                r = b.complete(BUCKET, key, upload_id, [(n, quoted_etag(d)) for n, d in enumerate(datas, 1)])
            return r.status_code, rhelpers.error_code(r.content) if r.status_code >= 300 else None

        p_res, o_res = run_together([part, other])
        a.close()
        b.close()
        assert o_res[0] in (200, 204), (p_res, o_res)
        assert p_res in ((200, None), (404, "NoSuchUpload")), (p_res, o_res)
        assert admin.list_parts(BUCKET, key, upload_id) is None
        if versus == "complete":
            g = admin.get(BUCKET, key)
            assert g.status_code == 200 and g.content == b"".join(datas)
        rhelpers.count("concurrency", "part_vs_" + versus)

    rhelpers.count("concurrency", "complete_vs_abort:complete_won", outcomes["complete_won"])
    rhelpers.count("concurrency", "complete_vs_abort:abort_won", outcomes["abort_won"])
    assert admin.list_uploads(BUCKET) == set()
    admin.close()
    srv.stop()
    violations = rhelpers.data_dir_violations(srv.data_dir)
    assert violations == [], violations
