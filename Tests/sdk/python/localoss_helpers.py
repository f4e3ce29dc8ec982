"""Shared helpers for the LocalOSS Python SDK suite.

Everything here is computed independently of the server: MD5/ETag/CRC-64 from the bytes the test sent,
a V1 signer checked against the vector in wire-and-auth.md §6.4, and raw-request plumbing used where
the SDKs hide what the wire contract says (raw XML, exact query strings, bad bodies).
"""

import base64
import json
import email.utils
import hashlib
import hmac
import os
import re
import xml.etree.ElementTree as ET
from urllib.parse import quote, unquote

import crcmod
import requests
from requests.structures import CaseInsensitiveDict

ACCESS_KEY_ID = "LocalOSSTestKey"
ACCESS_KEY_SECRET = "LocalOSSTestSecret"

MIN_PART_SIZE = 102400  # multipart.md §1
ISO8601_MS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$")  # oss2 _ISO8601_RE
HTTP_GMT_RE = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                         r"\d{4} \d{2}:\d{2}:\d{2} GMT$")
UPLOAD_ID_RE = re.compile(r"^[0-9A-F]{32}$")

# ---------------------------------------------------------------- digests

_crc64_fun = crcmod.mkCrcFun(0x142F0E1EBA9EA3693, initCrc=0, xorOut=0xFFFFFFFFFFFFFFFF, rev=True)


def crc64(data: bytes) -> int:
    """CRC-64/XZ as used by x-oss-hash-crc64ecma (wire-and-auth.md §7.2)."""
    return _crc64_fun(data)


def md5_hex(data: bytes) -> str:
    return hashlib.md5(data).hexdigest().upper()


def md5_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def quoted_etag(data: bytes) -> str:
    return '"' + md5_hex(data) + '"'


def multipart_etag(parts) -> str:
    """'"<HEX>-N"' = MD5 over the concatenated binary MD5s of the listed parts (multipart.md §6)."""
    h = hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest().upper()
    return '"%s-%d"' % (h, len(parts))


def url_encode_key(s: str) -> str:
    """encoding-type=url: percent-encode every byte except A-Z a-z 0-9 - _ . ~, uppercase hex (multipart.md §9)."""
    return quote(s.encode("utf-8"), safe="")


def rand(n: int) -> bytes:
    return os.urandom(n)


# ---------------------------------------------------------------- V1 signing (wire-and-auth.md §6.2)

SIGNED_SUBRESOURCES = frozenset("""
acl uploads location cors logging website referer lifecycle delete append tagging objectMeta uploadId partNumber
security-token position img style styleName replication replicationProgress replicationLocation cname bucketInfo
comp qos live status vod startTime endTime symlink x-oss-process response-content-type response-content-language
response-expires response-cache-control response-content-disposition response-content-encoding udf udfName udfImage
udfId udfImageDesc udfApplication udfApplicationLog restore callback callback-var qosInfo policy stat encryption
versions versioning versionId requestPayment x-oss-request-payer sequential inventory inventoryId continuation-token
asyncFetch worm wormId wormExtend redundancyTransition x-oss-target-redundancy-type x-oss-redundancy-transition-taskid
accessPoint accessPointPolicy publicAccessBlock x-oss-access-point-name userDefinedLogFieldsConfig
""".split())


def sign_v1(secret, access_key_id, method, bucket, key, query_pairs, headers):
    """Return the Authorization header value for a V1 header-signed request.

    query_pairs: list of (name, value-or-None), decoded. headers: case-insensitive mapping incl. Date.
    """
    h = CaseInsensitiveDict(headers)
    oss_headers = sorted((k.lower(), str(v).strip()) for k, v in h.items() if k.lower().startswith("x-oss-"))
    canon_headers = "".join("%s:%s\n" % kv for kv in oss_headers)
    if bucket:
        resource = "/%s/%s" % (bucket, key)
    else:
        resource = "/"
    subs = sorted((n, v) for n, v in query_pairs if n in SIGNED_SUBRESOURCES)
    if subs:
        resource += "?" + "&".join(n if v in (None, "") else "%s=%s" % (n, v) for n, v in subs)
    string_to_sign = "\n".join([method, h.get("Content-MD5", ""), h.get("Content-Type", ""), h["Date"], ""]) \
        + canon_headers + resource
    sig = base64.b64encode(hmac.new(secret.encode(), string_to_sign.encode("utf-8"), hashlib.sha1).digest()).decode()
    return "OSS %s:%s" % (access_key_id, sig)


# ---------------------------------------------------------------- raw requests

_session = requests.Session()


def _pairs(query):
    if query is None:
        return []
    if isinstance(query, dict):
        return [(k, v) for k, v in query.items()]
    return list(query)


