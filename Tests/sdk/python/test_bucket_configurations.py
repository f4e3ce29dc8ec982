"""Bucket configurations stored and returned through oss2 and alibabacloud-oss-v2: put, get, delete, and what a
bucket that never had one answers.

Rules: protocol notes `bucket-configuration-and-access.md` §4.0 (GET when nothing is configured: lifecycle 404
NoSuchLifecycle, website 404 NoSuchWebsiteConfiguration, policy 404 NoSuchBucketPolicy, encryption 404
NoSuchServerSideEncryptionRule EC 0005-00000004; referer, logging, publicAccessBlock, accessmonitor, resourceGroup,
httpsConfig, bucketArchiveDirectRead answer a default document), §4.1 lifecycle (rule order and Transition order
kept; Prefix always present; overlap of the same action refused unless x-oss-allow-same-action-overlap; expiration
days after transition days; a Standard transition is InvalidArgument; dates mixed with days InvalidRequest), §4.3
referer (AllowTruncateQueryString defaults to true; values verbatim; no DELETE), §4.4 website (echoed as sent),
§4.5 logging (disabled = empty BucketLoggingStatus; target must exist), §4.6 policy (byte for byte; IsPublic for an
Allow with principal *), §4.7 Block Public Access (false by default and after DELETE), §4.8 encryption (unknown
algorithm InvalidEncryptionAlgorithmError; AES256 with a key id InvalidArgument), §4.12, §4.14 (unknown group id 400
ResourceGroupIdPreCheckError), §4.15 (versions de-duplicated; Enable without versions MalformedXML), §4.16, §4.17,
§4.19.1 GetBucketStat (computed live; new bucket all 0), §4.19.3 DescribeRegions.
"""

import datetime
import json

import alibabacloud_oss_v2 as oss
import oss2
import pytest
from oss2.models import (AbortMultipartUpload, BucketLifecycle, BucketLogging, BucketReferer, BucketWebsite,
                         LifecycleExpiration, LifecycleRule, StorageTransition)

from conftest import cleanup_bucket, unique_bucket_name
from localoss_helpers import ACCESS_KEY_ID, ACCESS_KEY_SECRET, assert_error, assert_oss_error, assert_service_error, parse_error, raw_request


@pytest.fixture
def v2_bucket(server, client):
    name = unique_bucket_name("cfg")
    client.put_bucket(oss.PutBucketRequest(bucket=name))
    yield name
    cleanup_bucket(server.endpoint, name)


# --- not configured ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("query,code", [
    ("lifecycle", "NoSuchLifecycle"),
    ("website", "NoSuchWebsiteConfiguration"),
    ("policy", "NoSuchBucketPolicy"),
    ("encryption", "NoSuchServerSideEncryptionRule"),
    ("overwriteConfig", "NoSuchOverwriteConfiguration"),
])
def test_not_configured_is_404(server, bucket, query, code):
    resp = raw_request(server.endpoint, "GET", bucket.bucket_name, query={query: ""})
    err = assert_error(resp, 404, code)
    assert err.get("BucketName") == bucket.bucket_name
    if query == "encryption":
        assert err.get("EC") == "0005-00000004"


def test_not_configured_through_oss2(bucket):
    with pytest.raises(oss2.exceptions.NoSuchLifecycle):
        bucket.get_bucket_lifecycle()
    with pytest.raises(oss2.exceptions.NoSuchWebsite):
        bucket.get_bucket_website()
    with pytest.raises(oss2.exceptions.NoSuchBucketPolicy):
        bucket.get_bucket_policy()
    with pytest.raises(oss2.exceptions.NoSuchServerSideEncryptionRule):
        bucket.get_bucket_encryption()


def test_not_configured_through_v2(client, v2_bucket):
    assert_service_error(404, "NoSuchLifecycle", client.get_bucket_lifecycle,
                         oss.GetBucketLifecycleRequest(bucket=v2_bucket))
    assert_service_error(404, "NoSuchWebsiteConfiguration", client.get_bucket_website,
                         oss.GetBucketWebsiteRequest(bucket=v2_bucket))
    assert_service_error(404, "NoSuchBucketPolicy", client.get_bucket_policy,
                         oss.GetBucketPolicyRequest(bucket=v2_bucket))
    err = assert_service_error(404, "NoSuchServerSideEncryptionRule", client.get_bucket_encryption,
                               oss.GetBucketEncryptionRequest(bucket=v2_bucket))
    assert err.ec == "0005-00000004"


