"""Starting and stopping a ``localoss serve`` process for a test."""

from __future__ import annotations

import datetime as _dt
import os
import re
import shutil
import signal
import ssl
import subprocess
import tempfile
import time
import urllib.parse
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

from ._control import Clock, ControlClient, Faults

DEFAULT_ACCESS_KEY_ID = "LocalOSSTestKey"
DEFAULT_ACCESS_KEY_SECRET = "LocalOSSTestSecret"
DEFAULT_REGION = "cn-hangzhou"

_BANNER = re.compile(r"^LocalOSS listening on (https?://\S+)")

# Server settings read from the environment that this helper must know to report credentials and reach the
# control plane; the process is started without them so that its flags (or defaults) are the whole truth.
_ENV_OVERRIDDEN = ("LOCALOSS_HOST", "LOCALOSS_PORT", "LOCALOSS_DATA_DIR", "LOCALOSS_ACCESS_KEY_ID",
                   "LOCALOSS_ACCESS_KEY_SECRET", "LOCALOSS_REGION", "LOCALOSS_ADMIN_TOKEN", "LOCALOSS_TLS_CERT",
                   "LOCALOSS_TLS_KEY")


class StartError(RuntimeError):
    """The server could not be started: binary missing, exited early, or no banner in time.

    ``stderr`` holds what the process wrote to its standard error.
    """

    def __init__(self, message: str, stderr: str = "", returncode: Optional[int] = None) -> None:
        text = message
        if stderr.strip():
            text += "\n--- localoss stderr ---\n" + stderr.rstrip()
        super().__init__(text)
        self.stderr = stderr
        self.returncode = returncode


def find_binary(binary: Optional[str] = None) -> str:
    """The server binary: ``binary`` if given, else ``$LOCALOSS_BIN``, else ``localoss`` on ``PATH``."""
    candidate = binary or os.environ.get("LOCALOSS_BIN") or shutil.which("localoss")
    if not candidate:
        raise StartError("localoss binary not found: pass binary=..., set LOCALOSS_BIN, or put localoss on PATH")
    if not (os.path.isfile(candidate) and os.access(candidate, os.X_OK)):
        raise StartError(f"localoss binary is not an executable file: {candidate}")
    return os.path.abspath(candidate)


def _flag(args: Sequence[str], name: str) -> Optional[str]:
    """The last value given to ``--name`` in ``args`` (``--name V`` or ``--name=V``)."""
    value = None
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith(name + "="):
            value = arg[len(name) + 1:]
    return value


