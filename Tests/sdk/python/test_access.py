"""Safe edges through the SDKs: anonymous access decided by ACLs, a missing bucket reported before credentials are
judged, unimplemented sub-resources refused without touching data, and CORS preflights without CORS rules.

Rules: protocol notes `bucket-configuration-and-access.md` §1 (router), §2 (order of checks: go2/pyv2
IsBucketExist read NoSuchBucket as "absent" and any other error as "present"), §3 (anonymous access: a non-default
object ACL wins over the bucket's; AccessDenied "Anonymous user has no right to access this bucket/object").
"""

import itertools

import alibabacloud_oss_v2 as oss
import oss2
import pytest
import requests

from conftest import make_oss2_bucket, unique_bucket_name, cleanup_bucket
from localoss_helpers import (ACCESS_KEY_ID, ACCESS_KEY_SECRET, assert_error, assert_oss_error,
                              assert_service_error, parse_error, raw_request)

BUCKET_ACLS = ["private", "public-read", "public-read-write"]
OBJECT_ACLS = ["default", "private", "public-read", "public-read-write"]


def effective(bucket_acl, object_acl):
    return bucket_acl if object_acl == "default" else object_acl


def anonymous(method, endpoint, bucket, key="", query="", data=b"", headers=None):
    url = "%s/%s/%s%s" % (endpoint, bucket, key, "?" + query if query else "")
    return requests.request(method, url, data=data, headers=headers or {}, timeout=30)


@pytest.fixture
def acl_bucket(server, oss_auth, oss_session):
    name = unique_bucket_name("acl")
    b = make_oss2_bucket(server.endpoint, name, oss_auth, oss_session)
    b.create_bucket()
    keys = ["obj-" + acl for acl in OBJECT_ACLS]
    yield b, keys
    cleanup_bucket(server.endpoint, name, keys + ["new-object", "missing"])


def prepare(bucket, bucket_acl):
    bucket.put_bucket_acl(bucket_acl)
    for acl in OBJECT_ACLS:
        bucket.put_object("obj-" + acl, b"payload of " + acl.encode())
        bucket.put_object_acl("obj-" + acl, acl)


@pytest.mark.parametrize("bucket_acl", BUCKET_ACLS)
def test_anonymous_reads_follow_the_object_acl_over_the_bucket_acl(server, acl_bucket, bucket_acl):
    bucket, _ = acl_bucket
    prepare(bucket, bucket_acl)
    anon = oss2.Bucket(oss2.AnonymousAuth(), server.endpoint, bucket.bucket_name)
    for acl in OBJECT_ACLS:
        key = "obj-" + acl
        readable = effective(bucket_acl, acl) in ("public-read", "public-read-write")
        resp = anonymous("GET", server.endpoint, bucket.bucket_name, key)
        head = anonymous("HEAD", server.endpoint, bucket.bucket_name, key)
        if readable:
            assert resp.status_code == 200, (bucket_acl, acl, resp.content[:300])
            assert resp.content == b"payload of " + acl.encode()
            assert head.status_code == 200
            assert anon.get_object(key).read() == b"payload of " + acl.encode()
            assert anon.get_object_meta(key).headers["Content-Length"] == str(len(resp.content))
        else:
            error = assert_error(resp, 403, "AccessDenied")
            assert error["Message"] == "Anonymous user has no right to access this object"
            assert error["EC"] == "0003-00000001"
            assert_error(head, 403, "AccessDenied")
            assert_oss_error(403, "AccessDenied", anon.get_object, key)


