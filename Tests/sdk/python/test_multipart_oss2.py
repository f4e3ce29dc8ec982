"""Multipart upload through oss2 2.19.1 (plus raw requests where oss2 cannot express the case).

Every expectation comes from the OSS protocol reference (multipart.md section numbers in comments), never from what
the server happened to return.
"""

import itertools
import math
import uuid

import oss2
import pytest
from oss2.models import PartInfo

from localoss_helpers import assert_oss_error
from localoss_helpers import (HTTP_GMT_RE, ISO8601_MS_RE, MIN_PART_SIZE, UPLOAD_ID_RE, assert_error, child_text,
                              complete_xml, crc64, md5_b64, md5_hex, multipart_etag, quoted_etag, rand, raw_request,
                              url_encode_key, xml_root)

KiB = 1024
NO_SUCH_UPLOAD_MSG = ("The specified upload does not exist. The upload ID may be invalid, or the upload may have been "
                      "aborted or completed.")


def upload_parts(bucket, key, upload_id, bodies, start=1):
    infos = []
    for n, body in enumerate(bodies, start=start):
        r = bucket.upload_part(key, upload_id, n, body)
        infos.append(PartInfo(n, r.etag, size=len(body), part_crc=r.crc))
    return infos


def get_bytes(bucket, key):
    return bucket.get_object(key).read()


def listed_parts(bucket, key, upload_id):
    return [(p.part_number, p.etag, p.size) for p in bucket.list_parts(key, upload_id).parts]


def listed_uploads(bucket, **kw):
    r = bucket.list_multipart_uploads(**kw)
    return [(u.key, u.upload_id) for u in r.upload_list]


# ------------------------------------------------------------------ upload ids, initiate

def test_upload_ids_are_32_uppercase_hex_in_creation_order(bucket):
    key = "ids/same.bin"
    ids = [bucket.init_multipart_upload(key).upload_id for _ in range(6)]
    for uid in ids:
        assert UPLOAD_ID_RE.match(uid), uid
    assert len(set(ids)) == 6
    assert ids == sorted(ids), "byte order of ids must equal creation order (listing order within a key, §9)"
    assert listed_uploads(bucket, prefix="ids/") == [(key, u) for u in ids]


@pytest.mark.parametrize("encoded", [False, True])
def test_initiate_response_xml(server, bucket, encoded):
    key = "dir a/文件 +1.txt"
    q = [("uploads", None)] + ([("encoding-type", "url")] if encoded else [])
    resp = raw_request(server.endpoint, "POST", bucket.bucket_name, key, query=q)
    root = xml_root(resp, "InitiateMultipartUploadResult")
    assert child_text(root, "Bucket") == bucket.bucket_name
    assert UPLOAD_ID_RE.match(child_text(root, "UploadId"))
    if encoded:
        assert child_text(root, "EncodingType") == "url"
        assert child_text(root, "Key") == url_encode_key(key)
    else:
        assert root.find("EncodingType") is None
        assert child_text(root, "Key") == key
    assert resp.headers.get("x-oss-request-id")
    assert resp.headers.get("Date")
    assert listed_uploads(bucket) == [(key, child_text(root, "UploadId"))]


def test_subresource_spellings_and_parameter_order(server, bucket):
    """`?uploads` with and without `=`, `partNumber` before or after `uploadId` (§2)."""
    key = "spell/x.bin"
    r1 = raw_request(server.endpoint, "POST", bucket.bucket_name, key, query=[("uploads", None)])
    r2 = raw_request(server.endpoint, "POST", bucket.bucket_name, key, query=[("uploads", "")])
    uid = child_text(xml_root(r1, "InitiateMultipartUploadResult"), "UploadId")
    child_text(xml_root(r2, "InitiateMultipartUploadResult"), "UploadId")
    a, b = rand(MIN_PART_SIZE), rand(10)
    p1 = raw_request(server.endpoint, "PUT", bucket.bucket_name, key,
                     query=[("partNumber", "1"), ("uploadId", uid)], data=a)
    p2 = raw_request(server.endpoint, "PUT", bucket.bucket_name, key,
                     query=[("uploadId", uid), ("partNumber", "2")], data=b)
    assert (p1.status_code, p2.status_code) == (200, 200), (p1.content, p2.content)
    assert [n for n, _, _ in listed_parts(bucket, key, uid)] == [1, 2]
    lst = raw_request(server.endpoint, "GET", bucket.bucket_name, query=[("uploads", None)])
    assert len(xml_root(lst, "ListMultipartUploadsResult").findall("Upload")) == 2


def test_initiate_does_not_touch_existing_object(bucket):
    key = "exists.txt"
    bucket.put_object(key, b"old object")
    bucket.created_keys.add(key)
    uid = bucket.init_multipart_upload(key).upload_id
    assert get_bytes(bucket, key) == b"old object"
    assert bucket.abort_multipart_upload(key, uid).status == 204
    assert get_bytes(bucket, key) == b"old object"


# ------------------------------------------------------------------ full flow

