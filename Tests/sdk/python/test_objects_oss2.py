"""Object API through oss2 2.19.1: listing iterators, CopyObject, DeleteMultipleObjects, AppendObject, ranged and
conditional GetObject, response-* overrides, HeadObject / GetObjectMeta / object_exists, PutObject with
forbid-overwrite, resumable download, ListBuckets paging (plus raw requests where oss2 hides the wire).

Every expectation comes from objects-and-buckets.md (section numbers in comments) and wire-and-auth.md, never from
what the server happened to return.
"""

import email.utils
import hashlib
import time
import uuid

import oss2
import pytest
import requests
from oss2.models import PartInfo

from conftest import cleanup_bucket, make_oss2_bucket, unique_bucket_name
from localoss_helpers import oss_error, assert_oss_error
from localoss_helpers import (HTTP_GMT_RE, ISO8601_MS_RE, MIN_PART_SIZE, assert_error, child_text, crc64, md5_b64,
                              multipart_etag, parse_error, quoted_etag, rand, raw_request, url_encode_key, xml_root)

KiB = 1024


def put(bucket, key, data, headers=None):
    r = bucket.put_object(key, data, headers=headers)
    bucket.created_keys.add(key)
    return r


def get_bytes(bucket, key):
    return bucket.get_object(key).read()


def http_date(ts):
    return email.utils.formatdate(ts, usegmt=True)


def make_multipart_object(bucket, key, bodies):
    uid = bucket.init_multipart_upload(key).upload_id
    parts = []
    for n, body in enumerate(bodies, 1):
        r = bucket.upload_part(key, uid, n, body)
        parts.append(PartInfo(n, r.etag, size=len(body), part_crc=r.crc))
    bucket.complete_multipart_upload(key, uid, parts)
    bucket.created_keys.add(key)
    return b"".join(bodies)


# ------------------------------------------------------------------ §4 listing through the iterators

TREE = ["a", "a/b", "a/c/d", "b", "b/x", "c"]


def test_object_iterator_delimiter_small_max_keys(bucket):
    for k in TREE:
        put(bucket, k, k.encode())
    # §4 worked example, paged one entry at a time: every common prefix exactly once, in byte order.
    seen = [(o.key, o.is_prefix()) for o in oss2.ObjectIterator(bucket, delimiter="/", max_keys=1)]
    assert seen == [("a", False), ("a/", True), ("b", False), ("b/", True), ("c", False)]
    seen = [(o.key, o.is_prefix()) for o in oss2.ObjectIterator(bucket, delimiter="/", max_keys=2)]
    assert seen == [("a", False), ("a/", True), ("b", False), ("b/", True), ("c", False)]
    seen = [(o.key, o.is_prefix()) for o in oss2.ObjectIterator(bucket, prefix="a/", delimiter="/", max_keys=1)]
    assert seen == [("a/b", False), ("a/c/", True)]
    assert [o.key for o in oss2.ObjectIterator(bucket, max_keys=2)] == TREE
    assert [o.key for o in oss2.ObjectIterator(bucket, marker="a/b")] == ["a/c/d", "b", "b/x", "c"]
    now = time.time()
    for o in oss2.ObjectIterator(bucket, prefix="a/c"):
        assert o.key == "a/c/d"
        assert o.size == len(b"a/c/d")
        assert o.etag == hashlib.md5(b"a/c/d").hexdigest().upper()   # oss2 strips the quotes
        assert o.type == "Normal"
        assert o.storage_class == "Standard"
        assert abs(o.last_modified - now) < 300
        assert o.owner is not None and o.owner.id and o.owner.display_name   # v1 always carries Owner (§4)


def test_list_objects_single_pages(bucket):
    for k in TREE:
        put(bucket, k, k.encode())
    r = bucket.list_objects(delimiter="/", max_keys=2)        # §4 table row delimiter=/&max-keys=2
    assert [o.key for o in r.object_list] == ["a"]
    assert r.prefix_list == ["a/"]
    assert r.is_truncated is True and r.next_marker == "a/"
    r = bucket.list_objects(delimiter="/", marker="a/", max_keys=2)
    assert [o.key for o in r.object_list] == ["b"] and r.prefix_list == ["b/"]
    assert r.is_truncated is True and r.next_marker == "b/"
    r = bucket.list_objects(delimiter="/", marker="b/")
    assert [o.key for o in r.object_list] == ["c"] and r.prefix_list == []
    assert r.is_truncated is False


def test_object_iterator_encoded_keys(bucket):
    keys = ["dir a/文件 1.txt", "dir a/b+c.txt", "x%y&z<>'\".txt", "中文+_)(*&^%$#@!前缀/1", "中文+_)(*&^%$#@!前缀/2"]
    for k in keys:
        put(bucket, k, b"x")
    assert [o.key for o in oss2.ObjectIterator(bucket, max_keys=1)] == sorted(keys, key=lambda s: s.encode())
    got = [(o.key, o.is_prefix()) for o in oss2.ObjectIterator(bucket, delimiter="/", max_keys=1)]
    assert got == [("dir a/", True), ("x%y&z<>'\".txt", False), ("中文+_)(*&^%$#@!前缀/", True)]
    assert [o.key for o in oss2.ObjectIterator(bucket, prefix="中文+_)(*&^%$#@!前缀")] == keys[3:]
    assert [o.key for o in oss2.ObjectIteratorV2(bucket, prefix="dir a/", max_keys=1)] == ["dir a/b+c.txt",
                                                                                           "dir a/文件 1.txt"]