@pytest.mark.parametrize("bucket_acl", BUCKET_ACLS)
def test_anonymous_writes_need_public_read_write(server, acl_bucket, bucket_acl):
    bucket, _ = acl_bucket
    prepare(bucket, bucket_acl)
    for acl in OBJECT_ACLS:
        key = "obj-" + acl
        writable = effective(bucket_acl, acl) == "public-read-write"
        resp = anonymous("PUT", server.endpoint, bucket.bucket_name, key, data=b"overwritten")
        if writable:
            assert resp.status_code == 200, (bucket_acl, acl, resp.content[:300])
            assert bucket.get_object(key).read() == b"overwritten"
        else:
            assert_error(resp, 403, "AccessDenied")
            assert bucket.get_object(key).read() == b"payload of " + acl.encode()
    # A new key takes the bucket's ACL.
    resp = anonymous("PUT", server.endpoint, bucket.bucket_name, "new-object", data=b"new")
    if bucket_acl == "public-read-write":
        assert resp.status_code == 200
        assert bucket.get_object("new-object").read() == b"new"
        assert anonymous("DELETE", server.endpoint, bucket.bucket_name, "new-object").status_code == 204
        assert not bucket.object_exists("new-object")
    else:
        assert_error(resp, 403, "AccessDenied")
        assert not bucket.object_exists("new-object")
        assert_error(anonymous("DELETE", server.endpoint, bucket.bucket_name, "obj-default"), 403, "AccessDenied")
        assert bucket.object_exists("obj-default")


@pytest.mark.parametrize("bucket_acl", BUCKET_ACLS)
def test_anonymous_callers_never_manage_buckets_or_acls(server, acl_bucket, bucket_acl):
    bucket, _ = acl_bucket
    prepare(bucket, bucket_acl)
    name = bucket.bucket_name
    for method, key, query in [("GET", "", "acl"), ("PUT", "", "acl"), ("GET", "", "bucketInfo"),
                               ("GET", "", "location"), ("DELETE", "", ""), ("PUT", "", "")]:
        error = assert_error(anonymous(method, server.endpoint, name, key, query,
                                       headers={"x-oss-acl": "public-read-write"}), 403, "AccessDenied")
        assert error["Message"] == "Anonymous user has no right to access this bucket", (method, query)
    for method, query in [("GET", "acl"), ("PUT", "acl")]:
        error = assert_error(anonymous(method, server.endpoint, name, "obj-public-read-write", query,
                                       headers={"x-oss-object-acl": "private"}), 403, "AccessDenied")
        assert error["Message"] == "Anonymous user has no right to access this object"
    assert bucket.get_bucket_acl().acl == bucket_acl
    assert bucket.get_object_acl("obj-public-read-write").acl == "public-read-write"
    assert_error(requests.get(server.endpoint + "/", timeout=30), 403, "AccessDenied")


@pytest.mark.parametrize("bucket_acl", BUCKET_ACLS)
def test_anonymous_listing_and_missing_keys(server, acl_bucket, bucket_acl):
    bucket, _ = acl_bucket
    prepare(bucket, bucket_acl)
    listing = anonymous("GET", server.endpoint, bucket.bucket_name)
    missing = anonymous("GET", server.endpoint, bucket.bucket_name, "missing")
    if bucket_acl == "private":
        assert_error(listing, 403, "AccessDenied")
        # No existence leak from a private bucket.
        assert_error(missing, 403, "AccessDenied")
    else:
        assert listing.status_code == 200
        assert b"<Key>obj-private</Key>" in listing.content
        assert_error(missing, 404, "NoSuchKey")


def test_presigned_urls_act_for_the_signer_whatever_the_acl(server, acl_bucket):
    bucket, _ = acl_bucket
    prepare(bucket, "private")
    url = bucket.sign_url("GET", "obj-private", 60)
    assert requests.get(url, timeout=30).content == b"payload of private"


def test_a_missing_bucket_is_reported_before_the_credentials(server, client):
    missing = unique_bucket_name("gone")
    for auth in [oss2.Auth("NoSuchAccessKey", "whatever"), oss2.Auth(ACCESS_KEY_ID, "wrong-secret"),
                 oss2.AuthV4("NoSuchAccessKey", "whatever"), oss2.AnonymousAuth()]:
        b = oss2.Bucket(auth, server.endpoint, missing, region="cn-hangzhou")
        assert_oss_error(404, "NoSuchBucket", b.get_bucket_acl)
        assert_oss_error(404, "NoSuchBucket", b.get_object, "k")
        assert_oss_error(404, "NoSuchBucket", b.put_object, "k", b"x")
        e = assert_oss_error(404, "NoSuchBucket", b.get_object_meta, "k")
        assert e.details.get("EC") == "0015-00000101"
    resp = requests.get("%s/%s/?lifecycle" % (server.endpoint, missing), timeout=30)
    assert_error(resp, 404, "NoSuchBucket")