def test_full_flow_metadata_etag_crc(bucket):
    key = "flow/obj.txt"
    headers = {
        "Content-Type": "text/x-localoss; charset=utf-8",
        "x-oss-meta-owner": "alice",
        "X-Oss-Meta-Mixed-Case": "Value 1",
        "Cache-Control": "no-cache",
        "Content-Disposition": 'attachment; filename="a.txt"',
        "Content-Language": "zh-CN",
        "Expires": "Wed, 21 Oct 2015 07:28:00 GMT",
    }
    uid = bucket.init_multipart_upload(key, headers=headers).upload_id
    bodies = [rand(150 * KiB), rand(120 * KiB), rand(33)]
    infos = []
    for n, body in enumerate(bodies, start=1):
        r = bucket.upload_part(key, uid, n, body)
        assert r.status == 200
        assert r.etag == md5_hex(body), "part ETag = uppercase hex MD5 (§2)"
        assert r.headers.get("ETag") == quoted_etag(body), "ETag header is quoted (§4)"
        assert r.crc == crc64(body), "x-oss-hash-crc64ecma of the part (§4)"
        assert r.headers.get("Content-MD5") == md5_b64(body), "Content-MD5 reply header (§4)"
        assert r.request_id
        infos.append(PartInfo(n, r.etag, size=len(body), part_crc=r.crc))

    # Nothing visible before Complete (§10).
    assert_oss_error(404, "NoSuchKey", bucket.get_object, key)
    assert listed_parts(bucket, key, uid) == [(n, md5_hex(b), len(b)) for n, b in enumerate(bodies, 1)]

    whole = b"".join(bodies)
    res = bucket.complete_multipart_upload(key, uid, infos)  # oss2 also checks the combined CRC
    bucket.created_keys.add(key)
    assert res.status == 200
    assert '"%s"' % res.etag == multipart_etag(bodies)
    assert res.crc == crc64(whole)

    head = bucket.head_object(key)
    h = head.headers
    assert h["Content-Type"] == headers["Content-Type"]
    assert h["x-oss-meta-owner"] == "alice"
    assert h["x-oss-meta-mixed-case"] == "Value 1"
    for name in ("Cache-Control", "Content-Disposition", "Content-Language", "Expires"):
        assert h.get(name) == headers[name], name
    assert int(h["Content-Length"]) == len(whole)
    assert h["ETag"] == multipart_etag(bodies)
    assert h["x-oss-object-type"] == "Multipart"
    assert h["x-oss-storage-class"] == "Standard"
    assert int(h["x-oss-hash-crc64ecma"]) == crc64(whole)
    assert HTTP_GMT_RE.match(h["Last-Modified"]), h["Last-Modified"]

    got = bucket.get_object(key)
    assert got.read() == whole
    assert got.headers["Content-Type"] == headers["Content-Type"]
    assert got.headers["x-oss-meta-owner"] == "alice"
    assert got.headers["ETag"] == multipart_etag(bodies)

    assert listed_uploads(bucket) == []
    assert_oss_error(404, "NoSuchUpload", bucket.list_parts, key, uid)


def test_etag_and_crc_vectors(bucket):
    """multipart.md §6 [vector]: 102400 x 'a' + 10 x 'b'."""
    key = "vector.bin"
    p1, p2 = b"a" * 102400, b"b" * 10
    assert multipart_etag([p1, p2]) == '"986A36156EB9BEEFEEA12B0E118A4B2E-2"'
    uid = bucket.init_multipart_upload(key).upload_id
    r1 = bucket.upload_part(key, uid, 1, p1)
    r2 = bucket.upload_part(key, uid, 2, p2)
    assert r1.etag == "302D3A0C8E319EAA95B059B346DE1D1D"
    assert r2.etag == "82136B4240D6CE4EA7D03E51469A393B"
    assert (r1.crc, r2.crc) == (12696911168479852064, 16332867268285949405)
    res = bucket.complete_multipart_upload(key, uid, [PartInfo(1, r1.etag, size=len(p1), part_crc=r1.crc),
                                                      PartInfo(2, r2.etag, size=len(p2), part_crc=r2.crc)])
    bucket.created_keys.add(key)
    assert res.etag == "986A36156EB9BEEFEEA12B0E118A4B2E-2"
    assert res.crc == 88389505591002533
    head = bucket.head_object(key)
    assert head.headers["ETag"] == '"986A36156EB9BEEFEEA12B0E118A4B2E-2"'
    assert int(head.headers["x-oss-hash-crc64ecma"]) == 88389505591002533


@pytest.mark.parametrize("encoded", [False, True])
def test_complete_response_xml(server, bucket, encoded):
    key = "dir a/完成 +1.bin"
    uid = bucket.init_multipart_upload(key).upload_id
    bodies = [rand(MIN_PART_SIZE), rand(5)]
    infos = upload_parts(bucket, key, uid, bodies)
    q = [("uploadId", uid)] + ([("encoding-type", "url")] if encoded else [])
    resp = raw_request(server.endpoint, "POST", bucket.bucket_name, key, query=q,
                       data=complete_xml([(p.part_number, '"%s"' % p.etag) for p in infos]))
    bucket.created_keys.add(key)
    root = xml_root(resp, "CompleteMultipartUploadResult")
    assert child_text(root, "Bucket") == bucket.bucket_name
    assert child_text(root, "ETag") == multipart_etag(bodies)
    assert resp.headers.get("ETag") == multipart_etag(bodies), "ETag header (oss2 reads only headers, §6)"
    assert child_text(root, "Location"), "Location must be non-empty"
    assert int(resp.headers["x-oss-hash-crc64ecma"]) == crc64(b"".join(bodies))
    if encoded:
        assert child_text(root, "EncodingType") == "url"
        assert child_text(root, "Key") == url_encode_key(key)
    else:
        assert root.find("EncodingType") is None
        assert child_text(root, "Key") == key
    assert get_bytes(bucket, key) == b"".join(bodies)


