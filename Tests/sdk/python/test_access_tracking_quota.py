"""Access tracking (last access time) and the bucket storage quota, through oss2 2.19.1 and alibabacloud-oss-v2 1.4.1
against a server whose clock the tests freeze and move.

Rules: bucket-configuration-and-access.md §4.12 and OSS's PutBucketAccessMonitor reference (tracking enabled: the
time it was enabled is every object's default last access time; reads update it asynchronously, at most once in 24
hours; Disabled only while no lifecycle rule is based on the last access time), OSS's "Operations that update the
LastAccessTime" (GetObject and PutObjectACL update it, an overwrite makes a new object; HeadObject and GetObjectMeta
do not), §4.1 (`IsAccessTime`, `ReturnToStdWhenVisit`, `AtimeBase`; EC 0014-00000016 for an access-time rule on a
bucket without tracking) and §4.19.2 with the pyv2 model docstrings for the quota (a positive integer of bytes, a
case-sensitive Strict|Warning mode, CurrentUsage only in GET). Where OSS documents an EC but not the code, the code
is LocalOSS's choice (400 InvalidArgument), as the README says.
"""

import calendar
import datetime
import time
import xml.etree.ElementTree as ET

import alibabacloud_oss_v2 as oss
import oss2
import pytest
from oss2.models import BucketLifecycle, LifecycleRule, StorageTransition

from localoss_helpers import (ACCESS_KEY_ID, ACCESS_KEY_SECRET, assert_oss_error, assert_service_error,
                              raw_request)
from test_control_observe import Control, start  # noqa: F401 - the fixture is used by name

DAY = 86400
T0_TEXT = "2027-03-10T12:00:00Z"
T0 = calendar.timegm((2027, 3, 10, 12, 0, 0))


def http_date(seconds):
    return time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(seconds))


@pytest.fixture
def srv(start):  # noqa: F811
    server = start("--max-skew", "100000000", "--lifecycle-interval", "0")
    server.clock(set=T0_TEXT, freeze=True)
    return server


def make_bucket(srv, name):
    bucket = srv.bucket(name)
    bucket.create_bucket()
    return bucket


def last_access(bucket, key):
    return bucket.head_object(key).headers.get("x-oss-last-access-time")


def eventually(read, expected, seconds=5.0):
    """The asynchronous update lands shortly after the read that caused it."""
    deadline = time.time() + seconds
    value = read()
    while value != expected and time.time() < deadline:
        time.sleep(0.05)
        value = read()
    return value


def v2_client(srv):
    cfg = oss.config.load_default()
    cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(ACCESS_KEY_ID, ACCESS_KEY_SECRET)
    cfg.region = "cn-hangzhou"
    cfg.endpoint = srv.endpoint
    cfg.use_path_style = True
    return oss.Client(cfg)


ACCESS_TIME_RULE = BucketLifecycle([LifecycleRule(
    "cold", "cold/", status=LifecycleRule.ENABLED,
    storage_transitions=[StorageTransition(days=3, storage_class=oss2.BUCKET_STORAGE_CLASS_IA, is_access_time=True,
                                           return_to_std_when_visit=True)])])


# ---------------------------------------------------------------- last access time

def test_no_header_without_tracking(srv):
    bucket = make_bucket(srv, "atime-off")
    bucket.put_object("a", b"a")
    assert "x-oss-last-access-time" not in bucket.head_object("a").headers
    assert "x-oss-last-access-time" not in bucket.get_object_meta("a").headers
    assert "x-oss-last-access-time" not in bucket.get_object("a").headers
    assert bucket.get_bucket_access_monitor().access_monitor.status == "Disabled"


def test_last_access_time_starts_at_enabling_and_follows_reads_once_a_day(srv):
    bucket = make_bucket(srv, "atime-reads")
    bucket.put_object("a", b"a")  # Last-Modified T0
    srv.clock(advanceSeconds=10)
    bucket.put_bucket_access_monitor("Enabled")  # enabled at T0 + 10: the default for every object
    enabled = T0 + 10
    assert last_access(bucket, "a") == http_date(enabled)
    assert bucket.get_object_meta("a").headers["x-oss-last-access-time"] == http_date(enabled)
    # A read within 24 hours of the last access changes nothing.
    srv.clock(advanceSeconds=3600)
    assert bucket.get_object("a").headers["x-oss-last-access-time"] == http_date(enabled)
    time.sleep(0.3)
    assert last_access(bucket, "a") == http_date(enabled)
    # A day later a read is recorded; the reply itself shows the time before it (the update is asynchronous).
    srv.clock(advanceSeconds=DAY)
    read_at = T0 + 10 + 3600 + DAY
    assert bucket.get_object("a").headers["x-oss-last-access-time"] == http_date(enabled)
    assert eventually(lambda: last_access(bucket, "a"), http_date(read_at)) == http_date(read_at)
    # HEAD and GetObjectMeta do not count as accesses.
    srv.clock(advanceSeconds=2 * DAY)
    bucket.head_object("a")
    bucket.get_object_meta("a")
    time.sleep(0.3)
    assert last_access(bucket, "a") == http_date(read_at)
    # PutObjectACL updates it at once.
    bucket.put_object_acl("a", oss2.OBJECT_ACL_PUBLIC_READ)
    acl_at = read_at + 2 * DAY
    assert last_access(bucket, "a") == http_date(acl_at)
    # An overwrite is a new object: its Last-Modified is its last access time.
    srv.clock(advanceSeconds=60)
    bucket.put_object("a", b"again")
    assert last_access(bucket, "a") == http_date(acl_at + 60)
    # Enabling again keeps the first instant; disabling removes the header.
    bucket.put_bucket_access_monitor("Enabled")
    bucket.put_object("b", b"b")
    assert last_access(bucket, "b") == http_date(acl_at + 60)
    bucket.put_bucket_access_monitor("Disabled")
    assert "x-oss-last-access-time" not in bucket.head_object("a").headers
    assert bucket.get_bucket_info().access_monitor == "Disabled"