def test_object_iterator_v2(bucket):
    for k in TREE:
        put(bucket, k, k.encode())
    seen = [(o.key, o.is_prefix()) for o in oss2.ObjectIteratorV2(bucket, delimiter="/", max_keys=1)]
    assert seen == [("a", False), ("a/", True), ("b", False), ("b/", True), ("c", False)]
    assert [o.key for o in oss2.ObjectIteratorV2(bucket, max_keys=2)] == TREE
    # start-after is resent on every page by the iterator; the continuation token must take precedence (§4)
    assert [o.key for o in oss2.ObjectIteratorV2(bucket, start_after="a/b", max_keys=1)] == ["a/c/d", "b", "b/x", "c"]
    # Owner only with fetch-owner=true (§4)
    assert all(o.owner is None for o in oss2.ObjectIteratorV2(bucket, max_keys=3))
    owners = [o.owner for o in oss2.ObjectIteratorV2(bucket, fetch_owner=True, max_keys=3)]
    assert len(owners) == 6 and all(ow is not None and ow.id and ow.display_name for ow in owners)
    r = bucket.list_objects_v2(max_keys=4)
    assert r.is_truncated is True and r.next_continuation_token
    assert [o.key for o in r.object_list] == TREE[:4]
    r2 = bucket.list_objects_v2(continuation_token=r.next_continuation_token, max_keys=4)
    assert [o.key for o in r2.object_list] == TREE[4:] and r2.is_truncated is False


def test_list_objects_missing_bucket(server, oss_auth, oss_session):
    b = make_oss2_bucket(server.endpoint, unique_bucket_name("nob"), oss_auth, oss_session)
    assert_oss_error(404, "NoSuchBucket", b.list_objects)
    assert_oss_error(404, "NoSuchBucket", b.list_objects_v2)


# ------------------------------------------------------------------ §5 PutObject

def test_put_object_reply_and_forbid_overwrite(bucket):
    key = "put/forbid.txt"
    data = b"first version"
    r = put(bucket, key, data)
    assert r.status == 200
    assert r.etag == hashlib.md5(data).hexdigest().upper()
    assert r.crc == crc64(data)
    assert r.headers.get("Content-MD5") == md5_b64(data)
    assert r.request_id
    # x-oss-forbid-overwrite: true and the key exists -> 409 FileAlreadyExists; the object is unchanged
    e = assert_oss_error(409, "FileAlreadyExists", bucket.put_object, key, b"second",
                         headers={"x-oss-forbid-overwrite": "true"})
    assert e.request_id
    assert get_bytes(bucket, key) == data
    # false -> overwrite
    bucket.put_object(key, b"third", headers={"x-oss-forbid-overwrite": "false"})
    assert get_bytes(bucket, key) == b"third"
    # true on a new key -> created
    put(bucket, "put/new.txt", b"new", headers={"x-oss-forbid-overwrite": "true"})
    assert get_bytes(bucket, "put/new.txt") == b"new"


def test_put_object_content_md5_and_if_modified_since(bucket):
    key = "put/md5.bin"
    data = rand(1000)
    put(bucket, key, data, headers={"Content-MD5": md5_b64(data)})
    assert get_bytes(bucket, key) == data
    assert_oss_error(400, "InvalidDigest", bucket.put_object, key, b"other",
                     headers={"Content-MD5": md5_b64(b"not the body")})
    assert get_bytes(bucket, key) == data
    # If-Modified-Since on a PUT -> 400 NotImplemented (§5)
    assert_oss_error(400, "NotImplemented", bucket.put_object, key, b"zzz",
                     headers={"If-Modified-Since": http_date(time.time() - 3600)})
    assert get_bytes(bucket, key) == data


def test_put_object_content_type_not_guessed(server, bucket):
    key = "put/picture.jpg"
    resp = raw_request(server.endpoint, "PUT", bucket.bucket_name, key, data=b"\xff\xd8\xff")
    bucket.created_keys.add(key)
    assert resp.status_code == 200, resp.content
    assert bucket.head_object(key).content_type == "application/octet-stream"   # §5: no guessing from .jpg


def test_put_object_chunked(bucket):
    key = "put/chunked.bin"
    chunks = [rand(1000), rand(70000), rand(3)]
    r = put(bucket, key, iter(chunks))            # generator -> Transfer-Encoding: chunked
    data = b"".join(chunks)
    assert r.crc == crc64(data)
    assert get_bytes(bucket, key) == data


def test_put_overwrites_type_and_metadata(bucket):
    key = "put/retype.bin"
    bucket.append_object(key, 0, b"appendable", headers={"x-oss-meta-old": "1"})
    bucket.created_keys.add(key)
    assert bucket.head_object(key).object_type == "Appendable"
    bucket.put_object(key, b"normal now")
    h = bucket.head_object(key)
    assert h.object_type == "Normal"
    assert "x-oss-meta-old" not in h.headers
    assert "x-oss-next-append-position" not in h.headers


def test_object_names(server, bucket):
    """§1: 1-1023 bytes, not starting with a backslash; 400 InvalidObjectName otherwise."""
    ep, b = server.endpoint, bucket.bucket_name
    ok = "k" * 1021 + "é"                # 1023 bytes
    assert len(ok.encode()) == 1023
    resp = raw_request(ep, "PUT", b, ok, data=b"1")
    bucket.created_keys.add(ok)
    assert resp.status_code == 200, resp.content[:300]
    too_long = "中" * 341 + "k"          # 1024 bytes
    assert len(too_long.encode()) == 1024
    err = assert_error(raw_request(ep, "PUT", b, too_long, data=b"1"), 400, "InvalidObjectName")
    assert err["Message"] == "The Length of Object name must be less than 1024"
    err = assert_error(raw_request(ep, "PUT", b, "\\invalid-object-name", data=b"1"), 400, "InvalidObjectName")
    assert err["Message"].rstrip(".") == "The specified object is not valid"   # §1 quotes it without the period
    assert [o.key for o in oss2.ObjectIterator(bucket)] == [ok]


def test_put_object_storage_class_and_encryption(bucket):
    key = "put/ia.bin"
    put(bucket, key, b"infrequent", headers={"x-oss-storage-class": "IA", "x-oss-server-side-encryption": "AES256"})
    h = bucket.head_object(key)
    assert h.headers.get("x-oss-storage-class") == "IA"                    # stored, separate from metadata (§9)
    assert h.headers.get("x-oss-server-side-encryption") == "AES256"
    assert [(o.key, o.storage_class) for o in oss2.ObjectIterator(bucket, prefix="put/")] == [(key, "IA")]
    assert_oss_error(400, "InvalidArgument", bucket.put_object, "put/bogus", b"x",
                     headers={"x-oss-storage-class": "Bogus"})
    assert not bucket.object_exists("put/bogus")
    # invalid x-oss-server-side-encryption on a copy -> 400 (code UNVERIFIED, §5)
    e = oss_error(bucket.copy_object, bucket.bucket_name, key, "put/sse-copy",
                  headers={"x-oss-server-side-encryption": "invalid"})
    assert e.status == 400, (e.status, e.code)
    assert not bucket.object_exists("put/sse-copy")


