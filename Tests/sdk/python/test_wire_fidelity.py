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
