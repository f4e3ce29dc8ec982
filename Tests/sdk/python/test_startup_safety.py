"""What a started server exposes: the banner prints no secret but the documented development pair's, and the
crash-injection hook of the reliability suite (`LOCALOSS_CRASH_AT`) does nothing without its explicit switch
`LOCALOSS_ENABLE_CRASH_POINTS=1`."""

import oss2

from conftest import unique_bucket_name
from localoss_helpers import ACCESS_KEY_ID, ACCESS_KEY_SECRET
from test_auth import FlaggedServer

CUSTOM_SECRET = "A-Real-Secret-Nobody-Should-See-9f3c"


def banner(srv):
    return srv.out_path.read_text(errors="replace")


def test_banner_shows_only_the_development_secret(tmp_path):
    srv = FlaggedServer(tmp_path / "default", []).start()
    try:
        assert "access key secret: %s" % ACCESS_KEY_SECRET in banner(srv)
    finally:
        srv.stop()
    for args, env in ((["--access-key-id", "MyKey", "--access-key-secret", CUSTOM_SECRET], {}),
                      ([], {"LOCALOSS_ACCESS_KEY_ID": "MyKey", "LOCALOSS_ACCESS_KEY_SECRET": CUSTOM_SECRET})):
        srv = FlaggedServer(tmp_path / ("custom%d" % len(args)), args, env).start()
        try:
            text = banner(srv) + srv.log_tail(100000)
            assert CUSTOM_SECRET not in text, text
            assert "access key id:     MyKey" in text
            # the secret still works
            name = unique_bucket_name("sec")
            bucket = oss2.Bucket(oss2.Auth("MyKey", CUSTOM_SECRET), srv.endpoint, name)
            bucket.create_bucket()
            bucket.delete_bucket()
        finally:
            srv.stop()


def test_crash_points_need_their_explicit_switch(tmp_path):
    srv = FlaggedServer(tmp_path / "nocrash", [], env={"LOCALOSS_CRASH_AT": "object-committed:1"}).start()
    try:
        name = unique_bucket_name("crash")
        bucket = oss2.Bucket(oss2.Auth(ACCESS_KEY_ID, ACCESS_KEY_SECRET), srv.endpoint, name)
        bucket.create_bucket()
        assert bucket.put_object("k", b"v").status == 200
        assert bucket.put_object("k", b"w").status == 200
        assert srv.proc.poll() is None, "the server killed itself without LOCALOSS_ENABLE_CRASH_POINTS"
        assert "LOCALOSS_CRASH_AT ignored" in srv.log_tail()
        bucket.delete_object("k")
        bucket.delete_bucket()
    finally:
        srv.stop()
    # With the switch the hook fires (the reliability suite's mode).
    srv = FlaggedServer(tmp_path / "crash", [], env={"LOCALOSS_CRASH_AT": "object-committed:1",
                                                      "LOCALOSS_ENABLE_CRASH_POINTS": "1"}).start()
    try:
        bucket = oss2.Bucket(oss2.Auth(ACCESS_KEY_ID, ACCESS_KEY_SECRET), srv.endpoint, unique_bucket_name("crash"),
                             connect_timeout=5)
        bucket.create_bucket()
        try:
            bucket.put_object("k", b"v")
        except oss2.exceptions.RequestError:
            pass
        assert srv.proc.wait(timeout=10) == -9
    finally:
        srv.stop()