class LocalOSS:
    """A LocalOSS server process for a test, and a client for its control plane.

    ::

        with LocalOSS() as server:
            auth = oss2.Auth(server.access_key_id, server.access_key_secret)
            bucket = oss2.Bucket(auth, server.endpoint, "my-bucket")

    Starts ``localoss serve --host 127.0.0.1 --port 0 --data-dir DIR [args...]``, reads the endpoint from the
    first line it prints, and at exit stops it with SIGTERM (SIGKILL after ``stop_timeout`` seconds). ``DIR`` is a
    temporary folder removed at exit, unless ``data_dir`` is given (then it is kept). ``args`` may override the
    host, credentials, region and TLS flags; the attributes below follow them.

    The process does not inherit the ``LOCALOSS_*`` variables for host, port, data directory, credentials, region,
    TLS and admin token (pass flags instead), so that what this object reports is what the server uses; ``env``
    adds variables. ``start_timeout`` bounds the wait for the banner.

    Attributes: ``endpoint`` (``http://127.0.0.1:PORT``), ``access_key_id``, ``access_key_secret``, ``region``,
    ``data_dir``, ``admin_token``, ``faults`` (:class:`Faults`), ``clock`` (:class:`Clock`), ``control``
    (:class:`ControlClient`, for endpoints this class does not wrap).
    """

    def __init__(self, binary: Optional[str] = None, args: Sequence[str] = (), data_dir: Optional[str] = None,
                 admin_token: Optional[str] = None, start_timeout: float = 30.0, stop_timeout: float = 10.0,
                 env: Optional[Mapping[str, str]] = None) -> None:
        self.binary = binary
        self.args = list(args)
        if admin_token is not None:
            self.args += ["--admin-token", admin_token]
        self.admin_token = _flag(self.args, "--admin-token")
        self.access_key_id = _flag(self.args, "--access-key-id") or DEFAULT_ACCESS_KEY_ID
        self.access_key_secret = _flag(self.args, "--access-key-secret") or DEFAULT_ACCESS_KEY_SECRET
        self.region = _flag(self.args, "--region") or DEFAULT_REGION
        self.start_timeout = start_timeout
        self.stop_timeout = stop_timeout
        self.extra_env = dict(env or {})
        self._given_data_dir = data_dir
        self.data_dir: Optional[str] = None
        self.endpoint: Optional[str] = None
        self.process: Optional[subprocess.Popen] = None
        self._work_dir: Optional[str] = None
        self._control: Optional[ControlClient] = None

    # ------------------------------------------------------------------ process

    def start(self) -> "LocalOSS":
        """Starts the server and waits for its banner; raises :class:`StartError` with its stderr on failure."""
        if self.process is not None:
            raise RuntimeError("already started")
        binary = find_binary(self.binary)
        # stdout and stderr go to files, not pipes: nothing has to drain them while the test runs.
        self._work_dir = tempfile.mkdtemp(prefix="localoss-")
        self.data_dir = self._given_data_dir or os.path.join(self._work_dir, "data")
        os.makedirs(self.data_dir, exist_ok=True)
        command = [binary, "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", self.data_dir, *self.args]
        env = {k: v for k, v in os.environ.items() if k not in _ENV_OVERRIDDEN}
        env.update(self.extra_env)
        with open(self._path("stdout"), "wb") as out, open(self._path("stderr"), "wb") as err:
            try:
                self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env)
            except OSError as error:
                self._remove_work_dir()
                raise StartError(f"cannot run {binary}: {error}") from error
        try:
            self.endpoint = self._wait_for_banner()
        except BaseException:
            self.stop()
            raise
        self._control = ControlClient(self.endpoint, self.admin_token, ssl_context=self._ssl_context())
        return self

    def _wait_for_banner(self) -> str:
        assert self.process is not None
        deadline = time.monotonic() + self.start_timeout
        while True:
            with open(self._path("stdout"), "rb") as out:
                first = out.readline()
            if first.endswith(b"\n"):
                match = _BANNER.match(first.decode("utf-8", "replace"))
                if not match:
                    raise StartError(f"unexpected first line from localoss: {first!r}", self.stderr())
                return match.group(1).rstrip("/")
            code = self.process.poll()
            if code is not None:
                raise StartError(f"localoss exited with status {code} before listening", self.stderr(), code)
            if time.monotonic() > deadline:
                raise StartError(f"localoss printed no banner within {self.start_timeout:.0f} s", self.stderr())
            time.sleep(0.02)

    def _ssl_context(self) -> Optional[ssl.SSLContext]:
        # With --tls-cert the control plane is HTTPS too; trust that certificate (a test's self-signed one).
        certificate = _flag(self.args, "--tls-cert")
        if not certificate or not (self.endpoint or "").startswith("https:"):
            return None
        return ssl.create_default_context(cafile=certificate)

    def stop(self) -> None:
        """Stops the server (SIGTERM, then SIGKILL after ``stop_timeout``) and removes the temporary folder."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._remove_work_dir()

    def _remove_work_dir(self) -> None:
        if self._work_dir:
            shutil.rmtree(self._work_dir, ignore_errors=True)
            self._work_dir = None

    def _path(self, name: str) -> str:
        assert self._work_dir is not None
        return os.path.join(self._work_dir, name)

    @property
    def running(self) -> bool:
        """The process was started and has not exited."""
        return self.process is not None and self.process.poll() is None

    def stderr(self) -> str:
        """What the server has written to its standard error so far (its log) while it is running."""
        if not self._work_dir:
            return ""
        try:
            with open(self._path("stderr"), "rb") as err:
                return err.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def __enter__(self) -> "LocalOSS":
        return self.start()

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    # ------------------------------------------------------------------ control plane

    @property
    def control(self) -> ControlClient:
        """The raw control-plane client (``call(method, path, body, query)``)."""
        if self._control is None:
            raise RuntimeError("the server is not started")
        return self._control

    @property
    def faults(self) -> Faults:
        """Fault rules: ``add``, ``list``, ``remove``, ``clear``."""
        return Faults(self.control)

    @property
    def clock(self) -> Clock:
        """The server clock: ``now``, ``advance``, ``set``, ``offset``, ``freeze``, ``unfreeze``."""
        return Clock(self.control)

    def has_endpoint(self, path: str) -> bool:
        """Whether this server has the control endpoint ``/_localoss/PATH`` (probed with a GET)."""
        return self.control.has_endpoint(path)

    def health(self) -> Dict[str, Any]:
        """``{"status": "ok", "version", "dataDir", "uptimeSeconds"}``."""
        return dict(self.control.call("GET", "health"))

    def metrics(self) -> str:
        """The Prometheus text of ``GET /_localoss/metrics``."""
        return str(self.control.call("GET", "metrics") or "")

    def requests(self, operation: Optional[str] = None, bucket: Optional[str] = None, key: Optional[str] = None,
                 key_prefix: Optional[str] = None, status: Optional[int] = None,
                 since: Union[None, int, str, _dt.datetime] = None, limit: Optional[int] = None) -> List[Dict[str, Any]]:
        """Journal entries matching every filter given (``GET /_localoss/requests``)."""
        query = _journal_query(operation, bucket, key, key_prefix, status, since, limit)
        return list(self.control.call("GET", "requests", query=query).get("requests", []))

    def count_requests(self, operation: Optional[str] = None, bucket: Optional[str] = None,
                       key: Optional[str] = None, key_prefix: Optional[str] = None, status: Optional[int] = None,
                       since: Union[None, int, str, _dt.datetime] = None, limit: Optional[int] = None) -> int:
        """How many journal entries match (``GET /_localoss/requests/count``)."""
        query = _journal_query(operation, bucket, key, key_prefix, status, since, limit)
        return int(self.control.call("GET", "requests/count", query=query)["count"])

    def clear_requests(self) -> None:
        """Empties the journal."""
        self.control.call("DELETE", "requests")

    def reset(self, bucket: Optional[str] = None) -> None:
        """Deletes every bucket and object, or only those of ``bucket``."""
        self.control.call("POST", "reset", query={"bucket": bucket})

    def snapshot(self, name: str) -> Any:
        """Saves the state (buckets, objects, uploads) under ``name``."""
        return self.control.call("POST", "snapshots/" + _segment(name))

    def restore(self, name: str) -> Any:
        """Brings back the state saved as ``name``."""
        return self.control.call("POST", "snapshots/" + _segment(name) + "/restore")

    def snapshots(self) -> List[Any]:
        """The saved snapshots, as the server lists them."""
        reply = self.control.call("GET", "snapshots")
        return list(reply.get("snapshots", [])) if isinstance(reply, dict) else list(reply or [])

    def delete_snapshot(self, name: str) -> None:
        """Deletes the snapshot ``name``."""
        self.control.call("DELETE", "snapshots/" + _segment(name))

    def __repr__(self) -> str:
        return f"LocalOSS(endpoint={self.endpoint!r}, data_dir={self.data_dir!r})"


def _segment(name: str) -> str:
    return urllib.parse.quote(name, safe="")


def _journal_query(operation: Optional[str], bucket: Optional[str], key: Optional[str], key_prefix: Optional[str],
                   status: Optional[int], since: Any, limit: Optional[int]) -> Dict[str, Any]:
    return {"operation": operation, "bucket": bucket, "key": key, "keyPrefix": key_prefix, "status": status,
            "since": since, "limit": limit}