def test_a_read_through_a_symlink_updates_its_target(srv):
    bucket = make_bucket(srv, "atime-symlink")
    bucket.put_object("target", b"t")
    bucket.put_symlink("target", "link")
    bucket.put_bucket_access_monitor("Enabled")
    srv.clock(advanceSeconds=2 * DAY)
    assert bucket.get_object("link").read() == b"t"
    assert eventually(lambda: last_access(bucket, "target"), http_date(T0 + 2 * DAY)) == http_date(T0 + 2 * DAY)


def test_last_access_time_through_v2_get_object_meta(srv):
    client = v2_client(srv)
    name = "atime-v2"
    client.put_bucket(oss.PutBucketRequest(bucket=name))
    client.put_object(oss.PutObjectRequest(bucket=name, key="k", body=b"data"))
    srv.clock(advanceSeconds=120)
    client.put_bucket_access_monitor(oss.PutBucketAccessMonitorRequest(
        bucket=name, access_monitor_configuration=oss.AccessMonitorConfiguration(status="Enabled")))
    meta = client.get_object_meta(oss.GetObjectMetaRequest(bucket=name, key="k"))
    assert meta.last_access_time == datetime.datetime.fromtimestamp(T0 + 120, datetime.timezone.utc)
    got = client.get_bucket_access_monitor(oss.GetBucketAccessMonitorRequest(bucket=name))
    assert got.access_monitor_configuration.status == "Enabled"


# ---------------------------------------------------------------- lifecycle by last access time

def test_access_time_rules_need_tracking_and_keep_it_on(srv):
    bucket = make_bucket(srv, "atime-rules")
    e = assert_oss_error(400, "InvalidArgument", bucket.put_bucket_lifecycle, ACCESS_TIME_RULE)
    assert e.details.get("EC") == "0014-00000016"
    srv.clock(advanceSeconds=5)
    bucket.put_bucket_access_monitor("Enabled")
    bucket.put_bucket_lifecycle(ACCESS_TIME_RULE)
    # GET answers AtimeBase, the time tracking was enabled, in the rule.
    rule = bucket.get_bucket_lifecycle().rules[0]
    assert rule.atime_base == T0 + 5
    transition = rule.storage_transitions[0]
    assert (transition.is_access_time, transition.return_to_std_when_visit) == (True, True)
    resp = raw_request(srv.endpoint, "GET", bucket.bucket_name, query={"lifecycle": None})
    rule_xml = ET.fromstring(resp.content).find("Rule")
    assert [child.tag for child in rule_xml][-1] == "AtimeBase" and rule_xml.findtext("AtimeBase") == str(T0 + 5)
    # Disabling is refused while the rule exists; allowed once it is gone.
    assert_oss_error(400, "InvalidArgument", bucket.put_bucket_access_monitor, "Disabled")
    assert bucket.get_bucket_access_monitor().access_monitor.status == "Enabled"
    bucket.delete_bucket_lifecycle()
    bucket.put_bucket_access_monitor("Disabled")
    assert bucket.get_bucket_access_monitor().access_monitor.status == "Disabled"