def test_default_documents_through_v2(client, v2_bucket):
    referer = client.get_bucket_referer(oss.GetBucketRefererRequest(bucket=v2_bucket)).referer_configuration
    assert referer.allow_empty_referer is True
    assert referer.allow_truncate_query_string is True
    assert not (referer.referer_list and referer.referer_list.referers)
    logging = client.get_bucket_logging(oss.GetBucketLoggingRequest(bucket=v2_bucket))
    assert logging.bucket_logging_status.logging_enabled is None
    block = client.get_bucket_public_access_block(oss.GetBucketPublicAccessBlockRequest(bucket=v2_bucket))
    assert block.public_access_block_configuration.block_public_access is False
    monitor = client.get_bucket_access_monitor(oss.GetBucketAccessMonitorRequest(bucket=v2_bucket))
    assert monitor.access_monitor_configuration.status == "Disabled"
    group = client.get_bucket_resource_group(oss.GetBucketResourceGroupRequest(bucket=v2_bucket))
    assert group.bucket_resource_group_configuration.resource_group_id
    https = client.get_bucket_https_config(oss.GetBucketHttpsConfigRequest(bucket=v2_bucket))
    assert https.https_configuration.tls.enable is False
    assert not https.https_configuration.tls.tls_versions
    archive = client.get_bucket_archive_direct_read(oss.GetBucketArchiveDirectReadRequest(bucket=v2_bucket))
    assert archive.archive_direct_read_configuration.enabled is False
    status = client.get_bucket_policy_status(oss.GetBucketPolicyStatusRequest(bucket=v2_bucket))
    assert status.policy_status.is_public is False


def test_missing_bucket_wins_over_the_document(server):
    name = unique_bucket_name("gone")
    resp = raw_request(server.endpoint, "PUT", name, query={"lifecycle": ""}, data=b"not xml")
    assert_error(resp, 404, "NoSuchBucket")
    resp = raw_request(server.endpoint, "GET", name, query={"referer": ""})
    assert_error(resp, 404, "NoSuchBucket")


# --- lifecycle -----------------------------------------------------------------------------------------------

def test_lifecycle_round_trip_oss2(bucket):
    rule = LifecycleRule("delete logs", "logs/", status=LifecycleRule.ENABLED,
                         expiration=LifecycleExpiration(days=400))
    rule.storage_transitions = [StorageTransition(days=355, storage_class=oss2.BUCKET_STORAGE_CLASS_ARCHIVE),
                                StorageTransition(days=352, storage_class=oss2.BUCKET_STORAGE_CLASS_IA)]
    rule.abort_multipart_upload = AbortMultipartUpload(days=7)
    dated = LifecycleRule("by date", "old/", status=LifecycleRule.DISABLED,
                          expiration=LifecycleExpiration(created_before_date=datetime.date(2016, 12, 25)))
    bucket.put_bucket_lifecycle(BucketLifecycle([rule, dated]))
    got = bucket.get_bucket_lifecycle().rules
    assert [r.id for r in got] == ["delete logs", "by date"]
    assert (got[0].prefix, got[0].status, got[0].expiration.days) == ("logs/", "Enabled", 400)
    assert [(t.days, t.storage_class) for t in got[0].storage_transitions] == [(355, "Archive"), (352, "IA")]
    assert got[0].abort_multipart_upload.days == 7
    assert got[1].expiration.created_before_date == datetime.date(2016, 12, 25)
    assert got[1].status == "Disabled"
    assert bucket.delete_bucket_lifecycle().status == 204
    assert bucket.delete_bucket_lifecycle().status == 204
    with pytest.raises(oss2.exceptions.NoSuchLifecycle):
        bucket.get_bucket_lifecycle()


def test_lifecycle_legacy_date_is_echoed(bucket):
    rule = LifecycleRule("legacy", "a/", status=LifecycleRule.ENABLED,
                         expiration=LifecycleExpiration(date=datetime.date(2016, 12, 25)))
    bucket.put_bucket_lifecycle(BucketLifecycle([rule]))
    assert bucket.get_bucket_lifecycle().rules[0].expiration.date == datetime.date(2016, 12, 25)


