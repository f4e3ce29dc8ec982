"""Writes fixtures/signatures/*.json: requests signed by the official SDKs' own signers (oss2 for V1 and V2,
alibabacloud-oss-v2 for V4), each with the string to sign the signer computed. `swift test` checks that the server
computes the same string and accepts the signature. Run from the repository root:

    python3 Tests/sdk/vectors/make_signature_vectors.py
"""
import datetime
import email.utils
import json
import os
import urllib.parse

import oss2
import requests
import oss2.http
from alibabacloud_oss_v2 import credentials as v2credentials
from alibabacloud_oss_v2.signer.v4 import SignerV4
from alibabacloud_oss_v2.types import HttpRequest, SigningContext

AK, SK = "LTAIexampleAK", "exampleSecret"
ENDPOINT = "http://127.0.0.1:9800"
OUT = os.path.join("fixtures", "signatures")
NOW = 1704164645  # 2024-01-02T03:04:05Z


def target_of(url):
    parts = urllib.parse.urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def oss2_v1(name, method, bucket, key, params=None, headers=None):
    auth = oss2.Auth(AK, SK)
    url = f"{ENDPOINT}/{bucket}/{urllib.parse.quote(key, '')}" if key else f"{ENDPOINT}/{bucket}/"
    req = oss2.http.Request(method, url, params=params or {}, headers=dict(headers or {}))
    auth._sign_request(req, bucket, key)  # sets the date header to the current time
    string_to_sign = auth._ProviderAuth__get_string_to_sign(req, bucket, key)
    prepared = requests.Request(method, url, params=params or {}).prepare()
    return {
        "name": name, "signer": "oss2 Auth (V1 header)", "method": method, "target": target_of(prepared.url),
        "headers": [[k, v] for k, v in req.headers.items() if v is not None],
        "now": int(email.utils.parsedate_to_datetime(req.headers["date"]).timestamp()), "accessKeyId": AK,
        "secret": SK, "stringToSign": string_to_sign,
    }


def oss2_v1_presigned(name, method, bucket, key, expires, headers=None):
    auth = oss2.Auth(AK, SK)
    url = f"{ENDPOINT}/{bucket}/{urllib.parse.quote(key, '')}"
    req = oss2.http.Request(method, url, headers=dict(headers or {}))
    signed = auth._sign_url(req, bucket, key, expires)
    exp = urllib.parse.parse_qs(urllib.parse.urlsplit(signed).query)["Expires"][0]
    req2 = oss2.http.Request(method, url, headers=dict(headers or {}))
    req2.headers["date"] = exp
    string_to_sign = auth._ProviderAuth__get_string_to_sign(req2, bucket, key)
    return {
        "name": name, "signer": "oss2 Auth._sign_url (V1 presigned)", "method": method, "target": target_of(signed),
        "headers": [[k, v] for k, v in (headers or {}).items()],
        "now": int(exp) - 60, "accessKeyId": AK, "secret": SK, "stringToSign": string_to_sign,
    }


def oss2_v2(name, method, bucket, key, params=None, headers=None):
    auth = oss2.AuthV2(AK, SK)
    url = f"{ENDPOINT}/{bucket}/{urllib.parse.quote(key, '')}" if key else f"{ENDPOINT}/{bucket}/"
    req = oss2.http.Request(method, url, params=params or {}, headers=dict(headers or {}))
    auth._sign_request(req, bucket, key)  # sets the date header to the current time
    additional = auth._ProviderAuthV2__get_additional_headers(req, oss2.auth._DEFAULT_ADDITIONAL_HEADERS)
    string_to_sign = auth._ProviderAuthV2__get_string_to_sign(req, bucket, key, additional)
    prepared = requests.Request(method, url, params=params or {}).prepare()
    return {
        "name": name, "signer": "oss2 AuthV2 (V2 header)", "method": method, "target": target_of(prepared.url),
        "headers": [[k, v] for k, v in req.headers.items() if v is not None],
        "now": int(email.utils.parsedate_to_datetime(req.headers["date"]).timestamp()), "accessKeyId": AK,
        "secret": SK, "stringToSign": string_to_sign,
    }


def oss2_v2_presigned(name, method, bucket, key, expires, params=None, headers=None, additional=None):
    auth = oss2.AuthV2(AK, SK)
    url = f"{ENDPOINT}/{bucket}/{urllib.parse.quote(key, '')}"
    req = oss2.http.Request(method, url, params=dict(params or {}), headers=dict(headers or {}))
    signed = auth._sign_url(req, bucket, key, expires, in_additional_headers=additional)
    listed = auth._ProviderAuthV2__get_additional_headers(req, additional or set())
    req.params.pop("x-oss-signature")
    string_to_sign = auth._ProviderAuthV2__get_string_to_sign(req, bucket, key, listed)
    exp = urllib.parse.parse_qs(urllib.parse.urlsplit(signed).query)["x-oss-expires"][0]
    return {
        "name": name, "signer": "oss2 AuthV2._sign_url (V2 presigned)", "method": method,
        "target": target_of(signed), "headers": [[k, v] for k, v in (headers or {}).items()],
        "now": int(exp) - 60, "accessKeyId": AK, "secret": SK, "stringToSign": string_to_sign,
    }


