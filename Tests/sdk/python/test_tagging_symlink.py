"""Object tagging, bucket tags, symlinks, x-oss-object-type and x-oss-traffic-limit through oss2 and
alibabacloud-oss-v2.

Every expectation comes from versioning-and-object-features.md (§ numbers in comments) and the OSS API reference,
never from what the server returned.
"""

import time

import alibabacloud_oss_v2 as oss
import oss2
import pytest
from oss2.models import Tagging, TaggingRule

from conftest import make_oss2_bucket, unique_bucket_name, cleanup_bucket
from localoss_helpers import (ACCESS_KEY_ID, ACCESS_KEY_SECRET, assert_error, assert_oss_error, assert_service_error,
                              md5_hex, quoted_etag, raw_request, rand)

KiB = 1024


def tagging(**pairs):
    rule = TaggingRule()
    for k, v in pairs.items():
        rule.add(k, v)
    return Tagging(rule)


def tags_of(bucket, key, **kw):
    return bucket.get_object_tagging(key, **kw).tag_set.tagging_rule


def raw_tagging_body(pairs):
    body = "<Tagging><TagSet>" + "".join(
        "<Tag><Key>%s</Key><Value>%s</Value></Tag>" % (k, v) for k, v in pairs) + "</TagSet></Tagging>"
    return body.encode()


# §2.2 Put/Get/DeleteObjectTagging


def test_object_tagging_round_trip_oss2(bucket):
    bucket.put_object("t.txt", b"tagged")
    bucket.created_keys.add("t.txt")
    before = bucket.head_object("t.txt")
    assert "x-oss-tagging-count" not in before.headers
    assert tags_of(bucket, "t.txt") == {}
    bucket.put_object_tagging("t.txt", tagging(**{"k1": "v1", "k 2": "a+b-c=d.e_f:g/h", "empty": ""}))
    assert tags_of(bucket, "t.txt") == {"k1": "v1", "k 2": "a+b-c=d.e_f:g/h", "empty": ""}
    head = bucket.head_object("t.txt")
    assert head.headers["x-oss-tagging-count"] == "3"
    assert bucket.get_object("t.txt").headers["x-oss-tagging-count"] == "3"
    # Tagging never changes Last-Modified (PutObjectTagging reference).
    assert head.last_modified == before.last_modified
    # A PUT replaces the whole set.
    bucket.put_object_tagging("t.txt", tagging(only="one"))
    assert tags_of(bucket, "t.txt") == {"only": "one"}
    bucket.delete_object_tagging("t.txt")
    assert tags_of(bucket, "t.txt") == {}
    # DELETE ?tagging removed the tags, never the object.
    assert bucket.get_object("t.txt").read() == b"tagged"
    assert "x-oss-tagging-count" not in bucket.head_object("t.txt").headers


def test_object_tagging_unicode_and_order(bucket):
    bucket.put_object("u.txt", b"x")
    bucket.created_keys.add("u.txt")
    bucket.put_object_tagging("u.txt", tagging(**{"中文": "中文值", "b": "2", "a": "1"}))
    resp = raw_request(bucket.endpoint, "GET", bucket.bucket_name, "u.txt", query={"tagging": None})
    assert resp.status_code == 200
    body = resp.content.decode()
    assert body.index("中文") < body.index("<Key>b</Key>") < body.index("<Key>a</Key>")


def test_object_tagging_limits(bucket):
    bucket.put_object("lim.txt", b"x")
    bucket.created_keys.add("lim.txt")
    name = bucket.bucket_name
    cases = [
        [("k%d" % i, "v") for i in range(11)],  # more than 10 tags
        [("a" * 129, "v")],  # key too long
        [("k", "v" * 257)],  # value too long
        [("", "v")],  # empty key
        [("a", "b"), ("a", "c")],  # duplicate key
        [("%@abc", "v")],  # bad character in the key
        [("k", "%abc")],  # bad character in the value
    ]
    for pairs in cases:
        resp = raw_request(bucket.endpoint, "PUT", name, "lim.txt", query={"tagging": None},
                           data=raw_tagging_body(pairs))
        assert_error(resp, 400, "InvalidTag")
    ok = [("k%d" % i, "v") for i in range(10)] + []
    resp = raw_request(bucket.endpoint, "PUT", name, "lim.txt", query={"tagging": None}, data=raw_tagging_body(ok))
    assert resp.status_code == 200
    resp = raw_request(bucket.endpoint, "PUT", name, "lim.txt", query={"tagging": None},
                       data=raw_tagging_body([("a" * 128, "v" * 256)]))
    assert resp.status_code == 200
    resp = raw_request(bucket.endpoint, "PUT", name, "lim.txt", query={"tagging": None}, data=b"<Other/>")
    assert_error(resp, 400, "MalformedXML")


