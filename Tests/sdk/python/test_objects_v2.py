"""Object API through alibabacloud-oss-v2 1.4.1 (V4 signing, path style, encoding-type=url on listings and deletes):
ListObjectsV2 paginator, CopyObject and the copier, the appendable file, GetObject ranges / conditions,
get_object_to_file and the downloader (both with the SDK's CRC-64 checks), HeadObject / GetObjectMeta /
is_object_exist, DeleteObject / DeleteMultipleObjects.

Every expectation comes from objects-and-buckets.md (§ numbers in comments), never from what the server returned.
"""

import datetime

import alibabacloud_oss_v2 as oss
import pytest
from alibabacloud_oss_v2.filelike import PathError

from localoss_helpers import service_error, assert_service_error
from localoss_helpers import (MIN_PART_SIZE, crc64, md5_b64, multipart_etag,
                              quoted_etag, rand)

KiB = 1024
TREE = ["a", "a/b", "a/c/d", "b", "b/x", "c"]


def put(client, bucket, key, data, **kw):
    r = client.put_object(oss.PutObjectRequest(bucket=bucket.bucket_name, key=key, body=data, **kw))
    bucket.created_keys.add(key)
    return r


def get_bytes(client, bucket, key, **kw):
    return client.get_object(oss.GetObjectRequest(bucket=bucket.bucket_name, key=key, **kw)).body.read()


def head(client, bucket, key, **kw):
    return client.head_object(oss.HeadObjectRequest(bucket=bucket.bucket_name, key=key, **kw))


def make_multipart_object(client, bucket, key, bodies, **init_kw):
    b = bucket.bucket_name
    uid = client.initiate_multipart_upload(oss.InitiateMultipartUploadRequest(bucket=b, key=key, **init_kw)).upload_id
    parts = []
    for n, body in enumerate(bodies, 1):
        r = client.upload_part(oss.UploadPartRequest(bucket=b, key=key, upload_id=uid, part_number=n, body=body))
        parts.append(oss.UploadPart(part_number=n, etag=r.etag))
    client.complete_multipart_upload(oss.CompleteMultipartUploadRequest(
        bucket=b, key=key, upload_id=uid, complete_multipart_upload=oss.CompleteMultipartUpload(parts=parts)))
    bucket.created_keys.add(key)
    return b"".join(bodies)


def walk_v2(client, limit=None, **req):
    pages = list(client.list_objects_v2_paginator(limit=limit).iter_page(oss.ListObjectsV2Request(**req)))
    entries = []
    for p in pages:
        entries += [(o.key, False) for o in (p.contents or [])]
        entries += [(c.prefix, True) for c in (p.common_prefixes or [])]
    return pages, entries


# ------------------------------------------------------------------ §4 ListObjectsV2

def test_v2_list_objects_v2_paginator(client, bucket):
    b = bucket.bucket_name
    for k in TREE:
        put(client, bucket, k, k.encode())
    pages, entries = walk_v2(client, limit=1, bucket=b, delimiter="/")
    # one entry per page, every common prefix once (§4 worked example, v2)
    assert [entries_of(p) for p in pages] == [["a"], ["a/"], ["b"], ["b/"], ["c"]]
    assert [e for e, _ in entries] == ["a", "a/", "b", "b/", "c"]
    assert [p.is_truncated for p in pages] == [True, True, True, True, False]
    for p in pages:
        assert p.key_count == 1 and p.max_keys == 1 and p.delimiter == "/" and p.name == b
    pages, entries = walk_v2(client, limit=2, bucket=b)
    assert [k for k, _ in entries] == TREE and len(pages) == 3
    # start-after, which the paginator resends with every token (the token wins, §4)
    pages, entries = walk_v2(client, limit=1, bucket=b, start_after="a/b")
    assert [k for k, _ in entries] == ["a/c/d", "b", "b/x", "c"]
    assert pages[0].start_after == "a/b"
    # without max-keys: MaxKeys 100 (go2's integration test)
    r = client.list_objects_v2(oss.ListObjectsV2Request(bucket=b))
    assert r.max_keys == 100 and r.key_count == 6 and r.is_truncated is False
    for o in r.contents:
        assert o.size == len(o.key.encode()) and o.etag == quoted_etag(o.key.encode())
        assert o.object_type == "Normal" and o.storage_class == "Standard"
        assert isinstance(o.last_modified, datetime.datetime)
        assert o.owner is None                                  # only with fetch-owner=true
    r = client.list_objects_v2(oss.ListObjectsV2Request(bucket=b, fetch_owner=True, prefix="a/"))
    assert [o.key for o in r.contents] == ["a/b", "a/c/d"]
    assert all(o.owner is not None and o.owner.id and o.owner.display_name for o in r.contents)