def v2_client(endpoint, key_id, secret):
    cfg = oss.config.load_default()
    cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(key_id, secret)
    cfg.region = "cn-hangzhou"
    cfg.endpoint = endpoint
    cfg.use_path_style = True
    return oss.Client(cfg)


def test_is_bucket_exist_with_unknown_credentials(server, bucket):
    stranger = v2_client(server.endpoint, "NoSuchAccessKey", "whatever")
    assert stranger.is_bucket_exist(unique_bucket_name("gone")) is False
    assert stranger.is_bucket_exist(bucket.bucket_name) is True
    assert_service_error(403, "InvalidAccessKeyId", stranger.get_bucket_acl,
                         oss.GetBucketAclRequest(bucket=bucket.bucket_name))
    wrong = v2_client(server.endpoint, ACCESS_KEY_ID, "wrong-secret")
    assert_service_error(403, "SignatureDoesNotMatch", wrong.get_bucket_acl,
                         oss.GetBucketAclRequest(bucket=bucket.bucket_name))
    with pytest.raises(oss.exceptions.OperationError):
        stranger.is_object_exist(unique_bucket_name("gone"), "k")


def test_pyv2_anonymous_reads_a_public_object(server, bucket):
    bucket.put_object("public.txt", b"hello anyone", headers={"x-oss-object-acl": "public-read"})
    bucket.created_keys.add("public.txt")
    cfg = oss.config.load_default()
    cfg.credentials_provider = oss.credentials.AnonymousCredentialsProvider()
    cfg.region = "cn-hangzhou"
    cfg.endpoint = server.endpoint
    cfg.use_path_style = True
    anon = oss.Client(cfg)
    got = anon.get_object(oss.GetObjectRequest(bucket=bucket.bucket_name, key="public.txt"))
    assert got.body.read() == b"hello anyone"
    assert_service_error(403, "AccessDenied", anon.put_object,
                         oss.PutObjectRequest(bucket=bucket.bucket_name, key="public.txt", body=b"no"))


def test_unimplemented_subresources_never_touch_the_object(server, bucket, client):
    bucket.put_object("keep.txt", b"keep me")
    bucket.created_keys.add("keep.txt")
    name = bucket.bucket_name
    # oss2 and pyv2 calls whose sub-resources LocalOSS does not implement yet.
    assert_oss_error(400, "NotImplemented", bucket.get_bucket_replication)
    assert_oss_error(400, "NotImplemented", bucket.delete_bucket_replication, "rule-1")
    assert_oss_error(400, "NotImplemented", bucket.get_bucket_replication_location)
    assert_service_error(400, "NotImplemented", client.get_bucket_replication,
                         oss.GetBucketReplicationRequest(bucket=name))
    assert_service_error(400, "NotImplemented", client.get_bucket_replication_location,
                         oss.GetBucketReplicationLocationRequest(bucket=name))
    for method, query in [("DELETE", "partNumber=1"), ("PUT", "objectMeta"), ("PUT", "location"), ("POST", "seal")]:
        resp = raw_request(server.endpoint, method, name, "keep.txt", query=[tuple(query.split("=")) if "=" in query
                                                                             else (query, None)], data=b"junk")
        assert resp.status_code in (400, 405), (method, query, resp.status_code)
        assert parse_error(resp)["Code"] in ("NotImplemented", "MethodNotAllowed")
    # `?live` names a live channel, never the object of the same name.
    assert_error(raw_request(server.endpoint, "PUT", name, "keep.txt", query={"live": None}, data=b"junk"), 400,
                 "MalformedXML")
    assert_error(raw_request(server.endpoint, "DELETE", name, "keep.txt", query={"live": None}), 404,
                 "NoSuchLiveChannel")
    assert bucket.get_object("keep.txt").read() == b"keep me"
    resp = raw_request(server.endpoint, "GET", name, query={"replication": None})
    assert_error(resp, 400, "NotImplemented")
    assert bucket.get_bucket_acl().acl == "private"