@pytest.mark.parametrize("spelling", ["quoted", "unquoted", "lowercase", "go-escaped", "single-quote-decl"])
def test_complete_accepts_etag_spellings(server, bucket, spelling):
    """§6: decode character references, strip one pair of quotes, compare hex case-insensitively."""
    key = "spell-%s.bin" % spelling
    uid = bucket.init_multipart_upload(key).upload_id
    body = rand(1000)
    bucket.upload_part(key, uid, 1, body)
    hexd = md5_hex(body)
    etag = {"quoted": '"%s"' % hexd, "unquoted": hexd, "lowercase": '"%s"' % hexd.lower(),
            "go-escaped": "&#34;%s&#34;" % hexd, "single-quote-decl": '"%s"' % hexd}[spelling]
    data = complete_xml([(1, etag)], decl=False)
    if spelling == "single-quote-decl":
        data = b"<?xml version='1.0' encoding='utf-8'?>\n" + data.replace(b"<Part>", b"\n  <Part>")
    resp = raw_request(server.endpoint, "POST", bucket.bucket_name, key, query={"uploadId": uid}, data=data)
    bucket.created_keys.add(key)
    assert resp.status_code == 200, resp.content
    assert get_bytes(bucket, key) == body


# ------------------------------------------------------------------ part replacement, subsets, other uploads

def test_part_replacement(bucket):
    key = "replace.bin"
    uid = bucket.init_multipart_upload(key).upload_id
    old1, p2 = rand(200 * KiB), rand(7)
    r_old = bucket.upload_part(key, uid, 1, old1)
    r2 = bucket.upload_part(key, uid, 2, p2)
    new1 = rand(150 * KiB)
    r_new = bucket.upload_part(key, uid, 1, new1)
    assert r_new.etag != r_old.etag
    assert listed_parts(bucket, key, uid) == [(1, md5_hex(new1), len(new1)), (2, md5_hex(p2), len(p2))]

    e = assert_oss_error(400, "InvalidPart", bucket.complete_multipart_upload, key, uid,
                         [PartInfo(1, r_old.etag), PartInfo(2, r2.etag)])
    assert e.status == 400
    # A failed Complete leaves the upload untouched (§6).
    assert listed_parts(bucket, key, uid) == [(1, md5_hex(new1), len(new1)), (2, md5_hex(p2), len(p2))]

    res = bucket.complete_multipart_upload(key, uid, [PartInfo(1, r_new.etag, size=len(new1), part_crc=r_new.crc),
                                                      PartInfo(2, r2.etag, size=len(p2), part_crc=r2.crc)])
    bucket.created_keys.add(key)
    assert get_bytes(bucket, key) == new1 + p2
    assert '"%s"' % res.etag == multipart_etag([new1, p2])


def test_complete_with_subset_and_other_uploads_unaffected(bucket):
    key = "subset.bin"
    uid_a = bucket.init_multipart_upload(key).upload_id
    uid_b = bucket.init_multipart_upload(key).upload_id
    bodies = [rand(110 * KiB), rand(105 * KiB), rand(3 * KiB)]
    infos = upload_parts(bucket, key, uid_a, bodies)
    b_body = rand(2 * KiB)
    rb = bucket.upload_part(key, uid_b, 1, b_body)

    res = bucket.complete_multipart_upload(key, uid_a, [infos[0], infos[2]])  # parts 1 and 3 (non-consecutive)
    bucket.created_keys.add(key)
    assert get_bytes(bucket, key) == bodies[0] + bodies[2]
    assert '"%s"' % res.etag == multipart_etag([bodies[0], bodies[2]])
    assert bucket.head_object(key).headers["ETag"].endswith('-2"')

    # The other upload of the same key is untouched and completes later, replacing the object.
    assert listed_uploads(bucket) == [(key, uid_b)]
    assert listed_parts(bucket, key, uid_b) == [(1, md5_hex(b_body), len(b_body))]
    bucket.complete_multipart_upload(key, uid_b, [PartInfo(1, rb.etag, size=len(b_body), part_crc=rb.crc)])
    assert get_bytes(bucket, key) == b_body
    assert listed_uploads(bucket) == []


def test_complete_all(bucket):
    key = "complete-all.bin"
    uid = bucket.init_multipart_upload(key).upload_id
    p1, p2, p3 = rand(101 * KiB), rand(100 * KiB), rand(999)
    for n, body in ((3, p3), (1, p1), (2, p2)):
        bucket.upload_part(key, uid, n, body)
    res = bucket.complete_multipart_upload(key, uid, None, headers={"x-oss-complete-all": "yes"})
    bucket.created_keys.add(key)
    assert res.status == 200
    whole = p1 + p2 + p3
    assert get_bytes(bucket, key) == whole
    assert '"%s"' % res.etag == multipart_etag([p1, p2, p3])
    assert res.crc == crc64(whole)
    assert bucket.head_object(key).headers["ETag"] == multipart_etag([p1, p2, p3])
    assert listed_uploads(bucket) == []


def test_complete_all_with_body_is_invalid_argument(bucket):
    key = "complete-all-body.bin"
    uid = bucket.init_multipart_upload(key).upload_id
    infos = upload_parts(bucket, key, uid, [rand(1000)])
    e = assert_oss_error(400, "InvalidArgument", bucket.complete_multipart_upload, key, uid, infos,
                         headers={"x-oss-complete-all": "yes"})
    assert e.message == "Should not speficy both complete all header and http body."
    assert listed_parts(bucket, key, uid) == [(1, infos[0].etag, 1000)]


def test_resumable_upload_parallel(bucket, tmp_path):
    key = "resumable/big.bin"
    data = rand(5 * 1024 * KiB + 12345)
    src = tmp_path / "big.bin"
    src.write_bytes(data)
    part_size = 256 * KiB
    assert bucket.enable_crc
    res = oss2.resumable_upload(bucket, key, str(src), store=oss2.ResumableStore(root=str(tmp_path)),
                                multipart_threshold=1024 * KiB, part_size=part_size, num_threads=4)
    bucket.created_keys.add(key)
    chunks = [data[i:i + part_size] for i in range(0, len(data), part_size)]
    assert len(chunks) == math.ceil(len(data) / part_size) == 21
    assert '"%s"' % res.etag == multipart_etag(chunks)
    assert res.crc == crc64(data)
    assert get_bytes(bucket, key) == data
    head = bucket.head_object(key)
    assert head.headers["ETag"] == multipart_etag(chunks)
    assert int(head.headers["x-oss-hash-crc64ecma"]) == crc64(data)
    assert listed_uploads(bucket) == []