def entries_of(page):
    return [o.key for o in (page.contents or [])] + [c.prefix for c in (page.common_prefixes or [])]


def test_v2_list_objects_encoded_keys(client, bucket):
    b = bucket.bucket_name
    keys = ["dir a/文件 1.txt", "dir a/b+c.txt", "x%y&z<>'\".txt", "中文+_)(*&^%$#@!前缀/1", "sp ace/+plus"]
    for k in keys:
        put(client, bucket, k, b"x")
    _, entries = walk_v2(client, limit=2, bucket=b)
    assert [k for k, _ in entries] == sorted(keys, key=lambda s: s.encode())
    pages, entries = walk_v2(client, limit=1, bucket=b, delimiter="/")
    assert [e for e, _ in entries] == ["dir a/", "sp ace/", "x%y&z<>'\".txt", "中文+_)(*&^%$#@!前缀/"]
    r = client.list_objects_v2(oss.ListObjectsV2Request(bucket=b, prefix="sp ace/", delimiter="+"))
    assert [c.prefix for c in r.common_prefixes] == ["sp ace/+"] and r.prefix == "sp ace/" and r.delimiter == "+"
    # v1 paginator too
    pages = list(client.list_objects_paginator(limit=2).iter_page(oss.ListObjectsRequest(bucket=b, prefix="dir a/")))
    assert [o.key for p in pages for o in (p.contents or [])] == ["dir a/b+c.txt", "dir a/文件 1.txt"]
    assert pages[0].is_truncated is False


# ------------------------------------------------------------------ §5 CopyObject and the copier

def test_v2_copy_object(client, bucket):
    b = bucket.bucket_name
    src, dst = "copy/src dir/s+1.txt", "copy/dst.txt"
    data = rand(3000)
    p = put(client, bucket, src, data, content_type="text/x-src", metadata={"origin": "src"})
    r = client.copy_object(oss.CopyObjectRequest(bucket=b, key=dst, source_key=src))
    bucket.created_keys.add(dst)
    assert r.status_code == 200
    assert r.etag == p.etag == quoted_etag(data)
    assert r.hash_crc64 == str(crc64(data))
    h = head(client, bucket, dst)
    assert h.content_type == "text/x-src" and h.metadata.get("origin") == "src"
    # REPLACE
    client.copy_object(oss.CopyObjectRequest(bucket=b, key=dst, source_key=src, metadata_directive="REPLACE",
                                             content_type="text/x-new", metadata={"fresh": "1"}))
    h = head(client, bucket, dst)
    assert h.content_type == "text/x-new" and h.metadata.get("fresh") == "1" and "origin" not in (h.metadata or {})
    # forbid overwrite; conditions
    assert_service_error(409, "FileAlreadyExists", client.copy_object,
                         oss.CopyObjectRequest(bucket=b, key=dst, source_key=src, forbid_overwrite=True))
    assert_service_error(412, "PreconditionFailed", client.copy_object,
                         oss.CopyObjectRequest(bucket=b, key="copy/never", source_key=src,
                                               if_match='"0123456789ABCDEF0123456789ABCDEF"'))
    assert_service_error(404, "NoSuchKey", client.copy_object,
                         oss.CopyObjectRequest(bucket=b, key="copy/never", source_key="copy/missing"))
    assert client.is_object_exist(b, "copy/never") is False
    assert get_bytes(client, bucket, dst) == data


