"""Bucket configurations that change what requests do, through oss2 against the real binary: static website
hosting, referer (hotlink) rules, and lifecycle rules applied when the control plane's clock is advanced.

Rules: protocol notes `bucket-configuration-and-access.md` §4.4 runtime (anonymous GET / → index document;
`dir/` → root index, or `dir/index.html` with SupportSubDir; a missing key → 302 to `key/` (Type 0) or that index
(Type 2) or the error document with its HttpStatus; signed GET / stays a listing), §4.3 enforcement (only requests
without an Authorization header; blacklist first; 403 AccessDenied "You are denied by bucket referer policy." with
EC 0003-00000501/502/503), §4.1 runtime (Days counted from the next 00:00 UTC after Last-Modified; incomplete
uploads aborted; x-oss-expiration on GET/HEAD).
"""

import oss2
import pytest
import requests
from oss2.models import (BucketReferer, BucketWebsite, LifecycleExpiration, LifecycleRule, BucketLifecycle,
                         AbortMultipartUpload)

from localoss_helpers import assert_error, parse_error, raw_request
from test_control_observe import Control, start  # noqa: F401 - the fixture is used by name


def anonymous_get(bucket, key="", headers=None, allow_redirects=False):
    return requests.get("%s/%s/%s" % (bucket.endpoint, bucket.bucket_name, key), headers=headers or {},
                        allow_redirects=allow_redirects, timeout=30)


def put_public(bucket, key, data):
    bucket.put_object(key, data, headers={"x-oss-object-acl": "public-read"})
    bucket.created_keys.add(key)


# ---------------------------------------------------------------- website

def test_website_root_index_for_anonymous_visitors_and_listing_for_signed_ones(bucket):
    put_public(bucket, "index.html", b"<h1>home</h1>")
    bucket.put_bucket_website(BucketWebsite("index.html", "error.html"))
    r = anonymous_get(bucket)
    assert r.status_code == 200 and r.content == b"<h1>home</h1>"
    # A signed GET of the root is still ListObjects.
    assert [o.key for o in bucket.list_objects().object_list] == ["index.html"]


def test_website_directories_and_missing_keys(bucket):
    put_public(bucket, "index.html", b"root index")
    put_public(bucket, "docs/index.html", b"docs index")
    put_public(bucket, "error.html", b"not here")
    # Without sub-directory indexes a directory shows the root index; a missing key the error document.
    bucket.put_bucket_website(BucketWebsite("index.html", "error.html"))
    assert anonymous_get(bucket, "docs/").content == b"root index"
    r = anonymous_get(bucket, "nothing")
    assert (r.status_code, r.content) == (404, b"not here")
    # oss2's own website test reads a directory with a signed GET and gets the root index too.
    assert bucket.get_object("some/dir/").read() == b"root index"
    # With them, Type 0: a key whose directory has an index redirects there.
    xml = (b"<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix><SupportSubDir>true</SupportSubDir>"
           b"<Type>%s</Type></IndexDocument><ErrorDocument><Key>error.html</Key><HttpStatus>404</HttpStatus>"
           b"</ErrorDocument></WebsiteConfiguration>")
    # oss2's BucketWebsite cannot say SupportSubDir or Type: the document goes as raw XML.
    assert raw_request(bucket.endpoint, "PUT", bucket.bucket_name, query={"website": ""}, data=xml % b"0").status_code == 200
    assert anonymous_get(bucket, "docs/").content == b"docs index"
    r = anonymous_get(bucket, "docs")
    assert r.status_code == 302 and r.headers["Location"] == "/docs/"
    assert anonymous_get(bucket, "nothing").status_code == 404
    # Type 2: the directory's index is served in place.
    assert raw_request(bucket.endpoint, "PUT", bucket.bucket_name, query={"website": ""}, data=xml % b"2").status_code == 200
    r = anonymous_get(bucket, "docs")
    assert (r.status_code, r.content) == (200, b"docs index")


def test_a_private_error_document_is_not_shown_to_anonymous_visitors(bucket):
    put_public(bucket, "index.html", b"root")
    bucket.put_object("error.html", b"secret error page")
    bucket.created_keys.add("error.html")
    bucket.put_bucket_website(BucketWebsite("index.html", "error.html"))
    r = anonymous_get(bucket, "missing")
    # No readable error document: the request is answered as without one (an anonymous caller of a private
    # bucket is refused, not told whether the key exists).
    assert r.status_code in (403, 404) and b"secret" not in r.content
    signed = bucket.sign_url("GET", "missing", 60)
    r = requests.get(signed, timeout=30)
    assert (r.status_code, r.content) == (404, b"secret error page")


# ---------------------------------------------------------------- referer

