"""Bucket versioning through oss2 2.19.1 and alibabacloud-oss-v2: Put/GetBucketVersioning, version ids on writes,
reads and deletes by version, delete markers, ListObjectVersions, DeleteMultipleObjects with versions, multipart and
append under versioning.

Every expectation comes from versioning-and-object-features.md (§ numbers in comments), never from what the server
returned.
"""

import re
import time

import alibabacloud_oss_v2 as oss
import oss2
import pytest
from oss2.models import BatchDeleteObjectVersion, BatchDeleteObjectVersionList, BucketVersioningConfig

from conftest import make_oss2_bucket, unique_bucket_name
from localoss_helpers import MIN_PART_SIZE, raw_request

# §1.2: 64 characters of base64 with `.` and `_`, starting CAEQ.
VERSION_ID = re.compile(r"^CAEQ[A-Za-z0-9._]{60}$")


def set_versioning(bucket, status):
    config = BucketVersioningConfig()
    config.status = status
    bucket.put_bucket_versioning(config)


def delete_everything(bucket):
    """What every SDK suite does before DeleteBucket: every version and marker, by id."""
    key_marker = version_marker = ""
    while True:
        page = bucket.list_object_versions(key_marker=key_marker, versionid_marker=version_marker)
        items = [(v.key, v.versionid) for v in page.versions] + [(m.key, m.versionid) for m in page.delete_marker]
        for key, version in items:
            bucket.delete_object(key, params={"versionId": version})
        if not page.is_truncated:
            break
        key_marker, version_marker = page.next_key_marker, page.next_versionid_marker


@pytest.fixture
def vbucket(server, oss_auth, oss_session):
    """A fresh bucket with versioning Enabled; every version is deleted at teardown, then the bucket."""
    b = make_oss2_bucket(server.endpoint, unique_bucket_name("ver"), oss_auth, oss_session)
    b.create_bucket()
    yield b
    delete_everything(b)
    b.delete_bucket()


@pytest.fixture
def plain_bucket(server, oss_auth, oss_session):
    b = make_oss2_bucket(server.endpoint, unique_bucket_name("ver"), oss_auth, oss_session)
    b.create_bucket()
    yield b
    delete_everything(b)
    b.delete_bucket()


def enabled(bucket):
    set_versioning(bucket, "Enabled")
    return bucket


# ------------------------------------------------------------------ §1.1 the three states

def test_new_bucket_has_no_status_and_no_bucket_info_versioning(plain_bucket):
    assert plain_bucket.get_bucket_versioning().status is None
    assert plain_bucket.get_bucket_info().versioning_status is None
    r = raw_request(plain_bucket.endpoint, "GET", plain_bucket.bucket_name, query={"versioning": ""})
    assert r.status_code == 200 and b"<Status>" not in r.content and b"<VersioningConfiguration" in r.content


def test_enable_then_suspend(plain_bucket):
    set_versioning(plain_bucket, "Enabled")
    set_versioning(plain_bucket, "Enabled")  # the same state again is 200 too
    assert plain_bucket.get_bucket_versioning().status == "Enabled"
    assert plain_bucket.get_bucket_info().versioning_status == "Enabled"
    set_versioning(plain_bucket, "Suspended")
    assert plain_bucket.get_bucket_versioning().status == "Suspended"
    assert plain_bucket.get_bucket_info().versioning_status == "Suspended"


@pytest.mark.parametrize("status", [None, "Disabled"])
def test_bad_status_is_malformed_xml(plain_bucket, status):
    with pytest.raises(oss2.exceptions.ServerError) as info:
        set_versioning(plain_bucket, status)
    assert info.value.status == 400 and info.value.code == "MalformedXML"


def test_versioning_of_missing_bucket(server, oss_auth, oss_session):
    b = make_oss2_bucket(server.endpoint, unique_bucket_name("none"), oss_auth, oss_session)
    with pytest.raises(oss2.exceptions.NoSuchBucket):
        b.get_bucket_versioning()


