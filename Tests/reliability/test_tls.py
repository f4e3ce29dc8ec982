"""Optional TLS (--tls-cert, --tls-key): with a self-signed certificate made here by the openssl command line, the
server listens on https:// only; requests and oss2 talk to it with certificate verification pointed at that
certificate, over kept-alive, pipelined and large-bodied requests; a client speaking plain HTTP to it gets no
answer; and a key that does not match the certificate stops the server before it listens.
"""

import hashlib
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess

import oss2
import pytest
import requests

import rhelpers

SECTION = "tls"
KEY_ID, SECRET = "LocalOSSTestKey", "LocalOSSTestSecret"

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command line")


def make_certificate(directory, name="server"):
    cert, key = directory / ("%s-cert.pem" % name), directory / ("%s-key.pem" % name)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-days", "2", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


class TLSServer:
    def __init__(self, binary, directory, cert, key, extra=()):
        data = directory / "data"
        data.mkdir(exist_ok=True)
        self.log = open(directory / "server.log", "wb")
        env = {k: v for k, v in os.environ.items() if not k.startswith("LOCALOSS_")}
        self.proc = subprocess.Popen(
            [str(binary), "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", str(data),
             "--tls-cert", str(cert), "--tls-key", str(key)] + list(extra),
            stdout=subprocess.PIPE, stderr=self.log, stdin=subprocess.DEVNULL, env=env)
        line = self.proc.stdout.readline().decode()
        m = re.match(r"LocalOSS listening on https://127\.0\.0\.1:(\d+)\s*$", line)
        assert m, (line, (directory / "server.log").read_text())
        self.port = int(m.group(1))
        self.endpoint = "https://127.0.0.1:%d" % self.port

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        assert self.proc.wait(15) == 0
        self.log.close()


def start_tls_server(tmp_path, localoss_binary, extra):
    cert, key = make_certificate(tmp_path)
    server = TLSServer(localoss_binary, tmp_path, cert, key, extra)
    server.cert = cert
    return server


def _kill(server):
    if server.proc.poll() is None:
        server.proc.kill()
        server.proc.wait(15)


@pytest.fixture
def tls_server(tmp_path, localoss_binary):
    """Signatures not checked: raw and requests clients send unsigned requests."""
    server = start_tls_server(tmp_path, localoss_binary, ["--auth", "off"])
    yield server
    _kill(server)


@pytest.fixture
def signed_tls_server(tmp_path, localoss_binary):
    server = start_tls_server(tmp_path, localoss_binary, [])
    yield server
    _kill(server)


def test_oss2_over_https_with_the_certificate_verified(signed_tls_server):
    tls_server = signed_tls_server
    session = oss2.Session()
    # REQUESTS_CA_BUNDLE in the environment would override a session's verify setting
    session.session.trust_env = False
    session.session.verify = str(tls_server.cert)
    bucket = oss2.Bucket(oss2.Auth(KEY_ID, SECRET), tls_server.endpoint, "tls-bucket", session=session)
    bucket.create_bucket()
    small = b"hello over TLS"
    bucket.put_object("small", small)
    assert bucket.get_object("small").read() == small
    # a body larger than the TLS record size and the body chunk, sent back from its file
    large = os.urandom(3 << 20)
    bucket.put_object("large", large)
    assert hashlib.md5(bucket.get_object("large").read()).digest() == hashlib.md5(large).digest()
    assert bucket.get_object("large", byte_range=(100, 199)).read() == large[100:200]
    assert bucket.head_object("large").content_length == len(large)
    listed = [o.key for o in oss2.ObjectIterator(bucket)]
    assert listed == ["large", "small"]
    bucket.delete_object("small")
    assert not bucket.object_exists("small")
    rhelpers.count(SECTION, "oss2_operations", 8)
    tls_server.stop()


def test_requests_keep_alive_over_https(tls_server):
    with requests.Session() as session:
        session.trust_env = False
        session.verify = str(tls_server.cert)
        assert session.put(tls_server.endpoint + "/keep-alive-bucket").status_code == 200
        for i in range(20):
            r = session.put(tls_server.endpoint + "/keep-alive-bucket/k%d" % i, data=b"x" * i)
            assert r.status_code == 200, r.text
        for i in range(20):
            r = session.get(tls_server.endpoint + "/keep-alive-bucket/k%d" % i)
            assert (r.status_code, r.content) == (200, b"x" * i)
        # an error reply keeps its OSS body over TLS too
        r = session.get(tls_server.endpoint + "/keep-alive-bucket/missing")
        assert r.status_code == 404 and "<Code>NoSuchKey</Code>" in r.text
    rhelpers.count(SECTION, "keep_alive_requests", 41)
    tls_server.stop()


def test_pipelined_requests_over_https(tls_server):
    assert requests.put(tls_server.endpoint + "/pipelined-bucket", verify=str(tls_server.cert)).status_code == 200
    context = ssl.create_default_context(cafile=str(tls_server.cert))
    with socket.create_connection(("127.0.0.1", tls_server.port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname="127.0.0.1") as s:
            batch = b"".join(rhelpers.build_request("GET", "/pipelined-bucket/none-%d" % i) for i in range(5))
            s.sendall(batch)
            reader = rhelpers.HTTPReader(s)
            statuses = [reader.read_response().status for _ in range(5)]
    assert statuses == [404] * 5
    rhelpers.count(SECTION, "pipelined_requests", 5)
    tls_server.stop()


def test_plain_http_to_the_tls_port_gets_no_answer(tls_server):
    with socket.create_connection(("127.0.0.1", tls_server.port), timeout=10) as s:
        s.sendall(rhelpers.build_request("GET", "/"))
        try:
            data = s.recv(4096)
        except ConnectionResetError:
            data = b""
        assert not data.startswith(b"HTTP/"), data
    # the server goes on serving TLS clients
    assert requests.get(tls_server.endpoint + "/", verify=str(tls_server.cert)).status_code == 200
    tls_server.stop()


def test_a_key_that_does_not_match_the_certificate_stops_the_start(tmp_path, localoss_binary):
    cert, _ = make_certificate(tmp_path, "first")
    _, other_key = make_certificate(tmp_path, "second")
    proc = subprocess.run([str(localoss_binary), "serve", "--port", "0", "--data-dir", str(tmp_path / "data"),
                           "--tls-cert", str(cert), "--tls-key", str(other_key)],
                          capture_output=True, timeout=30)
    assert proc.returncode != 0
    assert b"cannot serve TLS" in proc.stderr + proc.stdout, proc.stderr
    half = subprocess.run([str(localoss_binary), "serve", "--port", "0", "--data-dir", str(tmp_path / "data"),
                           "--tls-cert", str(cert)], capture_output=True, timeout=30)
    assert half.returncode != 0
    assert b"--tls-cert and --tls-key go together" in half.stderr + half.stdout
