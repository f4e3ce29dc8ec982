"""Wire details the SDKs' own suites depend on: control characters in DeleteMultipleObjects keys, CR in XML
replies, whitespace in a Complete body, `sequential` uploads, client-side-encryption metadata in ListParts and
CopyObject, and AppendObject's storage class.

Each expectation names its source: the oss2 2.19.1 test suite (its PyPI sdist's `tests/`), the alibabacloud-oss-v2
models and serializers, or the protocol notes (versioning-and-object-features.md, wire-and-auth.md).
"""

import base64
import hashlib
import uuid
import xml.etree.ElementTree as ET

import alibabacloud_oss_v2 as oss
import oss2
import pytest
from oss2.models import PartInfo

from localoss_helpers import (MIN_PART_SIZE, assert_error, child_text, complete_xml, md5_b64, multipart_etag,
                              quoted_etag, rand, raw_request, xml_root)


def put(bucket, key, data, headers=None):
    r = bucket.put_object(key, data, headers=headers)
    bucket.created_keys.add(key)
    return r


def exists(bucket, key):
    return bucket.object_exists(key)


# ------------------------------------------------------------------ DeleteMultipleObjects


# oss2 tests/test_chinese.py test_batch_delete_objects: oss2's ElementTree writes the form feed raw into <Key>.
@pytest.mark.parametrize("key", ["中文!@#$%^&*()-=文件\x0C-2.txt", "ctl\x01\x0B\x1F.txt", "<hello>"])
def test_batch_delete_with_raw_control_characters_oss2(bucket, key):
    put(bucket, key, "中文内容")
    result = bucket.batch_delete_objects([key])
    assert result.deleted_keys == [key]
    assert not exists(bucket, key)


# alibabacloud-oss-v2 utils.escape_xml_value writes control characters as decimal references (`&#12;`); the Go v2
# SDK's suite deletes `\f\v\n` keys the same way.
def test_delete_multiple_objects_with_control_character_references_pyv2(bucket, client):
    keys = ["ref\f\v-%s.txt" % uuid.uuid4().hex[:6], "plain-%s.txt" % uuid.uuid4().hex[:6]]
    for k in keys:
        put(bucket, k, b"x")
    result = client.delete_multiple_objects(oss.DeleteMultipleObjectsRequest(
        bucket=bucket.bucket_name, objects=[oss.DeleteObject(key=k) for k in keys]))
    assert sorted(o.key for o in result.deleted_objects) == sorted(keys)
    for k in keys:
        assert not exists(bucket, k)


def test_delete_multiple_objects_hex_reference_and_raw_in_one_document(bucket):
    keys = ["hex\x0c-a.txt", "raw\x0c-b.txt"]
    for k in keys:
        put(bucket, k, b"x")
    body = ("<Delete><Quiet>false</Quiet><Object><Key>hex&#x0C;-a.txt</Key></Object>"
            "<Object><Key>raw\x0c-b.txt</Key></Object></Delete>").encode()
    r = raw_request(bucket.endpoint, "POST", bucket.bucket_name, query={"delete": "", "encoding-type": "url"},
                    headers={"Content-MD5": md5_b64(body)}, data=body)
    root = xml_root(r, "DeleteResult")
    assert sorted(child_text(d, "Key") for d in root.findall("Deleted")) == ["hex%0C-a.txt", "raw%0C-b.txt"]
    for k in keys:
        assert not exists(bucket, k)


def test_delete_multiple_objects_missing_bucket_is_checked_before_the_keys(server):
    # An invalid key (leading "/") and a control character: a missing bucket is still 404 NoSuchBucket.
    body = b"<Delete><Object><Key>/absolute</Key></Object><Object><Key>a\x0cb</Key></Object></Delete>"
    r = raw_request(server.endpoint, "POST", "lopy-missing-%s" % uuid.uuid4().hex[:12], query={"delete": ""},
                    headers={"Content-MD5": md5_b64(body)}, data=body)
    assert_error(r, 404, "NoSuchBucket")


# ------------------------------------------------------------------ CR in replies


def test_carriage_return_in_listed_key_is_a_character_reference(bucket):
    # A raw CR is turned into LF by every XML parser (XML 1.0 §2.11); OSS writes `&#13;`, and alibabacloud-oss-v2
    # escapes CR the same way in its own request documents (utils.escape_xml_value).
    key = "cr-%s\rkey\r\n.txt" % uuid.uuid4().hex[:6]
    put(bucket, key, b"x")
    r = raw_request(bucket.endpoint, "GET", bucket.bucket_name, query={"prefix": key[:9]})
    assert b"&#13;" in r.content and b"\r" not in r.content
    root = xml_root(r, "ListBucketResult")
    assert [child_text(c, "Key") for c in root.findall("Contents")] == [key]


# ------------------------------------------------------------------ Complete body whitespace