def test_pyv2_versioning_round_trip(client, plain_bucket):
    name = plain_bucket.bucket_name
    r = client.get_bucket_versioning(oss.GetBucketVersioningRequest(bucket=name))
    assert r.version_status is None
    client.put_bucket_versioning(oss.PutBucketVersioningRequest(
        bucket=name, versioning_configuration=oss.VersioningConfiguration(status="Enabled")))
    assert client.get_bucket_versioning(oss.GetBucketVersioningRequest(bucket=name)).version_status == "Enabled"


# ------------------------------------------------------------------ §1.2/§1.3 version ids on writes

def test_unversioned_put_has_no_version_id(plain_bucket):
    r = plain_bucket.put_object("k", b"x")
    assert r.versionid is None
    assert plain_bucket.head_object("k").versionid is None
    r = plain_bucket.delete_object("k")
    assert r.versionid is None and not r.delete_marker


def test_every_write_gets_a_new_id(vbucket):
    enabled(vbucket)
    first = vbucket.put_object("k", b"one").versionid
    second = vbucket.put_object("k", b"two").versionid
    assert VERSION_ID.match(first) and VERSION_ID.match(second) and first != second
    assert vbucket.head_object("k").versionid == second
    assert vbucket.get_object("k", params={"versionId": first}).read() == b"one"
    assert vbucket.get_object("k").read() == b"two"
    copy = vbucket.copy_object(vbucket.bucket_name, "k", "c", params={"versionId": first})
    assert VERSION_ID.match(copy.versionid) and copy.versionid not in (first, second)
    assert copy.resp.headers["x-oss-copy-source-version-id"] == first
    assert vbucket.get_object("c").read() == b"one"


def test_pre_versioning_object_is_the_null_version(vbucket):
    vbucket.put_object("old", b"before")
    enabled(vbucket)
    assert vbucket.head_object("old").versionid == "null"
    new = vbucket.put_object("old", b"after").versionid
    assert VERSION_ID.match(new)
    assert vbucket.get_object("old", params={"versionId": "null"}).read() == b"before"
    copy = vbucket.copy_object(vbucket.bucket_name, "old", "dst", params={"versionId": "null"})
    assert copy.resp.headers["x-oss-copy-source-version-id"] == "null"


def test_suspended_writes_replace_the_null_version(vbucket):
    enabled(vbucket)
    kept = vbucket.put_object("k", b"kept").versionid
    set_versioning(vbucket, "Suspended")
    assert vbucket.put_object("k", b"n1").versionid == "null"
    assert vbucket.put_object("k", b"n2").versionid == "null"
    versions = vbucket.list_object_versions(prefix="k").versions
    assert [(v.versionid, v.is_latest) for v in versions] == [("null", True), (kept, False)]
    assert vbucket.get_object("k").read() == b"n2"
    assert vbucket.get_object("k", params={"versionId": kept}).read() == b"kept"


def test_forbid_overwrite_is_ignored_when_versioned(vbucket):
    enabled(vbucket)
    vbucket.put_object("k", b"1")
    vbucket.put_object("k", b"2", headers={"x-oss-forbid-overwrite": "true"})
    assert vbucket.get_object("k").read() == b"2"


def test_forbid_overwrite_takes_only_true_or_false(plain_bucket):
    # §6.3: values true/false only; anything else is refused (EC 0017-00000279).
    r = raw_request(plain_bucket.endpoint, "PUT", plain_bucket.bucket_name, "k",
                    headers={"x-oss-forbid-overwrite": "abc"}, data=b"x")
    assert r.status_code == 400 and b"0017-00000279" in r.content
    assert not plain_bucket.object_exists("k")


# ------------------------------------------------------------------ §1.4 reading a version; errors

