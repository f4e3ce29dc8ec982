"""Control-plane capabilities; each test skips while the server lacks its endpoint and runs once it exists."""

import datetime

import oss2
import pytest

from conftest import new_bucket, require_endpoint

SERVICE_UNAVAILABLE = {"type": "error", "status": 503, "code": "ServiceUnavailable"}


def test_metrics_are_prometheus_text(localoss):
    require_endpoint(localoss, "metrics")
    new_bucket(localoss)
    text = localoss.metrics()
    assert text.strip()
    assert any(line.startswith("# TYPE ") for line in text.splitlines())


def test_error_fault_then_successful_retry(localoss):
    require_endpoint(localoss, "faults")
    bucket = new_bucket(localoss)
    fault = localoss.faults.add(match={"operation": "PutObject", "bucket": bucket.bucket_name},
                                action=SERVICE_UNAVAILABLE, times=1)
    assert fault.id
    assert [str(f["id"]) for f in localoss.faults.list()] == [fault.id]
    with pytest.raises(oss2.exceptions.OssError) as raised:
        bucket.put_object("k", b"first try")
    assert raised.value.status == 503
    bucket.put_object("k", b"retry")
    assert bucket.get_object("k").read() == b"retry"
    assert fault.hits == 1
    fault.remove()
    assert localoss.faults.list() == []


def test_faults_clear(localoss):
    require_endpoint(localoss, "faults")
    localoss.faults.add(match={"operation": "GetObject"}, action=SERVICE_UNAVAILABLE)
    localoss.faults.add(match={"operation": "PutObject", "key_prefix": "a/"}, action=SERVICE_UNAVAILABLE)
    assert len(localoss.faults.list()) == 2
    localoss.faults.clear()
    assert localoss.faults.list() == []


def test_journal_counts_three_puts(localoss):
    require_endpoint(localoss, "requests/count")
    bucket = new_bucket(localoss)
    localoss.clear_requests()
    for i in range(3):
        bucket.put_object(f"k{i}", b"x")
    bucket.get_object("k0").read()
    assert localoss.count_requests(operation="PutObject", bucket=bucket.bucket_name) == 3
    assert localoss.count_requests(bucket=bucket.bucket_name, key="k1") == 1


def test_journal_lists_requests(localoss):
    require_endpoint(localoss, "requests")
    bucket = new_bucket(localoss)
    localoss.clear_requests()
    bucket.put_object("a/1", b"abc")
    entries = localoss.requests(operation="PutObject", key_prefix="a/")
    assert [(e["bucket"], e["key"], e["status"]) for e in entries] == [(bucket.bucket_name, "a/1", 200)]
    localoss.clear_requests()
    assert localoss.requests(bucket=bucket.bucket_name) == []


def test_reset_empties_buckets(localoss):
    require_endpoint(localoss, "reset")
    kept, emptied = new_bucket(localoss), new_bucket(localoss)
    kept.put_object("k", b"v")
    emptied.put_object("k", b"v")
    localoss.reset(bucket=emptied.bucket_name)
    assert kept.get_object("k").read() == b"v"
    with pytest.raises((oss2.exceptions.NoSuchKey, oss2.exceptions.NoSuchBucket)):
        emptied.get_object("k")
    localoss.reset()
    with pytest.raises((oss2.exceptions.NoSuchKey, oss2.exceptions.NoSuchBucket)):
        kept.get_object("k")


def test_snapshot_and_restore(localoss):
    require_endpoint(localoss, "snapshots")
    bucket = new_bucket(localoss)
    bucket.put_object("k", b"before")
    localoss.snapshot("s1")
    bucket.put_object("k", b"after")
    bucket.put_object("extra", b"x")
    localoss.restore("s1")
    assert bucket.get_object("k").read() == b"before"
    assert not bucket.object_exists("extra")
    names = [s if isinstance(s, str) else s.get("name") for s in localoss.snapshots()]
    assert "s1" in names
    localoss.delete_snapshot("s1")
    assert "s1" not in [s if isinstance(s, str) else s.get("name") for s in localoss.snapshots()]


def test_clock_advance_moves_now(localoss):
    require_endpoint(localoss, "clock")
    before = localoss.clock.now()
    localoss.clock.advance(3600)
    moved = (localoss.clock.now() - before).total_seconds()
    assert 3600 <= moved < 3600 + 30


def test_clock_freeze_set_and_unfreeze(localoss):
    require_endpoint(localoss, "clock")
    when = datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    localoss.clock.freeze()
    localoss.clock.set(when)
    assert localoss.clock.state()["frozen"] is True
    assert localoss.clock.now() == when
    localoss.clock.unfreeze()
    localoss.clock.offset(0)
    assert abs((localoss.clock.now() - datetime.datetime.now(datetime.timezone.utc)).total_seconds()) < 30


# The two tests below share the session server, in this order: what the first leaves, the second must not see.
CLEANED = ("reset", "faults", "requests/count", "clock")


def test_shared_server_leaves_state_behind(localoss_server):
    server = localoss_server
    if not any(server.has_endpoint(path) for path in CLEANED):
        pytest.skip("this localoss has none of the endpoints the cleaning uses")
    new_bucket(server).put_object("left", b"behind")
    if server.has_endpoint("faults"):
        server.faults.add(match={"operation": "DeleteObject"}, action=SERVICE_UNAVAILABLE)
    if server.has_endpoint("clock"):
        server.clock.advance(86400)
        server.clock.freeze()


def test_shared_server_is_cleaned_before_each_test(localoss_server):
    server = localoss_server
    if not any(server.has_endpoint(path) for path in CLEANED):
        pytest.skip("this localoss has none of the endpoints the cleaning uses")
    if server.has_endpoint("requests/count"):  # first: the listing below is journaled
        assert server.count_requests() == 0
    if server.has_endpoint("reset"):
        auth = oss2.Auth(server.access_key_id, server.access_key_secret)
        for info in oss2.Service(auth, server.endpoint).list_buckets().buckets:
            assert oss2.Bucket(auth, server.endpoint, info.name).list_objects().object_list == []
    if server.has_endpoint("faults"):
        assert server.faults.list() == []
    if server.has_endpoint("clock"):
        state = server.clock.state()
        assert (state["frozen"], state["offsetSeconds"]) == (False, 0)