def test_object_tagging_errors(bucket):
    assert_oss_error(404, "NoSuchKey", bucket.get_object_tagging, "missing")
    assert_oss_error(404, "NoSuchKey", bucket.put_object_tagging, "missing", tagging(a="b"))
    assert_oss_error(404, "NoSuchKey", bucket.delete_object_tagging, "missing")
    gone = make_oss2_bucket(bucket.endpoint, unique_bucket_name("gone"))
    e = assert_oss_error(404, "NoSuchBucket", gone.get_object_tagging, "k")
    assert e.ec == "0015-00000101"


def test_object_tagging_v2(client, bucket):
    b = bucket.bucket_name
    client.put_object(oss.PutObjectRequest(bucket=b, key="v2.txt", body=b"v2"))
    bucket.created_keys.add("v2.txt")
    client.put_object_tagging(oss.PutObjectTaggingRequest(
        bucket=b, key="v2.txt", tagging=oss.Tagging(tag_set=oss.TagSet(tags=[
            oss.Tag(key="k1", value="v1"), oss.Tag(key="k2", value="v2")]))))
    got = client.get_object_tagging(oss.GetObjectTaggingRequest(bucket=b, key="v2.txt"))
    assert [(t.key, t.value) for t in got.tag_set.tags] == [("k1", "v1"), ("k2", "v2")]
    # No versioning: versionId=null is the current version (§1.4).
    got = client.get_object_tagging(oss.GetObjectTaggingRequest(bucket=b, key="v2.txt", version_id="null"))
    assert len(got.tag_set.tags) == 2
    head = client.head_object(oss.HeadObjectRequest(bucket=b, key="v2.txt"))
    assert head.tagging_count == 2
    assert client.get_object(oss.GetObjectRequest(bucket=b, key="v2.txt")).tagging_count == 2
    r = client.delete_object_tagging(oss.DeleteObjectTaggingRequest(bucket=b, key="v2.txt"))
    assert r.status_code == 204
    got = client.get_object_tagging(oss.GetObjectTaggingRequest(bucket=b, key="v2.txt"))
    assert not got.tag_set or not got.tag_set.tags
    assert client.get_object(oss.GetObjectRequest(bucket=b, key="v2.txt")).body.read() == b"v2"
    assert_service_error(400, "InvalidTag", client.put_object_tagging, oss.PutObjectTaggingRequest(
        bucket=b, key="v2.txt", tagging=oss.Tagging(tag_set=oss.TagSet(tags=[
            oss.Tag(key="k", value="a"), oss.Tag(key="k", value="b")]))))


# §2.3 x-oss-tagging on writes, §2.4 x-oss-tagging-directive


def test_put_object_with_tagging_header(bucket):
    rule = TaggingRule()
    rule.add("key1", "value1")
    rule.add("k+2", "+-/=:+:")
    rule.add("中文", "中文")
    bucket.put_object("h.txt", b"x", headers={"x-oss-tagging": rule.to_query_string()})
    bucket.created_keys.add("h.txt")
    assert tags_of(bucket, "h.txt") == {"key1": "value1", "k+2": "+-/=:+:", "中文": "中文"}
    # Go v1's QueryEscape form: space as '+'.
    bucket.put_object("g.txt", b"x", headers={"x-oss-tagging": "a+b=c+d&e=&f"})
    bucket.created_keys.add("g.txt")
    assert tags_of(bucket, "g.txt") == {"a b": "c d", "e": "", "f": ""}
    # A new object starts with no tags: overwriting drops the old ones.
    bucket.put_object("g.txt", b"y")
    assert tags_of(bucket, "g.txt") == {}
    for bad in ["aa=bb=cc", "&".join("k%d=v" % i for i in range(11)), "a=1&a=2", "%25abc=v"]:
        assert_oss_error(400, "InvalidTag", bucket.put_object, "bad.txt", b"x", headers={"x-oss-tagging": bad})
    assert_oss_error(404, "NoSuchKey", bucket.get_object, "bad.txt")