def test_version_errors(vbucket):
    enabled(vbucket)
    v1 = vbucket.put_object("k", b"1").versionid
    vbucket.delete_object("k", params={"versionId": v1})
    with pytest.raises(oss2.exceptions.ServerError) as info:
        vbucket.get_object("k", params={"versionId": v1})
    assert info.value.status == 404 and info.value.code == "NoSuchVersion"
    for bad in ["IllegalVersion", ""]:
        with pytest.raises(oss2.exceptions.ServerError) as info:
            vbucket.get_object("k", params={"versionId": bad})
        assert info.value.status == 400 and info.value.code == "InvalidArgument"
    with pytest.raises(oss2.exceptions.ServerError) as info:
        vbucket.copy_object(vbucket.bucket_name, "k", "c", params={"versionId": v1})
    assert info.value.code == "NoSuchVersion"


def test_delete_marker_reads(vbucket):
    enabled(vbucket)
    v1 = vbucket.put_object("k", b"data").versionid
    d = vbucket.delete_object("k")
    assert d.delete_marker is True and VERSION_ID.match(d.versionid) and d.versionid != v1
    # §1.4: current marker → 404 NoSuchKey with x-oss-delete-marker; marker by id → 405.
    with pytest.raises(oss2.exceptions.NoSuchKey) as info:
        vbucket.get_object("k")
    assert info.value.headers.get("x-oss-delete-marker") == "true"
    with pytest.raises(oss2.exceptions.NotFound):
        vbucket.head_object("k")
    with pytest.raises(oss2.exceptions.ServerError) as info:
        vbucket.get_object("k", params={"versionId": d.versionid})
    assert info.value.status == 405 and info.value.headers.get("x-oss-delete-marker") == "true"
    assert vbucket.get_object("k", params={"versionId": v1}).read() == b"data"
    assert vbucket.get_object_meta("k", params={"versionId": v1}).headers["x-oss-version-id"] == v1
    assert not vbucket.object_exists("k")
    assert [o.key for o in oss2.ObjectIterator(vbucket)] == []
    # Deleting the marker by id makes v1 current again.
    r = vbucket.delete_object("k", params={"versionId": d.versionid})
    assert r.versionid == d.versionid and r.delete_marker is True
    assert vbucket.get_object("k").read() == b"data"
    assert [o.key for o in oss2.ObjectIterator(vbucket)] == ["k"]


def test_version_acl(vbucket):
    enabled(vbucket)
    v1 = vbucket.put_object("k", b"1").versionid
    v2 = vbucket.put_object("k", b"2").versionid
    vbucket.put_object_acl("k", oss2.OBJECT_ACL_PUBLIC_READ, params={"versionId": v1})
    assert vbucket.get_object_acl("k", params={"versionId": v1}).acl == oss2.OBJECT_ACL_PUBLIC_READ
    assert vbucket.get_object_acl("k", params={"versionId": v2}).acl == oss2.OBJECT_ACL_DEFAULT
    assert vbucket.get_object_acl("k").acl == oss2.OBJECT_ACL_DEFAULT


def test_ranged_read_of_old_version(vbucket):
    enabled(vbucket)
    v1 = vbucket.put_object("k", b"0123456789").versionid
    vbucket.put_object("k", b"abcdefghij")
    r = vbucket.get_object("k", byte_range=(2, 4), params={"versionId": v1})
    assert r.read() == b"234" and r.versionid == v1


# ------------------------------------------------------------------ §1.6 DeleteObject

def test_delete_by_version_promotes_the_previous(vbucket):
    enabled(vbucket)
    v1 = vbucket.put_object("k", b"1").versionid
    v2 = vbucket.put_object("k", b"2").versionid
    r = vbucket.delete_object("k", params={"versionId": v2})
    assert r.versionid == v2 and not r.delete_marker
    assert vbucket.get_object("k").read() == b"1"
    assert vbucket.head_object("k").versionid == v1


def test_markers_stack_and_suspended_marker_is_null(vbucket):
    enabled(vbucket)
    vbucket.put_object("k", b"1")
    m1 = vbucket.delete_object("k").versionid
    m2 = vbucket.delete_object("k").versionid
    assert m1 != m2
    set_versioning(vbucket, "Suspended")
    r = vbucket.delete_object("k")
    assert r.delete_marker is True and r.versionid == "null"
    markers = vbucket.list_object_versions().delete_marker
    assert [m.versionid for m in markers] == ["null", m2, m1]


