"""Runs the shared ListObjects / ListObjectsV2 scenarios in fixtures/listing/objects/ (format: fixtures/listing/README.md).

Objects are created with oss2 (body = the UTF-8 bytes of the key, so Size and ETag are known); listings are fetched with
V1-signed raw requests so that the query string is exactly the fixture's and the raw XML can be checked (required
elements, echoes, encoding-type=url encoding, Contents fields, Owner rules, NextMarker / NextContinuationToken).
Every expectation comes from objects-and-buckets.md §4 (and multipart.md §9 for the delimiter roll-up).
"""

import re
from urllib.parse import unquote

import pytest

from conftest import REPO_ROOT, cleanup_bucket, make_oss2_bucket, unique_bucket_name
from localoss_helpers import fixture_cases, load_fixture
from localoss_helpers import ISO8601_MS_RE, child_text, decode_if, quoted_etag, raw_request, url_encode_key, xml_root

FIXTURES = REPO_ROOT / "fixtures" / "listing" / "objects"
OBJECT_FILES = sorted(FIXTURES.glob("*.json"))
REQUIRED_FIXTURES = {"worked_example.json", "delimiter_page_boundary.json", "encoding_url.json",
                     "encoding_control_chars.json", "go15_tlo.json", "go15_tloet.json", "go15_special_chars.json",
                     "max_keys.json"}
DEFAULT_MAX_KEYS = 100
# Unreserved characters: an opaque token made of these survives the URL-decoding the SDKs apply (§4 ListObjectsV2).
TOKEN_RE = re.compile(r"^[A-Za-z0-9._~-]+$")


def _load(path):
    return load_fixture(path)


def _cases(files):
    return fixture_cases(files, lambda req: ("walk" if "walk" in req else "req") + "-v%s" % req.get("version"))


def test_object_fixture_files_present():
    names = {f.name for f in OBJECT_FILES}
    assert REQUIRED_FIXTURES <= names, REQUIRED_FIXTURES - names
    for f in OBJECT_FILES:
        data = _load(f)
        assert data["objects"] and data["requests"], f
        assert len(set(data["objects"])) == len(data["objects"]), "%s: duplicate object keys" % f
        for req in data["requests"]:
            assert req.get("version") in (1, 2), (f, req)
            assert ("query" in req and "expect" in req) or ("walk" in req and req["expect_pages"]), (f, req)
            for e in ([req["expect"]] if "expect" in req else req["expect_pages"]):
                for k in e.get("keys", []):
                    assert k in data["objects"], "%s: expected key %r is not among the objects" % (f.name, k)


# ------------------------------------------------------------------ per-file buckets (created once)

class _Envs:
    def __init__(self, endpoint, auth, session):
        self.endpoint, self.auth, self.session = endpoint, auth, session
        self.made = {}

    def env(self, fname):
        if fname not in self.made:
            data = _load(FIXTURES / fname)
            name = unique_bucket_name("lo")
            b = make_oss2_bucket(self.endpoint, name, self.auth, self.session)
            b.create_bucket()
            self.made[fname] = (name, list(data["objects"]))
            for key in data["objects"]:
                b.put_object(key, key.encode("utf-8"))
        return self.made[fname][0]


@pytest.fixture(scope="module")
def envs(server, oss_auth, oss_session):
    e = _Envs(server.endpoint, oss_auth, oss_session)
    yield e
    for name, keys in e.made.values():
        cleanup_bucket(server.endpoint, name, keys)


# ------------------------------------------------------------------ one page

