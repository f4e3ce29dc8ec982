"""Shared pieces of the helper's own tests. The fixtures under test come from the installed plugin."""

import os
import pathlib
import uuid
from typing import Dict

import oss2
import pytest

from localoss_testing import LocalOSS

REPO_ROOT = pathlib.Path(__file__).resolve().parents[4]

# From a checkout, without LOCALOSS_BIN, use the debug build.
if not os.environ.get("LOCALOSS_BIN") and (REPO_ROOT / ".build" / "debug" / "localoss").is_file():
    os.environ["LOCALOSS_BIN"] = str(REPO_ROOT / ".build" / "debug" / "localoss")

pytest_plugins = ["pytester"]

_endpoints: Dict[str, bool] = {}


def require_endpoint(server: LocalOSS, path: str) -> None:
    """Skips the test when the server answers 404 "no such endpoint" for /_localoss/PATH (probed once per path).

    The control plane grows one capability at a time; these tests run for real as soon as theirs exists.
    """
    if path not in _endpoints:
        _endpoints[path] = server.has_endpoint(path)
    if not _endpoints[path]:
        pytest.skip(f"this localoss has no /_localoss/{path} yet")


def new_bucket(server: LocalOSS, create: bool = True) -> oss2.Bucket:
    """An oss2 bucket with a unique name on the server, created unless told otherwise."""
    auth = oss2.Auth(server.access_key_id, server.access_key_secret)
    bucket = oss2.Bucket(auth, server.endpoint, "t-" + uuid.uuid4().hex[:16])
    if create:
        bucket.create_bucket()
    return bucket