def test_version_null_delete_on_unversioned_bucket(plain_bucket):
    plain_bucket.put_object("k", b"1")
    r = plain_bucket.delete_object("k", params={"versionId": "null"})
    assert r.status == 204 and r.versionid is None and not r.delete_marker
    assert not plain_bucket.object_exists("k")


def test_delete_bucket_refused_while_versions_remain(vbucket):
    enabled(vbucket)
    vbucket.put_object("k", b"1")
    vbucket.delete_object("k")
    with pytest.raises(oss2.exceptions.BucketNotEmpty):
        vbucket.delete_bucket()


# ------------------------------------------------------------------ §1.8 ListObjectVersions

def test_worked_example_order(vbucket):
    enabled(vbucket)
    v1 = vbucket.put_object("a", b"1").versionid
    v2 = vbucket.put_object("a", b"2").versionid
    v3 = vbucket.put_object("b", b"3").versionid
    v4 = vbucket.delete_object("a").versionid
    v5 = vbucket.put_object("c/d", b"5").versionid
    v6 = vbucket.put_object("c/e", b"6").versionid
    r = vbucket.list_object_versions()
    assert [(v.key, v.versionid, v.is_latest) for v in r.versions] == [
        ("a", v2, False), ("a", v1, False), ("b", v3, True), ("c/d", v5, True), ("c/e", v6, True)]
    assert [(m.key, m.versionid, m.is_latest) for m in r.delete_marker] == [("a", v4, True)]
    r = vbucket.list_object_versions(max_keys=2)
    assert r.is_truncated and (r.next_key_marker, r.next_versionid_marker) == ("a", v2)
    r = vbucket.list_object_versions(key_marker="a", versionid_marker=v2, max_keys=2)
    assert [v.versionid for v in r.versions] == [v1, v3]
    assert (r.next_key_marker, r.next_versionid_marker) == ("b", v3)
    r = vbucket.list_object_versions(key_marker="a")
    assert [v.versionid for v in r.versions] == [v3, v5, v6] and not r.is_truncated
    r = vbucket.list_object_versions(delimiter="/")
    assert [v.versionid for v in r.versions] == [v2, v1, v3] and r.common_prefix == ["c/"]
    r = vbucket.list_object_versions(delimiter="/", key_marker="b", versionid_marker=v3)
    assert r.versions == [] and r.common_prefix == ["c/"]
    r = vbucket.list_object_versions(prefix="c/")
    assert [v.versionid for v in r.versions] == [v5, v6]
    # ListObjects shows current object versions only.
    assert [o.key for o in oss2.ObjectIterator(vbucket)] == ["b", "c/d", "c/e"]


def test_list_versions_argument_errors(vbucket):
    for kwargs in [dict(max_keys=1001), dict(prefix="p" * 1025), dict(key_marker="k" * 1025)]:
        with pytest.raises(oss2.exceptions.ServerError) as info:
            vbucket.list_object_versions(**kwargs)
        assert info.value.status == 400 and info.value.code == "InvalidArgument"
    r = raw_request(vbucket.endpoint, "GET", vbucket.bucket_name,
                    query={"versions": "", "version-id-marker": "null"})
    assert r.status_code == 400 and b"0012-00000106" in r.content


def test_unversioned_bucket_lists_null_versions(plain_bucket):
    plain_bucket.put_object("x", b"1")
    r = plain_bucket.list_object_versions()
    assert [(v.key, v.versionid, v.is_latest) for v in r.versions] == [("x", "null", True)]