def test_transition_by_last_access_time_and_return_to_standard_on_read(srv):
    bucket = make_bucket(srv, "atime-sweep")
    bucket.put_bucket_access_monitor("Enabled")  # T0
    for key in ("cold/idle", "cold/read", "warm/idle"):
        bucket.put_object(key, b"x")
    bucket.put_bucket_lifecycle(ACCESS_TIME_RULE)
    srv.clock(advanceSeconds=2 * DAY)
    bucket.get_object("cold/read").read()
    assert eventually(lambda: last_access(bucket, "cold/read"), http_date(T0 + 2 * DAY)) == http_date(T0 + 2 * DAY)
    # Three days after the midnight following T0 the idle object moves; the one read at T0 + 2 days does not.
    srv.clock(advanceSeconds=int(2.5 * DAY))
    storage = {key: bucket.head_object(key).headers["x-oss-storage-class"]
               for key in ("cold/idle", "cold/read", "warm/idle")}
    assert storage == {"cold/idle": "IA", "cold/read": "Standard", "warm/idle": "Standard"}
    # ReturnToStdWhenVisit: a read brings it back to Standard (asynchronously, as OSS does); a HEAD does not.
    time.sleep(0.3)
    assert bucket.head_object("cold/idle").headers["x-oss-storage-class"] == "IA"
    assert bucket.get_object("cold/idle").read() == b"x"
    assert eventually(lambda: bucket.head_object("cold/idle").headers["x-oss-storage-class"],
                      "Standard") == "Standard"


# ---------------------------------------------------------------- storage quota

def quota_xml(srv, name):
    resp = raw_request(srv.endpoint, "GET", name, query={"quota": None})
    assert resp.status_code == 200, resp.content
    root = ET.fromstring(resp.content)
    assert root.tag == "QuotaConfiguration"
    return [(child.tag, child.text) for child in root]


def test_storage_quota_put_get_delete_v2(srv):
    client = v2_client(srv)
    name = "quota-v2"
    client.put_bucket(oss.PutBucketRequest(bucket=name))
    client.put_object(oss.PutObjectRequest(bucket=name, key="a", body=b"12345"))
    client.put_object(oss.PutObjectRequest(bucket=name, key="b", body=b"1234567"))
    put = client.put_bucket_storage_quota(oss.PutBucketStorageQuotaRequest(
        bucket=name, quota_configuration=oss.QuotaConfiguration(storage_quota=1048576, mode="Strict")))
    assert put.status_code == 200
    got = client.get_bucket_storage_quota(oss.GetBucketStorageQuotaRequest(bucket=name)).quota_configuration
    assert (got.storage_quota, got.mode, got.current_usage) == (1048576, "Strict", 12)
    assert quota_xml(srv, name) == [("StorageQuota", "1048576"), ("Mode", "Strict"), ("CurrentUsage", "12")]
    # The usage is counted at each GET.
    client.delete_object(oss.DeleteObjectRequest(bucket=name, key="a"))
    got = client.get_bucket_storage_quota(oss.GetBucketStorageQuotaRequest(bucket=name)).quota_configuration
    assert got.current_usage == 7
    # Replaced whole; Warning mode.
    client.put_bucket_storage_quota(oss.PutBucketStorageQuotaRequest(
        bucket=name, quota_configuration=oss.QuotaConfiguration(storage_quota=10, mode="Warning")))
    assert quota_xml(srv, name) == [("StorageQuota", "10"), ("Mode", "Warning"), ("CurrentUsage", "7")]
    # A Strict quota is not enforced (OSS documents no error for it): a write beyond it succeeds.
    client.put_object(oss.PutObjectRequest(bucket=name, key="big", body=b"x" * 100))
    deleted = client.delete_bucket_storage_quota(oss.DeleteBucketStorageQuotaRequest(bucket=name))
    assert deleted.status_code == 204
    assert quota_xml(srv, name) == [("CurrentUsage", "107")]


@pytest.mark.parametrize("body", [
    b"<QuotaConfiguration><StorageQuota>0</StorageQuota><Mode>Strict</Mode></QuotaConfiguration>",
    b"<QuotaConfiguration><StorageQuota>-5</StorageQuota></QuotaConfiguration>",
    b"<QuotaConfiguration><StorageQuota>1.5</StorageQuota></QuotaConfiguration>",
    b"<QuotaConfiguration><StorageQuota>100</StorageQuota><Mode>strict</Mode></QuotaConfiguration>",
])
def test_storage_quota_refuses_invalid_values(srv, body):
    name = "quota-invalid"
    srv.bucket(name).create_bucket()
    resp = raw_request(srv.endpoint, "PUT", name, query={"quota": None}, data=body)
    assert resp.status_code == 400 and b"<Code>InvalidArgument</Code>" in resp.content, resp.content
    assert quota_xml(srv, name) == [("CurrentUsage", "0")]


def test_storage_quota_malformed_and_missing_bucket(srv):
    client = v2_client(srv)
    name = "quota-malformed"
    client.put_bucket(oss.PutBucketRequest(bucket=name))
    resp = raw_request(srv.endpoint, "PUT", name, query={"quota": None},
                       data=b"<QuotaConfiguration><Mode>Strict</Mode></QuotaConfiguration>")
    assert resp.status_code == 400 and b"<Code>MalformedXML</Code>" in resp.content
    assert_service_error(404, "NoSuchBucket", client.get_bucket_storage_quota,
                         oss.GetBucketStorageQuotaRequest(bucket="quota-nobucket"))