def test_lifecycle_refusals_oss2(bucket):
    def put(*rules, headers=None):
        return bucket.put_bucket_lifecycle(BucketLifecycle(list(rules)), headers)

    first = LifecycleRule("r1", "p/", status=LifecycleRule.ENABLED, expiration=LifecycleExpiration(days=10))
    overlapping = LifecycleRule("r2", "p/2", status=LifecycleRule.ENABLED, expiration=LifecycleExpiration(days=20))
    e = assert_oss_error(400, "InvalidArgument", put, first, overlapping)
    assert e.message == "Overlap for same action type Expiration"
    assert e.ec == "0014-00000084"
    assert put(first, overlapping, headers={"x-oss-allow-same-action-overlap": "true"}).status == 200

    short = LifecycleRule("r3", "q/", status=LifecycleRule.ENABLED, expiration=LifecycleExpiration(days=3))
    short.storage_transitions = [StorageTransition(days=4, storage_class=oss2.BUCKET_STORAGE_CLASS_IA)]
    assert_oss_error(400, "InvalidArgument", put, short)

    standard = LifecycleRule("r4", "q/", status=LifecycleRule.ENABLED, expiration=LifecycleExpiration(days=30))
    standard.storage_transitions = [StorageTransition(days=5, storage_class=oss2.BUCKET_STORAGE_CLASS_STANDARD)]
    assert_oss_error(400, "InvalidArgument", put, standard)

    mixed = LifecycleRule("r5", "q/", status=LifecycleRule.ENABLED,
                          expiration=LifecycleExpiration(created_before_date=datetime.date(2016, 12, 25)))
    mixed.storage_transitions = [StorageTransition(days=356, storage_class=oss2.BUCKET_STORAGE_CLASS_IA)]
    assert_oss_error(400, "InvalidRequest", put, mixed)

    duplicate = LifecycleRule("r1", "other/", status=LifecycleRule.ENABLED, expiration=LifecycleExpiration(days=1))
    e = assert_oss_error(400, "InvalidArgument", put, first, duplicate)
    assert e.ec == "0014-00000020"


def test_lifecycle_malformed_bodies(server, bucket):
    for body in [b"<LifecycleConfiguration></LifecycleConfiguration>", b"not xml",
                 b"<LifecycleConfiguration><Rule><ID>x</ID><Prefix></Prefix><Status>On</Status>"
                 b"<Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>"]:
        resp = raw_request(server.endpoint, "PUT", bucket.bucket_name, query={"lifecycle": ""}, data=body)
        assert_error(resp, 400, "MalformedXML")


def test_lifecycle_round_trip_v2(client, v2_bucket):
    rules = [
        oss.LifecycleRule(id="v2", prefix="logs/", status="Enabled",
                          transitions=[oss.LifecycleRuleTransition(days=30, storage_class="IA")],
                          expiration=oss.LifecycleRuleExpiration(days=60),
                          tags=[oss.Tag(key="k", value="v")]),
        oss.LifecycleRule(id="mpu", prefix="", status="Enabled",
                          abort_multipart_upload=oss.LifecycleRuleAbortMultipartUpload(days=3),
                          filter=oss.LifecycleRuleFilter(object_size_greater_than=10,
                                                         nots=[oss.LifecycleRuleNot(prefix="keep/")])),
    ]
    result = client.put_bucket_lifecycle(oss.PutBucketLifecycleRequest(
        bucket=v2_bucket, lifecycle_configuration=oss.LifecycleConfiguration(rules=rules)))
    assert result.status_code == 200
    got = client.get_bucket_lifecycle(oss.GetBucketLifecycleRequest(bucket=v2_bucket)).lifecycle_configuration.rules
    assert [r.id for r in got] == ["v2", "mpu"]
    assert got[0].transitions[0].days == 30 and got[0].transitions[0].storage_class == "IA"
    assert got[0].expiration.days == 60
    assert (got[0].tags[0].key, got[0].tags[0].value) == ("k", "v")
    assert got[1].prefix in ("", None)  # pyv2 reads an empty <Prefix></Prefix> as None
    assert got[1].abort_multipart_upload.days == 3
    assert got[1].filter.object_size_greater_than == 10
    assert got[1].filter.nots[0].prefix == "keep/"
    assert client.delete_bucket_lifecycle(oss.DeleteBucketLifecycleRequest(bucket=v2_bucket)).status_code == 204


# --- referer ---------------------------------------------------------------------------------------------------

def test_referer_round_trip_oss2(server, bucket):
    got = bucket.get_bucket_referer()
    assert got.allow_empty_referer is True and got.referers == []
    values = ["http://www.aliyun.com", "https://www.?.aliyuncs.com", "mibrowser:home", "中文+referer"]
    bucket.put_bucket_referer(BucketReferer(False, values))
    got = bucket.get_bucket_referer()
    assert got.allow_empty_referer is False
    assert got.referers == values
    assert got.allow_truncate_query_string is True
    bucket.put_bucket_referer(BucketReferer(True, [], allow_truncate_query_string=False,
                                            black_referers=["https://*.hack.com"]))
    got = bucket.get_bucket_referer()
    assert (got.allow_empty_referer, got.referers, got.allow_truncate_query_string) == (True, [], False)
    assert got.black_referers == ["https://*.hack.com"]
    # No DeleteBucketReferer exists.
    resp = raw_request(server.endpoint, "DELETE", bucket.bucket_name, query={"referer": ""})
    assert resp.status_code in (400, 405)