def test_cors_preflight_without_rules(server, bucket):
    url = "%s/%s/any-key" % (server.endpoint, bucket.bucket_name)
    assert_error(requests.options(url, timeout=30), 400, "BadRequest")
    assert_error(requests.options(url, headers={"Origin": "http://a.example"}, timeout=30), 400, "BadRequest")
    resp = requests.options(url, headers={"Origin": "http://a.example", "Access-Control-Request-Method": "PUT",
                                          "Authorization": "OSS NoSuchAccessKey:bm9wZQ=="}, timeout=30)
    assert_error(resp, 403, "AccessForbidden")
    assert not any(h.lower().startswith("access-control-") for h in resp.headers)
    missing = "%s/%s/k" % (server.endpoint, unique_bucket_name("gone"))
    assert_error(requests.options(missing, headers={"Origin": "http://a", "Access-Control-Request-Method": "GET"},
                                  timeout=30), 404, "NoSuchBucket")


def test_live_channel_listing_of_a_missing_bucket(server, bucket):
    missing = oss2.Bucket(bucket.auth, server.endpoint, unique_bucket_name("gone"))
    assert_oss_error(404, "NoSuchBucket", missing.list_live_channel)


def test_list_buckets_takes_only_prefixes_a_bucket_name_can_start_with(server, bucket):
    # Go SDK 1.5's own TestIsBucketExist (written against OSS) expects IsBucketExist("BucketNameInvalid"), which is
    # ListBuckets?prefix=BucketNameInvalid&max-keys=1, to fail.
    for prefix in ["BucketNameInvalid", "a/b", "a_b"]:
        assert_error(raw_request(server.endpoint, "GET", query={"prefix": prefix, "max-keys": "1"}), 400,
                     "InvalidArgument")
    service = oss2.Service(oss2.Auth(ACCESS_KEY_ID, ACCESS_KEY_SECRET), server.endpoint)
    assert [b.name for b in service.list_buckets(prefix=bucket.bucket_name).buckets] == [bucket.bucket_name]


def test_anonymous_copy_needs_a_readable_source_and_a_writable_target(server, bucket):
    # A private bucket: only the objects' own ACLs open anything (targets public-read-write, source public-read).
    bucket.put_object("src a+b", b"copy me", headers={"x-oss-object-acl": "public-read"})
    bucket.put_object("secret", b"no", headers={"x-oss-object-acl": "private"})
    for target in ["copied", "copied2"]:
        bucket.put_object(target, b"old", headers={"x-oss-object-acl": "public-read-write"})
    bucket.created_keys.update({"src a+b", "secret", "copied", "copied2"})
    # Go 1.5 sends x-oss-copy-source with `+` for a space; either spelling names the public source.
    for source, target in [("/%s/src%%20a%%2Bb" % bucket.bucket_name, "copied"),
                           ("/%s/src+a%%2Bb" % bucket.bucket_name, "copied2")]:
        resp = anonymous("PUT", server.endpoint, bucket.bucket_name, target, headers={"x-oss-copy-source": source})
        assert resp.status_code == 200, (source, resp.content[:300])
        assert bucket.get_object(target).read() == b"copy me"
    denied = anonymous("PUT", server.endpoint, bucket.bucket_name, "copied",
                       headers={"x-oss-copy-source": "/%s/secret" % bucket.bucket_name})
    assert_error(denied, 403, "AccessDenied")
    assert bucket.get_object("copied").read() == b"copy me"
