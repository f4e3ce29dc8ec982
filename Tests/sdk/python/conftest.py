"""pytest fixtures: the LocalOSS server process, oss2 / alibabacloud-oss-v2 clients, fresh buckets.

Server: `$LOCALOSS_BIN` or `<repo>/.build/debug/localoss`, started as
`localoss serve --host 127.0.0.1 --port 0 --data-dir DIR`; the port comes from its first stdout line
`LocalOSS listening on http://127.0.0.1:PORT`. SIGTERM stops it.
"""

import os
import pathlib
import queue
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
import warnings
from urllib.parse import unquote

import oss2
import pytest
import requests

from localoss_helpers import ACCESS_KEY_ID, ACCESS_KEY_SECRET, raw_request, child_text, xml_root

HERE = pathlib.Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[2]
DEFAULT_BIN = REPO_ROOT / ".build" / "debug" / "localoss"
LISTEN_RE = re.compile(r"^LocalOSS listening on (http://127\.0\.0\.1:(\d+))\s*$")


def server_binary() -> pathlib.Path:
    return pathlib.Path(os.environ.get("LOCALOSS_BIN") or DEFAULT_BIN)


class LocalOSSServer:
    """One server process on a data directory; restartable on the same directory."""

    def __init__(self, binary, data_dir, log_path, extra_args=(), env=None, cwd=None):
        self.extra_args = list(extra_args)  # further `serve` options, e.g. ["--seed-dir", DIR]
        self.env = env  # the process environment, None: inherited
        self.cwd = cwd  # the process's working directory (a relative data_dir is relative to it), None: inherited
        self.binary = str(binary)
        self.data_dir = str(data_dir)
        self.log_path = str(log_path)
        self.proc = None
        self.endpoint = None
        self.port = None
        self.last_returncode = None
        self._drain = None

    def start(self, timeout=30.0):
        assert self.proc is None, "already running"
        log = open(self.log_path, "ab")
        log.write(("\n==== start %s\n" % time.strftime("%H:%M:%S")).encode())
        log.flush()
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", self.data_dir] + self.extra_args,
            stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL, env=self.env, cwd=self.cwd)
        log.close()
        q = queue.Queue()
        proc = self.proc

        def pump():
            first = True
            with open(self.log_path, "ab") as out:
                for line in iter(proc.stdout.readline, b""):
                    if first:
                        q.put(line)
                        first = False
                    out.write(line)
                    out.flush()
            if first:
                q.put(b"")

        self._drain = threading.Thread(target=pump, daemon=True)
        self._drain.start()
        try:
            line = q.get(timeout=timeout)
        except queue.Empty:
            self._kill()
            raise RuntimeError("server printed nothing within %.0fs; log %s" % (timeout, self.log_path))
        text = line.decode("utf-8", "replace").rstrip("\r\n")
        m = LISTEN_RE.match(text)
        if not m:
            self._kill()
            raise RuntimeError("unexpected first stdout line %r (log %s)" % (text, self.log_path))
        self.endpoint, self.port = m.group(1), int(m.group(2))
        return self

    def stop(self, timeout=15.0):
        """SIGTERM and wait; returns the exit status. Raises if it does not exit in time."""
        if self.proc is None:
            return self.last_returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._kill()
            raise RuntimeError("server did not exit within %.0fs of SIGTERM" % timeout)
        self._finish(rc)
        return rc

    def restart(self):
        self.stop()
        return self.start()

    def _kill(self):
        if self.proc is not None:
            self.proc.kill()
            rc = self.proc.wait()
            self._finish(rc)

    def _finish(self, rc):
        self.last_returncode = rc
        self.proc = None
        if self._drain is not None:
            self._drain.join(timeout=5)
            self._drain = None

    def log_tail(self, n=4000):
        try:
            with open(self.log_path, "rb") as f:
                data = f.read()
            return data[-n:].decode("utf-8", "replace")
        except OSError:
            return ""


def _start_server(tmp_root: pathlib.Path) -> LocalOSSServer:
    binary = server_binary()
    if not binary.is_file() or not os.access(binary, os.X_OK):
        pytest.fail("LocalOSS binary not found at %s (set LOCALOSS_BIN or build the package)" % binary,
                    pytrace=False)
    data_dir = tmp_root / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    return LocalOSSServer(binary, data_dir, tmp_root / "server.log").start()


