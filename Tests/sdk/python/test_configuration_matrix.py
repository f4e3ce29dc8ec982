"""Gaps of the configuration matrix (protocol notes `bucket-configuration-and-access.md`): the alibabacloud-oss-v2
calls no other file makes (PutBucketInventory, DeleteAccessPointPolicy, DeleteBucketWebsite, DeleteBucketLogging,
DeleteBucketPublicAccessBlock), and the lifecycle rules the runtime tests do not drive yet: `CreatedBeforeDate`,
tag filters, storage transitions of current objects, and `x-oss-expiration` on GET in OSS's exact form
(`expiry-date="<RFC 1123 date>", rule-id="<id>"`, §4.1).
"""

import calendar
import datetime
import email.utils

import alibabacloud_oss_v2 as oss
import oss2
import pytest
from oss2.models import BucketLifecycle, LifecycleExpiration, LifecycleRule, StorageTransition, TaggingRule, Tagging

from conftest import cleanup_bucket, unique_bucket_name
from localoss_helpers import assert_error, assert_service_error, raw_request
from test_control_observe import Control, start  # noqa: F401 - the fixture is used by name

ACCOUNT = "1305433975557637"
ROLE = "acs:ram::%s:role/AliyunOSSRole" % ACCOUNT
DAY = 86400


@pytest.fixture
def v2_bucket(server, client):
    name = unique_bucket_name("matrix")
    client.put_bucket(oss.PutBucketRequest(bucket=name))
    yield name
    cleanup_bucket(server.endpoint, name)


# --- alibabacloud-oss-v2 calls not made elsewhere ------------------------------------------------------------

def test_inventory_put_get_list_delete_v2(client, v2_bucket):
    config = oss.InventoryConfiguration(
        id="v2-report", is_enabled=True,
        destination=oss.InventoryDestination(oss_bucket_destination=oss.InventoryOSSBucketDestination(
            format="CSV", account_id=ACCOUNT, role_arn=ROLE, bucket="acs:oss:::dest-bucket", prefix="reports/")),
        schedule=oss.InventorySchedule(frequency="Weekly"),
        filter=oss.InventoryFilter(prefix="logs/"),
        included_object_versions="Current",
        optional_fields=oss.OptionalFields(fields=["Size", "LastModifiedDate"]))
    result = client.put_bucket_inventory(oss.PutBucketInventoryRequest(
        bucket=v2_bucket, inventory_id="v2-report", inventory_configuration=config))
    assert result.status_code == 200
    got = client.get_bucket_inventory(oss.GetBucketInventoryRequest(
        bucket=v2_bucket, inventory_id="v2-report")).inventory_configuration
    assert (got.id, got.is_enabled, got.included_object_versions) == ("v2-report", True, "Current")
    dest = got.destination.oss_bucket_destination
    assert (dest.format, dest.account_id, dest.role_arn, dest.bucket, dest.prefix) == (
        "CSV", ACCOUNT, ROLE, "acs:oss:::dest-bucket", "reports/")
    assert got.schedule.frequency == "Weekly" and got.filter.prefix == "logs/"
    assert got.optional_fields.fields == ["Size", "LastModifiedDate"]
    listed = client.list_bucket_inventory(oss.ListBucketInventoryRequest(
        bucket=v2_bucket)).list_inventory_configurations_result
    assert [c.id for c in listed.inventory_configurations] == ["v2-report"]
    assert client.delete_bucket_inventory(oss.DeleteBucketInventoryRequest(
        bucket=v2_bucket, inventory_id="v2-report")).status_code == 204
    assert_service_error(404, "NoSuchInventory", client.get_bucket_inventory,
                         oss.GetBucketInventoryRequest(bucket=v2_bucket, inventory_id="v2-report"))