def test_referer_refusals(server, bucket):
    for body, ec in [(b"<RefererConfiguration><RefererList/></RefererConfiguration>", "0033-00000002"),
                     (b"<RefererConfiguration><AllowEmptyReferer>32</AllowEmptyReferer></RefererConfiguration>",
                      "0033-00000003")]:
        resp = raw_request(server.endpoint, "PUT", bucket.bucket_name, query={"referer": ""}, data=body)
        err = assert_error(resp, 400, "MalformedXML")
        assert err.get("EC") == ec


def test_referer_round_trip_v2(client, v2_bucket):
    config = oss.RefererConfiguration(allow_empty_referer=False, allow_truncate_query_string=True,
                                      truncate_path=True,
                                      referer_list=oss.RefererList(referers=["http://www.aliyun.com"]),
                                      referer_blacklist=oss.RefererBlacklist(referers=["http://evil.com"]))
    client.put_bucket_referer(oss.PutBucketRefererRequest(bucket=v2_bucket, referer_configuration=config))
    got = client.get_bucket_referer(oss.GetBucketRefererRequest(bucket=v2_bucket)).referer_configuration
    assert got.allow_empty_referer is False and got.truncate_path is True
    assert got.referer_list.referers == ["http://www.aliyun.com"]
    assert got.referer_blacklist.referers == ["http://evil.com"]


# --- website ---------------------------------------------------------------------------------------------------

def test_website_round_trip_oss2(bucket):
    bucket.put_bucket_website(BucketWebsite("index.html", "error.html"))
    got = bucket.get_bucket_website()
    assert (got.index_file, got.error_file) == ("index.html", "error.html")
    assert bucket.delete_bucket_website().status == 204
    assert bucket.delete_bucket_website().status == 204
    with pytest.raises(oss2.exceptions.NoSuchWebsite):
        bucket.get_bucket_website()


def test_website_echoes_exactly_what_was_sent_v2(server, client, v2_bucket):
    config = oss.WebsiteConfiguration(
        index_document=oss.IndexDocument(suffix="index.html", support_sub_dir=True, type=0),
        error_document=oss.ErrorDocument(key="error.html", http_status=404))
    client.put_bucket_website(oss.PutBucketWebsiteRequest(bucket=v2_bucket, website_configuration=config))
    got = client.get_bucket_website(oss.GetBucketWebsiteRequest(bucket=v2_bucket)).website_configuration
    assert got.index_document.suffix == "index.html"
    assert got.index_document.support_sub_dir is True and got.index_document.type == 0
    assert (got.error_document.key, got.error_document.http_status) == ("error.html", 404)
    assert got.routing_rules is None
    resp = raw_request(server.endpoint, "GET", v2_bucket, query={"website": ""})
    assert b"RoutingRules" not in resp.content


def test_website_refusals(server, bucket):
    for body in [b"<WebsiteConfiguration><IndexDocument><Suffix>a/b.html</Suffix></IndexDocument>"
                 b"</WebsiteConfiguration>",
                 b"<WebsiteConfiguration><IndexDocument><Suffix></Suffix></IndexDocument></WebsiteConfiguration>"]:
        resp = raw_request(server.endpoint, "PUT", bucket.bucket_name, query={"website": ""}, data=body)
        assert_error(resp, 400, "InvalidArgument")


# --- logging ---------------------------------------------------------------------------------------------------

def test_logging_round_trip_oss2(bucket):
    assert bucket.get_bucket_logging().target_bucket == ""
    bucket.put_bucket_logging(BucketLogging(bucket.bucket_name, "日志+/"))
    got = bucket.get_bucket_logging()
    assert (got.target_bucket, got.target_prefix) == (bucket.bucket_name, "日志+/")
    assert bucket.delete_bucket_logging().status == 204
    assert bucket.delete_bucket_logging().status == 204
    assert bucket.get_bucket_logging().target_bucket == ""


def test_logging_target_must_exist(bucket):
    e = assert_oss_error(400, "InvalidTargetBucketForLogging", bucket.put_bucket_logging,
                         BucketLogging(unique_bucket_name("nope"), "p"))
    assert e.ec == "0032-00000008"
    e = assert_oss_error(400, "InvalidTargetBucketForLogging", bucket.put_bucket_logging, BucketLogging("xx", "p"))
    assert e.ec == "0032-00000004"


