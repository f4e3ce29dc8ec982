"""pytest plugin for oss2's own test suite run against LocalOSS (loaded by run.sh with -p).

Reads the exclusion list named by $LOCALOSS_OSS2_EXCLUSIONS: one `node-id  reason` a line (# comments). A listed
test runs as a strict xfail, so it may fail but fails the run when it passes (delete its line then); a test whose
reason starts with `[not run]` is deselected (it would hang, sleep for minutes or call Alibaba Cloud's public
endpoints). In a run of the whole suite ($LOCALOSS_OSS2_FULL=1), a listed node id that is not collected fails
the run too, so the list stays exact.

It seeds `random` from each test's node id, so that the tests that pick a client at random pick the same one on
every run, and keeps KMS-encrypting buckets out of those random picks (KMS is Alibaba Cloud's service, not OSS's). It also points the suite's teardown helper `clean_and_delete_bucket_by_prefix` at the test endpoint: upstream
addresses each listed bucket at its `ExtranetEndpoint` (`oss-cn-hangzhou.aliyuncs.com`, as OSS answers), which
would leave the machine.
"""

import os
import random

import pytest

_entries = {}
_collected = set()


def _load(path):
    entries = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 1)
            entries[parts[0]] = parts[1] if len(parts) > 1 else "(no reason given)"
    return entries


def pytest_configure(config):
    path = os.environ.get("LOCALOSS_OSS2_EXCLUSIONS")
    if path:
        _entries.update(_load(path))


def pytest_collection_modifyitems(session, config, items):
    keep, drop = [], []
    for item in items:
        _collected.add(item.nodeid)
        reason = _entries.get(item.nodeid)
        if reason is None:
            keep.append(item)
        elif reason.startswith("[not run]"):
            drop.append(item)
        else:
            item.add_marker(pytest.mark.xfail(reason=reason, strict=True, run=True))
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_collection_finish(session):
    # After collection every test module is imported; each holds its own `from .common import *` binding.
    import sys
    common = sys.modules.get("tests.common")
    if common is None:
        return
    original = common.clean_and_delete_bucket_by_prefix
    endpoint = common.OSS_ENDPOINT

    def clean_and_delete_bucket_by_prefix(bucket_prefix):
        import oss2
        auth = oss2.Auth(common.OSS_ID, common.OSS_SECRET)
        for b in oss2.Service(auth, endpoint).list_buckets(prefix=bucket_prefix).buckets:
            common.clean_and_delete_bucket(oss2.Bucket(auth, endpoint, b.name, region=common.OSS_REGION))

    for name, module in list(sys.modules.items()):
        if (name == "tests" or name.startswith("tests.")) and \
                getattr(module, "clean_and_delete_bucket_by_prefix", None) is original:
            module.clean_and_delete_bucket_by_prefix = clean_and_delete_bucket_by_prefix


_original_choice = random.choice


def _uses_kms(candidate):
    provider = getattr(candidate, "crypto_provider", None)
    return provider is not None and type(provider).__name__ == "AliKMSProvider"


def _choice_without_kms(sequence):
    # A KMS-encrypting bucket calls Alibaba Cloud's KMS service, which no local server can stand in for; when a test
    # picks its client at random among plain, RSA and KMS buckets, the pick is made among the others, so the test
    # still exercises what it is about (resumable transfers, multipart, crypto over RSA) against LocalOSS.
    candidates = [c for c in sequence if not _uses_kms(c)]
    return _original_choice(candidates if candidates else sequence)


def pytest_runtest_setup(item):
    # Several tests pick their client at random (plain, RSA-encrypting or KMS-encrypting bucket; thread counts):
    # seeding from the node id makes each test's choices, and so its outcome, the same on every run.
    random.seed("localoss:" + item.nodeid)
    random.choice = _choice_without_kms


def pytest_runtest_teardown(item):
    random.choice = _original_choice


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("LOCALOSS_OSS2_FULL") != "1":   # only a run of the whole suite can tell
        return
    stale = sorted(n for n in _entries if n not in _collected)
    if stale:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.section("exclusion list entries that match no collected test (delete them)")
            for n in stale:
                reporter.line(n)
        session.exitstatus = 1
