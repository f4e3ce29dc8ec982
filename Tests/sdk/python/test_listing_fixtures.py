"""Runs the shared listing scenarios in fixtures/listing/ (format: fixtures/listing/README.md).

Uploads are created with oss2; listings are fetched with V1-signed raw requests so that the query string is exactly
the fixture's and the raw XML can be checked (required elements, encoding-type=url encoding, timestamp format).
"""

import re

import pytest

from conftest import REPO_ROOT, cleanup_bucket, make_oss2_bucket, unique_bucket_name
from localoss_helpers import fixture_cases, load_fixture
from localoss_helpers import (ISO8601_MS_RE, UPLOAD_ID_RE, child_text, crc64, decode_if, quoted_etag, rand,
                              raw_request, url_encode_key, xml_root)

FIXTURES = REPO_ROOT / "fixtures" / "listing"
UPLOAD_FILES = sorted((FIXTURES / "uploads").glob("*.json"))
PART_FILES = sorted((FIXTURES / "parts").glob("*.json"))
REQUIRED_UPLOAD_FIXTURES = {"data_set_d.json", "data_set_d_delimiter_paging.json", "same_key_markers.json",
                            "delimiter_page_boundary.json", "encoding_url.json", "go15_tlmu.json"}
REQUIRED_PART_FIXTURES = {"worked_example.json"}
ID_REF = re.compile(r"^\$(\d+)$")


def _load(path):
    return load_fixture(path)


def _cases(files):
    return fixture_cases(files, lambda req: "walk" if "walk" in req else "req")


def test_fixture_files_present():
    names = {f.name for f in UPLOAD_FILES}
    assert REQUIRED_UPLOAD_FIXTURES <= names, REQUIRED_UPLOAD_FIXTURES - names
    assert REQUIRED_PART_FIXTURES <= {f.name for f in PART_FILES}
    for f in UPLOAD_FILES + PART_FILES:
        data = _load(f)
        assert data["requests"], f
        for req in data["requests"]:
            assert ("query" in req and "expect" in req) or ("walk" in req and req["expect_pages"]), (f, req)