def test_pyv2_paginator_and_url_encoding(client, vbucket):
    enabled(vbucket)
    name = vbucket.bucket_name
    ids = []
    for key in ["dir/a b", "dir/a b", "dir/c+d", "e"]:
        ids.append(client.put_object(oss.PutObjectRequest(bucket=name, key=key, body=b"x")).version_id)
    r = client.delete_object(oss.DeleteObjectRequest(bucket=name, key="e"))
    assert r.delete_marker is True and VERSION_ID.match(r.version_id)
    seen = []
    for page in client.list_object_versions_paginator(limit=2).iter_page(
            oss.ListObjectVersionsRequest(bucket=name)):
        assert page.max_keys == 2
        seen += [(v.key, v.version_id) for v in page.version or []]
        seen += [(m.key, m.version_id, "M") for m in page.delete_marker or []]
    assert (seen[:3] == [("dir/a b", ids[1]), ("dir/a b", ids[0]), ("dir/c+d", ids[2])])
    assert ("e", r.version_id, "M") in seen and ("e", ids[3]) in seen
    assert client.list_object_versions(oss.ListObjectVersionsRequest(bucket=name)).max_keys == 100


# ------------------------------------------------------------------ §1.7 DeleteMultipleObjects

def test_batch_delete_with_versions(vbucket):
    enabled(vbucket)
    v1 = vbucket.put_object("a", b"1").versionid
    vbucket.put_object("b", b"2")
    versions = BatchDeleteObjectVersionList()
    versions.append(BatchDeleteObjectVersion("a", v1))
    versions.append(BatchDeleteObjectVersion("b"))
    r = vbucket.delete_object_versions(versions)
    by_key = {d.key: d for d in r.delete_versions}
    assert by_key["a"].versionid == v1 and not by_key["a"].delete_marker
    assert by_key["b"].delete_marker is True and VERSION_ID.match(by_key["b"].delete_marker_versionid)
    assert not by_key["b"].versionid
    # The same request again succeeds (§1.7).
    vbucket.delete_object_versions(versions)
    bad = BatchDeleteObjectVersionList()
    bad.append(BatchDeleteObjectVersion("a", "234"))
    with pytest.raises(oss2.exceptions.ServerError) as info:
        vbucket.delete_object_versions(bad)
    assert info.value.status == 400 and info.value.code == "InvalidArgument"


def test_pyv2_batch_delete(client, vbucket):
    enabled(vbucket)
    name = vbucket.bucket_name
    v = client.put_object(oss.PutObjectRequest(bucket=name, key="k", body=b"x")).version_id
    r = client.delete_multiple_objects(oss.DeleteMultipleObjectsRequest(
        bucket=name, objects=[oss.DeleteObject(key="k", version_id=v), oss.DeleteObject(key="other")]))
    deleted = {d.key: d for d in r.deleted_objects}
    assert deleted["k"].version_id == v
    assert deleted["other"].delete_marker is True and VERSION_ID.match(deleted["other"].delete_marker_version_id)


# ------------------------------------------------------------------ §1.5 multipart and append

def test_multipart_creates_a_version_at_complete(vbucket):
    enabled(vbucket)
    upload = vbucket.init_multipart_upload("mp")
    part = vbucket.upload_part("mp", upload.upload_id, 1, b"p" * MIN_PART_SIZE)
    assert vbucket.list_object_versions().versions == []
    r = vbucket.complete_multipart_upload("mp", upload.upload_id, [oss2.models.PartInfo(1, part.etag)])
    assert VERSION_ID.match(r.versionid)
    assert vbucket.head_object("mp").versionid == r.versionid


def test_append_keeps_one_version(vbucket):
    enabled(vbucket)
    first = vbucket.append_object("ap", 0, b"123")
    second = vbucket.append_object("ap", 3, b"456")
    assert VERSION_ID.match(first.versionid) and second.versionid == first.versionid
    vbucket.delete_object("ap")
    fresh = vbucket.append_object("ap", 0, b"x")
    assert fresh.versionid != first.versionid
    assert vbucket.get_object("ap", params={"versionId": first.versionid}).read() == b"123456"
    # §1.5: versionId in the AppendObject URL is refused (EC 0016-00000504).
    r = raw_request(vbucket.endpoint, "POST", vbucket.bucket_name, "ap",
                    query={"append": None, "position": "1", "versionId": first.versionid}, data=b"y")
    assert r.status_code == 400 and b"0016-00000504" in r.content