@pytest.fixture(scope="session")
def server():
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="localoss-py-"))
    srv = _start_server(tmp)
    yield srv
    try:
        srv.stop()
    finally:
        if os.environ.get("LOCALOSS_KEEP_DATA"):
            print("LocalOSS data/log kept in %s" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture
def restartable_server(tmp_path):
    """A private server on its own data dir; call .restart() (SIGTERM + start on the same dir)."""
    srv = _start_server(tmp_path)
    yield srv
    if srv.proc is not None:
        srv.stop()


class ClockedServer(LocalOSSServer):
    """A private server, started at once, whose clock the tests move (POST /_localoss/clock): signatures tolerate
    any move, as the SDKs keep signing with the real time."""

    def __init__(self, tmp_path, *extra_args):
        (tmp_path / "data").mkdir()
        super().__init__(server_binary(), tmp_path / "data", tmp_path / "server.log",
                         ["--max-skew", "100000000", *extra_args])
        self.start()
        self.http = requests.Session()
        self.http.trust_env = False

    def clock(self, **body):
        resp = self.http.post(self.endpoint + "/_localoss/clock", json=body, timeout=10)
        assert resp.status_code == 200, resp.text
        return resp.json()


@pytest.fixture(scope="session")
def oss_auth():
    return oss2.Auth(ACCESS_KEY_ID, ACCESS_KEY_SECRET)


@pytest.fixture(scope="session")
def oss_session():
    return oss2.http.Session()


def make_oss2_bucket(endpoint, name, auth=None, session=None):
    return oss2.Bucket(auth or oss2.Auth(ACCESS_KEY_ID, ACCESS_KEY_SECRET), endpoint, name,
                       session=session, connect_timeout=60, enable_crc=True)


def unique_bucket_name(tag="t"):
    return ("lopy-%s-%s" % (tag, uuid.uuid4().hex[:16]))[:63]


def cleanup_bucket(endpoint, name, keys=()):
    """Best effort: abort in-progress uploads, delete the given keys, delete the bucket."""
    try:
        for _ in range(50):
            resp = raw_request(endpoint, "GET", name,
                               query={"uploads": "", "max-uploads": "1000", "encoding-type": "url"})
            if resp.status_code != 200:
                break
            root = xml_root(resp, "ListMultipartUploadsResult")
            ups = root.findall("Upload")
            for u in ups:
                raw_request(endpoint, "DELETE", name, unquote(child_text(u, "Key")),
                            query={"uploadId": child_text(u, "UploadId")})
            if not ups or child_text(root, "IsTruncated") != "true":
                break
        for k in keys:
            raw_request(endpoint, "DELETE", name, k)
        # A bucket that had versioning keeps versions and delete markers; each goes by its id.
        for _ in range(50):
            resp = raw_request(endpoint, "GET", name, query={"versions": "", "max-keys": "1000"})
            if resp.status_code != 200:
                break
            root = xml_root(resp, "ListVersionsResult")
            entries = root.findall("Version") + root.findall("DeleteMarker")
            for entry in entries:
                raw_request(endpoint, "DELETE", name, child_text(entry, "Key"),
                            query={"versionId": child_text(entry, "VersionId")})
            if not entries:
                break
        resp = raw_request(endpoint, "DELETE", name)
        if resp.status_code not in (204, 404):
            warnings.warn("cleanup of bucket %s: DeleteBucket -> %d %r" % (name, resp.status_code, resp.content[:200]))
    except Exception as e:  # noqa: BLE001 - cleanup must not mask the test result
        warnings.warn("cleanup of bucket %s failed: %r" % (name, e))


@pytest.fixture
def bucket(server, oss_auth, oss_session):
    """A fresh, uniquely named bucket (oss2.Bucket, enable_crc=True).

    Tests add object keys they create to `bucket.created_keys` so that teardown can delete them.
    """
    name = unique_bucket_name()
    b = make_oss2_bucket(server.endpoint, name, oss_auth, oss_session)
    b.create_bucket()
    b.created_keys = set()
    yield b
    cleanup_bucket(server.endpoint, name, sorted(b.created_keys))


@pytest.fixture(scope="module")
def client(server):
    """An alibabacloud-oss-v2 client for the session's server (path style, region cn-hangzhou)."""
    import alibabacloud_oss_v2 as oss
    cfg = oss.config.load_default()
    cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(ACCESS_KEY_ID, ACCESS_KEY_SECRET)
    cfg.region = "cn-hangzhou"
    cfg.endpoint = server.endpoint
    cfg.use_path_style = True
    return oss.Client(cfg)
