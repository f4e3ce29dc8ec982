"""What works on every LocalOSS build: start, stop, the endpoint with oss2, health, the admin token, the fixtures."""

import os
import signal

import oss2
import pytest

from conftest import new_bucket
from localoss_testing import ControlClient, ControlError, LocalOSS, StartError


def test_endpoint_serves_oss2(localoss):
    assert localoss.endpoint.startswith("http://127.0.0.1:")
    assert (localoss.access_key_id, localoss.access_key_secret) == ("LocalOSSTestKey", "LocalOSSTestSecret")
    assert localoss.region == "cn-hangzhou"
    bucket = new_bucket(localoss)
    bucket.put_object("greeting.txt", b"hello")
    assert bucket.get_object("greeting.txt").read() == b"hello"
    assert [b.name for b in oss2.Service(bucket.auth, localoss.endpoint).list_buckets().buckets] == [bucket.bucket_name]


def test_health(localoss):
    health = localoss.health()
    assert health["status"] == "ok"
    assert health["dataDir"] == localoss.data_dir
    assert health["version"]
    assert health["uptimeSeconds"] >= 0


def test_temporary_data_dir_is_removed_and_process_stopped():
    with LocalOSS() as server:
        data_dir, process = server.data_dir, server.process
        assert os.path.isdir(data_dir)
        new_bucket(server)
    assert not os.path.exists(data_dir)
    # SIGTERM is a clean stop: exit status 0, not killed.
    assert process.returncode == 0


def test_given_data_dir_is_kept_and_served_again(tmp_path):
    with LocalOSS(data_dir=str(tmp_path)) as server:
        bucket = new_bucket(server)
        bucket.put_object("k", b"kept")
    assert tmp_path.is_dir()
    with LocalOSS(data_dir=str(tmp_path)) as server:
        auth = oss2.Auth(server.access_key_id, server.access_key_secret)
        assert oss2.Bucket(auth, server.endpoint, bucket.bucket_name).get_object("k").read() == b"kept"


def test_start_failure_carries_stderr():
    with pytest.raises(StartError) as raised:
        LocalOSS(args=["--body-timeout", "0"]).start()
    assert "--body-timeout must be a positive number" in raised.value.stderr
    assert "--body-timeout must be a positive number" in str(raised.value)
    assert raised.value.returncode not in (None, 0)


def test_missing_binary_is_reported(tmp_path):
    with pytest.raises(StartError, match="not an executable"):
        LocalOSS(binary=str(tmp_path / "no-such-localoss")).start()


def test_binary_from_environment_is_used(monkeypatch, tmp_path):
    monkeypatch.setenv("LOCALOSS_BIN", str(tmp_path / "elsewhere"))
    with pytest.raises(StartError, match="elsewhere"):
        LocalOSS().start()


def test_admin_token_is_passed_and_sent():
    with LocalOSS(admin_token="s3cret-token") as server:
        assert server.health()["status"] == "ok"
        with pytest.raises(ControlError) as raised:
            ControlClient(server.endpoint).call("GET", "health")
        assert raised.value.status == 401
        assert raised.value.error == "admin token required"
        with pytest.raises(ControlError) as raised:
            ControlClient(server.endpoint, "wrong").call("GET", "health")
        assert raised.value.status == 401


def test_environment_cannot_change_what_the_helper_reports(monkeypatch):
    # A CI job's LOCALOSS_* settings must not make the credentials or the token reported here wrong.
    monkeypatch.setenv("LOCALOSS_ACCESS_KEY_SECRET", "other-secret")
    monkeypatch.setenv("LOCALOSS_ADMIN_TOKEN", "other-token")
    with LocalOSS() as server:
        assert server.health()["status"] == "ok"
        new_bucket(server).put_object("k", b"v")


def test_arguments_set_the_reported_credentials():
    with LocalOSS(args=["--access-key-id", "AKID", "--access-key-secret=SECRET", "--region", "cn-beijing"]) as server:
        assert (server.access_key_id, server.access_key_secret, server.region) == ("AKID", "SECRET", "cn-beijing")
        new_bucket(server).put_object("k", b"v")


def test_control_errors_carry_status_error_and_detail(localoss):
    with pytest.raises(ControlError) as raised:
        localoss.control.call("GET", "no-such-thing")
    assert (raised.value.status, raised.value.error) == (404, "no such endpoint")
    assert "/_localoss/no-such-thing" in raised.value.detail
    assert raised.value.no_such_endpoint
    assert not localoss.has_endpoint("no-such-thing")
    assert localoss.has_endpoint("health")


def test_stop_kills_a_server_that_ignores_sigterm():
    server = LocalOSS(stop_timeout=0.5).start()
    process = server.process
    os.kill(process.pid, signal.SIGSTOP)  # a stopped process cannot act on SIGTERM
    server.stop()
    assert process.returncode == -signal.SIGKILL


@pytest.mark.localoss(args=["--region", "cn-shanghai"])
def test_marker_passes_arguments(localoss):
    assert localoss.region == "cn-shanghai"


def test_session_fixtures_share_one_server(localoss_server, localoss_session):
    assert localoss_server is localoss_session
    assert localoss_server.health()["status"] == "ok"


def test_failed_test_report_shows_the_server_log(pytester):
    pytester.makepyfile(
        """
        import urllib.error, urllib.request

        def test_fails(localoss):
            try:
                urllib.request.urlopen(localoss.endpoint + "/no-such-bucket/")  # refused, so logged
            except urllib.error.HTTPError:
                pass
            assert False
        """)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*localoss stderr (localoss)*", "*no-such-bucket*"])
