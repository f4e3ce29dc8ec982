"""Resource exhaustion answers cleanly: beyond --max-connections the client gets 503 ServiceUnavailable as OSS error
XML and a closed connection (never a hang), and the server serves normally again once connections go away. Under a
thread limit far below the number of connections, every connection is still served: connections waiting for
input take no thread. (The 503 for a connection no worker thread can be started for is a unit test.)
"""

import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest

import rhelpers
from rhelpers import build_request, connect

SECTION = "resource_limits"


def expect_503(port, data=None, timeout=10):
    s = connect(port, timeout)
    try:
        s.sendall(data or build_request("GET", "/"))
        reader = rhelpers.HTTPReader(s)
        r = reader.read_response()
        closed, _ = rhelpers.wait_closed(s, 5)
    finally:
        s.close()
    assert (r.status, r.code) == (503, "ServiceUnavailable"), r
    assert r.headers.get("connection") == "close", r.headers
    assert closed is not None, "refused connection left open"
    return r


def served_keep_alive(port):
    """A connection that has been accepted and served once, then left idle (keep-alive)."""
    s = connect(port, 10)
    s.sendall(build_request("GET", "/"))
    r = rhelpers.HTTPReader(s).read_response()
    assert r.status == 200, r
    return s


def wait_serving(port, timeout=10):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = rhelpers.raw_request(port, "GET", "/", timeout=5)
            if last is not None and last.status == 200:
                return
        except OSError as e:
            last = e
        time.sleep(0.1)
    raise AssertionError("server not serving again: %r" % (last,))


def test_max_connections_refuses_cleanly(localoss):
    srv = localoss(flags=["--max-connections", "4"])
    idle = [served_keep_alive(srv.port) for _ in range(4)]
    try:
        expect_503(srv.port)
        # a client that writes a whole 8 MiB body before reading still gets the reply, not a reset
        body = b"z" * (8 << 20)
        expect_503(srv.port, build_request("PUT", "/refused-bucket/key", [], body))
        rhelpers.count(SECTION, "over_max_connections", 2)
        # the connections already open are unaffected
        idle[0].sendall(build_request("GET", "/"))
        assert rhelpers.HTTPReader(idle[0]).read_response().status == 200
    finally:
        idle[-1].close()
    wait_serving(srv.port)
    for s in idle[:-1]:
        s.close()
    srv.stop()
    assert "--max-connections" in srv.log_tail()


def _nobody_can_be_used():
    return os.geteuid() == 0 and shutil.which("setpriv") and shutil.which("prlimit")


@pytest.mark.skipif(not _nobody_can_be_used(), reason="needs root, setpriv and prlimit to run under a thread limit")
def test_thread_limit_does_not_limit_connections(localoss_binary):
    """The server runs as user nobody with RLIMIT_NPROC 10 (threads count against it), as under a container's
    pids limit: 20 keep-alive connections are each served and kept open, all within the thread limit."""
    root = pathlib.Path(tempfile.mkdtemp(prefix="localoss-nproc-"))
    proc = None
    try:
        os.chmod(root, 0o755)
        binary = root / "localoss"
        shutil.copy2(localoss_binary, binary)
        data = root / "data"
        data.mkdir()
        os.chown(data, 65534, 65534)
        log = open(root / "server.log", "wb")
        env = {k: v for k, v in os.environ.items() if not k.startswith("LOCALOSS_")}
        proc = subprocess.Popen(["prlimit", "--nproc=10", "setpriv", "--reuid=65534", "--regid=65534",
                                 "--clear-groups", str(binary), "serve", "--host", "127.0.0.1", "--port", "0",
                                 "--data-dir", str(data), "--auth", "off"],
                                stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL, env=env)
        line = proc.stdout.readline().decode()
        m = re.match(r"LocalOSS listening on http://127\.0\.0\.1:(\d+)", line)
        assert m, (line, (root / "server.log").read_text())
        port = int(m.group(1))
        held = []
        try:
            for _ in range(20):
                s = connect(port, 10)
                s.sendall(build_request("GET", "/"))
                r = rhelpers.HTTPReader(s).read_response()  # a hang here is the bug: no thread, no answer
                assert r.status == 200, r
                held.append(s)
            # every held connection is still served
            for s in held:
                s.sendall(build_request("GET", "/"))
                assert rhelpers.HTTPReader(s).read_response().status == 200
            threads = len(os.listdir("/proc/%d/task" % proc.pid))
            assert threads <= 10, threads
            rhelpers.note(SECTION, "connections_served_under_thread_limit_10", len(held))
        finally:
            for s in held:
                s.close()
        wait_serving(port)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(15) == 0
        proc = None
        log.close()
    finally:
        if proc is not None:
            proc.kill()
            proc.wait(15)
        shutil.rmtree(root, ignore_errors=True)