def test_upload_part_copy_with_ranges(bucket):
    src_key = "src dir/s+1 文.bin"
    src = rand(300 * KiB)
    bucket.put_object(src_key, src)
    bucket.created_keys.add(src_key)
    key = "copy/target.bin"
    uid = bucket.init_multipart_upload(key).upload_id
    name = bucket.bucket_name

    r1 = bucket.upload_part_copy(name, src_key, (1000, 1000 + 150 * KiB - 1), key, uid, 1)   # bytes=1000-154599
    r2 = bucket.upload_part_copy(name, src_key, (100 * KiB, None), key, uid, 2)               # bytes=102400-
    r3 = bucket.upload_part_copy(name, src_key, None, key, uid, 3)                             # whole object
    tail = rand(77)
    r4 = bucket.upload_part(key, uid, 4, tail)
    pieces = [src[1000:1000 + 150 * KiB], src[100 * KiB:], src, tail]
    for r, piece in zip((r1, r2, r3), pieces):
        assert r.status == 200
        assert r.etag == md5_hex(piece), "UploadPartCopy ETag header = MD5 of the copied bytes (§5)"
    assert listed_parts(bucket, key, uid) == [(n, md5_hex(p), len(p)) for n, p in enumerate(pieces, 1)]

    res = bucket.complete_multipart_upload(key, uid, [PartInfo(1, r1.etag), PartInfo(2, r2.etag),
                                                      PartInfo(3, r3.etag), PartInfo(4, r4.etag)])
    bucket.created_keys.add(key)
    whole = b"".join(pieces)
    assert get_bytes(bucket, key) == whole
    assert '"%s"' % res.etag == multipart_etag(pieces)
    assert res.crc == crc64(whole)


def test_upload_part_copy_response_xml(server, bucket):
    src_key = "copy-src.bin"
    src = rand(2000)
    bucket.put_object(src_key, src)
    bucket.created_keys.add(src_key)
    uid = bucket.init_multipart_upload("copy-dst.bin").upload_id
    resp = raw_request(server.endpoint, "PUT", bucket.bucket_name, "copy-dst.bin",
                       query=[("partNumber", "1"), ("uploadId", uid)],
                       headers={"x-oss-copy-source": "/%s/%s" % (bucket.bucket_name, src_key),
                                "x-oss-copy-source-range": "bytes=10-19"})
    root = xml_root(resp, "CopyPartResult")
    assert child_text(root, "ETag") == quoted_etag(src[10:20])
    assert resp.headers.get("ETag") == quoted_etag(src[10:20])
    assert ISO8601_MS_RE.match(child_text(root, "LastModified"))


def test_abort_returns_204_and_removes_upload(bucket):
    key = "abort.bin"
    uid = bucket.init_multipart_upload(key).upload_id
    upload_parts(bucket, key, uid, [rand(100)])
    res = bucket.abort_multipart_upload(key, uid)
    assert res.status == 204
    assert listed_uploads(bucket) == []
    assert_oss_error(404, "NoSuchKey", bucket.get_object, key)


def test_oss2_iterators(bucket):
    """oss2-tests test_iterator.py: ten uploads of one key == sorted(ids) across pages of 2; each dir once."""
    key = "iter/one-key"
    ids = [bucket.init_multipart_upload(key).upload_id for _ in range(10)]
    # islice: a server that repeats entries must fail the test, not hang it.
    got = [(u.key, u.upload_id) for u in
           itertools.islice(oss2.MultipartUploadIterator(bucket, prefix="iter/", max_uploads=2), 40)]
    assert got == [(key, u) for u in sorted(ids)]

    for d in ("dirs/a/", "dirs/b/", "dirs/c/"):
        for i in range(3):
            bucket.init_multipart_upload(d + "f%d" % i)
    bucket.init_multipart_upload("dirs/top")
    entries = [(u.key, u.is_prefix()) for u in itertools.islice(
        oss2.MultipartUploadIterator(bucket, prefix="dirs/", delimiter="/", max_uploads=2), 40)]
    assert entries == [("dirs/a/", True), ("dirs/b/", True), ("dirs/c/", True), ("dirs/top", False)]

    uid = ids[0]
    bodies = {n: rand(512) for n in (1, 3, 6, 7, 9, 10)}
    for n, b in bodies.items():
        bucket.upload_part(key, uid, n, b)
    parts = [(p.part_number, p.etag, p.size) for p in
             itertools.islice(oss2.PartIterator(bucket, key, uid, max_parts=2), 40)]
    assert parts == [(n, md5_hex(b), len(b)) for n, b in sorted(bodies.items())]


# ------------------------------------------------------------------ error codes

MISSING_UPLOAD = "0123456789ABCDEF0123456789ABCDEF"


def _op(bucket, op, key, uid, other_bucket_name=None):
    src_bucket = other_bucket_name or bucket.bucket_name
    return {
        "init": lambda: bucket.init_multipart_upload(key),
        "upload_part": lambda: bucket.upload_part(key, uid, 1, b"data"),
        "upload_part_copy": lambda: bucket.upload_part_copy(src_bucket, "src.bin", None, key, uid, 1),
        "complete": lambda: bucket.complete_multipart_upload(key, uid, [PartInfo(1, md5_hex(b"data"))]),
        "complete_all": lambda: bucket.complete_multipart_upload(key, uid, None, headers={"x-oss-complete-all": "yes"}),
        "abort": lambda: bucket.abort_multipart_upload(key, uid),
        "list_parts": lambda: bucket.list_parts(key, uid),
        "list_uploads": lambda: bucket.list_multipart_uploads(),
    }[op]