def test_pyv2_versions_on_reads_writes_and_copies(client, vbucket):
    enabled(vbucket)
    name = vbucket.bucket_name
    v1 = client.put_object(oss.PutObjectRequest(bucket=name, key="k", body=b"first")).version_id
    v2 = client.put_object(oss.PutObjectRequest(bucket=name, key="k", body=b"second")).version_id
    assert VERSION_ID.match(v1) and VERSION_ID.match(v2) and v1 != v2
    # §1.4: GET/HEAD/GetObjectMeta by version; without one, the current version.
    got = client.get_object(oss.GetObjectRequest(bucket=name, key="k", version_id=v1))
    assert got.body.read() == b"first" and got.version_id == v1
    assert client.head_object(oss.HeadObjectRequest(bucket=name, key="k")).version_id == v2
    assert client.get_object_meta(oss.GetObjectMetaRequest(bucket=name, key="k", version_id=v1)).version_id == v1
    # §1.5: copying an old version onto its key promotes it.
    copied = client.copy_object(oss.CopyObjectRequest(
        bucket=name, key="k", source_bucket=name, source_key="k", source_version_id=v1))
    assert copied.source_version_id == v1 and VERSION_ID.match(copied.version_id)
    assert client.get_object(oss.GetObjectRequest(bucket=name, key="k")).body.read() == b"first"
    # §1.6: delete by version id.
    r = client.delete_object(oss.DeleteObjectRequest(bucket=name, key="k", version_id=v2))
    assert r.version_id == v2 and not r.delete_marker
    with pytest.raises(oss.exceptions.OperationError) as info:
        client.get_object(oss.GetObjectRequest(bucket=name, key="k", version_id=v2))
    assert info.value.unwrap().code == "NoSuchVersion"
    # §1.5: multipart and append under Enabled.
    uid = client.initiate_multipart_upload(oss.InitiateMultipartUploadRequest(bucket=name, key="mp")).upload_id
    part = client.upload_part(oss.UploadPartRequest(bucket=name, key="mp", upload_id=uid, part_number=1, body=b"x"))
    done = client.complete_multipart_upload(oss.CompleteMultipartUploadRequest(
        bucket=name, key="mp", upload_id=uid, complete_multipart_upload=oss.CompleteMultipartUpload(
            parts=[oss.UploadPart(part_number=1, etag=part.etag)])))
    assert VERSION_ID.match(done.version_id)
    first = client.append_object(oss.AppendObjectRequest(bucket=name, key="ap", position=0, body=b"123"))
    second = client.append_object(oss.AppendObjectRequest(bucket=name, key="ap", position=3, body=b"456"))
    assert VERSION_ID.match(first.version_id) and second.version_id == first.version_id


def test_snapshot_and_restore_keep_every_version(tmp_path):
    """A snapshot of the state (control plane) holds the noncurrent versions and delete markers too: a restore gives
    back the ListObjectVersions the snapshot saw, and the old versions' bytes."""
    import requests
    from conftest import LocalOSSServer, server_binary
    data = tmp_path / "data"
    data.mkdir()
    srv = LocalOSSServer(server_binary(), data, tmp_path / "server.log")
    srv.start()
    try:
        b = make_oss2_bucket(srv.endpoint, unique_bucket_name("vsn"))
        b.create_bucket()
        enabled(b)
        old = b.put_object("k", b"x" * 70_000).versionid  # above the inline limit: a blob file
        b.put_object("k", b"new")
        b.delete_object("k")

        def versions():
            r = b.list_object_versions()
            return ([(v.key, v.versionid, v.is_latest) for v in r.versions],
                    [(m.key, m.versionid, m.is_latest) for m in r.delete_marker])

        before = versions()
        assert requests.post(srv.endpoint + "/_localoss/snapshots/v", timeout=60).status_code == 201
        delete_everything(b)
        assert versions() == ([], [])
        assert requests.post(srv.endpoint + "/_localoss/snapshots/v/restore", timeout=60).status_code == 200
        assert versions() == before
        assert b.get_object("k", params={"versionId": old}).read() == b"x" * 70_000
        delete_everything(b)
        b.delete_bucket()
    finally:
        srv.stop()