def v2_v4(name, method, bucket, key, query="", headers=None, presign=False, expires=None):
    path = f"/{bucket}/" + (urllib.parse.quote(key) if key else "")
    url = ENDPOINT + path + (("?" + query) if query else "")
    req = HttpRequest(method, url, headers=dict(headers or {}))
    captured = {}
    signer = SignerV4()
    original_sts, original_cr = signer._calc_string_to_sign, signer._calc_canonical_request

    def capture_sts(*a, **k):
        captured["stringToSign"] = original_sts(*a, **k)
        return captured["stringToSign"]

    def capture_cr(*a, **k):
        captured["canonicalRequest"] = original_cr(*a, **k)
        return captured["canonicalRequest"]

    signer._calc_string_to_sign, signer._calc_canonical_request = capture_sts, capture_cr
    when = datetime.datetime.fromtimestamp(NOW, datetime.timezone.utc)
    ctx = SigningContext(product="oss", region="cn-hangzhou", bucket=bucket, key=key or None, request=req,
                         credentials=v2credentials.Credentials(AK, SK), signing_time=when)
    if presign:
        ctx.auth_method_query = True
        ctx.expiration_time = when + datetime.timedelta(seconds=expires)
    signer.sign(ctx)
    return {
        "name": name, "signer": "alibabacloud-oss-v2 SignerV4" + (" (presigned)" if presign else ""),
        "method": method, "target": target_of(req.url), "headers": [[k, v] for k, v in req.headers.items()],
        "now": NOW + 30, "accessKeyId": AK, "secret": SK, "stringToSign": captured["stringToSign"],
        "canonicalRequest": captured["canonicalRequest"],
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    vectors = [
        oss2_v1("v1-upload-part", "PUT", "examplebucket", "dir/a b.txt",
                params={"uploadId": "0004B9894A22E5B1888A1E29F823ABCD", "partNumber": "1", "encoding-type": "url"},
                headers={"Content-MD5": "XUFAKrxLKna5cZ2REBfFkg==", "Content-Type": "text/plain",
                         "x-oss-meta-author": "alice", "X-OSS-Magic": "abracadabra"}),
        oss2_v1("v1-initiate", "POST", "examplebucket", "中文/key+plus.bin", params={"uploads": ""}),
        oss2_v1("v1-list-uploads", "GET", "examplebucket", "",
                params={"uploads": "", "prefix": "a b/", "delimiter": "/", "max-uploads": "10"}),
        oss2_v1("v1-complete", "POST", "examplebucket", "obj", params={"uploadId": "ABC"},
                headers={"x-oss-complete-all": "yes", "Content-Type": "application/xml"}),
        oss2_v1_presigned("v1-presigned-get", "GET", "examplebucket", "dir/a b.txt", 3600),
        oss2_v1_presigned("v1-presigned-put", "PUT", "examplebucket", "photo.jpg", 600,
                          headers={"Content-Type": "image/jpeg"}),
        oss2_v2("v2-upload-part", "PUT", "examplebucket", "dir/a b.txt",
                params={"uploadId": "0004B9894A22E5B1888A1E29F823ABCD", "partNumber": "1", "encoding-type": "url"},
                headers={"Content-MD5": "XUFAKrxLKna5cZ2REBfFkg==", "Content-Type": "text/plain",
                         "x-oss-meta-author": "alice", "Range": "bytes=0-9"}),
        oss2_v2("v2-list-objects", "GET", "examplebucket", "",
                params={"prefix": "中文 a+b/", "delimiter": "/", "max-keys": "10", "list-type": "2"}),
        oss2_v2_presigned("v2-presigned-get", "GET", "examplebucket", "dir/a b.txt", 3600,
                          params={"response-content-type": "text/plain"}),
        oss2_v2_presigned("v2-presigned-put", "PUT", "examplebucket", "photo.jpg", 600,
                          headers={"Content-Type": "image/jpeg", "custom-header": "abc"},
                          additional={"custom-header"}),
        v2_v4("v4-upload-part", "PUT", "examplebucket", "dir/a b.txt",
              query="partNumber=1&uploadId=0004B9894A22E5B1888A1E29F823ABCD&prefix=a%20b%2Fc%2Bd",
              headers={"Content-MD5": "XUFAKrxLKna5cZ2REBfFkg==", "Content-Type": "text/plain",
                       "x-oss-meta-author": "alice"}),
        v2_v4("v4-list-uploads", "GET", "examplebucket", "",
              query="uploads=&encoding-type=url&prefix=%E4%B8%AD%2F&max-uploads=5",
              headers={"Content-MD5": "1B2M2Y8AsgTpgAmY7PhCfg==", "Content-Type": "application/octet-stream"}),
        v2_v4("v4-presigned-get", "GET", "examplebucket", "dir/a b.txt", presign=True, expires=900),
        v2_v4("v4-presigned-upload-part", "PUT", "examplebucket", "big.bin",
              query="partNumber=2&uploadId=0004B9894A22E5B1888A1E29F823ABCD", presign=True, expires=600),
    ]
    for vector in vectors:
        with open(os.path.join(OUT, vector["name"] + ".json"), "w", encoding="utf-8") as f:
            json.dump(vector, f, ensure_ascii=False, indent=2)
            f.write("\n")
    print(f"wrote {len(vectors)} vectors to {OUT}")


if __name__ == "__main__":
    main()