@pytest.mark.parametrize("op", ["init", "upload_part", "upload_part_copy", "complete", "abort", "list_parts",
                                "list_uploads"])
def test_no_such_bucket(server, bucket, oss_auth, oss_session, op):
    missing = oss2.Bucket(oss_auth, server.endpoint, "lopy-missing-" + uuid.uuid4().hex[:12], session=oss_session)
    bucket.put_object("src.bin", b"x" * 10)
    bucket.created_keys.add("src.bin")
    e = assert_oss_error(404, "NoSuchBucket", _op(missing, op, "k.bin", MISSING_UPLOAD, bucket.bucket_name))
    assert e.details.get("EC", "0015-00000101") == "0015-00000101"


def test_no_such_key(server, bucket):
    uid = bucket.init_multipart_upload("dst.bin").upload_id
    assert_oss_error(404, "NoSuchKey", bucket.upload_part_copy, bucket.bucket_name, "no/such/source.bin", None,
                     "dst.bin", uid, 1)
    assert listed_parts(bucket, "dst.bin", uid) == []
    assert_oss_error(404, "NoSuchKey", bucket.get_object, "no/such/object.bin")
    # HEAD errors have no body: the code travels in x-oss-err (wire-and-auth.md §4).
    assert_oss_error(404, "NoSuchKey", bucket.head_object, "no/such/object.bin")


@pytest.mark.parametrize("state", ["aborted", "completed", "unknown", "malformed"])
@pytest.mark.parametrize("op", ["upload_part", "upload_part_copy", "list_parts", "abort", "complete", "complete_all"])
def test_no_such_upload(bucket, state, op):
    key = "nsu-%s-%s.bin" % (state, op)
    bucket.put_object("src.bin", b"s" * 10)
    bucket.created_keys.update({"src.bin", key})
    if state in ("aborted", "completed"):
        uid = bucket.init_multipart_upload(key).upload_id
        r = bucket.upload_part(key, uid, 1, b"data")
        if state == "aborted":
            bucket.abort_multipart_upload(key, uid)
        else:
            bucket.complete_multipart_upload(key, uid, [PartInfo(1, r.etag)])
    elif state == "unknown":
        uid = MISSING_UPLOAD
    else:
        uid = "not-an-upload-id"
    e = assert_oss_error(404, "NoSuchUpload", _op(bucket, op, key, uid))
    assert e.message == NO_SUCH_UPLOAD_MSG


@pytest.mark.parametrize("part_number", [0, 10001, -1, "abc"])
def test_invalid_part_number(bucket, part_number):
    key = "pn.bin"
    uid = bucket.init_multipart_upload(key).upload_id
    assert_oss_error(400, "InvalidArgument", bucket.upload_part, key, uid, part_number, b"data")
    assert listed_parts(bucket, key, uid) == []


def test_part_number_bounds_accepted(bucket):
    key = "pn-ok.bin"
    uid = bucket.init_multipart_upload(key).upload_id
    bucket.upload_part(key, uid, 1, b"first")
    bucket.upload_part(key, uid, 10000, b"last")
    assert [n for n, _, _ in listed_parts(bucket, key, uid)] == [1, 10000]


def test_invalid_digest_stores_nothing(bucket):
    key = "digest.bin"
    uid = bucket.init_multipart_upload(key).upload_id
    good = rand(1000)
    bucket.upload_part(key, uid, 1, good)
    before = listed_parts(bucket, key, uid)

    other = rand(1000)
    # Replacement of part 1 with a wrong Content-MD5: rejected, old part 1 stays (§4).
    assert_oss_error(400, "InvalidDigest", bucket.upload_part, key, uid, 1, other,
                     headers={"Content-MD5": md5_b64(good)})
    # New part 2 with a wrong Content-MD5: not stored.
    assert_oss_error(400, "InvalidDigest", bucket.upload_part, key, uid, 2, other,
                     headers={"Content-MD5": md5_b64(b"something else")})
    # Malformed value: same code.
    assert_oss_error(400, "InvalidDigest", bucket.upload_part, key, uid, 3, other,
                     headers={"Content-MD5": "not-base64!!"})
    assert listed_parts(bucket, key, uid) == before == [(1, md5_hex(good), 1000)]

    r = bucket.upload_part(key, uid, 2, other, headers={"Content-MD5": md5_b64(other)})
    assert r.etag == md5_hex(other)


def test_invalid_part(bucket):
    key = "invalid-part.bin"
    uid = bucket.init_multipart_upload(key).upload_id
    p1, p2 = rand(MIN_PART_SIZE), rand(10)
    r1 = bucket.upload_part(key, uid, 1, p1)
    r2 = bucket.upload_part(key, uid, 2, p2)
    assert_oss_error(400, "InvalidPart", bucket.complete_multipart_upload, key, uid,
                     [PartInfo(1, r1.etag), PartInfo(2, r2.etag), PartInfo(3, r2.etag)])          # never uploaded
    assert_oss_error(400, "InvalidPart", bucket.complete_multipart_upload, key, uid,
                     [PartInfo(1, r1.etag), PartInfo(2, md5_hex(b"not part 2"))])                 # wrong ETag
    assert listed_parts(bucket, key, uid) == [(1, r1.etag, len(p1)), (2, r2.etag, len(p2))]
    bucket.complete_multipart_upload(key, uid, [PartInfo(1, r1.etag), PartInfo(2, r2.etag)])
    bucket.created_keys.add(key)
    assert get_bytes(bucket, key) == p1 + p2