def test_get_missing_bucket_error_body(server):
    resp = raw_request(server.endpoint, "GET", unique_bucket_name("gone"), "k")
    err = assert_error(resp, 404, "NoSuchBucket")
    assert err["Message"] == "The specified bucket does not exist."
    assert err.get("EC") == "0015-00000101"


def test_delete_bucket_with_objects_is_refused(server, oss_auth, oss_session):
    name = unique_bucket_name("ne")
    b = make_oss2_bucket(server.endpoint, name, oss_auth, oss_session)
    b.create_bucket()
    b.put_object("still-here", b"x")
    try:
        e = assert_oss_error(409, "BucketNotEmpty", b.delete_bucket)
        assert e.message == "The bucket you tried to delete is not empty."
        assert b.get_object("still-here").read() == b"x"
    finally:
        cleanup_bucket(server.endpoint, name, ["still-here"])


# ------------------------------------------------------------------ §5 CopyObject

SRC_HEADERS = {"Content-Type": "text/x-source", "Cache-Control": "max-age=7", "Content-Disposition": "inline",
               "Content-Language": "de", "x-oss-meta-origin": "source", "x-oss-meta-Mixed-Case": "MiXeD"}


def test_copy_object_copy_directive(bucket):
    src, dst = "copy/src dir/s+1 中文.txt", "copy/dst.txt"
    data = rand(5000)
    src_res = put(bucket, src, data, headers=SRC_HEADERS)
    r = bucket.copy_object(bucket.bucket_name, src, dst,
                           headers={"Content-Type": "text/x-ignored", "x-oss-meta-origin": "request",
                                    "x-oss-meta-extra": "ignored"})
    bucket.created_keys.add(dst)
    assert r.status == 200
    assert r.etag == src_res.etag                # Normal source: same bytes, same MD5 ETag (§5)
    assert r.crc == crc64(data)                  # x-oss-hash-crc64ecma on the copy reply (§5, go2 asserts it)
    h = bucket.head_object(dst)
    assert h.content_type == "text/x-source"     # COPY (default): from the source, request values ignored
    assert h.headers["Cache-Control"] == "max-age=7"
    assert h.headers["Content-Disposition"] == "inline"
    assert h.headers["Content-Language"] == "de"
    assert h.headers["x-oss-meta-origin"] == "source"
    assert h.headers["x-oss-meta-mixed-case"] == "MiXeD"
    assert "x-oss-meta-extra" not in h.headers
    assert h.object_type == "Normal"
    assert h.server_crc == crc64(data)
    assert h.etag == src_res.etag
    assert get_bytes(bucket, dst) == data
    assert get_bytes(bucket, src) == data


def test_copy_object_raw_reply(server, bucket):
    src, dst = "copy/raw-src", "copy/raw-dst"
    data = b"raw copy reply"
    put(bucket, src, data)
    resp = raw_request(server.endpoint, "PUT", bucket.bucket_name, dst,
                       headers={"x-oss-copy-source": "/%s/%s" % (bucket.bucket_name, src)})
    bucket.created_keys.add(dst)
    root = xml_root(resp, "CopyObjectResult")
    assert child_text(root, "ETag") == quoted_etag(data)
    assert ISO8601_MS_RE.match(child_text(root, "LastModified"))
    assert resp.headers.get("ETag") == quoted_etag(data)   # oss2's copy_object reads only the header
    assert resp.headers.get("x-oss-hash-crc64ecma") == str(crc64(data))


def test_copy_object_replace_directive(bucket):
    src, dst = "copy/r-src.txt", "copy/r-dst.txt"
    data = rand(300)
    put(bucket, src, data, headers=SRC_HEADERS)
    bucket.copy_object(bucket.bucket_name, src, dst,
                       headers={"x-oss-metadata-directive": "REPLACE", "Content-Type": "text/x-new",
                                "x-oss-meta-fresh": "yes"})
    bucket.created_keys.add(dst)
    h = bucket.head_object(dst)
    assert h.content_type == "text/x-new"
    assert h.headers.get("x-oss-meta-fresh") == "yes"
    assert "x-oss-meta-origin" not in h.headers
    assert "Cache-Control" not in h.headers and "Content-Disposition" not in h.headers
    assert get_bytes(bucket, dst) == data
    # REPLACE without Content-Type keeps the source's: oss2 tests/test_crypto_object.py
    # test_copy_crypto_object_with_replace_meta (a REPLACE copy sent without Content-Type is still
    # application/javascript); objects-and-buckets.md §5's "application/octet-stream" has no source for this case.
    dst2 = "copy/r-dst2"
    bucket.copy_object(bucket.bucket_name, src, dst2, headers={"x-oss-metadata-directive": "REPLACE"})
    bucket.created_keys.add(dst2)
    assert bucket.head_object(dst2).content_type == "text/x-source"
    assert "x-oss-meta-origin" not in bucket.head_object(dst2).headers
    # the source is untouched
    hs = bucket.head_object(src)
    assert hs.content_type == "text/x-source" and hs.headers["x-oss-meta-origin"] == "source"


def test_update_object_meta_self_copy(bucket):
    key = "copy/self.txt"
    data = b"self copy keeps the bytes"
    put(bucket, key, data, headers=SRC_HEADERS)
    r = bucket.update_object_meta(key, {"Content-Type": "text/x-updated", "x-oss-meta-v": "2"})
    assert r.status == 200
    h = bucket.head_object(key)
    assert h.content_type == "text/x-updated"
    assert h.headers.get("x-oss-meta-v") == "2"
    assert "x-oss-meta-origin" not in h.headers
    assert get_bytes(bucket, key) == data


def test_copy_object_invalid_directive(bucket):
    put(bucket, "copy/dir-src", b"x")
    assert_oss_error(400, "InvalidArgument", bucket.copy_object, bucket.bucket_name, "copy/dir-src", "copy/dir-dst",
                     headers={"x-oss-metadata-directive": "MERGE"})
    assert not bucket.object_exists("copy/dir-dst")


