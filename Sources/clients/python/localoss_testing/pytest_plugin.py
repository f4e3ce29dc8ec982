"""pytest fixtures for LocalOSS, registered through the ``pytest11`` entry point (no conftest import needed).

Fixtures:

``localoss``
    A fresh server for one test (function scope): own process, own temporary data directory, nothing to clean.
    The safest choice; costs one process start (tens of milliseconds) per test.
``localoss_session``
    One server shared by the whole session, as it is: state, faults and journal carry over between tests.
``localoss_server``
    The shared server, cleaned before the test: every bucket deleted (``reset()``), every fault rule removed, the
    journal emptied, the clock back to real time and running. Snapshots are kept, so a session-level fixture may
    save one for tests to ``restore()``. Steps whose endpoint the server lacks are left out.

Configuration: ``--localoss-bin PATH`` (else ``$LOCALOSS_BIN``, else ``localoss`` on ``PATH``); the ini option
``localoss_args`` (extra ``localoss serve`` arguments for every server); the marker
``@pytest.mark.localoss(args=[...], admin_token=..., data_dir=...)`` for the ``localoss`` fixture of one test; or
override the session fixture ``localoss_options`` (keyword arguments of :class:`localoss_testing.LocalOSS`).
When a test that used a server fails, the server's log (stderr) is added to the report.
"""

from __future__ import annotations

import shlex
from typing import Any, Dict, Iterator

import pytest

from ._control import ControlError
from ._server import LocalOSS


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("localoss")
    group.addoption("--localoss-bin", default=None, help="localoss binary (default: $LOCALOSS_BIN, then PATH)")
    parser.addini("localoss_args", "extra `localoss serve` arguments for every LocalOSS fixture", default="")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "localoss(args=None, admin_token=None, data_dir=None): options of this test's `localoss` server")


@pytest.fixture(scope="session")
def localoss_options(pytestconfig: pytest.Config) -> Dict[str, Any]:
    """Keyword arguments for every :class:`LocalOSS` the fixtures start; override it to change them."""
    return {"binary": pytestconfig.getoption("localoss_bin"),
            "args": shlex.split(str(pytestconfig.getini("localoss_args") or ""))}


@pytest.fixture
def localoss(request: pytest.FixtureRequest, localoss_options: Dict[str, Any]) -> Iterator[LocalOSS]:
    """A fresh LocalOSS server for this test, stopped and its data removed afterwards."""
    options = dict(localoss_options)
    marker = request.node.get_closest_marker("localoss")
    if marker is not None:
        extra = dict(marker.kwargs)
        options["args"] = list(options.get("args") or []) + list(extra.pop("args", None) or [])
        options.update(extra)
    with LocalOSS(**options) as server:
        yield server


@pytest.fixture(scope="session")
def localoss_session(localoss_options: Dict[str, Any]) -> Iterator[LocalOSS]:
    """One LocalOSS server for the whole session, not cleaned between tests (see ``localoss_server``)."""
    with LocalOSS(**localoss_options) as server:
        yield server


@pytest.fixture
def localoss_server(localoss_session: LocalOSS) -> LocalOSS:
    """The session's server, cleaned for this test: no buckets, no fault rules, empty journal, real time."""
    clean(localoss_session)
    return localoss_session


def clean(server: LocalOSS) -> None:
    """Brings a shared server back to a blank state, skipping what the server cannot do."""
    steps = (
        lambda: server.faults.clear(),  # first, so that no rule can disturb the steps after it
        lambda: server.clock.unfreeze(),
        lambda: server.clock.offset(0),
        lambda: server.reset(),
        lambda: server.clear_requests(),  # last: the journal of the test starts empty
    )
    for step in steps:
        try:
            step()
        except ControlError as error:
            if not error.no_such_endpoint:
                raise


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if not report.failed or call.when == "teardown":
        return
    funcargs = getattr(item, "funcargs", {})
    for name in ("localoss", "localoss_server", "localoss_session"):
        server = funcargs.get(name)
        if isinstance(server, LocalOSS) and server.running:
            log = server.stderr()
            if log.strip():
                # The end is what explains a failure; the log of a long session can be large.
                report.sections.append((f"localoss stderr ({name})", log[-20000:]))
            break
