"""A client for the LocalOSS control plane: JSON endpoints under ``/_localoss/`` on the server's own port."""

from __future__ import annotations

import datetime as _dt
import json
import re
import ssl
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Dict, List, Mapping, Optional, Union

Number = Union[int, float]


class ControlError(Exception):
    """A control-plane request refused with a 4xx/5xx status.

    ``error`` and ``detail`` come from the server's JSON reply ``{"error": ..., "detail": ...}``; for a reply that
    is not JSON, ``error`` is the HTTP reason and ``detail`` the body text.
    """

    def __init__(self, status: int, error: str, detail: str, method: str = "", path: str = "") -> None:
        super().__init__(f"{method} {path}: {status} {error}: {detail}".strip())
        self.status = status
        self.error = error
        self.detail = detail
        self.method = method
        self.path = path

    @property
    def no_such_endpoint(self) -> bool:
        """The server does not have this endpoint (an older build, or a capability not added yet)."""
        return self.status == 404 and self.error == "no such endpoint"


class ControlClient:
    """Sends JSON requests to ``ENDPOINT/_localoss/...``, with ``Authorization: Bearer`` when a token is set."""

    def __init__(self, endpoint: str, admin_token: Optional[str] = None, timeout: float = 30.0,
                 ssl_context: Optional[ssl.SSLContext] = None) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.admin_token = admin_token
        self.timeout = timeout
        self.ssl_context = ssl_context
        # No proxy: a test's HTTP_PROXY must not capture requests to a loopback server.
        handlers: List[urllib.request.BaseHandler] = [urllib.request.ProxyHandler({})]
        if ssl_context is not None:
            handlers.append(urllib.request.HTTPSHandler(context=ssl_context))
        self._opener = urllib.request.build_opener(*handlers)

    def call(self, method: str, path: str, body: Any = None, query: Optional[Mapping[str, Any]] = None) -> Any:
        """Sends one request; returns the decoded JSON reply (``None`` for an empty one, ``str`` for text)."""
        status, content_type, data = self.raw(method, path, body, query)
        if status >= 400:
            raise _control_error(status, data, method, path)
        if not data:
            return None
        if "json" in content_type:
            return json.loads(data.decode("utf-8"))
        return data.decode("utf-8")

    def raw(self, method: str, path: str, body: Any = None,
            query: Optional[Mapping[str, Any]] = None) -> "tuple[int, str, bytes]":
        """Sends one request and returns ``(status, content type, body)`` whatever the status."""
        url = f"{self.endpoint}/_localoss/{path.lstrip('/')}"
        if query:
            pairs = {k: _query_value(v) for k, v in query.items() if v is not None}
            if pairs:
                url += "?" + urllib.parse.urlencode(pairs)
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(url, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self.admin_token:
            request.add_header("Authorization", f"Bearer {self.admin_token}")
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                return response.status, response.headers.get("Content-Type", ""), response.read()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.headers.get("Content-Type", ""), error.read()

    def has_endpoint(self, path: str) -> bool:
        """Whether the server serves ``/_localoss/PATH`` with any method.

        Probes with GET, which changes nothing: the server answers 405 for a path it serves with other methods
        only, and 404 ``no such endpoint`` for a path it does not serve at all.
        """
        status, _, data = self.raw("GET", path)
        if status != 404:
            return True
        return not _control_error(status, data, "GET", path).no_such_endpoint


def _control_error(status: int, data: bytes, method: str, path: str) -> ControlError:
    text = data.decode("utf-8", "replace")
    try:
        reply = json.loads(text)
        if isinstance(reply, dict) and "error" in reply:
            return ControlError(status, str(reply["error"]), str(reply.get("detail", "")), method, path)
    except ValueError:
        pass
    return ControlError(status, f"HTTP {status}", text, method, path)


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _dt.datetime):
        return format_time(value)
    return str(value)


def format_time(value: _dt.datetime) -> str:
    """ISO 8601 in UTC to the millisecond (the server clock's precision), with a ``Z``; naive is taken as UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=_dt.timezone.utc)
    text = value.astimezone(_dt.timezone.utc).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


_FRACTION = re.compile(r"\.(\d+)")


def parse_time(text: str) -> _dt.datetime:
    """Parses the server's ISO 8601 times (``2026-01-02T03:04:05.123Z``) into an aware datetime."""
    text = text.strip().replace("Z", "+00:00").replace("z", "+00:00")
    # fromisoformat before Python 3.11 takes exactly 3 or 6 fraction digits.
    text = _FRACTION.sub(lambda m: "." + (m.group(1) + "000000")[:6], text, count=1)
    value = _dt.datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=_dt.timezone.utc)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def camel_keys(value: Optional[Mapping[str, Any]]) -> Dict[str, Any]:
    """``key_prefix`` → ``keyPrefix``, so Python callers may spell fields either way; camelCase passes unchanged."""
    return {_camel(k): v for k, v in (value or {}).items()}