def test_access_point_policy_delete_v2(client, v2_bucket):
    client.create_access_point(oss.CreateAccessPointRequest(
        bucket=v2_bucket, create_access_point_configuration=oss.CreateAccessPointConfiguration(
            access_point_name="ap-del", network_origin="internet")))
    policy = '{"Version":"1","Statement":[]}'
    client.put_access_point_policy(oss.PutAccessPointPolicyRequest(
        bucket=v2_bucket, access_point_name="ap-del", body=policy))
    assert client.delete_access_point_policy(oss.DeleteAccessPointPolicyRequest(
        bucket=v2_bucket, access_point_name="ap-del")).status_code == 204
    assert_service_error(404, "NoSuchAccessPointPolicy", client.get_access_point_policy,
                         oss.GetAccessPointPolicyRequest(bucket=v2_bucket, access_point_name="ap-del"))
    client.delete_access_point(oss.DeleteAccessPointRequest(bucket=v2_bucket, access_point_name="ap-del"))


def test_website_and_logging_delete_v2(client, v2_bucket):
    client.put_bucket_website(oss.PutBucketWebsiteRequest(
        bucket=v2_bucket, website_configuration=oss.WebsiteConfiguration(
            index_document=oss.IndexDocument(suffix="index.html"),
            error_document=oss.ErrorDocument(key="error.html"))))
    got = client.get_bucket_website(oss.GetBucketWebsiteRequest(bucket=v2_bucket)).website_configuration
    assert (got.index_document.suffix, got.error_document.key) == ("index.html", "error.html")
    assert client.delete_bucket_website(oss.DeleteBucketWebsiteRequest(bucket=v2_bucket)).status_code == 204
    assert_service_error(404, "NoSuchWebsiteConfiguration", client.get_bucket_website,
                         oss.GetBucketWebsiteRequest(bucket=v2_bucket))

    client.put_bucket_logging(oss.PutBucketLoggingRequest(
        bucket=v2_bucket, bucket_logging_status=oss.BucketLoggingStatus(logging_enabled=oss.LoggingEnabled(
            target_bucket=v2_bucket, target_prefix="access/"))))
    enabled = client.get_bucket_logging(oss.GetBucketLoggingRequest(
        bucket=v2_bucket)).bucket_logging_status.logging_enabled
    assert (enabled.target_bucket, enabled.target_prefix) == (v2_bucket, "access/")
    assert client.delete_bucket_logging(oss.DeleteBucketLoggingRequest(bucket=v2_bucket)).status_code == 204
    # §4.5: without a configuration GET answers an empty BucketLoggingStatus, not an error.
    status = client.get_bucket_logging(oss.GetBucketLoggingRequest(bucket=v2_bucket)).bucket_logging_status
    assert status.logging_enabled is None


def test_bucket_public_access_block_delete_v2(client, v2_bucket):
    client.put_bucket_public_access_block(oss.PutBucketPublicAccessBlockRequest(
        bucket=v2_bucket, public_access_block_configuration=oss.PublicAccessBlockConfiguration(
            block_public_access=True)))
    got = client.get_bucket_public_access_block(oss.GetBucketPublicAccessBlockRequest(bucket=v2_bucket))
    assert got.public_access_block_configuration.block_public_access is True
    assert client.delete_bucket_public_access_block(oss.DeleteBucketPublicAccessBlockRequest(
        bucket=v2_bucket)).status_code == 204
    got = client.get_bucket_public_access_block(oss.GetBucketPublicAccessBlockRequest(bucket=v2_bucket))
    assert got.public_access_block_configuration.block_public_access is False


# --- lifecycle at run time -----------------------------------------------------------------------------------

def lifecycle_server(start):  # noqa: F811
    # The SDK signs with the real time, so a clock moved by days needs a wide skew window.
    return start("--max-skew", str(400 * DAY), "--lifecycle-interval", "0")


def sweep(srv):
    reply = srv.http.post(srv.url("lifecycle/run"), timeout=30)
    assert reply.status_code == 200, reply.text
    return reply.json()


def last_modified(bucket, key):
    return calendar.timegm(email.utils.parsedate(bucket.head_object(key).headers["Last-Modified"]))