def test_copy_object_tagging_directive(bucket, client):
    bucket.put_object("src", b"source", headers={"x-oss-tagging": "a=1&b=2"})
    bucket.created_keys.update(["src", "copy", "repl", "none", "v2copy"])
    bucket.copy_object(bucket.bucket_name, "src", "copy")
    assert tags_of(bucket, "copy") == {"a": "1", "b": "2"}
    bucket.copy_object(bucket.bucket_name, "src", "repl",
                       headers={"x-oss-tagging-directive": "REPLACE", "x-oss-tagging": "c=3"})
    assert tags_of(bucket, "repl") == {"c": "3"}
    bucket.copy_object(bucket.bucket_name, "src", "none", headers={"x-oss-tagging-directive": "REPLACE"})
    assert tags_of(bucket, "none") == {}
    assert_oss_error(400, "InvalidArgument", bucket.copy_object, bucket.bucket_name, "src", "bad",
                     headers={"x-oss-tagging-directive": "MERGE"})
    r = client.copy_object(oss.CopyObjectRequest(bucket=bucket.bucket_name, key="v2copy",
                                                 source_bucket=bucket.bucket_name, source_key="src"))
    assert r.status_code == 200
    head = client.head_object(oss.HeadObjectRequest(bucket=bucket.bucket_name, key="v2copy"))
    assert head.tagging_count == 2
    assert head.object_type == "Normal"
    # The source keeps its tags.
    assert tags_of(bucket, "src") == {"a": "1", "b": "2"}


def test_multipart_with_tagging(bucket):
    key = "mp.bin"
    bucket.created_keys.add(key)
    assert_oss_error(400, "InvalidTag", bucket.init_multipart_upload, key,
                     headers={"x-oss-tagging": "&".join("k%d=v" % i for i in range(12))})
    upload = bucket.init_multipart_upload(key, headers={"x-oss-tagging": "p=1&q=2"})
    part = bucket.upload_part(key, upload.upload_id, 1, b"part one")
    bucket.complete_multipart_upload(key, upload.upload_id, [oss2.models.PartInfo(1, part.etag)])
    assert tags_of(bucket, key) == {"p": "1", "q": "2"}
    head = bucket.head_object(key)
    assert head.object_type == "Multipart"
    assert head.headers["x-oss-tagging-count"] == "2"


def test_append_object_with_tagging(bucket, client):
    bucket.created_keys.add("ap.log")
    r = bucket.append_object("ap.log", 0, b"one", headers={"x-oss-tagging": "a=1"})
    # Later appends ignore the header, even an invalid one (§2.3).
    bucket.append_object("ap.log", r.next_position, b"two",
                         headers={"x-oss-tagging": "&".join("k%d=v" % i for i in range(15))})
    assert tags_of(bucket, "ap.log") == {"a": "1"}
    assert bucket.get_object("ap.log").read() == b"onetwo"
    assert bucket.head_object("ap.log").object_type == "Appendable"
    bucket.created_keys.add("ap2.log")
    client.append_object(oss.AppendObjectRequest(bucket=bucket.bucket_name, key="ap2.log", position=0,
                                                 body=b"x", tagging="k=v&k2=v2"))
    assert client.head_object(oss.HeadObjectRequest(bucket=bucket.bucket_name, key="ap2.log")).tagging_count == 2


# §2.6 bucket tags and ListBuckets filters