def test_invalid_part_order(server, bucket):
    key = "order.bin"
    uid = bucket.init_multipart_upload(key).upload_id
    p1, p2 = rand(MIN_PART_SIZE), rand(MIN_PART_SIZE)
    r1 = bucket.upload_part(key, uid, 1, p1)
    r2 = bucket.upload_part(key, uid, 2, p2)
    # Descending (raw: oss2 sorts the list itself).
    resp = raw_request(server.endpoint, "POST", bucket.bucket_name, key, query={"uploadId": uid},
                       data=complete_xml([(2, '"%s"' % r2.etag), (1, '"%s"' % r1.etag)]))
    assert_error(resp, 400, "InvalidPartOrder")
    # Duplicate part number counts as not ascending.
    assert_oss_error(400, "InvalidPartOrder", bucket.complete_multipart_upload, key, uid,
                     [PartInfo(1, r1.etag), PartInfo(1, r1.etag), PartInfo(2, r2.etag)])
    assert listed_parts(bucket, key, uid) == [(1, r1.etag, len(p1)), (2, r2.etag, len(p2))]


def test_entity_too_small(bucket):
    key = "small.bin"
    uid = bucket.init_multipart_upload(key).upload_id
    p1, p2 = rand(1024), rand(1024)
    r1 = bucket.upload_part(key, uid, 1, p1)   # UploadPart accepts small parts (§1)
    r2 = bucket.upload_part(key, uid, 2, p2)
    assert_oss_error(400, "EntityTooSmall", bucket.complete_multipart_upload, key, uid,
                     [PartInfo(1, r1.etag), PartInfo(2, r2.etag)])
    assert listed_parts(bucket, key, uid) == [(1, r1.etag, 1024), (2, r2.etag, 1024)]
    # A lone small part is the last part and completes fine (§1).
    bucket.complete_multipart_upload(key, uid, [PartInfo(2, r2.etag)])
    bucket.created_keys.add(key)
    assert get_bytes(bucket, key) == p2


@pytest.mark.parametrize("first_size,ok", [(MIN_PART_SIZE - 1, False), (MIN_PART_SIZE, True)])
def test_min_part_size_boundary(bucket, first_size, ok):
    key = "boundary-%d.bin" % first_size
    uid = bucket.init_multipart_upload(key).upload_id
    p1, p2 = rand(first_size), rand(1)
    infos = upload_parts(bucket, key, uid, [p1, p2])
    if ok:
        bucket.complete_multipart_upload(key, uid, infos)
        bucket.created_keys.add(key)
        assert get_bytes(bucket, key) == p1 + p2
    else:
        assert_oss_error(400, "EntityTooSmall", bucket.complete_multipart_upload, key, uid, infos)


MALFORMED_BODIES = {
    "not-well-formed": b"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>",
    "wrong-root": b"<CompleteUpload><Part><PartNumber>1</PartNumber><ETag>\"%s\"</ETag></Part></CompleteUpload>",
    "part-without-etag": b"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>",
    "part-without-number": b"<CompleteMultipartUpload><Part><ETag>\"%s\"</ETag></Part></CompleteMultipartUpload>",
    "non-integer-number": b"<CompleteMultipartUpload><Part><PartNumber>one</PartNumber><ETag>\"%s\"</ETag></Part>"
                          b"</CompleteMultipartUpload>",
    "empty-body": b"",
    "doctype": b"<?xml version=\"1.0\"?><!DOCTYPE CompleteMultipartUpload [<!ENTITY x \"1\">]>"
               b"<CompleteMultipartUpload><Part><PartNumber>&x;</PartNumber><ETag>\"%s\"</ETag></Part>"
               b"</CompleteMultipartUpload>",
}


@pytest.mark.parametrize("case", sorted(MALFORMED_BODIES))
def test_malformed_xml(server, bucket, case):
    key = "malformed.bin"
    uid = bucket.init_multipart_upload(key).upload_id
    body = rand(100)
    r = bucket.upload_part(key, uid, 1, body)
    data = MALFORMED_BODIES[case]
    if b"%s" in data:
        data = data % r.etag.encode()
    resp = raw_request(server.endpoint, "POST", bucket.bucket_name, key, query={"uploadId": uid}, data=data)
    assert_error(resp, 400, "MalformedXML")
    assert listed_parts(bucket, key, uid) == [(1, r.etag, 100)]


@pytest.mark.parametrize("key,valid", [
    ("k" * 1023, True),
    ("文" * 341, True),            # 1023 bytes
    ("k" * 1024, False),
    ("文" * 341 + "k", False),     # 1024 bytes, 342 characters: the limit is in bytes
    ("\\invalid-object-name", False),
    ("/leading-slash", False),
])
def test_object_name_rules(bucket, key, valid):
    if valid:
        uid = bucket.init_multipart_upload(key).upload_id
        bucket.abort_multipart_upload(key, uid)
        bucket.put_object(key, b"v")
        bucket.created_keys.add(key)
        assert get_bytes(bucket, key) == b"v"
    else:
        assert_oss_error(400, "InvalidObjectName", bucket.init_multipart_upload, key)
        assert_oss_error(400, "InvalidObjectName", bucket.put_object, key, b"v")
        assert listed_uploads(bucket) == []


def test_bucket_not_empty(server, oss_auth, oss_session):
    from conftest import make_oss2_bucket, unique_bucket_name
    b = make_oss2_bucket(server.endpoint, unique_bucket_name("ne"), oss_auth, oss_session)
    b.create_bucket()
    b.put_object("obj.txt", b"x")
    assert_oss_error(409, "BucketNotEmpty", b.delete_bucket)
    b.delete_object("obj.txt")
    uid = b.init_multipart_upload("only-an-upload.bin").upload_id
    assert_oss_error(409, "BucketNotEmpty", b.delete_bucket)   # in-progress uploads block DeleteBucket (§10)
    b.abort_multipart_upload("only-an-upload.bin", uid)
    assert b.delete_bucket().status == 204
    assert_oss_error(404, "NoSuchBucket", b.get_bucket_info)