def test_v2_copier_single_and_multipart(client, bucket):
    b = bucket.bucket_name
    small_src = "copier/small.bin"
    small = rand(20 * KiB)
    put(client, bucket, small_src, small, content_type="text/x-small", metadata={"m": "small"})
    res = client.copier().copy(oss.CopyObjectRequest(bucket=b, key="copier/small-copy", source_key=small_src))
    bucket.created_keys.add("copier/small-copy")
    assert res.etag == quoted_etag(small) and res.hash_crc64 == str(crc64(small))
    assert get_bytes(client, bucket, "copier/small-copy") == small

    src = "copier/big src.bin"
    data = rand(3 * MIN_PART_SIZE + 999)
    put(client, bucket, src, data, content_type="text/x-big", metadata={"owner": "alice"}, cache_control="no-store")
    dst = "copier/big-copy.bin"
    # above the threshold and with shallow copy off: InitiateMultipartUpload + UploadPartCopy ranges + Complete;
    # the copier compares Complete's CRC with the source's itself
    res = client.copier(part_size=MIN_PART_SIZE, multipart_copy_threshold=100 * KiB, disable_shallow_copy=True,
                        parallel_num=3).copy(oss.CopyObjectRequest(bucket=b, key=dst, source_key=src))
    bucket.created_keys.add(dst)
    chunks = [data[i:i + MIN_PART_SIZE] for i in range(0, len(data), MIN_PART_SIZE)]
    assert len(chunks) == 4
    assert res.upload_id
    assert res.etag == multipart_etag(chunks)
    assert res.hash_crc64 == str(crc64(data))
    h = head(client, bucket, dst)
    assert h.object_type == "Multipart"
    assert h.content_type == "text/x-big" and h.metadata.get("owner") == "alice" and h.cache_control == "no-store"
    assert get_bytes(client, bucket, dst) == data
    assert not client.list_multipart_uploads(oss.ListMultipartUploadsRequest(bucket=b)).uploads


# ------------------------------------------------------------------ §5 AppendObject: the appendable file

def test_v2_append_file(client, bucket):
    b, key = bucket.bucket_name, "append/file.log"
    p1, p2, p3 = rand(1000), rand(64 * KiB), b"tail"
    create = oss.AppendObjectRequest(content_type="text/x-log", metadata={"created": "yes"}, cache_control="no-cache")
    with client.append_file(b, key, create_parameter=create) as f:
        bucket.created_keys.add(key)
        assert f.tell() == 0
        assert f.write(p1) == len(p1)
        assert f.write_from(p2) == len(p2)
        assert f.tell() == len(p1) + len(p2)
    # reopening an existing appendable object continues at its length (HEAD Content-Length + CRC)
    with client.append_file(b, key, create_parameter=oss.AppendObjectRequest(content_type="text/x-ignored")) as f:
        assert f.tell() == len(p1) + len(p2)
        f.write(p3)
    whole = p1 + p2 + p3
    h = head(client, bucket, key)
    assert h.object_type == "Appendable"
    assert h.next_append_position == len(whole)
    assert h.content_length == len(whole)
    assert h.hash_crc64 == str(crc64(whole))
    assert h.content_type == "text/x-log" and h.metadata.get("created") == "yes" and h.cache_control == "no-cache"
    assert get_bytes(client, bucket, key) == whole
    # a Normal object cannot be opened for appending
    put(client, bucket, "append/normal", b"n")
    with pytest.raises(PathError, match="(?i)not a appendable"):   # HEAD x-oss-object-type Normal
        client.append_file(b, "append/normal")


