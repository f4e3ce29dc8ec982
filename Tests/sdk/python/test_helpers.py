"""The suite's own helpers against the published vectors (wire-and-auth.md §6.4, §7, §8; multipart.md §6).

These need no server; they make sure a failing server test is not a helper bug.
"""

from localoss_helpers import crc64, md5_b64, md5_hex, multipart_etag, sign_v1, url_encode_key


def test_crc64_vectors():
    assert crc64(b"123456789") == 11051210869376104954
    assert crc64(b"hello") == 11177612005948864433
    assert crc64(b"hello world") == 5981764153023615706
    assert crc64(b"") == 0
    assert crc64(b"a" * 102400) == 12696911168479852064
    assert crc64(b"b" * 10) == 16332867268285949405
    assert crc64(b"a" * 102400 + b"b" * 10) == 88389505591002533


def test_md5_and_multipart_etag_vectors():
    assert md5_hex(b"") == "D41D8CD98F00B204E9800998ECF8427E"
    assert md5_b64(b"") == "1B2M2Y8AsgTpgAmY7PhCfg=="
    assert md5_hex(b"hello") == "5D41402ABC4B2A76B9719D911017C592"
    assert md5_b64(b"hello") == "XUFAKrxLKna5cZ2REBfFkg=="
    assert multipart_etag([b"a" * 102400, b"b" * 10]) == '"986A36156EB9BEEFEEA12B0E118A4B2E-2"'


def test_v1_signature_vector():
    headers = {"Content-MD5": "XUFAKrxLKna5cZ2REBfFkg==", "Content-Type": "text/plain",
               "Date": "Thu, 17 Nov 2005 18:49:58 GMT", "x-oss-meta-author": "alice", "X-OSS-Magic": "abracadabra"}
    q = [("uploadId", "0004B9894A22E5B1888A1E29F823ABCD"), ("partNumber", "1"), ("encoding-type", "url")]
    auth = sign_v1("exampleSecret", "LTAIexampleAK", "PUT", "examplebucket", "dir/a b.txt", q, headers)
    assert auth == "OSS LTAIexampleAK:n6j2bC/FzVTXPWt7rmGbUP2fk/c="


def test_url_encoding_rule():
    assert url_encode_key("dir a/文件 1.txt") == "dir%20a%2F%E6%96%87%E4%BB%B6%201.txt"
    assert url_encode_key("b+c~_-.") == "b%2Bc~_-."
    assert url_encode_key("demo/gp-\f\n\v") == "demo%2Fgp-%0C%0A%0B"