def test_bucket_tags_oss2(bucket, server):
    assert bucket.get_bucket_tagging().tag_set.tagging_rule == {}
    bucket.put_bucket_tagging(tagging(**{"k1": "v1", "k2": "v2", "%@abc": "++123%"}))
    assert bucket.get_bucket_tagging().tag_set.tagging_rule == {"k1": "v1", "k2": "v2", "%@abc": "++123%"}
    bucket.delete_bucket_tagging(params={"tagging": "k1,%@abc"})
    assert bucket.get_bucket_tagging().tag_set.tagging_rule == {"k2": "v2"}
    bucket.delete_bucket_tagging()
    assert bucket.get_bucket_tagging().tag_set.tagging_rule == {}
    # DELETE /?tagging never deletes the bucket.
    assert bucket.get_bucket_info().name == bucket.bucket_name
    for pairs in [[("a" * 65, "v")], [("k", "v" * 129)], [("Aliyunk", "v")], [("http://k", "v")], [("", "v")]]:
        resp = raw_request(server.endpoint, "PUT", bucket.bucket_name, query={"tagging": None},
                           data=raw_tagging_body(pairs))
        assert_error(resp, 400, "InvalidTag")
    resp = raw_request(server.endpoint, "PUT", bucket.bucket_name, query={"tagging": None}, data=b"<Tagging/>")
    assert_error(resp, 400, "MalformedXML")
    gone = make_oss2_bucket(server.endpoint, unique_bucket_name("gone"))
    assert_oss_error(404, "NoSuchBucket", gone.get_bucket_tagging)


def test_bucket_tags_v2_and_list_filter(client, server):
    names = [unique_bucket_name("tag%d" % i) for i in range(3)]
    try:
        for i, name in enumerate(names):
            client.put_bucket(oss.PutBucketRequest(bucket=name))
            tags = [oss.Tag(key="env", value="dev" if i < 2 else "prod")]
            if i == 0:
                tags.append(oss.Tag(key="owner", value="me"))
            client.put_bucket_tags(oss.PutBucketTagsRequest(bucket=name, tagging=oss.Tagging(
                tag_set=oss.TagSet(tags=tags))))
        got = client.get_bucket_tags(oss.GetBucketTagsRequest(bucket=names[0]))
        assert [(t.key, t.value) for t in got.tagging.tag_set.tags] == [("env", "dev"), ("owner", "me")]

        def listed(**kw):
            result = client.list_buckets(oss.ListBucketsRequest(prefix="lopy-tag", **kw))
            return {b.name for b in result.buckets or []} & set(names)

        assert listed(tag_key="env") == set(names)
        assert listed(tag_key="env", tag_value="dev") == set(names[:2])
        assert listed(tag_key="owner") == {names[0]}
        assert listed(tag_key="env", tag_value="none") == set()
        service = oss2.Service(oss2.Auth(ACCESS_KEY_ID, ACCESS_KEY_SECRET), server.endpoint)
        found = service.list_buckets(prefix="lopy-tag", params={"tag-key": "env", "tag-value": "prod"}).buckets
        assert {b.name for b in found} & set(names) == {names[2]}
        r = client.delete_bucket_tags(oss.DeleteBucketTagsRequest(bucket=names[0]))
        assert r.status_code == 204
        got = client.get_bucket_tags(oss.GetBucketTagsRequest(bucket=names[0]))
        assert not got.tagging.tag_set or not got.tagging.tag_set.tags
    finally:
        for name in names:
            cleanup_bucket(server.endpoint, name)


# §3 symlinks


def test_symlink_oss2(bucket):
    bucket.put_object("target.txt", b"hello", headers={"Content-Type": "text/plain", "x-oss-meta-side": "target"})
    bucket.created_keys.update(["target.txt", "link", "dir/link 2"])
    bucket.put_symlink("target.txt", "link", headers={"x-oss-meta-side": "link", "x-oss-object-acl": "private"})
    got = bucket.get_symlink("link")
    assert got.target_key == "target.txt"
    # GET and HEAD follow the link: the target's bytes, length and ETag, the link's metadata (§3.3).
    obj = bucket.get_object("link")
    assert obj.read() == b"hello"
    assert obj.headers["ETag"] == quoted_etag(b"hello")
    assert obj.headers["x-oss-meta-side"] == "link"
    head = bucket.head_object("link")
    assert head.content_length == 5
    assert head.etag == md5_hex(b"hello").upper()
    assert head.object_type == "Symlink"
    assert head.content_type == "text/plain"
    # GetObjectMeta does not follow the link.
    meta = bucket.get_object_meta("link")
    assert meta.etag != head.etag
    # Keys that need encoding (oss2 quotes the target with no safe characters).
    bucket.put_symlink("dir/tárget ü+.txt", "dir/link 2")
    assert bucket.get_symlink("dir/link 2").target_key == "dir/tárget ü+.txt"
    # Listing: the link's own entry, Type Symlink.
    entries = {o.key: o for o in bucket.list_objects().object_list}
    assert entries["link"].type == "Symlink"
    assert entries["target.txt"].type == "Normal"
    # DELETE of the link leaves the target.
    bucket.delete_object("link")
    assert bucket.get_object("target.txt").read() == b"hello"
    assert_oss_error(404, "NoSuchKey", bucket.get_symlink, "link")