def test_v2_append_object_errors(client, bucket):
    b, key = bucket.bucket_name, "append/raw"
    r = client.append_object(oss.AppendObjectRequest(bucket=b, key=key, position=0, body=b"12345"))
    bucket.created_keys.add(key)
    assert r.next_position == 5 and r.hash_crc64 == str(crc64(b"12345"))
    r = client.append_object(oss.AppendObjectRequest(bucket=b, key=key, position=5, body=b"678"))
    assert r.next_position == 8 and r.hash_crc64 == str(crc64(b"12345678"))
    err = assert_service_error(409, "PositionNotEqualToLength", client.append_object,
                               oss.AppendObjectRequest(bucket=b, key=key, position=3, body=b"x"))
    assert err.headers.get("x-oss-next-append-position") == "8"
    put(client, bucket, "append/normal2", b"n")
    assert_service_error(409, "ObjectNotAppendable", client.append_object,
                         oss.AppendObjectRequest(bucket=b, key="append/normal2", position=1, body=b"x"))


# ------------------------------------------------------------------ §6 GetObject

def test_v2_get_object_ranges_and_conditions(client, bucket):
    b, key = bucket.bucket_name, "get/obj.bin"
    data = rand(1000)
    etag = put(client, bucket, key, data).etag
    r = client.get_object(oss.GetObjectRequest(bucket=b, key=key, range_header="bytes=100-199"))
    assert (r.status_code, r.content_range, r.content_length, r.body.read()) == (206, "bytes 100-199/1000", 100,
                                                                                   data[100:200])
    r = client.get_object(oss.GetObjectRequest(bucket=b, key=key, range_header="bytes=-10"))
    assert (r.content_range, r.body.read()) == ("bytes 990-999/1000", data[-10:])
    r = client.get_object(oss.GetObjectRequest(bucket=b, key=key, range_header="bytes=900-5000",
                                               range_behavior="standard"))
    assert (r.status_code, r.content_range, r.body.read()) == (206, "bytes 900-999/1000", data[900:])
    assert_service_error(416, "InvalidRange", client.get_object,
                         oss.GetObjectRequest(bucket=b, key=key, range_header="bytes=1000-1001",
                                              range_behavior="standard"))
    r = client.get_object(oss.GetObjectRequest(bucket=b, key=key, range_header="bytes=1000-1001"))
    assert (r.status_code, r.content_range, r.body.read()) == (200, None, data)   # default: ignore the range
    assert get_bytes(client, bucket, key, if_match=etag) == data
    assert_service_error(412, "PreconditionFailed", client.get_object,
                         oss.GetObjectRequest(bucket=b, key=key, if_match='"0123456789ABCDEF0123456789ABCDEF"'))
    err = service_error(client.get_object, oss.GetObjectRequest(bucket=b, key=key, if_none_match=etag))
    assert err.status_code == 304
    r = client.get_object(oss.GetObjectRequest(bucket=b, key=key, response_content_type="text/x-over",
                                               response_content_disposition="attachment"))
    assert r.content_type == "text/x-over" and r.content_disposition == "attachment"
    assert r.body.read() == data
    assert r.hash_crc64 == str(crc64(data)) and r.content_md5 == md5_b64(data)