def test_referer_rules_for_anonymous_and_presigned_requests(bucket):
    put_public(bucket, "pic.png", b"png")
    bucket.put_bucket_referer(BucketReferer(False, ["https://*.example.com/*"]))
    ok = anonymous_get(bucket, "pic.png", {"Referer": "https://shop.example.com/item?id=1"})
    assert (ok.status_code, ok.content) == (200, b"png")
    for referer, ec in [(None, "0003-00000501"), ("https://evil.test/page", "0003-00000503")]:
        r = anonymous_get(bucket, "pic.png", {"Referer": referer} if referer else {})
        assert_error(r, 403, "AccessDenied")
        assert parse_error(r)["Message"] == "You are denied by bucket referer policy."
        assert parse_error(r)["EC"] == ec
    presigned = bucket.sign_url("GET", "pic.png", 60)
    assert_error(requests.get(presigned, headers={"Referer": "https://evil.test/"}, timeout=30), 403, "AccessDenied")
    # A request signed in the Authorization header is never checked.
    assert bucket.get_object("pic.png", headers={"Referer": "https://evil.test/"}).read() == b"png"
    # A website's index document is an object read like any other: the rules guard it too.
    put_public(bucket, "index.html", b"home")
    bucket.put_bucket_website(BucketWebsite("index.html", "error.html"))
    assert_error(anonymous_get(bucket, "", {"Referer": "https://evil.test/"}), 403, "AccessDenied")
    assert anonymous_get(bucket, "", {"Referer": "https://www.example.com/a"}).content == b"home"
    # An empty whitelist lets everything through again.
    bucket.put_bucket_referer(BucketReferer(True, []))
    assert anonymous_get(bucket, "pic.png", {"Referer": "https://evil.test/"}).status_code == 200


# ---------------------------------------------------------------- lifecycle

def test_lifecycle_expires_objects_and_aborts_uploads_when_the_clock_moves(start):  # noqa: F811
    # The SDK signs with the real time, so a clock moved by days needs a wide skew window.
    srv = start("--max-skew", str(400 * 86400), "--lifecycle-interval", "0")
    bucket = srv.bucket("lifecycle-runtime")
    bucket.create_bucket()
    bucket.put_object("logs/a", b"a")
    bucket.put_object("keep/b", b"b")
    bucket.init_multipart_upload("logs/big")
    bucket.put_bucket_lifecycle(BucketLifecycle([
        LifecycleRule("expire-logs", "logs/", status=LifecycleRule.ENABLED,
                      expiration=LifecycleExpiration(days=2),
                      abort_multipart_upload=AbortMultipartUpload(days=1))]))
    head = bucket.head_object("logs/a")
    assert 'rule-id="expire-logs"' in head.headers["x-oss-expiration"]
    assert "x-oss-expiration" not in bucket.head_object("keep/b").headers
    # A day and a bit: not yet (days count from the next midnight), then the upload goes first.
    srv.clock(advanceSeconds=2 * 86400)
    assert [u.upload_id for u in bucket.list_multipart_uploads().upload_list] == []
    assert bucket.object_exists("logs/a")
    srv.clock(advanceSeconds=86400)
    assert not bucket.object_exists("logs/a")
    assert bucket.get_object("keep/b").read() == b"b"
    # The run endpoint reports what a sweep did.
    reply = srv.http.post(srv.url("lifecycle/run"), timeout=30).json()
    assert reply == {"expiredObjects": 0, "transitionedObjects": 0, "abortedUploads": 0, "expiredVersions": 0,
                     "transitionedVersions": 0, "removedDeleteMarkers": 0}


def test_lifecycle_noncurrent_versions_and_lone_delete_markers(start):  # noqa: F811
    # §4.1 with versioning: NoncurrentDays count from when a version stopped being current (rounded up to the next
    # 00:00 UTC, like Days); ExpiredObjectDeleteMarker removes a marker once it is its key's only version.
    srv = start("--max-skew", str(400 * 86400), "--lifecycle-interval", "0")
    bucket = srv.bucket("lifecycle-versions")
    bucket.create_bucket()
    bucket.put_bucket_versioning(oss2.models.BucketVersioningConfig("Enabled"))
    old = bucket.put_object("doc", b"old").versionid
    current = bucket.put_object("doc", b"new").versionid
    bucket.put_object("tmp", b"t")
    marker = bucket.delete_object("tmp").versionid
    bucket.put_bucket_lifecycle(BucketLifecycle([
        LifecycleRule("versions", "", status=LifecycleRule.ENABLED,
                      expiration=LifecycleExpiration(expired_detete_marker=True),
                      noncurrent_version_sotrage_transitions=[
                          oss2.models.NoncurrentVersionStorageTransition(2, oss2.BUCKET_STORAGE_CLASS_IA)],
                      noncurrent_version_expiration=oss2.models.NoncurrentVersionExpiration(5))]))

    def versions():
        page = bucket.list_object_versions()
        return ({(v.key, v.versionid): v.storage_class for v in page.versions},
                {(m.key, m.versionid) for m in page.delete_marker})

    srv.clock(advanceSeconds=3 * 86400)  # at least two whole days after the next midnight
    objects, markers = versions()
    assert objects[("doc", old)] == "IA" and objects[("doc", current)] == "Standard"
    assert objects[("tmp", bucket.list_object_versions(prefix="tmp").versions[0].versionid)] == "IA"
    assert markers == {("tmp", marker)}  # a version is still under it
    srv.clock(advanceSeconds=3 * 86400)  # past five days: the noncurrent versions go
    objects, markers = versions()
    assert list(objects) == [("doc", current)]
    assert bucket.get_object("doc").read() == b"new"
    # The marker is alone now; the next sweep removes it.
    reply = srv.http.post(srv.url("lifecycle/run"), timeout=30).json()
    assert reply["removedDeleteMarkers"] == 1
    assert versions() == ({("doc", current): "Standard"}, set())