def subst(value, ids):
    if isinstance(value, str):
        m = ID_REF.match(value)
        if m:
            return ids[int(m.group(1))]
        return value
    if isinstance(value, list):
        return [subst(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: subst(v, ids) for k, v in value.items()}
    return value


# ------------------------------------------------------------------ per-file environments (created once)

class _Envs:
    def __init__(self, endpoint, auth, session):
        self.endpoint, self.auth, self.session = endpoint, auth, session
        self.made = {}

    def uploads_env(self, fname):
        if fname not in self.made:
            data = _load(FIXTURES / "uploads" / fname)
            name = unique_bucket_name("lu")
            b = make_oss2_bucket(self.endpoint, name, self.auth, self.session)
            b.create_bucket()
            ids = []
            self.made[fname] = (name, ids)
            for key in data["uploads"]:
                # encoding-type=url: keys with control characters cannot appear as plain XML text.
                uid = b.init_multipart_upload(key, params={"encoding-type": "url"}).upload_id
                assert UPLOAD_ID_RE.match(uid), "upload id %r is not 32 uppercase hex chars" % uid
                ids.append(uid)
        return self.made[fname]

    def parts_env(self, fname):
        if fname not in self.made:
            data = _load(FIXTURES / "parts" / fname)
            name = unique_bucket_name("lp")
            b = make_oss2_bucket(self.endpoint, name, self.auth, self.session)
            b.create_bucket()
            key = data.get("key", "multipart.bin")
            uid = b.init_multipart_upload(key, params={"encoding-type": "url"}).upload_id
            latest = {}
            self.made[fname] = (name, key, uid, latest)
            for n in data["parts"]:
                body = rand(data.get("partSize", 1024))
                b.upload_part(key, uid, n, body)
                latest[n] = body
        return self.made[fname]


@pytest.fixture(scope="module")
def envs(server, oss_auth, oss_session):
    e = _Envs(server.endpoint, oss_auth, oss_session)
    yield e
    for v in e.made.values():
        cleanup_bucket(server.endpoint, v[0])


# ------------------------------------------------------------------ ListMultipartUploads

ECHO_FIELDS = {"keyMarker": ("KeyMarker", True), "uploadIdMarker": ("UploadIdMarker", False),
               "prefix": ("Prefix", True), "delimiter": ("Delimiter", True),
               "nextKeyMarker": ("NextKeyMarker", True), "nextUploadIdMarker": ("NextUploadIdMarker", False)}


def fetch_uploads_page(endpoint, bucket_name, query):
    resp = raw_request(endpoint, "GET", bucket_name, query=[("uploads", "")] + list(query.items()))
    root = xml_root(resp, "ListMultipartUploadsResult")
    encoded = query.get("encoding-type") == "url"
    et = root.find("EncodingType")
    if encoded:
        assert et is not None and et.text == "url", "encoding-type=url requested but <EncodingType>url</EncodingType> missing"
    else:
        assert et is None, "<EncodingType> present although not requested"
    # Elements oss2/go2 require even when empty (multipart.md §9 'Always write ...').
    for name in ("Bucket", "KeyMarker", "UploadIdMarker", "NextKeyMarker", "NextUploadIdMarker", "Delimiter",
                 "Prefix", "MaxUploads", "IsTruncated"):
        assert root.find(name) is not None, "<%s> missing" % name
    assert child_text(root, "Bucket") == bucket_name
    trunc = child_text(root, "IsTruncated")
    assert trunc in ("true", "false"), "IsTruncated %r" % trunc
    raw = {"uploads": [], "commonPrefixes": []}
    page = {"isTruncated": trunc == "true", "uploads": [], "commonPrefixes": [],
            "maxUploads": int(child_text(root, "MaxUploads"))}
    for u in root.findall("Upload"):
        k = child_text(u, "Key")
        uid = child_text(u, "UploadId")
        initiated = child_text(u, "Initiated")
        assert ISO8601_MS_RE.match(initiated), "Initiated %r not in .000Z form" % initiated
        raw["uploads"].append(k)
        page["uploads"].append([decode_if(encoded, k), uid])
    for cp in root.findall("CommonPrefixes"):
        p = child_text(cp, "Prefix")
        raw["commonPrefixes"].append(p)
        page["commonPrefixes"].append(decode_if(encoded, p))
    for field, (elem, key_like) in ECHO_FIELDS.items():
        v = child_text(root, elem)
        raw[field] = v
        page[field] = decode_if(encoded and key_like, v)
    page["uploadCount"] = len(page["uploads"])
    page["commonPrefixCount"] = len(page["commonPrefixes"])
    # Raw encoding: exactly the documented percent-encoding when requested, plain text otherwise.
    enc = url_encode_key if encoded else (lambda s: s)
    assert raw["uploads"] == [enc(k) for k, _ in page["uploads"]], "raw <Key> values %r" % raw["uploads"]
    assert raw["commonPrefixes"] == [enc(p) for p in page["commonPrefixes"]], \
        "raw CommonPrefixes %r" % raw["commonPrefixes"]
    for field, (elem, key_like) in ECHO_FIELDS.items():
        if key_like:
            assert raw[field] == enc(page[field]), "raw <%s> %r" % (elem, raw[field])
    # Upload ids are never encoded.
    for _, uid in page["uploads"]:
        assert UPLOAD_ID_RE.match(uid), uid
    return page


def _project(page, expect):
    return {k: page[k] for k in expect}


@pytest.mark.parametrize("fname,index", _cases(UPLOAD_FILES))
def test_list_multipart_uploads_fixture(server, envs, fname, index):
    data = _load(FIXTURES / "uploads" / fname)
    req = data["requests"][index]
    bucket_name, ids = envs.uploads_env(fname)
    if "walk" in req:
        query = subst(dict(req["walk"]), ids)
        expected_pages = [subst(p, ids) for p in req["expect_pages"]]
        got = []
        for _ in range(len(expected_pages) + 1):
            page = fetch_uploads_page(server.endpoint, bucket_name, query)
            got.append(page)
            if not page["isTruncated"]:
                break
            query["key-marker"] = page["nextKeyMarker"]
            query["upload-id-marker"] = page["nextUploadIdMarker"]
        assert [_project(p, e) for p, e in zip(got, expected_pages)] == expected_pages[:len(got)]
        assert len(got) == len(expected_pages), "walk produced %d pages, expected %d" % (len(got), len(expected_pages))
    else:
        query = subst(req["query"], ids)
        expect = subst(req["expect"], ids)
        page = fetch_uploads_page(server.endpoint, bucket_name, query)
        assert _project(page, expect) == expect, "query %r" % (query,)


# ------------------------------------------------------------------ ListParts

def fetch_parts_page(endpoint, bucket_name, key, upload_id, query, latest):
    resp = raw_request(endpoint, "GET", bucket_name, key, query=[("uploadId", upload_id)] + list(query.items()))
    root = xml_root(resp, "ListPartsResult")
    encoded = query.get("encoding-type") == "url"
    et = root.find("EncodingType")
    if encoded:
        assert et is not None and et.text == "url", "<EncodingType>url</EncodingType> missing"
        assert child_text(root, "Key") == url_encode_key(key)
    else:
        assert et is None, "<EncodingType> present although not requested"
        assert child_text(root, "Key") == key
    assert child_text(root, "Bucket") == bucket_name
    assert child_text(root, "UploadId") == upload_id
    trunc = child_text(root, "IsTruncated")
    assert trunc in ("true", "false"), "IsTruncated %r" % trunc
    page = {"isTruncated": trunc == "true",
            "partNumberMarker": int(child_text(root, "PartNumberMarker")),
            "nextPartNumberMarker": int(child_text(root, "NextPartNumberMarker")),
            "maxParts": int(child_text(root, "MaxParts")),
            "parts": []}
    for p in root.findall("Part"):
        n = int(child_text(p, "PartNumber"))
        page["parts"].append(n)
        assert n in latest, "listed part %d was never uploaded" % n
        body = latest[n]
        assert child_text(p, "ETag") == quoted_etag(body), "part %d ETag is not the newest data's" % n
        assert int(child_text(p, "Size")) == len(body), "part %d Size" % n
        assert ISO8601_MS_RE.match(child_text(p, "LastModified")), child_text(p, "LastModified")
        crc = child_text(p, "HashCrc64ecma", required=False)
        if crc is not None:
            assert int(crc) == crc64(body), "part %d HashCrc64ecma" % n
    return page


@pytest.mark.parametrize("fname,index", _cases(PART_FILES))
def test_list_parts_fixture(server, envs, fname, index):
    data = _load(FIXTURES / "parts" / fname)
    req = data["requests"][index]
    bucket_name, key, upload_id, latest = envs.parts_env(fname)
    if "walk" in req:
        query = dict(req["walk"])
        expected_pages = req["expect_pages"]
        got = []
        for _ in range(len(expected_pages) + 1):
            page = fetch_parts_page(server.endpoint, bucket_name, key, upload_id, query, latest)
            got.append(page)
            if not page["isTruncated"]:
                break
            query["part-number-marker"] = str(page["nextPartNumberMarker"])
        assert [_project(p, e) for p, e in zip(got, expected_pages)] == expected_pages[:len(got)]
        assert len(got) == len(expected_pages), "walk produced %d pages, expected %d" % (len(got), len(expected_pages))
    else:
        page = fetch_parts_page(server.endpoint, bucket_name, key, upload_id, req["query"], latest)
        assert _project(page, req["expect"]) == req["expect"], "query %r" % (req["query"],)