def test_symlink_edge_cases(bucket, server):
    bucket.put_object("plain", b"plain bytes")
    bucket.created_keys.update(["plain", "dangling", "l1", "l2", "copy-of-link", "over"])
    # The target need not exist at creation; reading then fails (EC 0026-00000012).
    bucket.put_symlink("nothing-here", "dangling")
    e = oss_error_of(bucket.get_object, "dangling")
    assert e.status == 404 and e.details.get("EC") == "0026-00000012"
    resp = raw_request(server.endpoint, "HEAD", bucket.bucket_name, "dangling")
    assert resp.status_code == 404 and resp.headers.get("x-oss-err")
    # A link to a link: 400 InvalidTargetType (EC 0026-00000011).
    bucket.put_symlink("plain", "l1")
    bucket.put_symlink("l1", "l2")
    e = assert_oss_error(400, "InvalidTargetType", bucket.get_object, "l2")
    assert e.ec == "0026-00000011"
    # GetSymlink of an object that is not a link fails.
    assert_oss_error(400, "NotSymlink", bucket.get_symlink, "plain")
    # Copying a link copies the link, not the target's bytes.
    bucket.copy_object(bucket.bucket_name, "l1", "copy-of-link")
    assert bucket.get_symlink("copy-of-link").target_key == "plain"
    assert bucket.get_object("copy-of-link").read() == b"plain bytes"
    # Appending to a link fails; a PutObject over a link replaces it.
    assert_oss_error(409, "ObjectNotAppendable", bucket.append_object, "l1", 0, b"x")
    bucket.put_symlink("plain", "over")
    bucket.put_object("over", b"now normal")
    assert bucket.head_object("over").object_type == "Normal"
    # forbid-overwrite refuses an existing key.
    assert_oss_error(409, "FileAlreadyExists", bucket.put_symlink, "plain", "l1",
                     headers={"x-oss-forbid-overwrite": "true"})
    # Tags belong to the link itself; 15 tags fail, 9 succeed.
    assert_oss_error(400, "InvalidTag", bucket.put_symlink, "plain", "l1",
                     headers={"x-oss-tagging": "&".join("k%d=v" % i for i in range(15))})
    bucket.put_symlink("plain", "l1", headers={"x-oss-tagging": "&".join("k%d=v" % i for i in range(9))})
    assert len(tags_of(bucket, "l1")) == 9
    assert tags_of(bucket, "plain") == {}
    resp = raw_request(server.endpoint, "PUT", bucket.bucket_name, "l9", query={"symlink": None})
    assert_error(resp, 400, "MissingArgument")


def oss_error_of(fn, *args):
    with pytest.raises(oss2.exceptions.OssError) as ei:
        fn(*args)
    return ei.value


def test_symlink_v2(client, bucket):
    b = bucket.bucket_name
    client.put_object(oss.PutObjectRequest(bucket=b, key="t2", body=b"target two"))
    bucket.created_keys.update(["t2", "l2"])
    r = client.put_symlink(oss.PutSymlinkRequest(bucket=b, key="l2", target="t2", metadata={"who": "link"},
                                                 storage_class="IA"))
    assert r.status_code == 200
    got = client.get_symlink(oss.GetSymlinkRequest(bucket=b, key="l2"))
    assert got.target == "t2"
    assert got.metadata.get("who") == "link"
    head = client.head_object(oss.HeadObjectRequest(bucket=b, key="l2"))
    assert head.content_length == len(b"target two")
    assert head.object_type == "Symlink"
    assert head.metadata.get("who") == "link"
    assert client.get_object(oss.GetObjectRequest(bucket=b, key="l2")).body.read() == b"target two"
    listed = client.list_objects_v2(oss.ListObjectsV2Request(bucket=b))
    types = {o.key: (o.object_type, o.storage_class) for o in listed.contents}
    assert types["l2"] == ("Symlink", "IA")
    assert_service_error(404, "NoSuchKey", client.get_symlink, oss.GetSymlinkRequest(bucket=b, key="nope"))


# §6.2 x-oss-traffic-limit