def fetch_objects_page(endpoint, bucket_name, version, query):
    """GET the listing with exactly `query` (+ list-type=2 for v2), apply every per-response check of the README and
    return the decoded page as a dict of the README's expectation fields."""
    pairs = ([("list-type", "2")] if version == 2 else []) + list(query.items())
    resp = raw_request(endpoint, "GET", bucket_name, query=pairs)
    root = xml_root(resp, "ListBucketResult")
    encoded = query.get("encoding-type") == "url"
    enc = url_encode_key if encoded else (lambda s: s)
    et = root.find("EncodingType")
    if encoded:
        assert et is not None and et.text == "url", "encoding-type=url requested but <EncodingType>url</EncodingType> missing"
    else:
        assert et is None, "<EncodingType> present although not requested"

    required = ["Name", "Prefix", "MaxKeys", "Delimiter", "IsTruncated"] + (["Marker"] if version == 1 else ["KeyCount"])
    for name in required:
        assert root.find(name) is not None, "<%s> missing" % name
    assert child_text(root, "Name") == bucket_name
    trunc = child_text(root, "IsTruncated")
    assert trunc in ("true", "false"), "IsTruncated %r" % trunc

    page = {"isTruncated": trunc == "true", "keys": [], "commonPrefixes": [],
            "maxKeys": int(child_text(root, "MaxKeys"))}
    # Echoes (decoded) of what was sent; an empty parameter is the same as an absent one.
    echo = [("prefix", "Prefix", "prefix"), ("delimiter", "Delimiter", "delimiter")]
    if version == 1:
        echo.append(("marker", "Marker", "marker"))
    for field, elem, param in echo:
        raw = child_text(root, elem)
        page[field] = decode_if(encoded, raw)
        assert raw == enc(query.get(param, "")), "raw <%s> %r, sent %r" % (elem, raw, query.get(param, ""))
    assert page["maxKeys"] == int(query.get("max-keys") or DEFAULT_MAX_KEYS), "MaxKeys %d" % page["maxKeys"]
    if version == 2:
        sa = child_text(root, "StartAfter", required=False)
        page["startAfter"] = decode_if(encoded, sa)
        if query.get("start-after"):
            assert sa == enc(query["start-after"]), "raw <StartAfter> %r, sent %r" % (sa, query["start-after"])
        ct = child_text(root, "ContinuationToken", required=False)
        if query.get("continuation-token"):
            assert ct is not None and decode_if(encoded, ct) == query["continuation-token"], \
                "<ContinuationToken> %r does not echo the token sent %r" % (ct, query["continuation-token"])

    fetch_owner = version == 1 or query.get("fetch-owner") == "true"
    raw_keys = []
    for c in root.findall("Contents"):
        k = child_text(c, "Key")
        raw_keys.append(k)
        key = decode_if(encoded, k)
        page["keys"].append(key)
        body = key.encode("utf-8")
        assert ISO8601_MS_RE.match(child_text(c, "LastModified")), child_text(c, "LastModified")
        assert child_text(c, "ETag") == quoted_etag(body), "ETag of %r" % key
        assert int(child_text(c, "Size")) == len(body), "Size of %r" % key
        assert child_text(c, "Type") == "Normal", "Type of %r" % key
        assert child_text(c, "StorageClass") == "Standard", "StorageClass of %r" % key
        owner = c.find("Owner")
        if fetch_owner:
            assert owner is not None, "<Owner> missing for %r (v1 always, v2 with fetch-owner=true)" % key
            assert child_text(owner, "ID") and child_text(owner, "DisplayName"), "empty Owner ID/DisplayName"
        else:
            assert owner is None, "<Owner> present for %r although fetch-owner is not true (v2)" % key
    raw_cps = []
    for cp in root.findall("CommonPrefixes"):
        p = child_text(cp, "Prefix")
        raw_cps.append(p)
        page["commonPrefixes"].append(decode_if(encoded, p))
    assert raw_keys == [enc(k) for k in page["keys"]], "raw <Key> values %r" % raw_keys
    assert raw_cps == [enc(p) for p in page["commonPrefixes"]], "raw CommonPrefixes %r" % raw_cps
    page["objectCount"] = len(page["keys"])
    page["commonPrefixCount"] = len(page["commonPrefixes"])
    entries = page["objectCount"] + page["commonPrefixCount"]
    assert entries <= page["maxKeys"], "%d entries > MaxKeys %d" % (entries, page["maxKeys"])
    last_entry = max(page["keys"] + page["commonPrefixes"], key=lambda s: s.encode("utf-8"), default=None)

    if version == 1:
        nm = child_text(root, "NextMarker", required=False)
        page["nextMarker"] = decode_if(encoded, nm) or None   # absent or empty -> None
        if page["isTruncated"]:
            assert nm, "IsTruncated=true without a NextMarker"
            assert nm == enc(page["nextMarker"]), "raw <NextMarker> %r" % nm
            assert page["nextMarker"] == last_entry, \
                "NextMarker %r is not the last key or common prefix returned (%r)" % (page["nextMarker"], last_entry)
    else:
        kc = int(child_text(root, "KeyCount"))
        page["keyCount"] = kc
        assert kc == entries, "KeyCount %d != Contents + CommonPrefixes %d" % (kc, entries)
        tok = child_text(root, "NextContinuationToken", required=False)
        if page["isTruncated"]:
            assert tok, "IsTruncated=true without a NextContinuationToken"
            if encoded:   # the SDKs URL-decode it before sending it back (§4)
                assert TOKEN_RE.match(tok) and unquote(tok) == tok, \
                    "NextContinuationToken %r is not made of unreserved characters" % tok
        page["nextContinuationToken"] = decode_if(encoded, tok) if tok else None
    return page


def _project(page, expect):
    return {k: page.get(k) for k in expect}


@pytest.mark.parametrize("fname,index", _cases(OBJECT_FILES))
def test_list_objects_fixture(server, envs, fname, index):
    req = _load(FIXTURES / fname)["requests"][index]
    version = req["version"]
    bucket_name = envs.env(fname)
    if "walk" in req:
        query = dict(req["walk"])
        expected_pages = req["expect_pages"]
        got = []
        for _ in range(len(expected_pages) + 1):
            page = fetch_objects_page(server.endpoint, bucket_name, version, query)
            got.append(page)
            if not page["isTruncated"]:
                break
            if version == 1:
                query["marker"] = page["nextMarker"]
            else:
                query["continuation-token"] = page["nextContinuationToken"]
        assert [_project(p, e) for p, e in zip(got, expected_pages)] == expected_pages[:len(got)]
        assert len(got) == len(expected_pages), "walk produced %d pages, expected %d" % (len(got), len(expected_pages))
    else:
        page = fetch_objects_page(server.endpoint, bucket_name, version, req["query"])
        assert _project(page, req["expect"]) == req["expect"], "query %r" % (req["query"],)