def test_v2_get_object_to_file_and_downloader(client, bucket, tmp_path):
    b, key = bucket.bucket_name, "download/multipart.bin"
    bodies = [rand(MIN_PART_SIZE), rand(MIN_PART_SIZE + 5), rand(MIN_PART_SIZE), rand(4321)]
    whole = make_multipart_object(client, bucket, key, bodies)
    # get_object_to_file compares x-oss-hash-crc64ecma with the bytes received
    f1 = tmp_path / "full.bin"
    r = client.get_object_to_file(oss.GetObjectRequest(bucket=b, key=key), str(f1))
    assert f1.read_bytes() == whole
    assert r.etag == multipart_etag(bodies) and r.hash_crc64 == str(crc64(whole))
    # ... and does so even with a Range (§6: a 206 must not carry the whole-object CRC)
    f2 = tmp_path / "range.bin"
    lo, hi = MIN_PART_SIZE - 100, MIN_PART_SIZE + 99
    client.get_object_to_file(oss.GetObjectRequest(bucket=b, key=key, range_header="bytes=%d-%d" % (lo, hi)), str(f2))
    assert f2.read_bytes() == whole[lo:hi + 1]
    # downloader: HEAD for the size, ranged GETs with x-oss-range-behavior: standard, combined CRC check
    f3 = tmp_path / "downloader.bin"
    res = client.downloader(part_size=64 * KiB, parallel_num=3).download_file(
        oss.GetObjectRequest(bucket=b, key=key), str(f3))
    assert res.written == len(whole)
    assert f3.read_bytes() == whole
    # a ReadOnlyFile with seeks (ranged reads)
    with client.open_file(b, key) as f:
        f.seek(MIN_PART_SIZE * 2 - 3)
        assert f.read(10) == whole[MIN_PART_SIZE * 2 - 3:MIN_PART_SIZE * 2 + 7]


# ------------------------------------------------------------------ §6 HeadObject / GetObjectMeta, §7 deletes

def test_v2_head_meta_exists_delete(client, bucket):
    b, key = bucket.bucket_name, "meta/obj.txt"
    data = rand(777)
    put(client, bucket, key, data, content_type="text/x-meta", metadata={"k": "v"})
    h = head(client, bucket, key)
    assert h.content_length == len(data)
    assert h.etag == quoted_etag(data)
    assert h.content_md5 == md5_b64(data)
    assert h.hash_crc64 == str(crc64(data))
    assert h.object_type == "Normal" and h.storage_class == "Standard"
    assert h.content_type == "text/x-meta" and h.metadata == {"k": "v"}
    assert isinstance(h.last_modified, datetime.datetime)
    m = client.get_object_meta(oss.GetObjectMetaRequest(bucket=b, key=key))
    assert (m.content_length, m.etag, m.hash_crc64) == (len(data), quoted_etag(data), str(crc64(data)))
    assert m.last_modified == h.last_modified
    assert client.is_object_exist(b, key) is True
    assert client.is_object_exist(b, "meta/none") is False
    err = assert_service_error(404, "NoSuchKey", client.head_object, oss.HeadObjectRequest(bucket=b, key="meta/none"))
    assert err.request_id and err.ec           # from x-oss-err / x-oss-ec on the bodiless reply
    missing = "lopy-nob-%s" % b[-12:]
    assert_service_error(404, "NoSuchBucket", client.head_object, oss.HeadObjectRequest(bucket=missing, key="k"))
    with pytest.raises(oss.exceptions.OperationError):
        client.is_object_exist(missing, "k")
    r = client.delete_object(oss.DeleteObjectRequest(bucket=b, key=key))
    assert r.status_code == 204
    assert client.is_object_exist(b, key) is False
    assert client.delete_object(oss.DeleteObjectRequest(bucket=b, key=key)).status_code == 204   # missing: 204


def test_v2_delete_multiple_objects(client, bucket):
    b = bucket.bucket_name
    keys = ["dm/a&b", "dm/中文 x", "dm/p+q", "dm/<t>"]
    for k in keys:
        put(client, bucket, k, b"x")
    r = client.delete_multiple_objects(oss.DeleteMultipleObjectsRequest(
        bucket=b, objects=[oss.DeleteObject(key=k) for k in keys + ["dm/never"]]))
    assert r.status_code == 200
    assert sorted(d.key for d in r.deleted_objects) == sorted(keys + ["dm/never"])
    for k in keys:
        assert client.is_object_exist(b, k) is False
    for k in keys:
        put(client, bucket, k, b"x")
    r = client.delete_multiple_objects(oss.DeleteMultipleObjectsRequest(
        bucket=b, objects=[oss.DeleteObject(key=k) for k in keys], quiet=True))
    assert not r.deleted_objects
    for k in keys:
        assert client.is_object_exist(b, k) is False
