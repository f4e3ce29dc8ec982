"""Fixtures for the LocalOSS reliability and hostile-input suite (self-contained: no SDK-suite imports).

`localoss` is a factory: `srv = localoss(flags=["--durable"], env={"LOCALOSS_CRASH_AT": "blob-staged:2"})` starts
`localoss serve --host 127.0.0.1 --port 0 --data-dir DIR --auth off [flags]` on a fresh data directory (or `data_dir=`
an existing one) and returns a `ServerProcess` with `.endpoint`, `.port`, `.data_dir`, `.start(env=...)` (again, on
the same directory), `.stop()` (SIGTERM), `.kill9()`, `.wait_exit()`. Every process it started is killed at teardown.

Binary: `$LOCALOSS_BIN` or `<repo>/.build/debug/localoss`. `--long` (or `LOCALOSS_LONG=1`) selects the long crash run.
"""

import os
import pathlib
import queue
import re
import shutil
import signal
import subprocess
import threading
import time

import pytest

import rhelpers

HERE = pathlib.Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
DEFAULT_BIN = REPO_ROOT / ".build" / "debug" / "localoss"
LISTEN_RE = re.compile(r"^LocalOSS listening on (http://127\.0\.0\.1:(\d+))\s*$")


def pytest_addoption(parser):
    parser.addoption("--long", action="store_true", default=False,
                     help="long reliability run (200 crash trials per mode instead of 20)")


def pytest_configure(config):
    if config.getoption("--long"):
        os.environ["LOCALOSS_LONG"] = "1"


def is_long(config) -> bool:
    return bool(config.getoption("--long")) or os.environ.get("LOCALOSS_LONG", "") not in ("", "0")


@pytest.fixture(scope="session")
def long_mode(pytestconfig):
    return is_long(pytestconfig)


def server_binary() -> pathlib.Path:
    return pathlib.Path(os.environ.get("LOCALOSS_BIN") or DEFAULT_BIN)


class ServerProcess:
    """One `localoss serve` process bound to a data directory; restartable on the same directory."""

    def __init__(self, binary, data_dir, log_path, flags=(), env=None, auth_off=True):
        self.binary = str(binary)
        self.data_dir = str(data_dir)
        self.log_path = str(log_path)
        self.flags = list(flags)
        self.base_env = dict(env or {})
        self.auth_off = auth_off
        self.proc = None
        self.endpoint = None
        self.port = None
        self.last_returncode = None
        self._pump = None

    # ---------------------------------------------------------------- lifecycle

    def start(self, env=None, timeout=20.0):
        """Start on the same data directory. `env` (if given) replaces the extra environment for this run."""
        assert self.proc is None, "already running"
        extra = self.base_env if env is None else dict(env)
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("LOCALOSS_")}
        full_env.update(extra)
        if "LOCALOSS_CRASH_AT" in extra:
            # The server honours crash points only with this explicit switch (FaultInjection.swift).
            full_env["LOCALOSS_ENABLE_CRASH_POINTS"] = "1"
        args = [self.binary, "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", self.data_dir]
        if self.auth_off:
            args += ["--auth", "off"]
        args += self.flags
        with open(self.log_path, "ab") as log:
            log.write(("\n==== start %s env=%r flags=%r\n" % (time.strftime("%H:%M:%S"), extra, self.flags)).encode())
            log.flush()
            self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL,
                                         env=full_env)
        first = queue.Queue()
        proc = self.proc
        log_path = self.log_path

        def pump():
            sent = False
            with open(log_path, "ab") as out:
                for line in iter(proc.stdout.readline, b""):
                    if not sent:
                        first.put(line)
                        sent = True
                    out.write(line)
                    out.flush()
            if not sent:
                first.put(b"")

        self._pump = threading.Thread(target=pump, daemon=True)
        self._pump.start()
        try:
            line = first.get(timeout=timeout)
        except queue.Empty:
            self._hard_kill()
            raise RuntimeError("server printed nothing within %.0fs; log %s" % (timeout, self.log_path))
        text = line.decode("utf-8", "replace").rstrip("\r\n")
        m = LISTEN_RE.match(text)
        if not m:
            rc = self.proc.poll()
            self._hard_kill()
            raise RuntimeError("unexpected first stdout line %r (rc=%r); log tail:\n%s"
                               % (text, rc, self.log_tail()))
        self.endpoint, self.port = m.group(1), int(m.group(2))
        return self

    @property
    def pid(self):
        return self.proc.pid if self.proc is not None else None

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def wait_exit(self, timeout=10.0):
        """Wait for the process to end by itself; returns its status (negative = signal) or None if still up."""
        if self.proc is None:
            return self.last_returncode
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        self._finish(rc)
        return rc

    def stop(self, timeout=15.0):
        """SIGTERM and wait; returns the exit status. Raises if the server does not exit in time."""
        if self.proc is None:
            return self.last_returncode
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._hard_kill()
            raise RuntimeError("server did not exit within %.0fs of SIGTERM" % timeout)
        self._finish(rc)
        return rc

    def kill9(self):
        """SIGKILL (external `kill -9`) and reap; returns the exit status."""
        if self.proc is None:
            return self.last_returncode
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        rc = self.proc.wait(timeout=15)
        self._finish(rc)
        return rc

    def restart(self, env=None):
        self.stop()
        return self.start(env=env)

    def _hard_kill(self):
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
            rc = self.proc.wait(timeout=15)
            self._finish(rc)

    def _finish(self, rc):
        self.last_returncode = rc
        self.proc = None
        if self._pump is not None:
            self._pump.join(timeout=5)
            self._pump = None

    def log_tail(self, n=3000):
        try:
            with open(self.log_path, "rb") as f:
                return f.read()[-n:].decode("utf-8", "replace")
        except OSError:
            return ""

    def client(self, timeout=20.0):
        return rhelpers.Client(self.endpoint, timeout=timeout)


@pytest.fixture(scope="session")
def localoss_binary(tmp_path_factory):
    """A private copy of the binary, so a rebuild during the run (`swift build` replacing the file) cannot make
    restarts fail with ETXTBSY or mix two builds within one trial."""
    binary = server_binary()
    if not binary.is_file() or not os.access(binary, os.X_OK):
        pytest.fail("LocalOSS binary not found at %s (set LOCALOSS_BIN or build it)" % binary, pytrace=False)
    copy = tmp_path_factory.mktemp("bin") / "localoss"
    shutil.copy2(binary, copy)
    return copy


@pytest.fixture
def localoss(tmp_path, localoss_binary):
    """Factory: localoss(flags=(), env=None, data_dir=None, auth_off=True, start=True) -> ServerProcess."""
    binary = localoss_binary
    made = []

    def make(flags=(), env=None, data_dir=None, auth_off=True, start=True):
        index = len(made)
        if data_dir is None:
            data_dir = tmp_path / ("data%d" % index)
        data_dir = pathlib.Path(data_dir)
        data_dir.mkdir(parents=True, exist_ok=True)
        srv = ServerProcess(binary, data_dir, tmp_path / ("server%d.log" % index), flags=flags, env=env,
                            auth_off=auth_off)
        made.append(srv)
        if start:
            srv.start()
        return srv

    yield make
    for srv in made:
        try:
            srv._hard_kill()
        except Exception:  # noqa: BLE001 - teardown must not mask the test result
            pass


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    lines = rhelpers.report_lines()
    if lines:
        terminalreporter.write_sep("=", "LocalOSS reliability counts")
        for line in lines:
            terminalreporter.write_line(line)