def test_logging_round_trip_v2(client, v2_bucket):
    client.put_bucket_logging(oss.PutBucketLoggingRequest(
        bucket=v2_bucket, bucket_logging_status=oss.BucketLoggingStatus(
            logging_enabled=oss.LoggingEnabled(target_bucket=v2_bucket, target_prefix="log/"))))
    got = client.get_bucket_logging(oss.GetBucketLoggingRequest(bucket=v2_bucket)).bucket_logging_status
    assert (got.logging_enabled.target_bucket, got.logging_enabled.target_prefix) == (v2_bucket, "log/")
    client.put_bucket_logging(oss.PutBucketLoggingRequest(
        bucket=v2_bucket, bucket_logging_status=oss.BucketLoggingStatus()))
    got = client.get_bucket_logging(oss.GetBucketLoggingRequest(bucket=v2_bucket)).bucket_logging_status
    assert got.logging_enabled is None


# --- policy ----------------------------------------------------------------------------------------------------

PUBLIC_POLICY = ('{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:GetObject"],"Principal":["*"],'
                 '"Resource":["acs:oss:*:*:%s/*"]}]}')


def test_policy_round_trip_oss2(bucket):
    text = PUBLIC_POLICY % bucket.bucket_name
    bucket.put_bucket_policy(text)
    assert bucket.get_bucket_policy().policy == text
    assert bucket.delete_bucket_policy().status == 204
    with pytest.raises(oss2.exceptions.NoSuchBucketPolicy):
        bucket.get_bucket_policy()


def test_policy_is_byte_for_byte_and_status_v2(client, v2_bucket):
    text = PUBLIC_POLICY % v2_bucket
    client.put_bucket_policy(oss.PutBucketPolicyRequest(bucket=v2_bucket, body=text))
    assert client.get_bucket_policy(oss.GetBucketPolicyRequest(bucket=v2_bucket)).body == text
    status = client.get_bucket_policy_status(oss.GetBucketPolicyStatusRequest(bucket=v2_bucket))
    assert status.policy_status.is_public is True
    private = ('{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:GetObject"],'
               '"Principal":["1234567890"],"Resource":["acs:oss:*:*:%s/*"]}]}' % v2_bucket)
    client.put_bucket_policy(oss.PutBucketPolicyRequest(bucket=v2_bucket, body=private))
    status = client.get_bucket_policy_status(oss.GetBucketPolicyStatusRequest(bucket=v2_bucket))
    assert status.policy_status.is_public is False
    client.delete_bucket_policy(oss.DeleteBucketPolicyRequest(bucket=v2_bucket))
    assert_service_error(404, "NoSuchBucketPolicy", client.get_bucket_policy,
                         oss.GetBucketPolicyRequest(bucket=v2_bucket))


@pytest.mark.parametrize("text", ["not json", "[1, 2]", '{"Version":1,"Statement":[]}', '{"Version":"1"}'])
def test_policy_refusals(bucket, text):
    e = assert_oss_error(400, "InvalidPolicyDocument", bucket.put_bucket_policy, text)
    assert e.ec == "0030-00000005"


# --- public access block, encryption and the single-value configurations ---------------------------------------

def test_public_access_block_oss2(bucket):
    assert bucket.get_bucket_public_access_block().block_public_access is False
    bucket.put_bucket_public_access_block(True)
    assert bucket.get_bucket_public_access_block().block_public_access is True
    assert bucket.delete_bucket_public_access_block().status == 204
    assert bucket.get_bucket_public_access_block().block_public_access is False


def test_encryption_oss2(bucket):
    rule = oss2.models.ServerSideEncryptionRule()
    rule.sse_algorithm = oss2.SERVER_SIDE_ENCRYPTION_AES256
    rule.kms_master_keyid = "test"
    assert_oss_error(400, "InvalidArgument", bucket.put_bucket_encryption, rule)
    rule.sse_algorithm = "random"
    rule.kms_master_keyid = ""
    assert_oss_error(400, "InvalidEncryptionAlgorithmError", bucket.put_bucket_encryption, rule)
    rule.sse_algorithm = oss2.SERVER_SIDE_ENCRYPTION_KMS
    rule.kms_master_keyid = None
    bucket.put_bucket_encryption(rule)
    got = bucket.get_bucket_encryption()
    assert got.sse_algorithm == "KMS" and got.kms_master_keyid is None
    rule.kms_master_keyid = "test_wrong"
    bucket.put_bucket_encryption(rule)
    assert bucket.get_bucket_encryption().kms_master_keyid == "test_wrong"
    assert bucket.delete_bucket_encryption().status == 204
    with pytest.raises(oss2.exceptions.NoSuchServerSideEncryptionRule):
        bucket.get_bucket_encryption()