def next_midnight(seconds):
    return (seconds // DAY + 1) * DAY


def test_x_oss_expiration_on_get_is_the_documented_form(start):  # noqa: F811
    srv = lifecycle_server(start)
    bucket = srv.bucket("lifecycle-header")
    bucket.create_bucket()
    bucket.put_object("logs/a", b"a")
    bucket.put_bucket_lifecycle(BucketLifecycle([
        LifecycleRule("in-three-days", "logs/", status=LifecycleRule.ENABLED,
                      expiration=LifecycleExpiration(days=3))]))
    due = next_midnight(last_modified(bucket, "logs/a")) + 3 * DAY
    want = 'expiry-date="%s", rule-id="in-three-days"' % email.utils.formatdate(due, usegmt=True)
    assert bucket.get_object("logs/a").headers["x-oss-expiration"] == want
    assert bucket.head_object("logs/a").headers["x-oss-expiration"] == want


def test_created_before_date_expires_what_was_modified_before_it(start):  # noqa: F811
    srv = lifecycle_server(start)
    bucket = srv.bucket("lifecycle-before")
    bucket.create_bucket()
    bucket.put_object("old", b"o")
    cutoff = next_midnight(last_modified(bucket, "old"))
    srv.clock(advanceSeconds=DAY + 60)  # past the cutoff: what is written now is newer than it
    bucket.put_object("new", b"n")
    cutoff_date = datetime.datetime.fromtimestamp(cutoff, datetime.timezone.utc).date()
    bucket.put_bucket_lifecycle(BucketLifecycle([
        LifecycleRule("before", "", status=LifecycleRule.ENABLED,
                      expiration=LifecycleExpiration(created_before_date=cutoff_date))]))
    assert bucket.get_bucket_lifecycle().rules[0].expiration.created_before_date == cutoff_date
    assert sweep(srv)["expiredObjects"] == 1
    assert not bucket.object_exists("old")
    assert bucket.get_object("new").read() == b"n"


def test_a_tag_filter_expires_only_the_tagged_objects(start):  # noqa: F811
    srv = lifecycle_server(start)
    bucket = srv.bucket("lifecycle-tags")
    bucket.create_bucket()
    bucket.put_object("tagged", b"t", headers={"x-oss-tagging": "temp=yes&team=a"})
    bucket.put_object("other-value", b"o", headers={"x-oss-tagging": "temp=no"})
    bucket.put_object("untagged", b"u")
    rules = TaggingRule()
    rules.add("temp", "yes")
    bucket.put_bucket_lifecycle(BucketLifecycle([
        LifecycleRule("temp-files", "", status=LifecycleRule.ENABLED, tagging=Tagging(rules),
                      expiration=LifecycleExpiration(days=1))]))
    assert bucket.get_bucket_lifecycle().rules[0].tagging.tag_set.tagging_rule == {"temp": "yes"}
    assert "x-oss-expiration" not in bucket.head_object("untagged").headers
    srv.clock(advanceSeconds=2 * DAY + 60)
    assert not bucket.object_exists("tagged")
    assert bucket.get_object("other-value").read() == b"o"
    assert bucket.get_object("untagged").read() == b"u"


def test_a_transition_moves_current_objects_to_the_storage_class(start):  # noqa: F811
    srv = lifecycle_server(start)
    bucket = srv.bucket("lifecycle-transition")
    bucket.create_bucket()
    bucket.put_object("cold/a", b"a" * 10)
    bucket.put_object("hot/b", b"b")
    bucket.put_bucket_lifecycle(BucketLifecycle([
        LifecycleRule("to-ia", "cold/", status=LifecycleRule.ENABLED,
                      storage_transitions=[StorageTransition(days=2, storage_class=oss2.BUCKET_STORAGE_CLASS_IA),
                                           StorageTransition(days=5,
                                                             storage_class=oss2.BUCKET_STORAGE_CLASS_ARCHIVE)])]))
    assert bucket.head_object("cold/a").headers["x-oss-storage-class"] == "Standard"
    srv.clock(advanceSeconds=3 * DAY + 60)
    assert bucket.head_object("cold/a").headers["x-oss-storage-class"] == "IA"
    assert bucket.get_object("cold/a").read() == b"a" * 10  # IA stays readable
    assert bucket.head_object("hot/b").headers["x-oss-storage-class"] == "Standard"
    srv.clock(advanceSeconds=3 * DAY)
    assert bucket.head_object("cold/a").headers["x-oss-storage-class"] == "Archive"
    # An Archive object needs a restore before it can be read (§ objects: 403 InvalidObjectState).
    with pytest.raises(oss2.exceptions.ServerError) as raised:
        bucket.get_object("cold/a")
    assert (raised.value.status, raised.value.code) == (403, "InvalidObjectState")
