"""Runs the shared ListObjectVersions scenarios in fixtures/listing/versions/ (format: fixtures/listing/README.md).

Writes and deletes go through oss2 (each reply's x-oss-version-id is `$N` for the N-th operation); listings are
V1-signed raw requests, so the query string is exactly the fixture's and the raw XML can be checked: the elements
oss2's parser requires (versioning-and-object-features.md §1.8), their order, Version/DeleteMarker interleaving,
URL encoding of keys but never of ids, NextKeyMarker/NextVersionIdMarker only when truncated.
"""

import re

import pytest

from conftest import REPO_ROOT, make_oss2_bucket, unique_bucket_name
from localoss_helpers import ISO8601_MS_RE, child_text, decode_if, fixture_cases, load_fixture, raw_request
from oss2.models import BucketVersioningConfig

FIXTURES = REPO_ROOT / "fixtures" / "listing" / "versions"
FILES = sorted(FIXTURES.glob("*.json"))
VERSION_ID = re.compile(r"^(null|CAEQ[A-Za-z0-9._]{60})$")
ALWAYS = ["Name", "Prefix", "KeyMarker", "VersionIdMarker", "MaxKeys", "Delimiter", "IsTruncated"]


def run_operations(bucket, operations):
    ids = []
    for op in operations:
        if "versioning" in op:
            config = BucketVersioningConfig()
            config.status = op["versioning"]
            bucket.put_bucket_versioning(config)
            ids.append(None)
        elif "put" in op:
            ids.append(bucket.put_object(op["put"], op["put"].encode()).versionid)
        elif "delete" in op:
            ids.append(bucket.delete_object(op["delete"]).versionid)
    return ids


def substitute(value, ids):
    if isinstance(value, str) and re.fullmatch(r"\$\d+", value):
        return ids[int(value[1:])]
    return value


class _Envs:
    def __init__(self, server, auth, session):
        self.server, self.auth, self.session, self.made = server, auth, session, {}

    def env(self, fname):
        if fname not in self.made:
            b = make_oss2_bucket(self.server.endpoint, unique_bucket_name("lv"), self.auth, self.session)
            b.create_bucket()
            self.made[fname] = (b, run_operations(b, load_fixture(FIXTURES / fname)["operations"]))
        return self.made[fname]


@pytest.fixture(scope="module")
def envs(server, oss_auth, oss_session):
    e = _Envs(server, oss_auth, oss_session)
    yield e
    for b, _ in e.made.values():
        while True:
            r = b.list_object_versions(max_keys=1000)
            for v in list(r.versions) + list(r.delete_marker):
                b.delete_object(v.key, params={"versionId": v.versionid})
            if not r.is_truncated:
                break
        b.delete_bucket()


def test_version_fixture_files_present():
    assert {"worked_example.json", "null_versions_and_encoding.json"} <= {f.name for f in FILES}


def fetch(bucket, query):
    pairs = [("versions", None)] + list(query.items())
    return raw_request(bucket.endpoint, "GET", bucket.bucket_name, query=pairs)


def check_page(resp, expect, query, ids, context):
    if "status" in expect:
        assert resp.status_code == expect["status"], context
        if "ec" in expect:
            assert ("<EC>%s</EC>" % expect["ec"]).encode() in resp.content, context
        if "code" in expect:
            assert ("<Code>%s</Code>" % expect["code"]).encode() in resp.content, context
        return None
    assert resp.status_code == 200, (context, resp.content[:400])
    import xml.etree.ElementTree as ET
    root = ET.fromstring(resp.content)
    assert root.tag == "ListVersionsResult"
    for name in ALWAYS:
        child_text(root, name)
    encoded = query.get("encoding-type") == "url"
    assert (root.find("EncodingType") is not None) == encoded, context
    entries = []
    for el in root:
        if el.tag not in ("Version", "DeleteMarker"):
            continue
        for name in ["Key", "VersionId", "IsLatest", "LastModified", "Owner/ID", "Owner/DisplayName"]:
            child_text(el, name)
        assert ISO8601_MS_RE.match(child_text(el, "LastModified")), context
        assert VERSION_ID.match(child_text(el, "VersionId")), context
        if el.tag == "Version":
            for name in ["ETag", "Type", "Size", "StorageClass"]:
                child_text(el, name)
        entries.append([decode_if(encoded, child_text(el, "Key")), child_text(el, "VersionId"),
                        "M" if el.tag == "DeleteMarker" else "V", child_text(el, "IsLatest") == "true"])
    # §1.8 step 6: all entries, then the common prefixes.
    tags = [el.tag for el in root]
    if "CommonPrefixes" in tags:
        assert all(t == "CommonPrefixes" for t in tags[tags.index("CommonPrefixes"):]), context
    prefixes = [decode_if(encoded, child_text(p, "Prefix")) for p in root.findall("CommonPrefixes")]
    if "entries" in expect:
        assert entries == [[k, substitute(v, ids), m, latest] for k, v, m, latest in expect["entries"]], context
    if "commonPrefixes" in expect:
        assert prefixes == expect["commonPrefixes"], context
    truncated = child_text(root, "IsTruncated") == "true"
    if "isTruncated" in expect:
        assert truncated == expect["isTruncated"], context
    if not truncated:
        assert root.find("NextKeyMarker") is None and root.find("NextVersionIdMarker") is None, context
    if "nextKeyMarker" in expect and expect["nextKeyMarker"] is not None:
        assert decode_if(encoded, child_text(root, "NextKeyMarker")) == expect["nextKeyMarker"], context
    if "nextVersionIdMarker" in expect:
        assert child_text(root, "NextVersionIdMarker") == substitute(expect["nextVersionIdMarker"], ids), context
    for field, element in [("keyMarker", "KeyMarker"), ("prefix", "Prefix"), ("delimiter", "Delimiter")]:
        if field in expect:
            assert decode_if(encoded, child_text(root, element)) == expect[field], context
    if "versionIdMarker" in expect:
        assert child_text(root, "VersionIdMarker") == substitute(expect["versionIdMarker"], ids), context
    if "maxKeys" in expect:
        assert int(child_text(root, "MaxKeys")) == expect["maxKeys"], context
    return root


@pytest.mark.parametrize("fname,index", fixture_cases(FILES, lambda r: "walk" if "walk" in r else "req"))
def test_version_listing(envs, fname, index):
    request_ = load_fixture(FIXTURES / fname)["requests"][index]
    bucket, ids = envs.env(fname)
    query = {k: substitute(v, ids) for k, v in (request_["query"] if "query" in request_ else request_["walk"]).items()}
    pages = request_.get("expect_pages") or [request_["expect"]]
    for i, expect in enumerate(pages):
        root = check_page(fetch(bucket, query), expect, query, ids, "%s #%d page %d %r" % (fname, index, i, query))
        if "walk" not in request_:
            break
        truncated = child_text(root, "IsTruncated") == "true"
        assert truncated == (i < len(pages) - 1), "%s: walk page %d" % (fname, i)
        if not truncated:
            break
        query = dict(query)
        query["key-marker"] = decode_if(query.get("encoding-type") == "url", child_text(root, "NextKeyMarker"))
        query["version-id-marker"] = child_text(root, "NextVersionIdMarker")