def test_traffic_limit_validation(bucket, client):
    bucket.put_object("tl", b"x")
    bucket.created_keys.add("tl")
    for bad in ["abc", "819199", "838860801", "-1"]:
        e = assert_oss_error(400, "InvalidArgument", bucket.get_object, "tl",
                             headers={"x-oss-traffic-limit": bad})
        assert e.ec == "0004-00000502"
        assert_oss_error(400, "InvalidArgument", bucket.put_object, "tl2", b"x",
                         headers={"x-oss-traffic-limit": bad})
    assert_oss_error(400, "InvalidArgument", bucket.append_object, "tl3", 0, b"x",
                     headers={"x-oss-traffic-limit": "1"})
    assert_oss_error(400, "InvalidArgument", bucket.copy_object, bucket.bucket_name, "tl", "tl4",
                     headers={"x-oss-traffic-limit": "1"})
    up = bucket.init_multipart_upload("tl5")
    assert_oss_error(400, "InvalidArgument", bucket.upload_part, "tl5", up.upload_id, 1, b"x",
                     headers={"x-oss-traffic-limit": "1"})
    bucket.abort_multipart_upload("tl5", up.upload_id)
    # Header and query parameter together (EC 0004-00000501).
    e = assert_oss_error(400, "InvalidArgument", bucket.get_object, "tl",
                         headers={"x-oss-traffic-limit": "819200"}, params={"x-oss-traffic-limit": "819200"})
    assert e.ec == "0004-00000501"
    assert_service_error(400, "InvalidArgument", client.get_object,
                         oss.GetObjectRequest(bucket=bucket.bucket_name, key="tl", traffic_limit=100))
    # The limits themselves are accepted.
    assert bucket.get_object("tl", headers={"x-oss-traffic-limit": "838860800"}).read() == b"x"
    for name in ["tl2", "tl3", "tl4"]:
        assert_oss_error(404, "NoSuchKey", bucket.get_object, name)


def test_traffic_limit_paces_get_and_put(bucket, client):
    # 819200 bit/s is 100 KiB/s: 160 KiB take at least 1.6 s each way (minus the first chunk's head start).
    data = rand(160 * KiB)
    bucket.created_keys.update(["slow", "fast"])
    start = time.monotonic()
    bucket.put_object("slow", data, headers={"x-oss-traffic-limit": "819200"})
    put_seconds = time.monotonic() - start
    start = time.monotonic()
    got = client.get_object(oss.GetObjectRequest(bucket=bucket.bucket_name, key="slow", traffic_limit=819200))
    assert got.body.read() == data
    get_seconds = time.monotonic() - start
    start = time.monotonic()
    bucket.put_object("fast", data)
    assert bucket.get_object("fast").read() == data
    unlimited = time.monotonic() - start
    assert 1.4 <= put_seconds < 4, put_seconds
    assert 1.4 <= get_seconds < 4, get_seconds
    assert unlimited < 1, unlimited
    # Presigned URLs carry the limit as a (signed) query parameter.
    url = bucket.sign_url("GET", "slow", 60, params={"x-oss-traffic-limit": "8192000"})
    import requests
    start = time.monotonic()
    resp = requests.get(url, timeout=30)
    assert resp.status_code == 200 and resp.content == data
    assert 0.09 <= time.monotonic() - start < 2


def test_anonymous_read_through_a_link_needs_both_acls(server, bucket):
    # PutSymlink reference: reading through a link checks the link's and the target's ACL.
    bucket.put_object("private-target", b"secret")
    bucket.put_object("public-target", b"open")
    bucket.created_keys.update(["private-target", "public-target", "to-private", "to-public"])
    bucket.put_symlink("private-target", "to-private", headers={"x-oss-object-acl": "public-read"})
    bucket.put_symlink("public-target", "to-public", headers={"x-oss-object-acl": "public-read"})
    bucket.put_object_acl("public-target", oss2.OBJECT_ACL_PUBLIC_READ)
    anonymous = oss2.Bucket(oss2.AnonymousAuth(), server.endpoint, bucket.bucket_name)
    assert anonymous.get_object("to-public").read() == b"open"
    assert_oss_error(403, "AccessDenied", anonymous.get_object, "to-private")
    assert anonymous.get_symlink("to-private").target_key == "private-target"