def test_copy_object_conditions(bucket):
    src = "copy/cond-src"
    data = b"conditional source"
    etag = put(bucket, src, data).etag
    future, past = http_date(time.time() + 86400), http_date(time.time() - 86400)
    b, n = bucket.bucket_name, [0]

    def copy(headers):
        n[0] += 1
        dst = "copy/cond-dst-%d" % n[0]
        bucket.created_keys.add(dst)
        return bucket.copy_object(b, src, dst, headers=headers), dst

    # succeed: if-match(etag), if-unmodified-since(future), if-none-match(other), if-modified-since(past)
    for h in ({"x-oss-copy-source-if-match": '"%s"' % etag}, {"x-oss-copy-source-if-unmodified-since": future},
              {"x-oss-copy-source-if-none-match": '"0123456789ABCDEF0123456789ABCDEF"'},
              {"x-oss-copy-source-if-modified-since": past}):
        r, dst = copy(h)
        assert r.status == 200, h
        assert get_bytes(bucket, dst) == data
    # if-match / if-unmodified-since fail -> 412 PreconditionFailed
    for h in ({"x-oss-copy-source-if-match": '"0123456789ABCDEF0123456789ABCDEF"'},
              {"x-oss-copy-source-if-unmodified-since": past}):
        assert_oss_error(412, "PreconditionFailed", bucket.copy_object, b, src, "copy/cond-fail", headers=h)
    # if-none-match(etag) / if-modified-since(future) fail: 304 per the CopyObject page, 412 per the older one
    for h in ({"x-oss-copy-source-if-none-match": '"%s"' % etag}, {"x-oss-copy-source-if-modified-since": future}):
        e = oss_error(bucket.copy_object, b, src, "copy/cond-fail", headers=h)
        assert e.status in (304, 412), (h, e.status, e.code)
    assert not bucket.object_exists("copy/cond-fail")


def test_copy_object_forbid_overwrite_and_acl(bucket):
    src, dst = "copy/acl-src", "copy/acl-dst"
    put(bucket, src, b"source", headers={"x-oss-object-acl": "public-read"})
    put(bucket, dst, b"existing")
    assert_oss_error(409, "FileAlreadyExists", bucket.copy_object, bucket.bucket_name, src, dst,
                     headers={"x-oss-forbid-overwrite": "true"})
    assert get_bytes(bucket, dst) == b"existing"
    bucket.copy_object(bucket.bucket_name, src, dst, headers={"x-oss-forbid-overwrite": "false"})
    assert get_bytes(bucket, dst) == b"source"
    # the source ACL is not copied; the destination is `default` unless x-oss-object-acl is given (§5)
    assert bucket.get_object_acl(src).acl == "public-read"
    assert bucket.get_object_acl(dst).acl == "default"
    dst2 = "copy/acl-dst2"
    bucket.copy_object(bucket.bucket_name, src, dst2, headers={"x-oss-object-acl": "private"})
    bucket.created_keys.add(dst2)
    assert bucket.get_object_acl(dst2).acl == "private"


def test_copy_object_across_buckets_and_errors(server, bucket, oss_auth, oss_session):
    src = "copy/x-src"
    data = rand(2000)
    put(bucket, src, data)
    other_name = unique_bucket_name("cp")
    other = make_oss2_bucket(server.endpoint, other_name, oss_auth, oss_session)
    other.create_bucket()
    try:
        other.copy_object(bucket.bucket_name, src, "from-other-bucket")
        assert other.get_object("from-other-bucket").read() == data
        assert_oss_error(404, "NoSuchKey", other.copy_object, bucket.bucket_name, "copy/missing", "dst")
        assert_oss_error(404, "NoSuchBucket", other.copy_object, unique_bucket_name("gone"), src, "dst")
        gone = make_oss2_bucket(server.endpoint, unique_bucket_name("gone"), oss_auth, oss_session)
        assert_oss_error(404, "NoSuchBucket", gone.copy_object, bucket.bucket_name, src, "dst")
    finally:
        cleanup_bucket(server.endpoint, other_name, ["from-other-bucket"])


# ------------------------------------------------------------------ §7 DeleteObject / DeleteMultipleObjects

def test_delete_object(server, bucket, oss_auth, oss_session):
    put(bucket, "del/one", b"1")
    assert bucket.delete_object("del/one").status == 204
    assert not bucket.object_exists("del/one")
    assert bucket.delete_object("del/one").status == 204            # missing key: still 204 (§7)
    gone = make_oss2_bucket(server.endpoint, unique_bucket_name("gone"), oss_auth, oss_session)
    assert_oss_error(404, "NoSuchBucket", gone.delete_object, "k")


def test_batch_delete_objects(bucket):
    keys = ["del/a&b", "del/中文", "del/x y+z", "del/<tag>'\"", "del/plain"]
    for k in keys:
        put(bucket, k, b"x")
    put(bucket, "del/keep", b"keep")
    r = bucket.batch_delete_objects(keys + ["del/never-existed"])
    assert r.status == 200
    # oss2 asks for encoding-type=url and decodes; a missing key is reported as deleted too (§7)
    assert sorted(r.deleted_keys) == sorted(keys + ["del/never-existed"])
    assert [o.key for o in oss2.ObjectIterator(bucket, prefix="del/")] == ["del/keep"]


def _delete_body(keys, quiet=None):
    def esc(s):
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;").replace("'", "&#39;")
    q = "" if quiet is None else "<Quiet>%s</Quiet>" % ("true" if quiet else "false")
    return ('<?xml version="1.0" encoding="UTF-8"?><Delete>%s%s</Delete>'
            % ("".join("<Object><Key>%s</Key></Object>" % esc(k) for k in keys), q)).encode("utf-8")