class Fault:
    """A fault rule added with :meth:`Faults.add`."""

    def __init__(self, faults: "Faults", fault_id: str, spec: Dict[str, Any]) -> None:
        self._faults = faults
        self.id = fault_id
        #: The rule as sent (match, action and budget).
        self.spec = spec
        self._last: Dict[str, Any] = {"hits": 0}

    @property
    def hits(self) -> int:
        """How many requests the rule has matched so far (asks the server each time).

        Once the rule is gone from the server's list (removed, or dropped when its budget is spent), this is the
        last count seen.
        """
        for entry in self._faults.list():
            if str(entry.get("id")) == self.id:
                self._last = entry
                break
        return int(self._last.get("hits", 0))

    def remove(self) -> None:
        """Removes the rule (``DELETE /_localoss/faults/{id}``)."""
        self._faults.remove(self.id)

    def __repr__(self) -> str:
        return f"Fault(id={self.id!r}, spec={self.spec!r})"


class Faults:
    """Fault rules: ``/_localoss/faults``."""

    def __init__(self, control: ControlClient) -> None:
        self._control = control

    def add(self, match: Optional[Mapping[str, Any]] = None, action: Optional[Mapping[str, Any]] = None,
            times: Optional[int] = None, after: Optional[int] = None, probability: Optional[float] = None,
            seed: Optional[int] = None) -> Fault:
        """Adds a rule and returns it.

        ``match`` fields: operation, method, bucket, key, keyPrefix, uploadId, partNumber. ``action``: ``type``
        (error, delay, throttle, resetAfterBodyBytes, dropResponseAfterCommit, truncateBody, corruptBody,
        wrongChecksum, stall) and that type's parameters. snake_case keys are sent as camelCase.
        """
        spec: Dict[str, Any] = {"match": camel_keys(match), "action": camel_keys(action)}
        for name, value in (("times", times), ("after", after), ("probability", probability), ("seed", seed)):
            if value is not None:
                spec[name] = value
        reply = self._control.call("POST", "faults", spec)
        return Fault(self, str(reply["id"]), spec)

    def list(self) -> List[Dict[str, Any]]:
        """Every rule, each with its ``id`` and ``hits``."""
        return list(self._control.call("GET", "faults").get("faults", []))

    def remove(self, fault_id: str) -> None:
        """Removes one rule by id."""
        self._control.call("DELETE", "faults/" + urllib.parse.quote(str(fault_id), safe=""))

    def clear(self) -> None:
        """Removes every rule."""
        self._control.call("DELETE", "faults")


class Clock:
    """The server clock (``/_localoss/clock``): it drives ``Date``, skew checks, presigned URL expiry and more."""

    def __init__(self, control: ControlClient) -> None:
        self._control = control

    def state(self) -> Dict[str, Any]:
        """``{"now": ISO 8601, "offsetSeconds": N, "frozen": bool}``."""
        return dict(self._control.call("GET", "clock"))

    def now(self) -> _dt.datetime:
        """The server's current time, as an aware datetime."""
        return parse_time(self.state()["now"])

    def advance(self, seconds: Union[Number, _dt.timedelta]) -> Dict[str, Any]:
        """Moves the clock forward (backward when negative) by ``seconds``."""
        return self._post({"advanceSeconds": _seconds(seconds)})

    def offset(self, seconds: Union[Number, _dt.timedelta]) -> Dict[str, Any]:
        """Sets the clock to real time plus ``seconds`` (0: back to real time)."""
        return self._post({"offsetSeconds": _seconds(seconds)})

    def set(self, when: Union[str, _dt.datetime]) -> Dict[str, Any]:
        """Sets the clock to a time: a datetime (naive is UTC) or an ISO 8601 string."""
        return self._post({"set": when if isinstance(when, str) else format_time(when)})

    def freeze(self) -> Dict[str, Any]:
        """Stops the clock where it is."""
        return self._post({"freeze": True})

    def unfreeze(self) -> Dict[str, Any]:
        """Lets the clock run again."""
        return self._post({"freeze": False})

    def _post(self, body: Dict[str, Any]) -> Dict[str, Any]:
        return dict(self._control.call("POST", "clock", body) or {})


def _seconds(value: Union[Number, _dt.timedelta]) -> Number:
    return value.total_seconds() if isinstance(value, _dt.timedelta) else value