def raw_request(endpoint, method, bucket="", key="", query=None, headers=None, data=b"", timeout=60,
                key_safe=""):
    """Send a V1-signed request with an exact query string and return the requests.Response.

    query: dict or list of (name, value); value None -> bare name (`?uploads`), '' -> `name=`.
    Keys are percent-encoded with `/` as %2F unless key_safe='/' (oss2 vs pyv2 style).
    """
    pairs = _pairs(query)
    path = "/"
    if bucket:
        path += bucket + "/"
        if key:
            path += quote(key.encode("utf-8"), safe=key_safe)
    qs = "&".join(quote(n, safe="") if v is None else "%s=%s" % (quote(n, safe=""), quote(str(v).encode("utf-8"), safe=""))
                  for n, v in pairs)
    url = endpoint.rstrip("/") + path + ("?" + qs if qs else "")
    h = CaseInsensitiveDict(headers or {})
    if "Date" not in h:
        h["Date"] = email.utils.formatdate(usegmt=True)
    if "Authorization" not in h:
        h["Authorization"] = sign_v1(ACCESS_KEY_SECRET, ACCESS_KEY_ID, method, bucket, key,
                                     [(n, v) for n, v in pairs], h)
    h.setdefault("Accept-Encoding", "identity")
    req = requests.Request(method, url, headers=dict(h), data=data)
    prepped = _session.prepare_request(req)
    prepped.url = url  # never let requests re-quote the path or query
    return _session.send(prepped, timeout=timeout)


def parse_error(resp) -> dict:
    """Return the <Error> children of an error reply (body, or x-oss-err for bodiless replies)."""
    body = resp.content
    if not body and resp.headers.get("x-oss-err"):
        body = base64.b64decode(resp.headers["x-oss-err"])
    assert body, "error reply %d without body or x-oss-err" % resp.status_code
    root = ET.fromstring(body)
    assert root.tag == "Error", "error root is %r, body=%r" % (root.tag, body[:500])
    return {child.tag: (child.text or "") for child in root}


def assert_error(resp, status, code):
    """Assert an HTTP error reply has exactly (status, code)."""
    got_code = None
    if resp.status_code >= 300:
        try:
            got_code = parse_error(resp).get("Code")
        except Exception as e:  # pragma: no cover - reported below
            got_code = "<unparsable: %s>" % e
    assert (resp.status_code, got_code) == (status, code), \
        "expected (%d, %s), got (%d, %s); body=%r" % (status, code, resp.status_code, got_code, resp.content[:600])
    return parse_error(resp)


def xml_root(resp, expected_root):
    assert resp.status_code == 200, "status %d body=%r" % (resp.status_code, resp.content[:600])
    ctype = resp.headers.get("Content-Type", "")
    assert ctype.startswith("application/xml"), "Content-Type %r" % ctype
    root = ET.fromstring(resp.content)
    assert root.tag == expected_root, "root %r (xmlns must not be present; expected %r)" % (root.tag, expected_root)
    return root


def child_text(node, name, required=True):
    el = node.find(name)
    if el is None:
        assert not required, "<%s> missing in <%s>" % (name, node.tag)
        return None
    return el.text or ""


def complete_xml(parts, decl=True) -> bytes:
    """parts: list of (part_number, etag_string_as_sent)."""
    body = "".join("<Part><PartNumber>%s</PartNumber><ETag>%s</ETag></Part>" % (n, e) for n, e in parts)
    x = "<CompleteMultipartUpload>%s</CompleteMultipartUpload>" % body
    if decl:
        x = '<?xml version="1.0" encoding="UTF-8"?>' + x
    return x.encode("utf-8")


def decode_if(encoded: bool, s):
    if s is None:
        return None
    return unquote(s) if encoded else s


def oss_error(fn, *args, **kwargs):
    """The oss2 error a call raises (the test fails if it does not raise one)."""
    import pytest
    import oss2
    with pytest.raises(oss2.exceptions.OssError) as ei:
        fn(*args, **kwargs)
    return ei.value


def assert_oss_error(status, code, fn, *args, **kwargs):
    e = oss_error(fn, *args, **kwargs)
    assert (e.status, e.code) == (status, code), "got (%s, %r) details=%r" % (e.status, e.code, e.details)
    return e


def service_error(fn, *args, **kwargs):
    """The alibabacloud-oss-v2 ServiceError a call raises (the test fails if it does not raise one)."""
    import pytest
    import alibabacloud_oss_v2 as oss
    with pytest.raises(oss.exceptions.OperationError) as ei:
        fn(*args, **kwargs)
    err = ei.value.unwrap()
    assert isinstance(err, oss.exceptions.ServiceError), "not a ServiceError: %r" % (err,)
    return err


def assert_service_error(status, code, fn, *args, **kwargs):
    err = service_error(fn, *args, **kwargs)
    assert (err.status_code, err.code) == (status, code), "got (%s, %r): %s" % (err.status_code, err.code, err.message)
    return err


def load_fixture(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def fixture_cases(files, label):
    """One pytest param per request of each listing fixture file; `label(request)` names it; UNVERIFIED rows skip."""
    import pytest
    out = []
    for f in files:
        for i, req in enumerate(load_fixture(f)["requests"]):
            marks = [pytest.mark.skip(reason="row marked UNVERIFIED in multipart.md")] if req.get("unverified") else []
            out.append(pytest.param(f.name, i, id="%s-%d-%s" % (f.stem, i, label(req)), marks=marks))
    return out