def test_delete_multiple_objects_raw(server, bucket):
    ep, b = server.endpoint, bucket.bucket_name
    keys = ["raw/a&b", "raw/中 文", "raw/p+q"]
    for k in keys:
        put(bucket, k, b"x")
    body = _delete_body(keys, quiet=False)   # Go 1.5 puts <Quiet> last
    resp = raw_request(ep, "POST", b, query=[("delete", None), ("encoding-type", "url")], data=body,
                       headers={"Content-MD5": md5_b64(body)})
    root = xml_root(resp, "DeleteResult")
    assert child_text(root, "EncodingType") == "url"
    raw_keys = [child_text(d, "Key") for d in root.findall("Deleted")]
    assert sorted(raw_keys) == sorted(url_encode_key(k) for k in keys)
    for k in keys:
        assert not bucket.object_exists(k)
    # quiet: no Deleted entries
    for k in keys:
        put(bucket, k, b"x")
    body = _delete_body(keys, quiet=True)
    resp = raw_request(ep, "POST", b, query=[("delete", None), ("encoding-type", "url")], data=body,
                       headers={"Content-MD5": md5_b64(body)})
    assert resp.status_code == 200, resp.content
    if resp.content.strip():
        assert xml_root(resp, "DeleteResult").findall("Deleted") == []
    for k in keys:
        assert not bucket.object_exists(k)
    # without encoding-type: plain keys
    put(bucket, "raw/a&b", b"x")
    body = _delete_body(["raw/a&b"])
    resp = raw_request(ep, "POST", b, query=[("delete", None)], data=body, headers={"Content-MD5": md5_b64(body)})
    root = xml_root(resp, "DeleteResult")
    assert root.find("EncodingType") is None
    assert [child_text(d, "Key") for d in root.findall("Deleted")] == ["raw/a&b"]


def test_delete_multiple_objects_errors(server, bucket):
    ep, b = server.endpoint, bucket.bucket_name
    put(bucket, "err/k", b"x")
    body = _delete_body(["err/k"])
    # Content-MD5 is required (§7; code UNVERIFIED, status 400)
    resp = raw_request(ep, "POST", b, query=[("delete", None)], data=body)
    assert resp.status_code == 400, resp.content
    parse_error(resp)
    # wrong Content-MD5 -> InvalidDigest
    resp = raw_request(ep, "POST", b, query=[("delete", None)], data=body, headers={"Content-MD5": md5_b64(b"x")})
    assert_error(resp, 400, "InvalidDigest")
    assert bucket.object_exists("err/k")
    # zero Object elements -> MalformedXML
    empty = _delete_body([])
    resp = raw_request(ep, "POST", b, query=[("delete", None)], data=empty, headers={"Content-MD5": md5_b64(empty)})
    assert_error(resp, 400, "MalformedXML")
    # unparsable body -> MalformedXML
    junk = b"<Delete><Object><Key>err/k</Key></Obj"
    resp = raw_request(ep, "POST", b, query=[("delete", None)], data=junk, headers={"Content-MD5": md5_b64(junk)})
    assert_error(resp, 400, "MalformedXML")
    # more than 1000 keys -> 400 (MalformedXML per §7, UNVERIFIED)
    big = _delete_body(["err/%04d" % i for i in range(1001)])
    resp = raw_request(ep, "POST", b, query=[("delete", None)], data=big, headers={"Content-MD5": md5_b64(big)})
    assert resp.status_code == 400, resp.content[:300]
    assert bucket.object_exists("err/k")
    # exactly 1000 is fine
    thousand = ["err/k"] + ["err/%04d" % i for i in range(999)]
    r = bucket.batch_delete_objects(thousand)
    assert len(r.deleted_keys) == 1000
    assert not bucket.object_exists("err/k")


def test_delete_multiple_objects_error_codes(server, bucket):
    """EC values documented in objects-and-buckets.md §7 ([docs: 0016-00000606], [docs: 0016-00000613])."""
    ep, b = server.endpoint, bucket.bucket_name
    body = _delete_body(["k"])
    resp = raw_request(ep, "POST", b, query=[("delete", None)], data=body)
    assert resp.status_code == 400
    assert parse_error(resp).get("EC") == "0016-00000606", resp.content      # Content-MD5 missing
    no_key = b"<Delete><Object></Object></Delete>"
    resp = raw_request(ep, "POST", b, query=[("delete", None)], data=no_key, headers={"Content-MD5": md5_b64(no_key)})
    assert resp.status_code == 400, resp.content
    err = parse_error(resp)
    assert (err.get("EC"), resp.headers.get("x-oss-ec")) == ("0016-00000613", "0016-00000613"), \
        "Object without Key: EC %r / x-oss-ec %r, want 0016-00000613" % (err.get("EC"), resp.headers.get("x-oss-ec"))


# ------------------------------------------------------------------ §5 AppendObject

def test_append_object_chain_with_crc(bucket):
    key = "append/chain.log"
    pieces = [rand(1000), rand(1), rand(70 * KiB), b""]
    r = bucket.append_object(key, 0, pieces[0], headers={"Content-Type": "text/x-log", "x-oss-meta-prop": "first"},
                             init_crc=0)
    bucket.created_keys.add(key)
    assert r.status == 200
    assert r.next_position == len(pieces[0])
    assert r.crc == crc64(pieces[0])
    etags = [r.etag]
    whole = pieces[0]
    for p in pieces[1:]:
        # oss2 checks crc64(previous || p) computed from init_crc against the reply's whole-object CRC itself
        r = bucket.append_object(key, r.next_position, p, headers={"x-oss-meta-prop": "later"}, init_crc=r.crc)
        whole += p
        assert r.next_position == len(whole)
        assert r.crc == crc64(whole)
        etags.append(r.etag)
    assert len(set(etags[:3])) == 3, "ETag must change with every non-empty append: %r" % etags
    h = bucket.head_object(key)
    assert h.object_type == "Appendable"
    assert h.content_length == len(whole)
    assert h.headers["x-oss-next-append-position"] == str(len(whole))
    assert h.server_crc == crc64(whole)
    assert h.content_type == "text/x-log"
    assert h.headers.get("x-oss-meta-prop") == "first"     # metadata of later appends is ignored
    g = bucket.get_object(key)
    assert g.read() == whole
    assert g.headers["x-oss-next-append-position"] == str(len(whole))
    assert g.headers["x-oss-object-type"] == "Appendable"
    assert [o.type for o in oss2.ObjectIterator(bucket, prefix=key)] == ["Appendable"]


