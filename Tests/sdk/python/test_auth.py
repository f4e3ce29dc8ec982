"""Authentication and addressing through oss2 2.19.1 and alibabacloud-oss-v2 1.4.1 (wire-and-auth.md §2 and §6):
signature versions 1, 2 (oss2 `AuthV2`) and 4.

Every test here runs against a private server started by this module with the flags it needs (`--base-domain
oss-local.test`, a second `--credential`, `--auth off`, ...), so the outcome does not depend on how the session
server or the environment is configured (LOCALOSS_* variables are removed from the private servers' environment).

Virtual-hosted addressing without DNS: the SDKs are given the endpoint `http://oss-local.test:PORT` (the `.test`
TLD never resolves) and the server itself as their HTTP proxy. They then send absolute-form request targets
(`PUT http://<bucket>.oss-local.test:PORT/<key> HTTP/1.1`, `Host: <bucket>.oss-local.test:PORT`), which the server
serves directly; a request that does not go through the proxy fails with a DNS error instead of passing.

Negative checks assert the documented (status, Code) and, for SignatureDoesNotMatch, that the reply's
<StringToSign> (and <CanonicalRequest> for V4) is the string the client really signed: HMAC(<the secret the client
used>, StringToSign) must equal <SignatureProvided>. Each tampering test also sends the untampered request as a
control, so the 403 can only come from the tampered part, and checks that the rejected request stored nothing.
"""

import base64
import datetime
import email.utils
import hashlib
import hmac
import os
import pathlib
import re
import shutil
import signal
import subprocess
import time
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, quote, urlsplit

import oss2
import pytest
import requests
import alibabacloud_oss_v2 as oss
from alibabacloud_oss_v2 import credentials as v2credentials
from alibabacloud_oss_v2.signer.v4 import SignerV4
from alibabacloud_oss_v2.types import HttpRequest, SigningContext
from oss2.models import PartInfo

from conftest import LISTEN_RE, cleanup_bucket, server_binary, unique_bucket_name
from localoss_helpers import (ACCESS_KEY_ID, ACCESS_KEY_SECRET, MIN_PART_SIZE, assert_error, child_text,
                              multipart_etag, quoted_etag, rand, raw_request, sign_v1, xml_root)

BASE_DOMAIN = "oss-local.test"
REGION = "cn-hangzhou"
EXTRA_ID, EXTRA_SECRET = "LocalOSSExtraKey", "LocalOSSExtraSecret-2"
WRONG_SECRET = "NotTheRightSecret"
UNKNOWN_ID = "LocalOSSNoSuchKeyId"
SIG_MISMATCH_MSG = ("The request signature we calculated does not match the signature you provided. "
                    "Check your key and signing method.")
UNKNOWN_ID_MSG = "The OSS Access Key Id you provided does not exist in our records."

SDKS = ["oss2-v1", "oss2-v2", "oss2-v4", "pyv2-v4"]
OTHER_REGION_MSG = "Invalid signing region in Authorization header."
PRESIGNED_REGION_MSG = "The signing region in credential is invalid."
STYLES = ["path", "virtual-hosted"]

_http = requests.Session()
_http.trust_env = False  # no proxy or netrc from the environment


# ---------------------------------------------------------------- private servers