@pytest.mark.parametrize("name", ["xx", "XXXX", "_bucket", "ERRORBUCKETNAME", "InvalidBucketName_", "a" * 64,
                                  "-abc", "abc-"])
def test_invalid_bucket_name(server, name):
    assert_error(raw_request(server.endpoint, "PUT", name), 400, "InvalidBucketName")
    assert_error(raw_request(server.endpoint, "DELETE", name), 400, "InvalidBucketName")
    assert_error(raw_request(server.endpoint, "GET", name, query=[("bucketInfo", None)]), 400, "InvalidBucketName")


@pytest.mark.parametrize("method,query", [
    ("PUT", [("partNumber", "1"), ("uploadId", "")]),
    ("DELETE", [("uploadId", "")]),
    ("GET", [("uploadId", "")]),
    ("POST", [("uploadId", "")]),
])
def test_bucket_level_upload_id_is_rejected(server, bucket, method, query):
    """Go 1.5 TestMultipartNegative: must fail, never run PutBucket/DeleteBucket/ListObjects (§2)."""
    resp = raw_request(server.endpoint, method, bucket.bucket_name, query=query)
    assert 400 <= resp.status_code < 500, (resp.status_code, resp.content)
    assert bucket.get_bucket_info().name == bucket.bucket_name, "bucket must still exist"


def test_no_such_upload_error_body_carries_upload_id(server, bucket):
    resp = raw_request(server.endpoint, "GET", bucket.bucket_name, "x.bin", query={"uploadId": MISSING_UPLOAD})
    err = assert_error(resp, 404, "NoSuchUpload")
    assert err.get("UploadId") == MISSING_UPLOAD
    for name in ("Message", "RequestId", "HostId"):
        assert err.get(name), name
    assert resp.headers.get("x-oss-request-id") and resp.headers.get("Date")


# ------------------------------------------------------------------ further documented behaviour

def test_upload_part_chunked_body(bucket):
    """Body framing: Transfer-Encoding: chunked (oss2 with an iterator of unknown length, §4)."""
    key = "chunked.bin"
    uid = bucket.init_multipart_upload(key).upload_id
    pieces = [rand(40 * KiB), rand(70 * KiB), rand(5)]

    def gen():
        for p in pieces:
            yield p

    data = b"".join(pieces)
    r = bucket.upload_part(key, uid, 1, gen())
    assert r.etag == md5_hex(data)
    assert listed_parts(bucket, key, uid) == [(1, md5_hex(data), len(data))]


def test_upload_part_expect_100_continue(server, bucket):
    key = "expect.bin"
    uid = bucket.init_multipart_upload(key).upload_id
    body = rand(3000)
    resp = raw_request(server.endpoint, "PUT", bucket.bucket_name, key,
                       query=[("partNumber", "1"), ("uploadId", uid)], headers={"Expect": "100-continue"}, data=body)
    assert resp.status_code == 200, resp.content
    assert resp.headers.get("ETag") == quoted_etag(body)
    assert listed_parts(bucket, key, uid) == [(1, md5_hex(body), len(body))]


def test_initiate_without_content_type_defaults_to_octet_stream(server, bucket):
    key = "no-type"
    resp = raw_request(server.endpoint, "POST", bucket.bucket_name, key, query=[("uploads", None)])
    uid = child_text(xml_root(resp, "InitiateMultipartUploadResult"), "UploadId")
    body = rand(10)
    r = bucket.upload_part(key, uid, 1, body)
    bucket.complete_multipart_upload(key, uid, [PartInfo(1, r.etag)])
    bucket.created_keys.add(key)
    assert bucket.head_object(key).headers["Content-Type"] == "application/octet-stream"


def test_initiate_storage_class(server, bucket):
    key = "ia.bin"
    uid = bucket.init_multipart_upload(key, headers={"x-oss-storage-class": "IA"}).upload_id
    resp = raw_request(server.endpoint, "GET", bucket.bucket_name, key, query={"uploadId": uid})
    assert child_text(xml_root(resp, "ListPartsResult"), "StorageClass") == "IA"
    r = bucket.upload_part(key, uid, 1, b"ia")
    bucket.complete_multipart_upload(key, uid, [PartInfo(1, r.etag)])
    bucket.created_keys.add(key)
    assert bucket.head_object(key).headers["x-oss-storage-class"] == "IA"


@pytest.mark.parametrize("where", ["complete", "initiate"])
def test_forbid_overwrite(bucket, where):
    key = "forbid-%s.bin" % where
    bucket.put_object(key, b"existing")
    bucket.created_keys.add(key)
    init_headers = {"x-oss-forbid-overwrite": "true"} if where == "initiate" else None
    uid = bucket.init_multipart_upload(key, headers=init_headers).upload_id
    r = bucket.upload_part(key, uid, 1, b"new bytes")
    complete_headers = {"x-oss-forbid-overwrite": "true"} if where == "complete" else None
    e = assert_oss_error(409, "FileAlreadyExists", bucket.complete_multipart_upload, key, uid,
                         [PartInfo(1, r.etag)], headers=complete_headers)
    assert e.details.get("EC", "0042-00000214") == "0042-00000214"
    assert get_bytes(bucket, key) == b"existing"