def test_complete_accepts_whitespace_around_values(bucket):
    # An indented document (values on their own lines) is the same list of parts (wire-and-auth.md §5: "any
    # whitespace"); XML does not make whitespace around text significant for these integer/ETag values.
    key = "ws-complete.bin"
    bucket.created_keys.add(key)
    uid = bucket.init_multipart_upload(key).upload_id
    bodies = [rand(MIN_PART_SIZE), rand(10)]
    etags = [bucket.upload_part(key, uid, n, b).etag for n, b in enumerate(bodies, 1)]
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n<CompleteMultipartUpload>\n'
            '  <Part>\n    <PartNumber> 1 </PartNumber>\n    <ETag>\n      "%s"\n    </ETag>\n  </Part>\n'
            '  <Part>\n    <PartNumber>\n\t2\r\n</PartNumber>\n    <ETag>\t"%s" </ETag>\n  </Part>\n'
            '</CompleteMultipartUpload>\n' % tuple(etags)).encode()
    r = raw_request(bucket.endpoint, "POST", bucket.bucket_name, key, query={"uploadId": uid}, data=body)
    root = xml_root(r, "CompleteMultipartUploadResult")
    assert child_text(root, "ETag") == multipart_etag(bodies)
    assert bucket.get_object(key).read() == b"".join(bodies)


# ------------------------------------------------------------------ sequential uploads


def upload_in_parts(bucket, key, bodies, params=None):
    uid = bucket.init_multipart_upload(key, params=params).upload_id
    parts = []
    for n, body in enumerate(bodies, 1):
        r = bucket.upload_part(key, uid, n, body)
        parts.append(PartInfo(n, r.etag, size=len(body), part_crc=r.crc))
    bucket.complete_multipart_upload(key, uid, parts)
    bucket.created_keys.add(key)


def test_sequential_upload_carries_content_md5(bucket):
    """oss2 tests/test_multipart.py test_multipart_sequential and test_upload.py test_upload_sequenial: an upload
    initiated with `?sequential` gives its object a Content-MD5 (the MD5 of the whole content,
    versioning-and-object-features.md §6.1) on GET and HEAD; a plain upload's object has none."""
    key = "sequential.bin"
    bodies = [rand(MIN_PART_SIZE), rand(MIN_PART_SIZE + 17), rand(5)]
    upload_in_parts(bucket, key, bodies)
    assert bucket.get_object(key).resp.headers.get("Content-MD5") is None
    assert bucket.head_object(key).headers.get("Content-MD5") is None

    upload_in_parts(bucket, key, bodies, params={"sequential": ""})
    whole = b"".join(bodies)
    result = bucket.get_object(key)
    assert result.resp.headers.get("Content-MD5") == md5_b64(whole)
    assert result.read() == whole
    assert result.etag == multipart_etag(bodies).strip('"')  # still a multipart ETag
    assert bucket.head_object(key).headers.get("Content-MD5") == md5_b64(whole)


def test_sequential_resumable_upload_single_thread(bucket, tmp_path):
    """oss2 tests/test_upload.py test_upload_sequenial, the single-thread case: resumable_upload passes `params` to
    InitiateMultipartUpload."""
    key = "sequential-resumable.bin"
    content = rand(10 * 100 * 1024)
    path = tmp_path / "content.bin"
    path.write_bytes(content)
    oss2.resumable_upload(bucket, key, str(path), multipart_threshold=200 * 1024, part_size=100 * 1024,
                          num_threads=1, params={"sequential": ""}, store=oss2.ResumableStore(root=str(tmp_path)))
    bucket.created_keys.add(key)
    assert bucket.get_object(key).resp.headers.get("Content-MD5") == md5_b64(content)


# ------------------------------------------------------------------ client-side encryption metadata


@pytest.fixture(scope="module")
def rsa_provider():
    """oss2 tests/common.py: an RSA key pair for oss2.RsaProvider."""
    from Crypto.PublicKey import RSA
    private_key = RSA.generate(1024)
    return oss2.RsaProvider({"private_key": private_key.export_key(), "public_key": private_key.publickey().export_key()})


def crypto_bucket(bucket, provider):
    return oss2.CryptoBucket(oss2.Auth(*bucket_credentials(bucket)), bucket.endpoint, bucket.bucket_name,
                             crypto_provider=provider)


def bucket_credentials(bucket):
    creds = bucket.auth.credentials_provider.get_credentials()
    return creds.get_access_key_id(), creds.get_access_key_secret()


CSE = "x-oss-meta-client-side-encryption-"