def test_encryption_v2(client, v2_bucket):
    client.put_bucket_encryption(oss.PutBucketEncryptionRequest(
        bucket=v2_bucket, server_side_encryption_rule=oss.ServerSideEncryptionRule(
            apply_server_side_encryption_by_default=oss.ApplyServerSideEncryptionByDefault(
                sse_algorithm="KMS", kms_data_encryption="SM4"))))
    got = client.get_bucket_encryption(oss.GetBucketEncryptionRequest(bucket=v2_bucket))
    rule = got.server_side_encryption_rule.apply_server_side_encryption_by_default
    assert (rule.sse_algorithm, rule.kms_data_encryption, rule.kms_master_key_id) == ("KMS", "SM4", None)
    assert client.delete_bucket_encryption(
        oss.DeleteBucketEncryptionRequest(bucket=v2_bucket)).status_code == 204


def test_single_value_configurations_v2(client, v2_bucket):
    client.put_bucket_public_access_block(oss.PutBucketPublicAccessBlockRequest(
        bucket=v2_bucket, public_access_block_configuration=oss.PublicAccessBlockConfiguration(
            block_public_access=True)))
    assert client.get_bucket_public_access_block(oss.GetBucketPublicAccessBlockRequest(
        bucket=v2_bucket)).public_access_block_configuration.block_public_access is True
    client.put_bucket_access_monitor(oss.PutBucketAccessMonitorRequest(
        bucket=v2_bucket, access_monitor_configuration=oss.AccessMonitorConfiguration(status="Enabled")))
    assert client.get_bucket_access_monitor(oss.GetBucketAccessMonitorRequest(
        bucket=v2_bucket)).access_monitor_configuration.status == "Enabled"
    client.put_bucket_archive_direct_read(oss.PutBucketArchiveDirectReadRequest(
        bucket=v2_bucket, archive_direct_read_configuration=oss.ArchiveDirectReadConfiguration(enabled=True)))
    assert client.get_bucket_archive_direct_read(oss.GetBucketArchiveDirectReadRequest(
        bucket=v2_bucket)).archive_direct_read_configuration.enabled is True
    group = client.get_bucket_resource_group(oss.GetBucketResourceGroupRequest(
        bucket=v2_bucket)).bucket_resource_group_configuration.resource_group_id
    client.put_bucket_resource_group(oss.PutBucketResourceGroupRequest(
        bucket=v2_bucket, bucket_resource_group_configuration=oss.BucketResourceGroupConfiguration(
            resource_group_id=group)))
    err = assert_service_error(400, "ResourceGroupIdPreCheckError", client.put_bucket_resource_group,
                               oss.PutBucketResourceGroupRequest(
                                   bucket=v2_bucket,
                                   bucket_resource_group_configuration=oss.BucketResourceGroupConfiguration(
                                       resource_group_id="rg-unknown")))
    assert err.ec == "0039-00000003"


def test_request_payment_and_transfer_acceleration_v2(client, v2_bucket):
    # §4.10: the owner pays until told otherwise; §4.11: acceleration is unset until put (404 its own code).
    payment = client.get_bucket_request_payment(oss.GetBucketRequestPaymentRequest(bucket=v2_bucket))
    assert payment.request_payment_configuration.payer == "BucketOwner"
    client.put_bucket_request_payment(oss.PutBucketRequestPaymentRequest(
        bucket=v2_bucket, request_payment_configuration=oss.RequestPaymentConfiguration(payer="Requester")))
    payment = client.get_bucket_request_payment(oss.GetBucketRequestPaymentRequest(bucket=v2_bucket))
    assert payment.request_payment_configuration.payer == "Requester"
    assert_service_error(404, "NoSuchTransferAccelerationConfiguration", client.get_bucket_transfer_acceleration,
                         oss.GetBucketTransferAccelerationRequest(bucket=v2_bucket))
    client.put_bucket_transfer_acceleration(oss.PutBucketTransferAccelerationRequest(
        bucket=v2_bucket, transfer_acceleration_configuration=oss.TransferAccelerationConfiguration(enabled=True)))
    got = client.get_bucket_transfer_acceleration(oss.GetBucketTransferAccelerationRequest(bucket=v2_bucket))
    assert got.transfer_acceleration_configuration.enabled is True


def test_single_value_configurations_oss2(bucket):
    assert bucket.get_bucket_access_monitor().access_monitor.status == "Disabled"
    bucket.put_bucket_access_monitor("Enabled")
    assert bucket.get_bucket_access_monitor().access_monitor.status == "Enabled"
    assert_oss_error(400, "MalformedXML", bucket.put_bucket_access_monitor, "On")
    bucket.put_bucket_archive_direct_read(True)
    assert bucket.get_bucket_archive_direct_read().enabled is True