def test_complete_with_wrong_content_md5_is_invalid_digest(server, bucket):
    key = "complete-md5.bin"
    uid = bucket.init_multipart_upload(key).upload_id
    r = bucket.upload_part(key, uid, 1, b"abc")
    data = complete_xml([(1, '"%s"' % r.etag)])
    resp = raw_request(server.endpoint, "POST", bucket.bucket_name, key, query={"uploadId": uid}, data=data,
                       headers={"Content-MD5": md5_b64(data + b" ")})
    assert_error(resp, 400, "InvalidDigest")
    assert listed_parts(bucket, key, uid) == [(1, r.etag, 3)]
    resp = raw_request(server.endpoint, "POST", bucket.bucket_name, key, query={"uploadId": uid}, data=data,
                       headers={"Content-MD5": md5_b64(data)})
    bucket.created_keys.add(key)
    assert resp.status_code == 200, resp.content


def test_concurrent_complete_and_abort_exactly_one_wins(server, bucket):
    """§10: exactly one of two concurrent Completes (or a Complete and an Abort) succeeds; the other NoSuchUpload."""
    import concurrent.futures
    for rival in ("complete", "abort"):
        key = "race-%s.bin" % rival
        bucket.created_keys.add(key)
        uid = bucket.init_multipart_upload(key).upload_id
        p1, p2 = rand(MIN_PART_SIZE), rand(100)
        r1, r2 = bucket.upload_part(key, uid, 1, p1), bucket.upload_part(key, uid, 2, p2)
        data = complete_xml([(1, '"%s"' % r1.etag), (2, '"%s"' % r2.etag)])

        def do_complete():
            return raw_request(server.endpoint, "POST", bucket.bucket_name, key, query={"uploadId": uid}, data=data)

        def do_abort():
            return raw_request(server.endpoint, "DELETE", bucket.bucket_name, key, query={"uploadId": uid})

        with concurrent.futures.ThreadPoolExecutor(2) as ex:
            fa = ex.submit(do_complete)
            fb = ex.submit(do_complete if rival == "complete" else do_abort)
            a, b = fa.result(), fb.result()
        ok = [x for x in (a, b) if x.status_code in (200, 204)]
        failed = [x for x in (a, b) if x.status_code not in (200, 204)]
        assert len(ok) == 1 and len(failed) == 1, [(x.status_code, x.content[:200]) for x in (a, b)]
        assert_error(failed[0], 404, "NoSuchUpload")
        if ok[0].status_code == 200:
            assert get_bytes(bucket, key) == p1 + p2
        else:
            assert_oss_error(404, "NoSuchKey", bucket.get_object, key)
        assert listed_uploads(bucket, prefix=key) == []


def test_range_get_across_part_boundary(server, bucket):
    key = "range.bin"
    uid = bucket.init_multipart_upload(key).upload_id
    p1, p2 = rand(MIN_PART_SIZE), rand(500)
    infos = upload_parts(bucket, key, uid, [p1, p2])
    bucket.complete_multipart_upload(key, uid, infos)
    bucket.created_keys.add(key)
    whole = p1 + p2
    resp = raw_request(server.endpoint, "GET", bucket.bucket_name, key, headers={"Range": "bytes=102300-102499"})
    assert resp.status_code == 206
    assert resp.content == whole[102300:102500]
    assert resp.headers.get("Content-Range") == "bytes 102300-102499/%d" % len(whole)


def test_huge_nul_key_is_rejected_and_server_survives(server, bucket):
    """Go 1.5 TestMultipartNegative initiates with a 100 KiB key of NUL bytes; it only needs an error (§3)."""
    resp = raw_request(server.endpoint, "POST", bucket.bucket_name, "\x00" * (100 * KiB), query=[("uploads", None)])
    assert 400 <= resp.status_code < 500, resp.status_code
    assert listed_uploads(bucket) == []
    assert bucket.get_bucket_info().name == bucket.bucket_name


def test_upload_part_copy_errors(server, bucket):
    src_key = "copy-err-src.bin"
    src = rand(1000)
    bucket.put_object(src_key, src)
    bucket.created_keys.add(src_key)
    key = "copy-err-dst.bin"
    uid = bucket.init_multipart_upload(key).upload_id
    # Source bucket missing -> NoSuchBucket.
    assert_oss_error(404, "NoSuchBucket", bucket.upload_part_copy, "lopy-missing-src-" + uuid.uuid4().hex[:8],
                     src_key, None, key, uid, 1)
    q = [("partNumber", "1"), ("uploadId", uid)]
    # Copy source must start with '/' (§5; code UNVERIFIED, status 400).
    resp = raw_request(server.endpoint, "PUT", bucket.bucket_name, key, query=q,
                       headers={"x-oss-copy-source": "%s/%s" % (bucket.bucket_name, src_key)})
    assert resp.status_code == 400, resp.content
    # Preconditions on the source: if-match mismatch -> 412 PreconditionFailed.
    resp = raw_request(server.endpoint, "PUT", bucket.bucket_name, key, query=q,
                       headers={"x-oss-copy-source": "/%s/%s" % (bucket.bucket_name, src_key),
                                "x-oss-copy-source-if-match": quoted_etag(b"other")})
    assert_error(resp, 412, "PreconditionFailed")
    # if-none-match matching: an error (304 or 412; sources disagree).
    resp = raw_request(server.endpoint, "PUT", bucket.bucket_name, key, query=q,
                       headers={"x-oss-copy-source": "/%s/%s" % (bucket.bucket_name, src_key),
                                "x-oss-copy-source-if-none-match": quoted_etag(src)})
    assert resp.status_code in (304, 412), resp.status_code
    assert listed_parts(bucket, key, uid) == []
    # if-match matching -> copied.
    resp = raw_request(server.endpoint, "PUT", bucket.bucket_name, key, query=q,
                       headers={"x-oss-copy-source": "/%s/%s" % (bucket.bucket_name, src_key),
                                "x-oss-copy-source-if-match": quoted_etag(src)})
    assert resp.status_code == 200, resp.content
    assert listed_parts(bucket, key, uid) == [(1, md5_hex(src), len(src))]