def test_tags_belong_to_their_version(vbucket):
    # §1.4: tagging with versionId reads and writes that version's tags; each reply names the version.
    enabled(vbucket)
    v1 = vbucket.put_object("k", b"one", headers={"x-oss-tagging": "gen=1"}).versionid
    v2 = vbucket.put_object("k", b"two", headers={"x-oss-tagging": "gen=2"}).versionid
    old = vbucket.get_object_tagging("k", params={"versionId": v1})
    assert old.tag_set.tagging_rule == {"gen": "1"} and old.versionid == v1
    assert vbucket.get_object_tagging("k").tag_set.tagging_rule == {"gen": "2"}
    rule = oss2.models.TaggingRule()
    rule.add("state", "archived")
    put = vbucket.put_object_tagging("k", oss2.models.Tagging(rule), params={"versionId": v1})
    assert put.versionid == v1
    assert vbucket.get_object_tagging("k", params={"versionId": v1}).tag_set.tagging_rule == {"state": "archived"}
    assert vbucket.get_object_tagging("k").tag_set.tagging_rule == {"gen": "2"}
    # Deleting the current version for good brings v1 back as current, with its own tags.
    vbucket.delete_object("k", params={"versionId": v2})
    assert vbucket.get_object_tagging("k").tag_set.tagging_rule == {"state": "archived"}
    gone = vbucket.delete_object_tagging("k", params={"versionId": v1})
    assert gone.status == 204 and gone.versionid == v1
    assert vbucket.get_object_tagging("k").tag_set.tagging_rule == {}


def test_pyv2_tagging_of_a_noncurrent_version(client, vbucket):
    enabled(vbucket)
    name = vbucket.bucket_name
    v1 = client.put_object(oss.PutObjectRequest(bucket=name, key="k", body=b"1", tagging="a=1")).version_id
    client.put_object(oss.PutObjectRequest(bucket=name, key="k", body=b"2", tagging="a=2"))
    got = client.get_object_tagging(oss.GetObjectTaggingRequest(bucket=name, key="k", version_id=v1))
    assert [(t.key, t.value) for t in got.tag_set.tags] == [("a", "1")] and got.version_id == v1
    # An id of another key's version names no version of this one.
    other = client.put_object(oss.PutObjectRequest(bucket=name, key="other", body=b"o")).version_id
    with pytest.raises(oss.exceptions.OperationError) as info:
        client.get_object_tagging(oss.GetObjectTaggingRequest(bucket=name, key="k", version_id=other))
    assert info.value.unwrap().code == "NoSuchVersion"


def test_symlinks_are_versions(vbucket):
    # §1.5: PutSymlink is a write like any other: a new version, its id in the reply; GetSymlink by version.
    enabled(vbucket)
    vbucket.put_object("a", b"A")
    vbucket.put_object("b", b"B")
    first = vbucket.put_symlink("a", "link")
    second = vbucket.put_symlink("b", "link")
    assert VERSION_ID.match(first.versionid) and VERSION_ID.match(second.versionid)
    assert first.versionid != second.versionid
    assert vbucket.get_symlink("link", params={"versionId": first.versionid}).target_key == "a"
    assert vbucket.get_symlink("link").target_key == "b"
    assert vbucket.get_object("link").read() == b"B"
    assert vbucket.get_object("link", params={"versionId": first.versionid}).read() == b"A"
    listed = [v.versionid for v in vbucket.list_object_versions(prefix="link").versions]
    assert listed == [second.versionid, first.versionid]


def test_list_versions_carries_restore_info(plain_bucket):
    # Archive objects being restored show RestoreInfo in ListObjectVersions as in ListObjects (oss2's own suite).
    plain_bucket.put_object("cold", b"a", headers={"x-oss-storage-class": "Archive"})
    plain_bucket.put_object("warm", b"b")
    plain_bucket.restore_object("cold")
    versions = {v.key: v for v in plain_bucket.list_object_versions().versions}
    assert versions["cold"].restore_info == 'ongoing-request="true"'
    assert versions["warm"].restore_info is None