def test_https_config_v2(client, v2_bucket):
    config = oss.HttpsConfiguration(tls=oss.TLS(enable=True, tls_versions=["TLSv1.2", "TLSv1.2", "TLSv1.3"]))
    client.put_bucket_https_config(oss.PutBucketHttpsConfigRequest(bucket=v2_bucket, https_configuration=config))
    got = client.get_bucket_https_config(oss.GetBucketHttpsConfigRequest(bucket=v2_bucket)).https_configuration
    assert got.tls.enable is True and got.tls.tls_versions == ["TLSv1.2", "TLSv1.3"]
    for tls in [oss.TLS(enable=True), oss.TLS(enable=True, tls_versions=["aaa"])]:
        assert_service_error(400, "MalformedXML", client.put_bucket_https_config, oss.PutBucketHttpsConfigRequest(
            bucket=v2_bucket, https_configuration=oss.HttpsConfiguration(tls=tls)))


def test_overwrite_config_v2(client, v2_bucket):
    config = oss.OverwriteConfiguration(rules=[
        oss.OverwriteRule(id="1", action="forbid", prefix="pre", suffix=".txt",
                          principals=oss.OverwritePrincipals(principals=["1234567890"])),
        oss.OverwriteRule(id="2", action="forbid")])
    client.put_bucket_overwrite_config(oss.PutBucketOverwriteConfigRequest(
        bucket=v2_bucket, overwrite_configuration=config))
    got = client.get_bucket_overwrite_config(oss.GetBucketOverwriteConfigRequest(
        bucket=v2_bucket)).overwrite_configuration.rules
    # pyv2 reads the empty <Prefix></Prefix> and <Suffix></Suffix> as None.
    assert [(r.id, r.action, r.prefix, r.suffix) for r in got] == [("1", "forbid", "pre", ".txt"),
                                                                    ("2", "forbid", None, None)]
    assert got[0].principals.principals == ["1234567890"]
    assert client.delete_bucket_overwrite_config(oss.DeleteBucketOverwriteConfigRequest(
        bucket=v2_bucket)).status_code == 204
    assert_service_error(404, "NoSuchOverwriteConfiguration", client.get_bucket_overwrite_config,
                         oss.GetBucketOverwriteConfigRequest(bucket=v2_bucket))


# --- read-only: stat, regions ----------------------------------------------------------------------------------

def test_bucket_stat_oss2(bucket):
    stat = bucket.get_bucket_stat()
    assert (stat.storage_size_in_bytes, stat.object_count, stat.multi_part_upload_count) == (0, 0, 0)
    assert stat.last_modified_time == 0
    bucket.put_object("a", b"1234567")
    bucket.put_object("b", b"xy", headers={"x-oss-storage-class": "IA"})
    bucket.created_keys.update(["a", "b"])
    upload = bucket.init_multipart_upload("m").upload_id
    bucket.upload_part("m", upload, 1, b"part")
    stat = bucket.get_bucket_stat()
    assert (stat.storage_size_in_bytes, stat.object_count, stat.multi_part_upload_count) == (9, 2, 1)
    assert (stat.standard_storage, stat.standard_object_count) == (7, 1)
    assert (stat.infrequent_access_storage, stat.infrequent_access_real_storage,
            stat.infrequent_access_object_count) == (65536, 2, 1)
    assert stat.archive_object_count == 0 and stat.cold_archive_object_count == 0
    assert stat.last_modified_time > 0
    bucket.abort_multipart_upload("m", upload)


def test_bucket_stat_v2(client, v2_bucket):
    stat = client.get_bucket_stat(oss.GetBucketStatRequest(bucket=v2_bucket))
    assert (stat.storage, stat.object_count, stat.multi_part_upload_count, stat.last_modified_time) == (0, 0, 0, 0)


def test_describe_regions(server, client):
    result = client.describe_regions(oss.DescribeRegionsRequest(regions="oss-cn-hangzhou"))
    infos = result.region_info
    assert len(infos) == 1
    assert infos[0].region == "oss-cn-hangzhou"
    assert infos[0].accelerate_endpoint == "oss-accelerate.aliyuncs.com"
    service = oss2.Service(oss2.Auth(ACCESS_KEY_ID, ACCESS_KEY_SECRET),
                           server.endpoint)
    listed = [r.region for r in service.describe_regions().regions]
    assert "oss-cn-hangzhou" in listed and "oss-cn-chengdu" in listed
    assert [r.region for r in service.describe_regions("oss-cn-chengdu").regions] == ["oss-cn-chengdu"]
    resp = raw_request(server.endpoint, "GET", query={"regions": "oss-nowhere"})
    assert_error(resp, 404, "NoSuchRegion")