def test_append_object_acl_of_later_append_applies(bucket):
    key = "append/acl"
    r = bucket.append_object(key, 0, b"abc")
    bucket.created_keys.add(key)
    assert bucket.get_object_acl(key).acl == "default"
    bucket.append_object(key, r.next_position, b"def", headers={"x-oss-object-acl": "public-read"})
    assert bucket.get_object_acl(key).acl == "public-read"
    assert get_bytes(bucket, key) == b"abcdef"


def test_append_position_not_equal_to_length(bucket):
    key = "append/pos"
    bucket.append_object(key, 0, b"0123456789")
    bucket.created_keys.add(key)
    for pos in (0, 5, 11, 100):
        e = assert_oss_error(409, "PositionNotEqualToLength", bucket.append_object, key, pos, b"zz")
        assert isinstance(e, oss2.exceptions.PositionNotEqualToLength)
        assert e.next_position == 10                     # from x-oss-next-append-position (§5)
        assert e.headers.get("x-oss-next-append-position") == "10"
    assert get_bytes(bucket, key) == b"0123456789"
    # a fresh key must start at position 0
    e = oss_error(bucket.append_object, "append/fresh", 3, b"zz")
    assert e.status == 409 and e.code == "PositionNotEqualToLength", (e.status, e.code)
    assert e.next_position == 0
    assert not bucket.object_exists("append/fresh")


def test_append_object_not_appendable(bucket):
    put(bucket, "append/normal", b"normal")
    e = assert_oss_error(409, "ObjectNotAppendable", bucket.append_object, "append/normal", 6, b"x")
    assert isinstance(e, oss2.exceptions.ObjectNotAppendable)
    assert_oss_error(409, "ObjectNotAppendable", bucket.append_object, "append/normal", 0, b"x")
    assert get_bytes(bucket, "append/normal") == b"normal"
    whole = make_multipart_object(bucket, "append/multipart", [rand(MIN_PART_SIZE), rand(10)])
    assert_oss_error(409, "ObjectNotAppendable", bucket.append_object, "append/multipart", len(whole), b"x")


def test_append_crc_mismatch_detected_by_sdk(bucket):
    """Go's TestAppendObjectNegative: a wrong init_crc makes the SDK's check fail -> the reply's CRC is whole-object."""
    key = "append/badcrc"
    r = bucket.append_object(key, 0, b"first", init_crc=0)
    bucket.created_keys.add(key)
    with pytest.raises(oss2.exceptions.InconsistentError):
        bucket.append_object(key, r.next_position, b"second", init_crc=0)
    assert get_bytes(bucket, key) == b"firstsecond"


# ------------------------------------------------------------------ §6 GetObject: ranges

def _range_get(bucket, key, byte_range, standard=False):
    headers = {"x-oss-range-behavior": "standard"} if standard else None
    r = bucket.get_object(key, byte_range=byte_range, headers=headers)
    return r.status, r.headers.get("Content-Range"), r.read()


def test_get_object_ranges(bucket):
    key = "range/obj.bin"
    data = rand(1000)
    put(bucket, key, data)
    assert _range_get(bucket, key, (10, 19)) == (206, "bytes 10-19/1000", data[10:20])
    assert _range_get(bucket, key, (3, 3)) == (206, "bytes 3-3/1000", data[3:4])
    assert _range_get(bucket, key, (0, 999)) == (206, "bytes 0-999/1000", data)
    assert _range_get(bucket, key, (990, None)) == (206, "bytes 990-999/1000", data[990:])     # open-ended
    assert _range_get(bucket, key, (None, 199)) == (206, "bytes 801-999/1000", data[-199:])    # suffix
    assert _range_get(bucket, key, (None, 1)) == (206, "bytes 999-999/1000", data[-1:])
    r = bucket.get_object(key, byte_range=(10, 19))
    assert r.headers["Content-Length"] == "10"
    r.read()


def test_get_object_unsatisfiable_range_default_is_full_object(bucket):
    key = "range/full.bin"
    data = rand(39)
    put(bucket, key, data)
    # default behaviour: an invalid or unsatisfiable range is ignored -> 200, whole object, no Content-Range (§6)
    for rng in ((15, 1000), (39, 50), (1000, 2000), (None, 0), (40, None)):
        status, cr, body = _range_get(bucket, key, rng)
        assert (status, cr, body) == (200, None, data), rng
    for header in ("byte=0-1", "bytes=abc", "bytes=5-2"):
        r = bucket.get_object(key, headers={"Range": header})
        assert (r.status, r.headers.get("Content-Range"), r.read()) == (200, None, data), header


def test_get_object_standard_range_behavior(bucket):
    key = "range/std.bin"
    data = rand(100)
    put(bucket, key, data)
    assert _range_get(bucket, key, (90, 500), standard=True) == (206, "bytes 90-99/100", data[90:])   # clamp
    assert _range_get(bucket, key, (0, 9), standard=True) == (206, "bytes 0-9/100", data[:10])
    assert_oss_error(416, "InvalidRange", bucket.get_object, key, byte_range=(100, 200),
                     headers={"x-oss-range-behavior": "standard"})


def test_get_object_range_on_empty_object(bucket):
    put(bucket, "range/empty", b"")
    assert _range_get(bucket, "range/empty", (0, 10)) == (200, None, b"")


def test_get_object_range_on_multipart_object(bucket):
    bodies = [rand(MIN_PART_SIZE), rand(MIN_PART_SIZE), rand(777)]
    whole = make_multipart_object(bucket, "range/mp.bin", bodies)
    s = MIN_PART_SIZE - 5
    assert _range_get(bucket, "range/mp.bin", (s, s + 9)) == (206, "bytes %d-%d/%d" % (s, s + 9, len(whole)),
                                                               whole[s:s + 10])


# ------------------------------------------------------------------ §6 GetObject / HeadObject: conditions

