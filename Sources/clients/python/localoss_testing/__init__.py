"""Test helpers for LocalOSS, a local Alibaba Cloud OSS emulator.

``LocalOSS`` starts a server on a free port with a temporary data directory and wraps its control plane
(``/_localoss/``: health, metrics, faults, the request journal, reset and snapshots, the clock). The pytest plugin
(:mod:`localoss_testing.pytest_plugin`, loaded automatically once the package is installed) provides the fixtures
``localoss``, ``localoss_session`` and ``localoss_server``.
"""

from ._control import Clock, ControlClient, ControlError, Fault, Faults
from ._server import (DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, DEFAULT_REGION, LocalOSS, StartError,
                      find_binary)

__all__ = ["LocalOSS", "ControlError", "StartError", "Fault", "Faults", "Clock", "ControlClient", "find_binary",
           "DEFAULT_ACCESS_KEY_ID", "DEFAULT_ACCESS_KEY_SECRET", "DEFAULT_REGION"]
__version__ = "0.4.0"