def test_list_parts_returns_the_client_encryption_envelope(bucket, client, rsa_provider):
    """alibabacloud-oss-v2 models ListPartsResult (ClientEncryptionKey, …Start, …CekAlg, …WrapAlg, …DataSize,
    …PartSize) and encryption_client.py, which resumes an encrypted upload from them; oss2 tests/test_crypto_multipart
    test_crypto_list_parts expects data size and part size back."""
    cb = crypto_bucket(bucket, rsa_provider)
    key = "cse/list-parts.bin"
    data_size, part_size = 300 * 1024, 100 * 1024
    context = oss2.models.MultipartUploadCryptoContext(data_size, part_size)
    uid = cb.init_multipart_upload(key, upload_context=context).upload_id
    content = rand(part_size)
    r = cb.upload_part(key, uid, 1, content, upload_context=context)
    assert r.status == 200

    listed = client.list_parts(oss.ListPartsRequest(bucket=bucket.bucket_name, key=key, upload_id=uid))
    material = context.content_crypto_material
    assert listed.client_encryption_key == oss2.utils.b64encode_as_string(material.encrypted_key)
    assert listed.client_encryption_start == oss2.utils.b64encode_as_string(material.encrypted_iv)
    assert listed.client_encryption_cek_alg == material.cek_alg == "AES/CTR/NoPadding"
    assert listed.client_encryption_wrap_alg == material.wrap_alg
    assert (listed.client_encryption_data_size, listed.client_encryption_part_size) == (data_size, part_size)
    assert [p.part_number for p in listed.parts] == [1]

    # An upload without client-side encryption lists none of them.
    plain = bucket.init_multipart_upload("cse/plain.bin").upload_id
    r = raw_request(bucket.endpoint, "GET", bucket.bucket_name, "cse/plain.bin", query={"uploadId": plain})
    assert not [e.tag for e in xml_root(r, "ListPartsResult") if e.tag.startswith("ClientEncryption")]
    bucket.abort_multipart_upload("cse/plain.bin", plain)
    bucket.abort_multipart_upload(key, uid)


def test_copy_with_replace_keeps_the_encryption_envelope_and_content_type(bucket, rsa_provider):
    """oss2 tests/test_crypto_object.py test_copy_crypto_object_with_replace_meta (kept commented out in the 2.19.1
    sdist): a REPLACE copy of an encrypted `.js` object with a new user meta and no Content-Type still decrypts,
    keeps `application/javascript` and carries the new meta."""
    cb = crypto_bucket(bucket, rsa_provider)
    key, target = "cse/source.js", "cse/source.js_target"
    bucket.created_keys.update([key, target])
    content = rand(1024)
    assert cb.put_object(key, content).status == 200
    source = bucket.head_object(key)
    envelope = {k.lower(): v for k, v in source.headers.items() if k.lower().startswith(CSE)}
    assert envelope and source.content_type == "application/javascript"

    headers = {"x-oss-metadata-directive": "REPLACE", "x-oss-meta-tag": "new-value"}
    assert bucket.copy_object(bucket.bucket_name, key, target, headers=headers).status == 200
    copied = bucket.head_object(target)
    assert copied.headers.get("x-oss-meta-tag") == "new-value"
    assert copied.content_type == "application/javascript"
    assert {k.lower(): v for k, v in copied.headers.items() if k.lower().startswith(CSE)} == envelope
    result = cb.get_object(target)
    assert result.read() == content
    assert result.content_type == "application/javascript"

    # An explicit Content-Type still replaces the source's; plain objects copy as before.
    headers["Content-Type"] = "text/plain"
    bucket.copy_object(bucket.bucket_name, key, target, headers=headers)
    assert bucket.head_object(target).content_type == "text/plain"
    assert cb.get_object(target).read() == content


# ------------------------------------------------------------------ AppendObject storage class


def test_append_object_takes_the_storage_class_of_its_first_append(bucket):
    """OSS AppendObject takes x-oss-storage-class (objects-and-buckets.md, versioning-and-object-features.md §7:
    "honours x-oss-storage-class" on the creating append); the bucket's class applies otherwise."""
    key, plain = "append-ia.log", "append-default.log"
    bucket.created_keys.update([key, plain])
    r = bucket.append_object(key, 0, b"first", headers={"x-oss-storage-class": oss2.BUCKET_STORAGE_CLASS_IA})
    bucket.append_object(key, r.next_position, b"second")
    head = bucket.head_object(key)
    assert (head.headers.get("x-oss-storage-class"), head.object_type) == ("IA", "Appendable")
    assert bucket.get_object(key).read() == b"firstsecond"
    bucket.append_object(plain, 0, b"x")
    listed = {o.key: o.storage_class for o in bucket.list_objects(prefix="append-").object_list}
    assert listed == {key: "IA", plain: "Standard"}
    e = pytest.raises(oss2.exceptions.OssError, bucket.append_object, "append-bad.log", 0, b"x",
                      headers={"x-oss-storage-class": "Freezing"}).value
    assert (e.status, e.code) == (400, "InvalidArgument")
    assert not bucket.object_exists("append-bad.log")