def test_get_object_conditions(bucket):
    key = "cond/obj.txt"
    data = b"conditional get"
    etag = put(bucket, key, data).etag
    future, past = http_date(time.time() + 86400), http_date(time.time() - 86400)
    wrong = '"0123456789ABCDEF0123456789ABCDEF"'
    ok = [{"If-Match": '"%s"' % etag}, {"If-Match": etag},    # quotes are stripped before comparing (§6)
          {"If-Unmodified-Since": future}, {"If-None-Match": wrong}, {"If-Modified-Since": past}]
    for h in ok:
        r = bucket.get_object(key, headers=h)
        assert (r.status, r.read()) == (200, data), h
    for h in ({"If-Modified-Since": future}, {"If-None-Match": '"%s"' % etag}, {"If-None-Match": etag}):
        e = assert_oss_error(304, "", bucket.get_object, key, headers=h)
        assert isinstance(e, oss2.exceptions.NotModified)
        assert e.body in (b"", "")                        # 304 has no body
    for h in ({"If-Match": wrong}, {"If-Unmodified-Since": past}):
        e = assert_oss_error(412, "PreconditionFailed", bucket.get_object, key, headers=h)
        assert isinstance(e, oss2.exceptions.PreconditionFailed)
    # 304 also with a Range (oss2 test_modified_since)
    assert_oss_error(304, "", bucket.get_object, key, byte_range=(0, 3), headers={"If-Modified-Since": future})


def test_head_object_conditions(bucket):
    key = "cond/head.txt"
    etag = put(bucket, key, b"conditional head").etag
    future, past = http_date(time.time() + 86400), http_date(time.time() - 86400)
    assert bucket.head_object(key, headers={"If-Match": '"%s"' % etag}).status == 200
    assert bucket.head_object(key, headers={"If-Unmodified-Since": future}).status == 200
    assert_oss_error(304, "", bucket.head_object, key, headers={"If-None-Match": '"%s"' % etag})
    assert_oss_error(304, "", bucket.head_object, key, headers={"If-Modified-Since": future})
    assert_oss_error(412, "PreconditionFailed", bucket.head_object, key,
                     headers={"If-Match": '"0123456789ABCDEF0123456789ABCDEF"'})
    assert_oss_error(412, "PreconditionFailed", bucket.head_object, key, headers={"If-Unmodified-Since": past})


# ------------------------------------------------------------------ §6 response-* overrides

def test_get_object_response_overrides(bucket):
    key = "override/obj.txt"
    data = b"override me"
    put(bucket, key, data, headers={"Content-Type": "text/plain", "Cache-Control": "max-age=1"})
    params = {"response-content-type": "text/x-override",
              "response-content-language": "zh-CN",
              "response-expires": "Thu, 01 Jan 2037 00:00:00 GMT",
              "response-cache-control": "no-cache",
              "response-content-disposition": 'attachment; filename="a b.txt"',
              "response-content-encoding": "identity"}
    r = bucket.get_object(key, params=dict(params))      # each is a signed V1 sub-resource
    assert r.read() == data
    assert r.headers["Content-Type"] == "text/x-override"
    assert r.headers["Content-Language"] == "zh-CN"
    assert r.headers["Expires"] == "Thu, 01 Jan 2037 00:00:00 GMT"
    assert r.headers["Cache-Control"] == "no-cache"
    assert r.headers["Content-Disposition"] == 'attachment; filename="a b.txt"'
    assert r.headers["Content-Encoding"] == "identity"
    # stored metadata unchanged
    h = bucket.head_object(key)
    assert h.content_type == "text/plain" and h.headers["Cache-Control"] == "max-age=1"
    # a presigned URL with an override
    url = bucket.sign_url("GET", key, 60, params={"response-content-type": "application/x-signed"})
    resp = requests.get(url)
    assert resp.status_code == 200 and resp.content == data
    assert resp.headers["Content-Type"] == "application/x-signed"


def test_get_object_unknown_params_ignored(server, bucket):
    key = "override/unknown"
    put(bucket, key, b"abc")
    # Go 1.5 GetObjectMeta sends `GET /B/K??objectMeta` and expects a normal GetObject reply (§2)
    resp = raw_request(server.endpoint, "GET", bucket.bucket_name, key, query=[("?objectMeta", None)])
    assert resp.status_code == 200 and resp.content == b"abc"
    resp = raw_request(server.endpoint, "GET", bucket.bucket_name, "override/missing", query=[("?objectMeta", None)])
    assert_error(resp, 404, "NoSuchKey")


# ------------------------------------------------------------------ §6 HeadObject / GetObjectMeta / object_exists

def test_head_object_headers(bucket):
    key = "meta/obj.txt"
    data = rand(4321)
    put(bucket, key, data, headers={"Content-Type": "text/x-meta", "X-Oss-Meta-Key2": "Value2",
                                    "Content-Encoding": "identity", "Expires": "tomorrow-ish",
                                    "Content-Language": "fr", "Content-Disposition": "inline"})
    h = bucket.head_object(key)
    assert h.status == 200
    assert h.content_length == len(data)
    assert h.etag == hashlib.md5(data).hexdigest().upper()
    assert h.headers["ETag"] == quoted_etag(data)
    assert h.object_type == "Normal"
    assert h.headers.get("x-oss-storage-class") == "Standard"
    assert h.server_crc == crc64(data)
    assert h.headers.get("Content-MD5") == md5_b64(data)
    assert HTTP_GMT_RE.match(h.headers["Last-Modified"]), h.headers["Last-Modified"]
    assert abs(h.last_modified - time.time()) < 300
    assert h.headers.get("x-oss-meta-key2") == "Value2"       # names lower-cased (§9)
    assert h.headers.get("Expires") == "tomorrow-ish"           # opaque string
    assert h.headers.get("Content-Language") == "fr"
    assert h.headers.get("Content-Disposition") == "inline"
    assert h.headers.get("x-oss-request-id") and h.headers.get("Date")
    assert h.content_type == "text/x-meta"
    g = bucket.get_object(key)
    assert g.read() == data
    for name in ("ETag", "Last-Modified", "x-oss-hash-crc64ecma", "Content-Type", "x-oss-object-type",
                 "x-oss-meta-key2", "Content-MD5"):
        assert g.headers.get(name) == h.headers.get(name), name