# --- QoS and storage capacity ----------------------------------------------------------------------------------

def test_qos_info_oss2(server, bucket):
    service = oss2.Service(oss2.Auth(ACCESS_KEY_ID, ACCESS_KEY_SECRET), server.endpoint)
    user = service.get_user_qos_info()
    assert user.region == "oss-cn-hangzhou"
    assert user.total_upload_bw > 0 and user.total_download_bw > 0 and user.total_qps == -1
    got = bucket.get_bucket_qos_info()
    assert (got.total_upload_bw, got.intranet_qps) == (-1, -1)
    bucket.put_bucket_qos_info(oss2.models.BucketQosInfo(total_upload_bw=-1, intranet_upload_bw=2))
    got = bucket.get_bucket_qos_info()
    assert (got.total_upload_bw, got.intranet_upload_bw, got.extranet_upload_bw) == (-1, 2, -1)
    assert_oss_error(400, "InvalidArgument", bucket.put_bucket_qos_info,
                     oss2.models.BucketQosInfo(total_upload_bw=user.total_upload_bw + 1))
    assert_oss_error(400, "InvalidArgument", bucket.put_bucket_qos_info,
                     oss2.models.BucketQosInfo(total_download_bw=5, extranet_download_bw=6))
    assert bucket.delete_bucket_qos_info().status == 204


def test_storage_capacity_oss2(bucket):
    assert bucket.get_bucket_storage_capacity().storage_capacity == -1
    bucket.set_bucket_storage_capacity(oss2.models.BucketUserQos(100))
    assert bucket.get_bucket_storage_capacity().storage_capacity == 100
    assert_oss_error(400, "InvalidArgument", bucket.set_bucket_storage_capacity, oss2.models.BucketUserQos(-2))


def test_get_bucket_info_reports_the_configurations(client, v2_bucket):
    client.put_bucket_access_monitor(oss.PutBucketAccessMonitorRequest(
        bucket=v2_bucket, access_monitor_configuration=oss.AccessMonitorConfiguration(status="Enabled")))
    client.put_bucket_encryption(oss.PutBucketEncryptionRequest(
        bucket=v2_bucket, server_side_encryption_rule=oss.ServerSideEncryptionRule(
            apply_server_side_encryption_by_default=oss.ApplyServerSideEncryptionByDefault(
                sse_algorithm="KMS", kms_master_key_id="123"))))
    client.put_bucket_public_access_block(oss.PutBucketPublicAccessBlockRequest(
        bucket=v2_bucket, public_access_block_configuration=oss.PublicAccessBlockConfiguration(
            block_public_access=True)))
    info = client.get_bucket_info(oss.GetBucketInfoRequest(bucket=v2_bucket)).bucket_info
    assert info.access_monitor == "Enabled"
    assert info.sse_rule.sse_algorithm == "KMS" and info.sse_rule.kms_master_key_id == "123"
    assert info.block_public_access is True
    assert info.resource_group_id == "rg-default-id"


def test_account_public_access_block(server, client, v2_bucket):
    service = oss2.Service(oss2.Auth(ACCESS_KEY_ID, ACCESS_KEY_SECRET), server.endpoint)
    try:
        assert service.get_public_access_block().block_public_access is False
        service.put_public_access_block(True)
        assert service.get_public_access_block().block_public_access is True
        got = client.get_public_access_block(oss.GetPublicAccessBlockRequest())
        assert got.public_access_block_configuration.block_public_access is True
        # The bucket level is its own setting.
        assert client.get_bucket_public_access_block(oss.GetBucketPublicAccessBlockRequest(
            bucket=v2_bucket)).public_access_block_configuration.block_public_access is False
    finally:
        assert service.delete_public_access_block().status == 204
    assert service.get_public_access_block().block_public_access is False


def test_bucket_stat_counts_versions_and_delete_markers(bucket):
    bucket.put_bucket_versioning(oss2.models.BucketVersioningConfig("Enabled"))
    bucket.put_object("v", b"12345")
    bucket.put_object("v", b"123")
    bucket.delete_object("v")
    stat = bucket.get_bucket_stat()
    # Both versions are stored (8 bytes); the delete marker is counted apart (GetBucketStat notes, §4.19.1).
    assert (stat.object_count, stat.storage_size_in_bytes, stat.delete_marker_count) == (2, 8, 1)