class FlaggedServer:
    """A LocalOSS process with extra command-line flags and a controlled environment."""

    def __init__(self, root: pathlib.Path, args, env=None):
        self.root = root
        self.args = list(args)
        self.env = dict(env or {})
        self.proc = None
        self.endpoint = None
        self.port = None

    def start(self, timeout=30.0):
        binary = server_binary()
        if not binary.is_file() or not os.access(binary, os.X_OK):
            pytest.fail("LocalOSS binary not found at %s (set LOCALOSS_BIN or build the package)" % binary,
                        pytrace=False)
        data = self.root / "data"
        data.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("LOCALOSS_")}
        env.update(self.env)
        self.out_path, self.err_path = self.root / "stdout.log", self.root / "stderr.log"
        with open(self.out_path, "wb") as out, open(self.err_path, "wb") as err:
            self.proc = subprocess.Popen(
                [str(binary), "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", str(data)] + self.args,
                stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            first = self.out_path.read_bytes().split(b"\n", 1)
            if len(first) == 2:
                m = LISTEN_RE.match(first[0].decode("utf-8", "replace"))
                if not m:
                    self.stop()
                    pytest.fail("unexpected first stdout line %r" % first[0], pytrace=False)
                self.endpoint, self.port = m.group(1), int(m.group(2))
                return self
            if self.proc.poll() is not None:
                pytest.fail("server %s exited with %s: %s" % (self.args, self.proc.returncode, self.log_tail()),
                            pytrace=False)
            time.sleep(0.05)
        self.stop()
        pytest.fail("server printed no banner within %.0fs: %s" % (timeout, self.log_tail()), pytrace=False)

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def log_tail(self, n=3000):
        try:
            return self.err_path.read_bytes()[-n:].decode("utf-8", "replace")
        except OSError:
            return ""

    @property
    def vhost_endpoint(self):
        return "http://%s:%d" % (BASE_DOMAIN, self.port)


def _server_fixture(tmp_path_factory, tag, args, env=None):
    root = tmp_path_factory.mktemp(tag)
    srv = FlaggedServer(root, args, env).start()
    return srv


@pytest.fixture(scope="module")
def auth_server(tmp_path_factory):
    """Signatures verified, `oss-local.test` as base domain, one extra credential pair, default 15-minute skew."""
    srv = _server_fixture(tmp_path_factory, "auth", ["--auth", "on", "--base-domain", BASE_DOMAIN,
                                                     "--credential", "%s:%s" % (EXTRA_ID, EXTRA_SECRET)])
    yield srv
    srv.stop()


@pytest.fixture
def fresh_bucket(auth_server):
    """A bucket created path-style with the default pair; yields (name, keys-to-delete set)."""
    name = unique_bucket_name("au")
    r = raw_request(auth_server.endpoint, "PUT", name)
    assert r.status_code == 200, r.content
    keys = set()
    yield name, keys
    cleanup_bucket(auth_server.endpoint, name, sorted(keys))


# ---------------------------------------------------------------- SDK adapters


def addressing(srv, style):
    """(endpoint, proxies) for the addressing style."""
    if style == "path":
        return srv.endpoint, None
    return srv.vhost_endpoint, {"http": srv.endpoint}


class Oss2Api:
    def __init__(self, srv, style, bucket, key_id, secret, version):
        endpoint, proxies = addressing(srv, style)
        if version == "v4":
            auth = oss2.ProviderAuthV4(oss2.credentials.StaticCredentialsProvider(key_id, secret))
        elif version == "v2":
            auth = oss2.AuthV2(key_id, secret)
        else:
            auth = oss2.Auth(key_id, secret)
        self.scheme = version
        self.b = oss2.Bucket(auth, endpoint, bucket, connect_timeout=30, proxies=proxies,
                             region=REGION if version == "v4" else None)

    def create_bucket(self):
        self.b.create_bucket()

    def initiate(self, key):
        return self.b.init_multipart_upload(key).upload_id

    def upload_part(self, key, uid, n, data):
        return '"%s"' % self.b.upload_part(key, uid, n, data).etag

    def list_parts(self, key, uid):
        return [(p.part_number, '"%s"' % p.etag, p.size) for p in self.b.list_parts(key, uid).parts]

    def complete(self, key, uid, parts):
        return '"%s"' % self.b.complete_multipart_upload(key, uid, [PartInfo(n, e.strip('"')) for n, e in parts]).etag

    def get(self, key):
        return self.b.get_object(key).read()

    def put(self, key, data):
        return self.b.put_object(key, data)


class V2Api:
    scheme = "v4"

    def __init__(self, srv, style, bucket, key_id, secret, security_token=None):
        cfg = oss.config.load_default()
        cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(key_id, secret, security_token)
        cfg.region = REGION
        cfg.retry_max_attempts = 1
        endpoint, proxies = addressing(srv, style)
        cfg.endpoint = endpoint
        if style == "path":
            cfg.use_path_style = True
        else:
            cfg.proxy_host = proxies
        self.c = oss.Client(cfg)
        self.bucket = bucket

    def create_bucket(self):
        self.c.put_bucket(oss.PutBucketRequest(bucket=self.bucket))

    def initiate(self, key):
        return self.c.initiate_multipart_upload(oss.InitiateMultipartUploadRequest(bucket=self.bucket, key=key)).upload_id

    def upload_part(self, key, uid, n, data):
        return self.c.upload_part(oss.UploadPartRequest(bucket=self.bucket, key=key, upload_id=uid, part_number=n,
                                                        body=data)).etag

    def list_parts(self, key, uid):
        r = self.c.list_parts(oss.ListPartsRequest(bucket=self.bucket, key=key, upload_id=uid))
        return [(p.part_number, p.etag, p.size) for p in (r.parts or [])]

    def complete(self, key, uid, parts):
        cmu = oss.CompleteMultipartUpload(parts=[oss.UploadPart(part_number=n, etag=e) for n, e in parts])
        return self.c.complete_multipart_upload(oss.CompleteMultipartUploadRequest(
            bucket=self.bucket, key=key, upload_id=uid, complete_multipart_upload=cmu)).etag

    def get(self, key):
        return self.c.get_object(oss.GetObjectRequest(bucket=self.bucket, key=key)).body.read()

    def put(self, key, data):
        return self.c.put_object(oss.PutObjectRequest(bucket=self.bucket, key=key, body=data))


def make_api(sdk, style, srv, bucket, key_id=ACCESS_KEY_ID, secret=ACCESS_KEY_SECRET):
    if sdk in ("oss2-v1", "oss2-v2", "oss2-v4"):
        return Oss2Api(srv, style, bucket, key_id, secret, version=sdk[-2:])
    assert sdk == "pyv2-v4"
    return V2Api(srv, style, bucket, key_id, secret)


# ---------------------------------------------------------------- error checks


def sdk_error(fn, *args, **kwargs):
    """Run an SDK call that must fail with an OSS error reply; return (status, code, {child: text})."""
    try:
        fn(*args, **kwargs)
    except oss2.exceptions.OssError as e:
        assert e.status > 0, "oss2 raised a client-side error, not an OSS reply: %r" % e
        return e.status, e.code, dict(e.details or {})
    except oss.exceptions.OperationError as e:
        err = e.unwrap()
        assert isinstance(err, oss.exceptions.ServiceError), "not a ServiceError: %r" % (err,)
        return err.status_code, err.code, dict(err.error_fileds or {})
    pytest.fail("%s succeeded; an OSS error reply was expected" % getattr(fn, "__name__", fn))


def hmac_v1(secret, string_to_sign):
    return base64.b64encode(hmac.new(secret.encode(), string_to_sign.encode("utf-8"), hashlib.sha1).digest()).decode()


def hmac_v2(secret, string_to_sign):
    return base64.b64encode(hmac.new(secret.encode(), string_to_sign.encode("utf-8"), hashlib.sha256).digest()).decode()


def v2_resource(bucket, key):
    """oss2 auth.v2_uri_encode of `/bucket/key`: every byte but A-Z a-z 0-9 _ - ~ . percent-encoded, `/` too."""
    return quote("/%s/%s" % (bucket, key), safe="-_.~")


def hmac_v4(secret, date, region, product, string_to_sign):
    k = hmac.new(("aliyun_v4" + secret).encode(), date.encode(), hashlib.sha256).digest()
    for part in (region, product, "aliyun_v4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    return hmac.new(k, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def check_signature_mismatch(err, scheme, secret, bucket, key=""):
    """403 SignatureDoesNotMatch whose StringToSign is what the client signed with `secret` (§6.2, §6.5, §6.8)."""
    status, code, fields = err
    assert (status, code) == (403, "SignatureDoesNotMatch"), "got (%s, %s): %r" % (status, code, fields)
    assert fields.get("Message") == SIG_MISMATCH_MSG, fields
    sts = fields.get("StringToSign")
    assert sts, "no <StringToSign> in the SignatureDoesNotMatch reply: %r" % fields
    provided = fields.get("SignatureProvided")
    assert provided, "no <SignatureProvided> in the SignatureDoesNotMatch reply: %r" % fields
    resource = "/%s/%s" % (bucket, key)
    if scheme == "v1":
        last = sts.split("\n")[-1]
        assert last == resource or last.startswith(resource + "?"), \
            "canonical resource %r, want %r[?sub-resources]" % (last, resource)
        assert hmac_v1(secret, sts) == provided, \
            "reported StringToSign is not what the client signed: %r (provided %s)" % (sts, provided)
    elif scheme == "v2":
        last = sts.split("\n")[-1]
        assert last == v2_resource(bucket, key) or last.startswith(v2_resource(bucket, key) + "?"), \
            "canonical resource %r, want %r[?query]" % (last, v2_resource(bucket, key))
        assert hmac_v2(secret, sts) == provided, \
            "reported StringToSign is not what the client signed: %r (provided %s)" % (sts, provided)
    else:
        lines = sts.split("\n")
        assert len(lines) == 4 and lines[0] == "OSS4-HMAC-SHA256", sts
        date, region, product, terminator = lines[2].split("/")
        assert (lines[1][:8], region, product, terminator) == (date, REGION, "oss", "aliyun_v4_request"), sts
        canonical = fields.get("CanonicalRequest")
        assert canonical, "no <CanonicalRequest> in the V4 SignatureDoesNotMatch reply: %r" % fields
        assert hashlib.sha256(canonical.encode("utf-8")).hexdigest() == lines[3], \
            "StringToSign's hash is not the SHA-256 of the reported CanonicalRequest"
        assert canonical.split("\n")[1] == quote(resource, safe="/"), canonical
        assert hmac_v4(secret, date, region, product, sts) == provided, \
            "reported StringToSign is not what the client signed: %r (provided %s)" % (sts, provided)


def object_absent(srv, bucket, key):
    r = raw_request(srv.endpoint, "HEAD", bucket, key)
    assert r.status_code == 404, "object %s/%s exists after a rejected request (HEAD -> %d)" % (
        bucket, key, r.status_code)


def uploads_for(srv, bucket, key):
    root = xml_root(raw_request(srv.endpoint, "GET", bucket, query={"uploads": None, "prefix": key}),
                    "ListMultipartUploadsResult")
    return [child_text(u, "UploadId") for u in root.findall("Upload") if child_text(u, "Key") == key]


def parts_of(srv, bucket, key, uid):
    root = xml_root(raw_request(srv.endpoint, "GET", bucket, key, query={"uploadId": uid}), "ListPartsResult")
    return [(int(child_text(p, "PartNumber")), child_text(p, "ETag"), int(child_text(p, "Size")))
            for p in root.findall("Part")]


def raw_initiate(srv, bucket, key):
    root = xml_root(raw_request(srv.endpoint, "POST", bucket, key, query={"uploads": None}),
                    "InitiateMultipartUploadResult")
    return child_text(root, "UploadId")


# ---------------------------------------------------------------- SDK multipart flows


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("sdk", SDKS)
def test_multipart_flow_right_secret(auth_server, sdk, style):
    name = unique_bucket_name("au")
    key = "auth/dir a/文件-%s.bin" % sdk
    api = make_api(sdk, style, auth_server, name)
    try:
        api.create_bucket()
        uid = api.initiate(key)
        bodies = [rand(MIN_PART_SIZE + 1234), rand(4321)]
        etags = [api.upload_part(key, uid, n, body) for n, body in enumerate(bodies, 1)]
        assert etags == [quoted_etag(b) for b in bodies]
        assert api.list_parts(key, uid) == [(n, quoted_etag(b), len(b)) for n, b in enumerate(bodies, 1)]
        assert api.complete(key, uid, list(enumerate(etags, 1))) == multipart_etag(bodies)
        assert api.get(key) == b"".join(bodies)
        # Read back path-style with the helpers' V1 signer: the upload landed in bucket `name` under `key`.
        r = raw_request(auth_server.endpoint, "GET", name, key)
        assert r.status_code == 200 and r.content == b"".join(bodies), (r.status_code, r.content[:300])
    finally:
        cleanup_bucket(auth_server.endpoint, name, [key])


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("sdk", SDKS)
def test_multipart_flow_wrong_secret(auth_server, sdk, style):
    name = unique_bucket_name("au")
    other = unique_bucket_name("au")
    key, existing = "auth/dir a/文件.bin", "auth/existing.txt"
    good = make_api(sdk, style, auth_server, name)
    bad = make_api(sdk, style, auth_server, name, secret=WRONG_SECRET)
    try:
        good.create_bucket()
        good.put(existing, b"existing object")

        # CreateBucket with the wrong secret: rejected, no bucket.
        bad_other = make_api(sdk, style, auth_server, other, secret=WRONG_SECRET)
        check_signature_mismatch(sdk_error(bad_other.create_bucket), bad.scheme, WRONG_SECRET, other)
        assert_error(raw_request(auth_server.endpoint, "GET", other, query={"bucketInfo": None}), 404, "NoSuchBucket")

        check_signature_mismatch(sdk_error(bad.initiate, key), bad.scheme, WRONG_SECRET, name, key)
        assert uploads_for(auth_server, name, key) == []

        uid = good.initiate(key)
        good_part = rand(MIN_PART_SIZE + 10)
        check_signature_mismatch(sdk_error(bad.upload_part, key, uid, 2, rand(3000)), bad.scheme, WRONG_SECRET,
                                 name, key)
        check_signature_mismatch(sdk_error(bad.list_parts, key, uid), bad.scheme, WRONG_SECRET, name, key)
        etag = good.upload_part(key, uid, 1, good_part)
        check_signature_mismatch(sdk_error(bad.complete, key, uid, [(1, etag)]), bad.scheme, WRONG_SECRET,
                                 name, key)
        check_signature_mismatch(sdk_error(bad.get, existing), bad.scheme, WRONG_SECRET, name, existing)

        # Nothing the wrong-secret client sent took effect.
        assert uploads_for(auth_server, name, key) == [uid]
        assert good.list_parts(key, uid) == [(1, quoted_etag(good_part), len(good_part))]
        object_absent(auth_server, name, key)
        # ...and the right secret still completes the upload.
        assert good.complete(key, uid, [(1, etag)]) == multipart_etag([good_part])
        assert good.get(key) == good_part
    finally:
        cleanup_bucket(auth_server.endpoint, name, [key, existing])
        cleanup_bucket(auth_server.endpoint, other)


# ---------------------------------------------------------------- credentials


def test_extra_credential_pair(auth_server):
    name = unique_bucket_name("au")
    key = "auth/extra.bin"
    data = rand(2048)
    extra_v1 = make_api("oss2-v1", "path", auth_server, name, EXTRA_ID, EXTRA_SECRET)
    extra_v4 = make_api("pyv2-v4", "virtual-hosted", auth_server, name, EXTRA_ID, EXTRA_SECRET)
    try:
        extra_v1.create_bucket()
        uid = extra_v4.initiate(key)
        etag = extra_v4.upload_part(key, uid, 1, data)
        assert extra_v1.complete(key, uid, [(1, etag)]) == multipart_etag([data])
        assert extra_v4.get(key) == data
        # Same store for every pair: the default pair reads it too.
        assert raw_request(auth_server.endpoint, "GET", name, key).content == data
        # A secret belongs to its own id only.
        crossed = make_api("oss2-v1", "path", auth_server, name, EXTRA_ID, ACCESS_KEY_SECRET)
        check_signature_mismatch(sdk_error(crossed.get, key), "v1", ACCESS_KEY_SECRET, name, key)
        crossed = make_api("pyv2-v4", "path", auth_server, name, ACCESS_KEY_ID, EXTRA_SECRET)
        check_signature_mismatch(sdk_error(crossed.get, key), "v4", EXTRA_SECRET, name, key)
    finally:
        cleanup_bucket(auth_server.endpoint, name, [key])


@pytest.fixture(scope="module")
def multi_credential_server(tmp_path_factory):
    """Extra pairs from --credentials-file and from LOCALOSS_CREDENTIALS (env, comma-separated)."""
    root = tmp_path_factory.mktemp("creds")
    cred_file = root / "credentials"
    cred_file.write_text("FileKeyOne:FileSecretOne\nFileKeyTwo:FileSecretTwo\n")
    srv = FlaggedServer(root, ["--credentials-file", str(cred_file)],
                        env={"LOCALOSS_CREDENTIALS": "EnvKeyOne:EnvSecretOne,EnvKeyTwo:EnvSecretTwo"}).start()
    yield srv
    srv.stop()


@pytest.mark.parametrize("key_id,secret", [
    (ACCESS_KEY_ID, ACCESS_KEY_SECRET), ("FileKeyOne", "FileSecretOne"), ("FileKeyTwo", "FileSecretTwo"),
    ("EnvKeyOne", "EnvSecretOne"), ("EnvKeyTwo", "EnvSecretTwo")])
def test_credentials_file_and_env(multi_credential_server, key_id, secret):
    srv = multi_credential_server
    name = unique_bucket_name("cr")
    api = make_api("oss2-v1", "path", srv, name, key_id, secret)
    try:
        api.create_bucket()
        api.put("k", b"hello")
        assert make_api("pyv2-v4", "path", srv, name, key_id, secret).get("k") == b"hello"
        wrong = make_api("oss2-v1", "path", srv, name, key_id, secret + "x")
        check_signature_mismatch(sdk_error(wrong.get, "k"), "v1", secret + "x", name, "k")
    finally:
        cleanup_bucket(srv.endpoint, name, ["k"])


def test_unknown_access_key_id(auth_server, fresh_bucket, tmp_path):
    name, keys = fresh_bucket
    keys.add("present.txt")
    assert raw_request(auth_server.endpoint, "PUT", name, "present.txt", data=b"x").status_code == 200
    for sdk in SDKS:
        api = make_api(sdk, "path", auth_server, name, UNKNOWN_ID, ACCESS_KEY_SECRET)
        for what, call in [("initiate", lambda: api.initiate("new.bin")), ("get", lambda: api.get("present.txt")),
                           ("put", lambda: api.put("new.bin", b"data"))]:
            status, code, fields = sdk_error(call)
            assert (status, code) == (403, "InvalidAccessKeyId"), "%s %s: %r" % (sdk, what, fields)
            assert fields.get("Message") == UNKNOWN_ID_MSG, fields
            assert fields.get("EC") == "0002-00000902", fields
    assert uploads_for(auth_server, name, "new.bin") == []
    object_absent(auth_server, name, "new.bin")
    # Presigned URLs (V1, V2 and V4) with an unknown id.
    for auth, region in [(oss2.Auth(UNKNOWN_ID, ACCESS_KEY_SECRET), None),
                         (oss2.AuthV2(UNKNOWN_ID, ACCESS_KEY_SECRET), None),
                         (oss2.ProviderAuthV4(oss2.credentials.StaticCredentialsProvider(UNKNOWN_ID,
                                                                                         ACCESS_KEY_SECRET)), REGION)]:
        url = oss2.Bucket(auth, auth_server.endpoint, name, region=region).sign_url("GET", "present.txt", 60)
        status, body, _ = curl(tmp_path, url)
        assert (status, error_code(body)) == (403, "InvalidAccessKeyId"), (url, body[:400])


def test_security_token_refused(auth_server, fresh_bucket):
    """No STS support: a request carrying a security token must fail even with valid keys (§6.1)."""
    name, _ = fresh_bucket
    sts = oss2.Bucket(oss2.StsAuth(ACCESS_KEY_ID, ACCESS_KEY_SECRET, "some-sts-token"), auth_server.endpoint, name)
    status, code, fields = sdk_error(sts.put_object, "sts.bin", b"data")
    assert status == 403 and code, fields
    v2 = V2Api(auth_server, "path", name, ACCESS_KEY_ID, ACCESS_KEY_SECRET, security_token="some-sts-token")
    status, code, fields = sdk_error(v2.put, "sts.bin", b"data")
    assert status == 403 and code, fields
    object_absent(auth_server, name, "sts.bin")


@pytest.mark.parametrize("style", STYLES)
def test_anonymous_requests_denied(auth_server, fresh_bucket, style):
    name, keys = fresh_bucket
    keys.add("present.txt")
    assert raw_request(auth_server.endpoint, "PUT", name, "present.txt", data=b"secret data").status_code == 200
    if style == "path":
        base, proxies = "%s/%s/" % (auth_server.endpoint, name), None
    else:
        base, proxies = "http://%s.%s:%d/" % (name, BASE_DOMAIN, auth_server.port), {"http": auth_server.endpoint}

    def send(method, path, **kw):
        return _http.request(method, base + path, proxies=proxies, timeout=30, **kw)

    assert_error(send("GET", "present.txt"), 403, "AccessDenied")
    assert_error(send("PUT", "anon.txt", data=b"anonymous"), 403, "AccessDenied")
    assert_error(send("POST", "anon.txt?uploads"), 403, "AccessDenied")
    assert_error(send("GET", "?uploads"), 403, "AccessDenied")
    assert_error(send("DELETE", "present.txt"), 403, "AccessDenied")
    assert_error(_http.get(auth_server.endpoint + "/", timeout=30), 403, "AccessDenied")  # ListBuckets
    # oss2's AnonymousAuth sends no Authorization either.
    endpoint, _ = addressing(auth_server, style)
    anon = oss2.Bucket(oss2.AnonymousAuth(), endpoint, name, proxies=proxies)
    status, code, _ = sdk_error(anon.get_object, "present.txt")
    assert (status, code) == (403, "AccessDenied")
    object_absent(auth_server, name, "anon.txt")
    assert uploads_for(auth_server, name, "anon.txt") == []
    assert raw_request(auth_server.endpoint, "GET", name, "present.txt").content == b"secret data"


# ---------------------------------------------------------------- presigned URLs and curl


def curl(tmp_path, url, upload=None, headers=None):
    """Run curl; return (status, body, headers-text)."""
    body_path, head_path = tmp_path / "curl.body", tmp_path / "curl.head"
    cmd = ["curl", "-sS", "--noproxy", "*", "-o", str(body_path), "-D", str(head_path), "-w", "%{http_code}"]
    for k, v in (headers or {}).items():
        cmd += ["-H", "%s: %s" % (k, v)]
    if upload is not None:
        up = tmp_path / "curl.upload"
        up.write_bytes(upload)
        cmd += ["-T", str(up)]  # PUT without a Content-Type (the URLs are signed without one)
    cmd.append(url)
    res = subprocess.run(cmd, capture_output=True, timeout=60)
    assert res.returncode == 0, "curl failed: %s" % res.stderr.decode(errors="replace")
    return int(res.stdout.decode()), body_path.read_bytes(), head_path.read_text(errors="replace")


def error_code(body):
    try:
        root = ET.fromstring(body)
        return root.findtext("Code") if root.tag == "Error" else None
    except Exception:  # noqa: BLE001 - reported by the caller's assertion
        return None


def error_ec(body):
    try:
        return ET.fromstring(body).findtext("EC")
    except Exception:  # noqa: BLE001 - reported by the caller's assertion
        return None


def header_value(head_text, name):
    for line in head_text.splitlines():
        k, _, v = line.partition(":")
        if k.strip().lower() == name.lower():
            return v.strip()
    return None


def expiry_of(url):
    """Unix time after which a presigned URL (V1 or V4) is expired."""
    q = parse_qs(urlsplit(url).query)
    if "Expires" in q:
        return int(q["Expires"][0])
    signed = datetime.datetime.strptime(q["x-oss-date"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)
    return int(signed.timestamp()) + int(q["x-oss-expires"][0])


def sleep_past(expiry):
    delay = expiry + 1.5 - time.time()
    if delay > 0:
        time.sleep(delay)


def replace_param(url, name, value):
    new, n = re.subn(r"([?&]%s=)[^&]*" % re.escape(name), lambda m: m.group(1) + value, url)
    assert n == 1, "parameter %s not found once in %s" % (name, url)
    return new


@pytest.fixture(scope="module")
def have_curl():
    if shutil.which("curl") is None:
        pytest.fail("curl is not installed (scripts/install-deps.sh --tests installs it)", pytrace=False)


def test_v1_presigned_get_and_upload_part_with_curl(auth_server, fresh_bucket, tmp_path, have_curl):
    name, keys = fresh_bucket
    key, mkey = "presign/dir a/文件.txt", "presign/part target.bin"
    keys.add(key)
    content = rand(5000)
    b = oss2.Bucket(oss2.Auth(ACCESS_KEY_ID, ACCESS_KEY_SECRET), auth_server.endpoint, name)
    b.put_object(key, content)
    uid = b.init_multipart_upload(mkey).upload_id

    get_url = b.sign_url("GET", key, 3)
    put_url = b.sign_url("PUT", mkey, 3, params={"uploadId": uid, "partNumber": "1"})
    status, body, _ = curl(tmp_path, get_url)
    assert (status, body) == (200, content), body[:300]
    part = rand(MIN_PART_SIZE + 7)
    status, body, head = curl(tmp_path, put_url, upload=part)
    assert status == 200, body[:400]
    assert header_value(head, "ETag") == quoted_etag(part)
    assert parts_of(auth_server, name, mkey, uid) == [(1, quoted_etag(part), len(part))]

    # Tampering with a (long-lived) presigned URL: Expires is on the signed Date line, partNumber is a signed
    # sub-resource, the key is in the canonical resource.
    long_get = b.sign_url("GET", key, 600)
    long_put = b.sign_url("PUT", mkey, 600, params={"uploadId": uid, "partNumber": "1"})
    for url, upload in [(replace_param(long_get, "Expires", str(expiry_of(long_get) + 3600)), None),
                        (long_get.replace("%E6%96%87%E4%BB%B6.txt", "other.txt"), None),
                        (replace_param(long_put, "partNumber", "2"), rand(100)),
                        (replace_param(long_put, "Expires", str(expiry_of(long_put) + 1)), rand(100))]:
        status, body, _ = curl(tmp_path, url, upload=upload)
        assert (status, error_code(body)) == (403, "SignatureDoesNotMatch"), (url, body[:400])
    assert parts_of(auth_server, name, mkey, uid) == [(1, quoted_etag(part), len(part))]

    sleep_past(max(expiry_of(get_url), expiry_of(put_url)))
    status, body, _ = curl(tmp_path, get_url)
    assert (status, error_code(body), error_ec(body)) == (403, "AccessDenied", "0002-00000069"), body[:400]
    status, body, _ = curl(tmp_path, put_url, upload=rand(MIN_PART_SIZE))
    assert (status, error_code(body), error_ec(body)) == (403, "AccessDenied", "0002-00000069"), body[:400]
    assert parts_of(auth_server, name, mkey, uid) == [(1, quoted_etag(part), len(part))]


def test_v4_presigned_urls_with_curl(auth_server, fresh_bucket, tmp_path, have_curl):
    name, keys = fresh_bucket
    key, mkey = "presign4/dir a/文件.txt", "presign4/part target.bin"
    keys.add(key)
    content = rand(3000)
    assert raw_request(auth_server.endpoint, "PUT", name, key, data=content).status_code == 200
    uid = raw_initiate(auth_server, name, mkey)

    b4 = oss2.Bucket(oss2.ProviderAuthV4(oss2.credentials.StaticCredentialsProvider(ACCESS_KEY_ID,
                                                                                   ACCESS_KEY_SECRET)),
                     auth_server.endpoint, name, region=REGION)
    v2 = V2Api(auth_server, "path", name, ACCESS_KEY_ID, ACCESS_KEY_SECRET).c
    short = datetime.timedelta(seconds=4)
    oss2_get = b4.sign_url("GET", key, 4)
    v2_get = v2.presign(oss.GetObjectRequest(bucket=name, key=key), expires=short)
    v2_part = v2.presign(oss.UploadPartRequest(bucket=name, key=mkey, upload_id=uid, part_number=1), expires=short)
    assert "x-oss-signature-version=OSS4-HMAC-SHA256" in oss2_get and "x-oss-signature=" in v2_get.url

    for url in (oss2_get, v2_get.url):
        status, body, _ = curl(tmp_path, url, headers=None if url == oss2_get else v2_get.signed_headers)
        assert (status, body) == (200, content), (url, body[:400])
    part = rand(MIN_PART_SIZE + 3)
    status, body, head = curl(tmp_path, v2_part.url, upload=part, headers=v2_part.signed_headers)
    assert status == 200, body[:400]
    assert header_value(head, "ETag") == quoted_etag(part)
    assert parts_of(auth_server, name, mkey, uid) == [(1, quoted_etag(part), len(part))]

    # x-oss-expires and every other query parameter are in the V4 canonical query.
    long_get = v2.presign(oss.GetObjectRequest(bucket=name, key=key), expires=datetime.timedelta(seconds=600)).url
    long_part = v2.presign(oss.UploadPartRequest(bucket=name, key=mkey, upload_id=uid, part_number=1),
                           expires=datetime.timedelta(seconds=600)).url
    for url, upload in [(replace_param(long_get, "x-oss-expires", "3600"), None),
                        (replace_param(long_part, "partNumber", "2"), rand(100))]:
        status, body, _ = curl(tmp_path, url, upload=upload)
        assert (status, error_code(body)) == (403, "SignatureDoesNotMatch"), (url, body[:400])
    assert parts_of(auth_server, name, mkey, uid) == [(1, quoted_etag(part), len(part))]

    sleep_past(max(expiry_of(oss2_get), expiry_of(v2_get.url), expiry_of(v2_part.url)))
    for url in (oss2_get, v2_get.url):
        status, body, _ = curl(tmp_path, url)
        assert (status, error_code(body)) == (403, "AccessDenied"), (url, body[:400])
    status, body, _ = curl(tmp_path, v2_part.url, upload=rand(200))
    assert (status, error_code(body)) == (403, "AccessDenied"), body[:400]
    assert parts_of(auth_server, name, mkey, uid) == [(1, quoted_etag(part), len(part))]


def v4_presign(srv, bucket, key, signing_time, expires_s):
    url = "%s/%s/%s" % (srv.endpoint, bucket, quote(key, safe="/"))
    req = HttpRequest("GET", url, headers={})
    ctx = SigningContext(product="oss", region=REGION, bucket=bucket, key=key, request=req,
                         credentials=v2credentials.Credentials(ACCESS_KEY_ID, ACCESS_KEY_SECRET),
                         signing_time=signing_time)
    ctx.auth_method_query = True
    ctx.expiration_time = signing_time + datetime.timedelta(seconds=expires_s)
    SignerV4().sign(ctx)
    return req.url


def test_v4_presigned_dated_in_future(auth_server, fresh_bucket, tmp_path, have_curl):
    """x-oss-date more than 15 minutes ahead: 403 AccessDenied, EC 0002-00000235 (§6.6)."""
    name, keys = fresh_bucket
    keys.add("k")
    assert raw_request(auth_server.endpoint, "PUT", name, "k", data=b"v").status_code == 200
    now = datetime.datetime.now(datetime.timezone.utc)
    status, body, _ = curl(tmp_path, v4_presign(auth_server, name, "k", now + datetime.timedelta(minutes=20), 3600))
    assert (status, error_code(body), error_ec(body)) == (403, "AccessDenied", "0002-00000235"), body[:400]
    # control: signed now
    status, body, _ = curl(tmp_path, v4_presign(auth_server, name, "k", now, 3600))
    assert (status, body) == (200, b"v"), body[:400]


# ---------------------------------------------------------------- tampered header-signed requests (V1)


def sign_and_send(srv, sign, send, data=b""):
    """Sign the request described by `sign` with the V1 signer, then send the one described by `send`.

    Each is a dict with method, bucket, key, query (list of pairs), headers; missing keys of `send` come from `sign`.
    """
    send = dict(sign, **send)
    headers = dict(sign.get("headers") or {})
    headers.setdefault("Date", email.utils.formatdate(usegmt=True))
    auth = sign_v1(ACCESS_KEY_SECRET, ACCESS_KEY_ID, sign["method"], sign["bucket"], sign.get("key", ""),
                   sign.get("query") or [], headers)
    sent_headers = dict(send.get("headers") or {})
    sent_headers["Date"] = headers["Date"]
    sent_headers["Authorization"] = auth
    return raw_request(srv.endpoint, send["method"], send["bucket"], send.get("key", ""), query=send.get("query"),
                       headers=sent_headers, data=data)


def test_tampered_meta_header(auth_server, fresh_bucket):
    name, keys = fresh_bucket
    key = "tamper/meta.bin"
    keys.add(key)
    sign = dict(method="PUT", bucket=name, key=key, headers={"x-oss-meta-owner": "alice"})
    r = sign_and_send(auth_server, sign, dict(headers={"x-oss-meta-owner": "mallory"}), data=b"payload")
    assert_error(r, 403, "SignatureDoesNotMatch")
    object_absent(auth_server, name, key)
    # the same thing on InitiateMultipartUpload
    isign = dict(method="POST", bucket=name, key=key, query=[("uploads", None)],
                 headers={"x-oss-meta-owner": "alice"})
    assert_error(sign_and_send(auth_server, isign, dict(headers={"x-oss-meta-owner": "mallory"})),
              403, "SignatureDoesNotMatch")
    assert uploads_for(auth_server, name, key) == []
    # control: untampered
    assert sign_and_send(auth_server, sign, {}, data=b"payload").status_code == 200
    r = raw_request(auth_server.endpoint, "HEAD", name, key)
    assert r.headers.get("x-oss-meta-owner") == "alice"


def test_tampered_content_type(auth_server, fresh_bucket):
    name, keys = fresh_bucket
    key = "tamper/ctype.txt"
    keys.add(key)
    uid = raw_initiate(auth_server, name, key)
    sign = dict(method="PUT", bucket=name, key=key, query=[("partNumber", "1"), ("uploadId", uid)],
                headers={"Content-Type": "text/plain"})
    r = sign_and_send(auth_server, sign, dict(headers={"Content-Type": "image/png"}), data=b"part bytes")
    assert_error(r, 403, "SignatureDoesNotMatch")
    assert parts_of(auth_server, name, key, uid) == []
    psign = dict(method="PUT", bucket=name, key=key, headers={"Content-Type": "text/plain"})
    assert_error(sign_and_send(auth_server, psign, dict(headers={"Content-Type": "image/png"}), data=b"x"),
              403, "SignatureDoesNotMatch")
    object_absent(auth_server, name, key)
    # control
    assert sign_and_send(auth_server, sign, {}, data=b"part bytes").status_code == 200
    assert parts_of(auth_server, name, key, uid) == [(1, quoted_etag(b"part bytes"), 10)]


def test_tampered_part_number(auth_server, fresh_bucket):
    name, _ = fresh_bucket
    key = "tamper/partnumber.bin"
    uid = raw_initiate(auth_server, name, key)
    sign = dict(method="PUT", bucket=name, key=key, query=[("partNumber", "1"), ("uploadId", uid)])
    r = sign_and_send(auth_server, sign, dict(query=[("partNumber", "2"), ("uploadId", uid)]), data=b"abc")
    assert_error(r, 403, "SignatureDoesNotMatch")
    assert parts_of(auth_server, name, key, uid) == []
    # the uploadId is signed too
    other = raw_initiate(auth_server, name, key)
    r = sign_and_send(auth_server, sign, dict(query=[("partNumber", "1"), ("uploadId", other)]), data=b"abc")
    assert_error(r, 403, "SignatureDoesNotMatch")
    assert parts_of(auth_server, name, key, other) == []
    # control
    assert sign_and_send(auth_server, sign, {}, data=b"abc").status_code == 200
    assert parts_of(auth_server, name, key, uid) == [(1, quoted_etag(b"abc"), 3)]


@pytest.mark.parametrize("sent", ["DELETE", "PUT", "HEAD"])
def test_tampered_verb(auth_server, fresh_bucket, sent):
    name, keys = fresh_bucket
    key = "tamper/verb.txt"
    keys.add(key)
    assert raw_request(auth_server.endpoint, "PUT", name, key, data=b"original").status_code == 200
    sign = dict(method="GET", bucket=name, key=key)
    r = sign_and_send(auth_server, sign, dict(method=sent), data=b"replaced" if sent == "PUT" else b"")
    assert_error(r, 403, "SignatureDoesNotMatch")  # HEAD: the code comes from x-oss-err
    assert raw_request(auth_server.endpoint, "GET", name, key).content == b"original"
    assert sign_and_send(auth_server, sign, {}).content == b"original"  # control


def test_tampered_key(auth_server, fresh_bucket):
    name, keys = fresh_bucket
    keys.update(["tamper/signed.txt", "tamper/other.txt"])
    sign = dict(method="PUT", bucket=name, key="tamper/signed.txt")
    assert_error(sign_and_send(auth_server, sign, dict(key="tamper/other.txt"), data=b"x"), 403, "SignatureDoesNotMatch")
    object_absent(auth_server, name, "tamper/other.txt")
    assert sign_and_send(auth_server, sign, {}, data=b"x").status_code == 200


# ---------------------------------------------------------------- V4 signed payload


class _SignedPayloadSignerV4(SignerV4):
    """pyv2's SignerV4 always writes x-oss-content-sha256: UNSIGNED-PAYLOAD; put the given hash in instead."""

    def __init__(self, payload_hash):
        self.payload_hash = payload_hash

    def _calc_canonical_request(self, signing_ctx, additional_headers=None):
        if self.payload_hash is not None:
            signing_ctx.request.headers["x-oss-content-sha256"] = self.payload_hash
        return super()._calc_canonical_request(signing_ctx, additional_headers)


def v4_send(srv, method, bucket, key, query="", body=b"", payload_hash=None, signing_time=None, send_body=None,
            override_headers=None):
    url = "%s/%s/%s" % (srv.endpoint, bucket, quote(key, safe="/")) + ("?" + query if query else "")
    req = HttpRequest(method, url, headers={})
    ctx = SigningContext(product="oss", region=REGION, bucket=bucket, key=key or None, request=req,
                         credentials=v2credentials.Credentials(ACCESS_KEY_ID, ACCESS_KEY_SECRET),
                         signing_time=signing_time)
    _SignedPayloadSignerV4(payload_hash).sign(ctx)
    headers = dict(req.headers)
    headers.update(override_headers or {})
    headers["Accept-Encoding"] = "identity"
    prepped = _http.prepare_request(requests.Request(method, req.url, headers=headers,
                                                     data=body if send_body is None else send_body))
    prepped.url = req.url
    return _http.send(prepped, timeout=60), headers


def test_v4_signed_payload(auth_server, fresh_bucket):
    name, _ = fresh_bucket
    key = "payload/文件 a.bin"
    uid = raw_initiate(auth_server, name, key)
    body = rand(MIN_PART_SIZE + 99)
    digest = hashlib.sha256(body).hexdigest()

    r, sent = v4_send(auth_server, "PUT", name, key, "partNumber=1&uploadId=" + uid, body, payload_hash=digest)
    assert sent["x-oss-content-sha256"] == digest and sent["Authorization"].startswith("OSS4-HMAC-SHA256 ")
    assert r.status_code == 200, r.content[:600]
    assert r.headers.get("ETag") == quoted_etag(body)

    # Body changed after signing, same length: the signed hash no longer matches.
    body2 = rand(5000)
    tampered = bytes([body2[0] ^ 0xFF]) + body2[1:]
    r, _ = v4_send(auth_server, "PUT", name, key, "partNumber=2&uploadId=" + uid, body2,
                   payload_hash=hashlib.sha256(body2).hexdigest(), send_body=tampered)
    assert_error(r, 403, "SignatureDoesNotMatch")
    # ...and fixing up the hash header without re-signing breaks the signature instead.
    r, _ = v4_send(auth_server, "PUT", name, key, "partNumber=3&uploadId=" + uid, body2,
                   payload_hash=hashlib.sha256(body2).hexdigest(), send_body=tampered,
                   override_headers={"x-oss-content-sha256": hashlib.sha256(tampered).hexdigest()})
    assert_error(r, 403, "SignatureDoesNotMatch")
    assert parts_of(auth_server, name, key, uid) == [(1, quoted_etag(body), len(body))]

    # The same on PutObject: nothing stored.
    r, _ = v4_send(auth_server, "PUT", name, "payload/put.bin", "", body2,
                   payload_hash=hashlib.sha256(body2).hexdigest(), send_body=tampered)
    assert_error(r, 403, "SignatureDoesNotMatch")
    object_absent(auth_server, name, "payload/put.bin")


# ---------------------------------------------------------------- clock skew


@pytest.mark.parametrize("offset_min", [-20, 20])
def test_v1_clock_skew(auth_server, fresh_bucket, offset_min):
    name, keys = fresh_bucket
    keys.update(["skew/ok.txt", "skew/bad.txt"])
    date = email.utils.formatdate(time.time() + offset_min * 60, usegmt=True)
    r = raw_request(auth_server.endpoint, "PUT", name, "skew/bad.txt", headers={"Date": date}, data=b"x")
    assert assert_error(r, 403, "RequestTimeTooSkewed").get("EC") == "0002-00000504"
    object_absent(auth_server, name, "skew/bad.txt")
    # control: 10 minutes off is inside the 15-minute window
    date = email.utils.formatdate(time.time() + offset_min * 30, usegmt=True)
    r = raw_request(auth_server.endpoint, "PUT", name, "skew/ok.txt", headers={"Date": date}, data=b"x")
    assert r.status_code == 200, r.content[:400]


@pytest.mark.parametrize("offset_min", [-20, 20])
def test_v4_clock_skew(auth_server, fresh_bucket, offset_min):
    name, keys = fresh_bucket
    keys.update(["skew4/ok.txt", "skew4/bad.txt"])
    now = datetime.datetime.now(datetime.timezone.utc)
    r, _ = v4_send(auth_server, "PUT", name, "skew4/bad.txt", body=b"x",
                   signing_time=now + datetime.timedelta(minutes=offset_min))
    assert assert_error(r, 403, "RequestTimeTooSkewed").get("EC") == "0002-00000504"
    object_absent(auth_server, name, "skew4/bad.txt")
    r, _ = v4_send(auth_server, "PUT", name, "skew4/ok.txt", body=b"x",
                   signing_time=now + datetime.timedelta(minutes=offset_min / 2))
    assert r.status_code == 200, r.content[:400]


# ---------------------------------------------------------------- --auth off


@pytest.fixture(params=["flag", "env"])
def open_server(request, tmp_path):
    if request.param == "flag":
        srv = FlaggedServer(tmp_path, ["--auth", "off"])
    else:
        srv = FlaggedServer(tmp_path, [], env={"LOCALOSS_AUTH": "off"})
    srv.start()
    yield srv
    srv.stop()


def test_auth_off_accepts_unsigned_and_wrong_secret(open_server):
    srv = open_server
    name = unique_bucket_name("off")
    base = "%s/%s" % (srv.endpoint, name)
    try:
        assert _http.put(base + "/", timeout=30).status_code == 200  # CreateBucket, unsigned
        r = _http.put(base + "/unsigned.txt", data=b"no signature", timeout=30)
        assert r.status_code == 200, r.content[:400]
        assert _http.get(base + "/unsigned.txt", timeout=30).content == b"no signature"
        for sdk in SDKS:
            api = make_api(sdk, "path", srv, name, secret=WRONG_SECRET)
            api.put("wrong-%s.txt" % sdk, b"wrong secret")
            assert api.get("wrong-%s.txt" % sdk) == b"wrong secret"
            uid = api.initiate("mp-%s.bin" % sdk)
            etag = api.upload_part("mp-%s.bin" % sdk, uid, 1, b"part")
            assert api.complete("mp-%s.bin" % sdk, uid, [(1, etag)]) == multipart_etag([b"part"])
    finally:
        keys = ["unsigned.txt"] + ["wrong-%s.txt" % s for s in SDKS] + ["mp-%s.bin" % s for s in SDKS]
        for k in keys:
            _http.delete("%s/%s" % (base, k), timeout=30)
        _http.delete(base + "/", timeout=30)


# ---------------------------------------------------------------- V4 signing region


def oss2_v4_bucket(srv, name, region):
    auth = oss2.ProviderAuthV4(oss2.credentials.StaticCredentialsProvider(ACCESS_KEY_ID, ACCESS_KEY_SECRET))
    return oss2.Bucket(auth, srv.endpoint, name, region=region, connect_timeout=30)


def test_v4_signature_scoped_to_another_region_is_refused(auth_server, fresh_bucket):
    """oss2 tests/test_exception_ec.py test_3_exception_head_err: a V4 signature for region cn-hangzhou-test-1 is
    400 InvalidArgument "Invalid signing region in Authorization header.", EC 0002-00000226 (also x-oss-ec), here
    on HEAD (code from x-oss-err) and on writes, which then store nothing."""
    name, keys = fresh_bucket
    keys.update(["present.txt", "region.txt"])
    assert raw_request(auth_server.endpoint, "PUT", name, "present.txt", data=b"x").status_code == 200
    other = oss2_v4_bucket(auth_server, name, "cn-hangzhou-test-1")
    for call in (lambda: other.head_object("present.txt"), lambda: other.put_object("region.txt", b"data"),
                 lambda: other.init_multipart_upload("region.txt")):
        with pytest.raises(oss2.exceptions.OssError) as raised:
            call()
        e = raised.value
        assert (e.status, e.code, e.ec, e.headers.get("x-oss-ec")) == (
            400, "InvalidArgument", "0002-00000226", "0002-00000226"), e.details
        assert e.message == OTHER_REGION_MSG
    cfg = oss.config.load_default()
    cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(ACCESS_KEY_ID, ACCESS_KEY_SECRET)
    cfg.region, cfg.endpoint, cfg.use_path_style, cfg.retry_max_attempts = "cn-shanghai", auth_server.endpoint, True, 1
    status, code, fields = sdk_error(oss.Client(cfg).put_object,
                                     oss.PutObjectRequest(bucket=name, key="region.txt", body=b"data"))
    assert (status, code, fields.get("Message"), fields.get("EC")) == (
        400, "InvalidArgument", OTHER_REGION_MSG, "0002-00000226"), fields
    object_absent(auth_server, name, "region.txt")
    assert uploads_for(auth_server, name, "region.txt") == []
    # control: the server's own region
    assert oss2_v4_bucket(auth_server, name, REGION).put_object("region.txt", b"data").status == 200


def test_v4_presigned_without_region_is_refused(auth_server, fresh_bucket, tmp_path, have_curl):
    """oss2 tests/test_sign.py test_sign_v4_no_region: oss2 presigns without a region (scope `…//oss/…`) and OSS
    answers "The signing region in credential is invalid." (400 InvalidArgument, EC 0002-00000226 as for a
    presigned scope naming another region)."""
    name, keys = fresh_bucket
    keys.update(["v4_test.txt", "present.txt"])
    assert raw_request(auth_server.endpoint, "PUT", name, "present.txt", data=b"x").status_code == 200
    for region in (None, "cn-beijing"):
        b = oss2_v4_bucket(auth_server, name, region)
        put_url = b.sign_url("PUT", "v4_test.txt", 600, slash_safe=True)
        get_url = b.sign_url("GET", "present.txt", 600)
        if region is None:
            assert "%2F%2Foss%2Faliyun_v4_request" in put_url, put_url
        for url, upload in ((put_url, b"Hello OSS"), (get_url, None)):
            status, body, head = curl(tmp_path, url, upload=upload)
            assert (status, error_code(body), error_ec(body)) == (400, "InvalidArgument", "0002-00000226"), body
            assert ET.fromstring(body).findtext("Message") == PRESIGNED_REGION_MSG
            assert header_value(head, "x-oss-ec") == "0002-00000226"
    object_absent(auth_server, name, "v4_test.txt")
    # control: presigned for the server's region
    status, body, _ = curl(tmp_path, oss2_v4_bucket(auth_server, name, REGION).sign_url("GET", "present.txt", 600))
    assert (status, body) == (200, b"x")


# ---------------------------------------------------------------- signature V2 (oss2 AuthV2)


def test_v2_ranged_get_signs_the_range_header(auth_server, fresh_bucket):
    """oss2 AuthV2 lists `range` (and if-modified-since) as AdditionalHeaders when sent (oss2 auth.py
    _DEFAULT_ADDITIONAL_HEADERS): the header is then part of the string to sign."""
    name, keys = fresh_bucket
    keys.add("v2/range.txt")
    api = make_api("oss2-v2", "path", auth_server, name)
    api.put("v2/range.txt", b"Hello OSS")
    result = api.b.get_object("v2/range.txt", byte_range=(1, 3))
    assert result.read() == b"ell"
    # The range is signed: the same Authorization with another Range is refused.
    date = email.utils.formatdate(usegmt=True)
    sts = "GET\n\n\n%s\nrange:bytes=1-3\nrange\n%s" % (date, v2_resource(name, "v2/range.txt"))
    authorization = "OSS2 AccessKeyId:%s,AdditionalHeaders:range,Signature:%s" % (
        ACCESS_KEY_ID, hmac_v2(ACCESS_KEY_SECRET, sts))
    headers = {"Date": date, "Authorization": authorization, "Range": "bytes=1-3"}
    r = raw_request(auth_server.endpoint, "GET", name, "v2/range.txt", headers=headers)
    assert (r.status_code, r.content) == (206, b"ell"), r.content[:400]
    r = raw_request(auth_server.endpoint, "GET", name, "v2/range.txt", headers=dict(headers, Range="bytes=0-8"))
    assert_error(r, 403, "SignatureDoesNotMatch")


def test_v2_signs_every_query_parameter(auth_server, fresh_bucket):
    """V2 signs all query parameters, not only V1's sub-resources (oss2 auth.py ProviderAuthV2): a tampered
    `prefix` or `max-keys` fails, where V1 would not notice."""
    name, keys = fresh_bucket
    keys.add("v2/a.txt")
    api = make_api("oss2-v2", "path", auth_server, name)
    api.put("v2/a.txt", b"a")
    assert [o.key for o in api.b.list_objects(prefix="v2/", max_keys=5).object_list] == ["v2/a.txt"]
    date = email.utils.formatdate(usegmt=True)
    sts = "GET\n\n\n%s\n\n%s?max-keys=5&prefix=v2%%2F" % (date, v2_resource(name, ""))
    authorization = "OSS2 AccessKeyId:%s,Signature:%s" % (ACCESS_KEY_ID, hmac_v2(ACCESS_KEY_SECRET, sts))
    headers = {"Date": date, "Authorization": authorization}
    r = raw_request(auth_server.endpoint, "GET", name, query=[("prefix", "v2/"), ("max-keys", "5")], headers=headers)
    assert r.status_code == 200, r.content[:400]
    for query in ([("prefix", "v3/"), ("max-keys", "5")], [("prefix", "v2/"), ("max-keys", "6")]):
        assert_error(raw_request(auth_server.endpoint, "GET", name, query=query, headers=headers),
                     403, "SignatureDoesNotMatch")


def test_v2_request_time_is_x_oss_date(auth_server, fresh_bucket):
    """oss2 tests/test_sign.py test_sign_v2_x_oss_date: an x-oss-date a day old is RequestTimeTooSkewed even
    with a current Date (EC 0002-00000504); a current one passes."""
    name, _ = fresh_bucket
    api = make_api("oss2-v2", "path", auth_server, name)
    old = oss2.utils.http_date(int(time.time()) - 24 * 60 * 60)
    with pytest.raises(oss2.exceptions.OssError) as raised:
        api.b.list_objects("oss", "/", "", 10, headers={"x-oss-date": old})
    assert (raised.value.status, raised.value.code, raised.value.ec) == (403, "RequestTimeTooSkewed", "0002-00000504")
    assert raised.value.message == "The difference between the request time and the current time is too large."
    assert api.b.list_objects("oss", "/", "", 10, headers={"x-oss-date": oss2.utils.http_date()}).status == 200


def test_v2_presigned_urls_with_curl(auth_server, fresh_bucket, tmp_path, have_curl):
    """oss2 AuthV2 sign_url: x-oss-signature-version=OSS2, x-oss-access-key-id, x-oss-expires (Unix time),
    x-oss-additional-headers, x-oss-signature (oss2 auth.py ProviderAuthV2._sign_url; oss2 tests/test_sign.py
    test_sign_v2_x_oss_date_url, test_sign_v2_additional_headers)."""
    name, keys = fresh_bucket
    key, other = "presign2/dir a/文件.txt", "presign2/additional.txt"
    keys.update([key, other])
    good = oss2.Bucket(oss2.AuthV2(ACCESS_KEY_ID, ACCESS_KEY_SECRET), auth_server.endpoint, name)
    bad = oss2.Bucket(oss2.AuthV2(ACCESS_KEY_ID, WRONG_SECRET), auth_server.endpoint, name)

    put_url = good.sign_url("PUT", key, 600)
    assert "x-oss-signature-version=OSS2" in put_url and "x-oss-access-key-id=" in put_url
    status, body, _ = curl(tmp_path, put_url, upload=b"Hello OSS")
    assert status == 200, body[:400]
    status, body, _ = curl(tmp_path, good.sign_url("GET", key, 600))
    assert (status, body) == (200, b"Hello OSS")
    # Additional headers are signed with their values: the listed header must be sent as signed.
    signed = {"custom-header": "abc"}
    url = good.sign_url("PUT", other, 600, headers=signed, additional_headers={"custom-header"})
    assert "x-oss-additional-headers=custom-header" in url, url
    status, body, _ = curl(tmp_path, url, upload=b"extra", headers={"custom-header": "xyz"})
    assert (status, error_code(body)) == (403, "SignatureDoesNotMatch"), body[:400]
    object_absent(auth_server, name, other)
    status, body, _ = curl(tmp_path, url, upload=b"extra", headers=signed)
    assert status == 200, body[:400]

    # Wrong secret, a changed expiry, another key: SignatureDoesNotMatch, with the string the client signed.
    for url, upload in [(bad.sign_url("GET", key, 600), None), (bad.sign_url("PUT", key, 600), b"overwrite"),
                        (replace_param(good.sign_url("GET", key, 600), "x-oss-expires",
                                       str(int(time.time()) + 7200)), None),
                        (good.sign_url("GET", key, 600).replace("%E6%96%87%E4%BB%B6.txt", "other.txt"), None)]:
        status, body, _ = curl(tmp_path, url, upload=upload)
        assert (status, error_code(body)) == (403, "SignatureDoesNotMatch"), (url, body[:400])
    root = ET.fromstring(curl(tmp_path, bad.sign_url("GET", key, 600))[1])
    assert hmac_v2(WRONG_SECRET, root.findtext("StringToSign")) == root.findtext("SignatureProvided")
    assert raw_request(auth_server.endpoint, "GET", name, key).content == b"Hello OSS"

    short = good.sign_url("GET", key, 2)
    sleep_past(int(parse_qs(urlsplit(short).query)["x-oss-expires"][0]))
    status, body, _ = curl(tmp_path, short)
    assert (status, error_code(body), error_ec(body)) == (403, "AccessDenied", "0002-00000069"), body[:400]