def test_get_object_meta(bucket):
    key = "meta/small"
    data = b"get object meta"
    put(bucket, key, data)
    m = bucket.get_object_meta(key)
    assert m.status == 200
    assert m.content_length == len(data)
    assert m.etag == hashlib.md5(data).hexdigest().upper()
    assert abs(m.last_modified - time.time()) < 300
    assert HTTP_GMT_RE.match(m.headers["Last-Modified"])
    assert m.headers.get("x-oss-hash-crc64ecma") == str(crc64(data))
    assert m.headers.get("x-oss-request-id")
    assert_oss_error(404, "NoSuchKey", bucket.get_object_meta, "meta/missing")


def test_object_exists_and_missing(server, bucket, oss_auth, oss_session):
    put(bucket, "meta/here", b"1")
    assert bucket.object_exists("meta/here") is True
    assert bucket.object_exists("meta/not-here") is False
    assert_oss_error(404, "NoSuchKey", bucket.head_object, "meta/not-here")         # via x-oss-err
    assert_oss_error(404, "NoSuchKey", bucket.get_object, "meta/not-here")
    gone = make_oss2_bucket(server.endpoint, unique_bucket_name("gone"), oss_auth, oss_session)
    with pytest.raises(oss2.exceptions.NoSuchBucket):
        gone.object_exists("k")                                                      # NoSuchBucket raises
    assert_oss_error(404, "NoSuchBucket", gone.head_object, "k")
    assert_oss_error(404, "NoSuchBucket", gone.get_object, "k")


def test_head_error_carries_x_oss_err(server, bucket):
    resp = raw_request(server.endpoint, "HEAD", bucket.bucket_name, "meta/nothing")
    assert resp.status_code == 404 and resp.content == b""
    err = parse_error(resp)                 # decodes x-oss-err
    assert err["Code"] == "NoSuchKey"
    assert resp.headers.get("x-oss-ec")


# ------------------------------------------------------------------ downloads

def test_get_object_to_file_and_resumable_download(bucket, tmp_path):
    key = "download/multipart.bin"
    bodies = [rand(MIN_PART_SIZE + 17), rand(MIN_PART_SIZE), rand(MIN_PART_SIZE), rand(12345)]
    whole = make_multipart_object(bucket, key, bodies)
    assert bucket.enable_crc
    h = bucket.head_object(key)
    assert h.etag == multipart_etag(bodies).strip('"')
    assert h.server_crc == crc64(whole)
    assert h.object_type == "Multipart"
    assert "Content-MD5" not in h.headers          # §6: not for Multipart objects (unless sequential)
    listed = [(o.key, o.type, o.size, o.etag) for o in oss2.ObjectIterator(bucket, prefix="download/")]
    assert listed == [(key, "Multipart", len(whole), multipart_etag(bodies).strip('"'))]
    # get_object_to_file compares the CRC header with the bytes
    f1 = tmp_path / "full.bin"
    bucket.get_object_to_file(key, str(f1))
    assert f1.read_bytes() == whole
    # resumable download in ranged parts, 3 threads; combines the part CRCs and compares with the object's
    f2 = tmp_path / "resumable.bin"
    store = oss2.ResumableDownloadStore(root=str(tmp_path / "store"))
    oss2.resumable_download(bucket, key, str(f2), multiget_threshold=100 * KiB, part_size=64 * KiB, num_threads=3,
                            store=store)
    assert f2.read_bytes() == whole


def test_get_object_to_file_crc_check_is_live(bucket, tmp_path, monkeypatch):
    """The SDK's CRC comparison used above really runs: a tampered CRC header must fail the download."""
    key = "download/crc.bin"
    put(bucket, key, rand(5000))
    orig = oss2.models.GetObjectResult.__init__

    def tampered(self, resp, *a, **kw):
        resp.headers["x-oss-hash-crc64ecma"] = str((int(resp.headers["x-oss-hash-crc64ecma"]) + 1) % 2 ** 64)
        orig(self, resp, *a, **kw)

    monkeypatch.setattr(oss2.models.GetObjectResult, "__init__", tampered)
    with pytest.raises(oss2.exceptions.InconsistentError):
        bucket.get_object_to_file(key, str(tmp_path / "x.bin"))


# ------------------------------------------------------------------ §3 ListBuckets paging

def test_list_buckets_paging(server, oss_auth, oss_session):
    prefix = "lopy-lb-%s-" % uuid.uuid4().hex[:8]
    names = sorted(prefix + s for s in ("a", "b", "c", "d", "e"))
    for n in reversed(names):
        make_oss2_bucket(server.endpoint, n, oss_auth, oss_session).create_bucket()
    service = oss2.Service(oss_auth, server.endpoint, session=oss_session)
    try:
        r = service.list_buckets(prefix=prefix, max_keys=2)
        assert [b.name for b in r.buckets] == names[:2]
        assert r.is_truncated is True and r.next_marker == names[1]
        r = service.list_buckets(prefix=prefix, marker=names[1], max_keys=2)
        assert [b.name for b in r.buckets] == names[2:4]
        assert r.is_truncated is True and r.next_marker == names[3]
        r = service.list_buckets(prefix=prefix, marker=names[3], max_keys=2)
        assert [b.name for b in r.buckets] == names[4:]
        assert r.is_truncated is False
        assert [b.name for b in oss2.BucketIterator(service, prefix=prefix, max_keys=1)] == names
        assert [b.name for b in oss2.BucketIterator(service, prefix=prefix, marker=names[2])] == names[3:]
        assert service.list_buckets(prefix=prefix + "zz").buckets == []
        for b in service.list_buckets(prefix=prefix).buckets:
            assert b.location.startswith("oss-")
            assert b.extranet_endpoint and b.intranet_endpoint
            assert b.storage_class == "Standard"
            assert abs(b.creation_date - time.time()) < 600
        # raw reply shape
        resp = raw_request(server.endpoint, "GET", query={"prefix": prefix, "max-keys": "2"})
        root = xml_root(resp, "ListAllMyBucketsResult")
        assert child_text(root, "Prefix") == prefix
        assert child_text(root, "MaxKeys") == "2"
        assert child_text(root, "IsTruncated") == "true"
        assert child_text(root, "NextMarker") == names[1]
        for node in root.findall("Buckets/Bucket"):
            assert ISO8601_MS_RE.match(child_text(node, "CreationDate"))
    finally:
        for n in names:
            cleanup_bucket(server.endpoint, n)
