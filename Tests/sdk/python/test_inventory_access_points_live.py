"""Configurations a bucket holds many of (inventory configurations, access points, live channels), user-defined log
fields and the resource group of PutBucket, through oss2 and alibabacloud-oss-v2 against a real server.

Rules: protocol notes `bucket-configuration-and-access.md` §4.18 (inventory: Id equals inventoryId; unknown id and a
bucket without any 404 NoSuchInventory; 100 configurations a page, NextContinuationToken when truncated, the sent
ContinuationToken echoed), §1 and §4.7 (access points: CreateAccessPoint answers AccessPointArn and Alias,
GetAccessPoint names the point in x-oss-access-point-name, listings at bucket and service level, the policy kept
byte for byte, an unknown name 404 `Accesspoint not found`), §4.20 (live channels: publish and play URLs built from
the request's host, default playlist `playlist.m3u8`, listing in byte order with NextMarker, a new channel Idle with
no history, VOD playlists InvalidArgument without recordings, a missing channel 404 NoSuchLiveChannel, never an
object), §4.5 (userDefinedLogFieldsConfig), §4.14 (x-oss-resource-group-id on PutBucket and ListBuckets).
"""

import time
import xml.etree.ElementTree as ET

import alibabacloud_oss_v2 as oss
import oss2
import pytest
from oss2.models import (CreateAccessPointRequest, InventoryBucketDestination, InventoryConfiguration,
                         InventoryDestination, InventoryFilter, InventorySchedule, InventoryServerSideEncryptionOSS,
                         LiveChannelInfo, LiveChannelInfoTarget)

from conftest import cleanup_bucket, make_oss2_bucket, unique_bucket_name
from localoss_helpers import assert_error, assert_oss_error, assert_service_error, raw_request

ACCOUNT = "1305433975557637"
ROLE = "acs:ram::%s:role/AliyunOSSRole" % ACCOUNT
DECL = '<?xml version="1.0" encoding="UTF-8"?>\n'


@pytest.fixture
def v2_bucket(server, client):
    name = unique_bucket_name("named")
    client.put_bucket(oss.PutBucketRequest(bucket=name))
    yield name
    cleanup_bucket(server.endpoint, name)


def inventory_xml(inventory_id, frequency="Daily", versions="All", extra_filter=""):
    return ("<InventoryConfiguration><Id>%s</Id><IsEnabled>true</IsEnabled>"
            "<Destination><OSSBucketDestination><Format>CSV</Format><AccountId>%s</AccountId><RoleArn>%s</RoleArn>"
            "<Bucket>acs:oss:::dest-bucket</Bucket><Prefix>reports/</Prefix></OSSBucketDestination></Destination>"
            "<Schedule><Frequency>%s</Frequency></Schedule><Filter><Prefix>logs/</Prefix>%s</Filter>"
            "<IncludedObjectVersions>%s</IncludedObjectVersions>"
            "<OptionalFields><Field>Size</Field><Field>ETag</Field></OptionalFields></InventoryConfiguration>"
            % (inventory_id, ACCOUNT, ROLE, frequency, extra_filter, versions)).encode()


# --- inventory -----------------------------------------------------------------------------------------------

def test_inventory_round_trip_oss2(bucket):
    destination = InventoryBucketDestination(
        account_id=ACCOUNT, role_arn=ROLE, bucket=bucket.bucket_name, inventory_format="CSV", prefix="dest/",
        sse_oss_encryption=InventoryServerSideEncryptionOSS())
    config = InventoryConfiguration(
        inventory_id="report1", is_enabled=False, inventory_schedule=InventorySchedule(frequency="Weekly"),
        included_object_versions="Current",
        inventory_filter=InventoryFilter("obj/", 1637883649, 1638347592, 1024, 1048576, "Standard,IA"),
        optional_fields=["Size", "StorageClass"],
        inventory_destination=InventoryDestination(bucket_destination=destination))
    bucket.put_bucket_inventory_configuration(config)
    got = bucket.get_bucket_inventory_configuration("report1")
    assert (got.inventory_id, got.is_enabled, got.inventory_schedule.frequency) == ("report1", False, "Weekly")
    assert got.included_object_versions == "Current"
    f = got.inventory_filter
    assert (f.prefix, f.last_modify_begin_time_stamp, f.last_modify_end_time_stamp) == ("obj/", "1637883649",
                                                                                          "1638347592")
    assert (f.lower_size_bound, f.upper_size_bound, f.storage_class) == ("1024", "1048576", "IA,Standard")
    assert got.optional_fields == ["Size", "StorageClass"]
    d = got.inventory_destination.bucket_destination
    assert (d.account_id, d.role_arn, d.bucket, d.prefix) == (ACCOUNT, ROLE, bucket.bucket_name, "dest/")
    assert d.sse_oss_encryption is not None and d.sse_kms_encryption is None
    bucket.delete_bucket_inventory_configuration("report1")
    with pytest.raises(oss2.exceptions.NoSuchInventory):
        bucket.get_bucket_inventory_configuration("report1")


def test_inventory_document_in_oss_order(server, bucket):
    # Sent in another order, with the storage classes unsorted: written back in OSS's element order.
    body = inventory_xml("r2", extra_filter="<StorageClass>Archive,Standard,IA</StorageClass>")
    resp = raw_request(server.endpoint, "PUT", bucket.bucket_name, query={"inventory": "", "inventoryId": "r2"},
                       data=body)
    assert resp.status_code == 200, resp.content
    resp = raw_request(server.endpoint, "GET", bucket.bucket_name, query={"inventory": "", "inventoryId": "r2"})
    assert resp.status_code == 200
    assert resp.content.decode() == DECL + (
        "<InventoryConfiguration><Id>r2</Id><IsEnabled>true</IsEnabled>"
        "<Destination><OSSBucketDestination><Format>CSV</Format><AccountId>%s</AccountId><RoleArn>%s</RoleArn>"
        "<Bucket>acs:oss:::dest-bucket</Bucket><Prefix>reports/</Prefix></OSSBucketDestination></Destination>"
        "<Schedule><Frequency>Daily</Frequency></Schedule>"
        "<Filter><Prefix>logs/</Prefix><StorageClass>Archive,IA,Standard</StorageClass></Filter>"
        "<IncludedObjectVersions>All</IncludedObjectVersions>"
        "<OptionalFields><Field>Size</Field><Field>ETag</Field></OptionalFields></InventoryConfiguration>"
        % (ACCOUNT, ROLE))


@pytest.mark.parametrize("query_id,body,status,code", [
    ("other", inventory_xml("r1"), 400, "InvalidArgument"),
    ("r1", inventory_xml("r1", frequency="Hourly"), 400, "InvalidArgument"),
    ("r1", inventory_xml("r1", versions="Some"), 400, "InvalidArgument"),
    ("r1", inventory_xml("r1", extra_filter="<LowerSizeBound>10</LowerSizeBound><UpperSizeBound>5</UpperSizeBound>"),
     400, "InvalidArgument"),
    ("r1", inventory_xml("r1", extra_filter="<StorageClass>Gold</StorageClass>"), 400, "InvalidArgument"),
    ("r1", b"<InventoryConfiguration><Id>r1</Id><IsEnabled>true</IsEnabled></InventoryConfiguration>", 400,
     "MalformedXML"),
])
def test_inventory_refused(server, bucket, query_id, body, status, code):
    resp = raw_request(server.endpoint, "PUT", bucket.bucket_name,
                       query={"inventory": "", "inventoryId": query_id}, data=body)
    assert_error(resp, status, code)
    # Nothing was stored.
    resp = raw_request(server.endpoint, "GET", bucket.bucket_name, query={"inventory": ""})
    assert_error(resp, 404, "NoSuchInventory")


def test_inventory_put_needs_an_id(server, bucket):
    resp = raw_request(server.endpoint, "PUT", bucket.bucket_name, query={"inventory": ""}, data=inventory_xml("x"))
    assert_error(resp, 400, "InvalidArgument")


def test_inventory_pages_of_100_v2(server, client, v2_bucket):
    for i in range(103):
        resp = raw_request(server.endpoint, "PUT", v2_bucket,
                           query={"inventory": "", "inventoryId": "id-%03d" % i}, data=inventory_xml("id-%03d" % i))
        assert resp.status_code == 200
    first = client.list_bucket_inventory(oss.ListBucketInventoryRequest(bucket=v2_bucket))
    page = first.list_inventory_configurations_result
    assert [c.id for c in page.inventory_configurations] == ["id-%03d" % i for i in range(100)]
    assert page.is_truncated is True and page.next_continuation_token == "id-099"
    second = client.list_bucket_inventory(oss.ListBucketInventoryRequest(
        bucket=v2_bucket, continuation_token=page.next_continuation_token)).list_inventory_configurations_result
    assert [c.id for c in second.inventory_configurations] == ["id-100", "id-101", "id-102"]
    assert second.is_truncated is False and second.next_continuation_token is None
    one = client.get_bucket_inventory(oss.GetBucketInventoryRequest(bucket=v2_bucket, inventory_id="id-007"))
    cfg = one.inventory_configuration
    assert (cfg.id, cfg.is_enabled, cfg.schedule.frequency, cfg.filter.prefix) == ("id-007", True, "Daily", "logs/")
    assert cfg.destination.oss_bucket_destination.bucket == "acs:oss:::dest-bucket"
    client.delete_bucket_inventory(oss.DeleteBucketInventoryRequest(bucket=v2_bucket, inventory_id="id-007"))
    assert_service_error(404, "NoSuchInventory", client.get_bucket_inventory,
                         oss.GetBucketInventoryRequest(bucket=v2_bucket, inventory_id="id-007"))


def test_inventory_of_missing_bucket(server):
    resp = raw_request(server.endpoint, "GET", unique_bucket_name("gone"), query={"inventory": ""})
    assert_error(resp, 404, "NoSuchBucket")


# --- access points -------------------------------------------------------------------------------------------

def test_access_point_lifecycle_oss2(server, bucket, oss_auth):
    created = bucket.create_access_point(CreateAccessPointRequest("ap-one", "internet"))
    assert created.status == 200
    assert created.access_point_arn == "acs:oss:cn-hangzhou:%s:accesspoint/ap-one" % ACCOUNT
    assert created.alias.startswith("ap-one-") and created.alias.endswith("-ossalias")
    got = bucket.get_access_point("ap-one")
    assert (got.access_point_name, got.bucket, got.account_id) == ("ap-one", bucket.bucket_name, ACCOUNT)
    assert (got.network_origin, got.access_point_status) == ("internet", "enable")
    assert (got.access_point_arn, got.alias) == (created.access_point_arn, created.alias)
    assert got.endpoints.public_endpoint == "ap-one-%s.oss-cn-hangzhou.oss-accesspoint.aliyuncs.com" % ACCOUNT
    assert got.endpoints.internal_endpoint == \
        "ap-one-%s.oss-cn-hangzhou-internal.oss-accesspoint.aliyuncs.com" % ACCOUNT
    assert int(got.creation_date) > 0
    listed = bucket.list_bucket_access_points(max_keys=10)
    assert listed.max_keys == 10 and listed.is_truncated is False
    assert [(p.access_point_name, p.bucket, p.alias, p.status) for p in listed.access_points] == \
        [("ap-one", bucket.bucket_name, created.alias, "enable")]
    service = oss2.Service(oss_auth, server.endpoint)
    assert "ap-one" in [p.access_point_name for p in service.list_access_points(max_keys=100).access_points]

    policy = '{"Version":"1","Statement":[{"Action":["oss:GetObject"],"Effect":"Deny","Principal":["1"],' \
             '"Resource":["acs:oss:cn-hangzhou:1:accesspoint/ap-one/object/*"]}]}'
    assert bucket.put_access_point_policy("ap-one", policy).status == 200
    assert bucket.get_access_point_policy("ap-one").policy == policy
    assert bucket.delete_access_point_policy("ap-one").status == 204
    resp = raw_request(server.endpoint, "GET", bucket.bucket_name, query={"accessPointPolicy": ""},
                       headers={"x-oss-access-point-name": "ap-one"})
    assert_error(resp, 404, "NoSuchAccessPointPolicy")

    # The access point's own Block Public Access, off until set.
    assert bucket.get_access_point_public_access_block("ap-one").block_public_access is False
    bucket.put_access_point_public_access_block("ap-one", True)
    assert bucket.get_access_point_public_access_block("ap-one").block_public_access is True
    assert bucket.get_bucket_public_access_block().block_public_access is False
    bucket.delete_access_point_public_access_block("ap-one")
    assert bucket.get_access_point_public_access_block("ap-one").block_public_access is False

    assert bucket.delete_access_point("ap-one").status == 204
    assert bucket.list_bucket_access_points().access_points == []
    with pytest.raises(oss2.exceptions.ServerError) as raised:
        bucket.get_access_point("ap-one")
    assert (raised.value.status, raised.value.code, raised.value.message) == \
        (404, "NoSuchAccessPoint", "Accesspoint not found")


@pytest.mark.parametrize("method,query", [
    ("GET", {"accessPoint": ""}), ("DELETE", {"accessPoint": ""}), ("GET", {"accessPointPolicy": ""}),
    ("DELETE", {"accessPointPolicy": ""}),
])
def test_unknown_access_point(server, bucket, method, query):
    resp = raw_request(server.endpoint, method, bucket.bucket_name, query=query,
                       headers={"x-oss-access-point-name": "nope-ap"})
    err = assert_error(resp, 404, "NoSuchAccessPoint")
    assert err["Message"] == "Accesspoint not found"


def test_unknown_access_point_public_access_block(server, bucket):
    for method, data in (("GET", b""), ("DELETE", b""), ("PUT", b"<PublicAccessBlockConfiguration>"
                                                                b"<BlockPublicAccess>true</BlockPublicAccess>"
                                                                b"</PublicAccessBlockConfiguration>")):
        resp = raw_request(server.endpoint, method, bucket.bucket_name,
                           query={"publicAccessBlock": "", "x-oss-access-point-name": "nope-ap"}, data=data)
        assert assert_error(resp, 404, "NoSuchAccessPoint")["Message"] == "Accesspoint not found"
    # The bucket's own setting was not touched by the refused PUT.
    assert "<BlockPublicAccess>false</BlockPublicAccess>" in raw_request(
        server.endpoint, "GET", bucket.bucket_name, query={"publicAccessBlock": ""}).text


@pytest.mark.parametrize("body,code", [
    (b"<CreateAccessPointConfiguration><AccessPointName>Bad_Name</AccessPointName>"
     b"<NetworkOrigin>internet</NetworkOrigin></CreateAccessPointConfiguration>", "InvalidArgument"),
    (b"<CreateAccessPointConfiguration><AccessPointName>ap-vpc</AccessPointName>"
     b"<NetworkOrigin>vpc</NetworkOrigin></CreateAccessPointConfiguration>", "InvalidArgument"),
    (b"<CreateAccessPointConfiguration><AccessPointName>ap-x</AccessPointName>"
     b"<NetworkOrigin>intranet</NetworkOrigin></CreateAccessPointConfiguration>", "InvalidArgument"),
    (b"<CreateAccessPointConfiguration><NetworkOrigin>internet</NetworkOrigin></CreateAccessPointConfiguration>",
     "MalformedXML"),
])
def test_create_access_point_refused(server, bucket, body, code):
    assert_error(raw_request(server.endpoint, "PUT", bucket.bucket_name, query={"accessPoint": ""}, data=body),
                 400, code)
    assert bucket.list_bucket_access_points().access_points == []


def test_access_points_v2_vpc_duplicate_and_paging(server, client, v2_bucket):
    vpc = oss.AccessPointVpcConfiguration(vpc_id="vpc-123")
    result = client.create_access_point(oss.CreateAccessPointRequest(
        bucket=v2_bucket, create_access_point_configuration=oss.CreateAccessPointConfiguration(
            access_point_name="ap-vpc", network_origin="vpc", vpc_configuration=vpc)))
    assert result.access_point_arn.endswith(":accesspoint/ap-vpc")
    got = client.get_access_point(oss.GetAccessPointRequest(bucket=v2_bucket, access_point_name="ap-vpc"))
    assert (got.network_origin, got.vpc_configuration.vpc_id, got.status) == ("vpc", "vpc-123", "enable")
    assert got.public_access_block_configuration.block_public_access is False
    # Names are the account's: the same name again is a conflict.
    assert_service_error(409, "AccessPointAlreadyExists", client.create_access_point, oss.CreateAccessPointRequest(
        bucket=v2_bucket, create_access_point_configuration=oss.CreateAccessPointConfiguration(
            access_point_name="ap-vpc", network_origin="internet")))
    for name in ("ap-b", "ap-c"):
        client.create_access_point(oss.CreateAccessPointRequest(
            bucket=v2_bucket, create_access_point_configuration=oss.CreateAccessPointConfiguration(
                access_point_name=name, network_origin="internet")))
    page = client.list_access_points(oss.ListAccessPointsRequest(bucket=v2_bucket, max_keys=2))
    assert [p.access_point_name for p in page.access_points] == ["ap-b", "ap-c"]
    assert page.is_truncated is True and page.next_continuation_token == "ap-c"
    assert page.account_id == ACCOUNT
    rest = client.list_access_points(oss.ListAccessPointsRequest(
        bucket=v2_bucket, max_keys=2, continuation_token="ap-c"))
    assert [p.access_point_name for p in rest.access_points] == ["ap-vpc"] and rest.is_truncated is False
    assert rest.access_points[0].vpc_configuration.vpc_id == "vpc-123"
    account = client.list_access_points(oss.ListAccessPointsRequest(max_keys=1000))
    assert {"ap-b", "ap-c", "ap-vpc"} <= {p.access_point_name for p in account.access_points}
    assert {p.bucket for p in account.access_points if p.access_point_name.startswith("ap-")} >= {v2_bucket}
    client.put_access_point_public_access_block(oss.PutAccessPointPublicAccessBlockRequest(
        bucket=v2_bucket, access_point_name="ap-c",
        public_access_block_configuration=oss.PublicAccessBlockConfiguration(block_public_access=True)))
    block = client.get_access_point_public_access_block(oss.GetAccessPointPublicAccessBlockRequest(
        bucket=v2_bucket, access_point_name="ap-c"))
    assert block.public_access_block_configuration.block_public_access is True
    got = client.get_access_point(oss.GetAccessPointRequest(bucket=v2_bucket, access_point_name="ap-c"))
    assert got.public_access_block_configuration.block_public_access is True
    assert_service_error(404, "NoSuchAccessPoint", client.get_access_point_public_access_block,
                         oss.GetAccessPointPublicAccessBlockRequest(bucket=v2_bucket, access_point_name="ap-none"))
    policy = '{"Version":"1","Statement":[]}'
    client.put_access_point_policy(oss.PutAccessPointPolicyRequest(bucket=v2_bucket, access_point_name="ap-b",
                                                                   body=policy))
    assert client.get_access_point_policy(oss.GetAccessPointPolicyRequest(
        bucket=v2_bucket, access_point_name="ap-b")).body == policy
    # Deleting the access point takes its policy with it.
    client.delete_access_point(oss.DeleteAccessPointRequest(bucket=v2_bucket, access_point_name="ap-b"))
    client.create_access_point(oss.CreateAccessPointRequest(
        bucket=v2_bucket, create_access_point_configuration=oss.CreateAccessPointConfiguration(
            access_point_name="ap-b", network_origin="internet")))
    assert_service_error(404, "NoSuchAccessPointPolicy", client.get_access_point_policy,
                         oss.GetAccessPointPolicyRequest(bucket=v2_bucket, access_point_name="ap-b"))


# --- live channels -------------------------------------------------------------------------------------------

def host_of(endpoint):
    return endpoint.replace("http://", "").replace("https://", "").rstrip("/")


def test_live_channel_crud_oss2(server, bucket):
    host = host_of(server.endpoint)
    name = "chan-1"
    with pytest.raises(oss2.exceptions.NoSuchLiveChannel):
        bucket.get_live_channel(name)
    created = bucket.create_live_channel(name, LiveChannelInfo(description="demo", target=LiveChannelInfoTarget()))
    assert created.publish_url == "rtmp://%s.%s/live/%s" % (bucket.bucket_name, host, name)
    assert created.play_url == "http://%s.%s/%s/playlist.m3u8" % (bucket.bucket_name, host, name)
    info = bucket.get_live_channel(name)
    assert (info.description, info.status, info.target.type) == ("demo", "enabled", "HLS")
    assert (info.target.frag_duration, info.target.frag_count, info.target.playlist_name) == \
        ("5", "3", "playlist.m3u8")
    # The channel is not an object.
    with pytest.raises(oss2.exceptions.NoSuchKey):
        bucket.head_object(name)
    assert bucket.get_live_channel_stat(name).status == "Idle"
    assert bucket.get_bucket_stat().live_channel_count == 1
    # A bucket with a live channel cannot be deleted.
    with pytest.raises(oss2.exceptions.BucketNotEmpty):
        bucket.delete_bucket()
    bucket.put_live_channel_status(name, "disabled")
    assert bucket.get_live_channel(name).status == "disabled"
    assert bucket.get_live_channel_stat(name).status == "Disabled"
    assert bucket.get_live_channel_history(name).records == []
    end = int(time.time()) - 60
    with pytest.raises(oss2.exceptions.InvalidArgument):
        bucket.post_vod_playlist(name, "vod.m3u8", start_time=end - 3600, end_time=end)
    with pytest.raises(oss2.exceptions.InvalidArgument):
        bucket.get_vod_playlist(name, start_time=end - 3600, end_time=end)
    bucket.delete_live_channel(name)
    assert bucket.get_bucket_stat().live_channel_count == 0
    with pytest.raises(oss2.exceptions.NoSuchLiveChannel):
        bucket.delete_live_channel(name)
    with pytest.raises(oss2.exceptions.NoSuchLiveChannel):
        bucket.get_live_channel_stat(name)


def test_live_channel_documents_exact(server, bucket):
    body = (b"<LiveChannelConfiguration><Description>d</Description><Status>enabled</Status><Target><Type>HLS</Type>"
            b"<FragDuration>10</FragDuration><FragCount>5</FragCount><PlaylistName>p.m3u8</PlaylistName></Target>"
            b"</LiveChannelConfiguration>")
    resp = raw_request(server.endpoint, "PUT", bucket.bucket_name, "ch", query={"live": ""}, data=body)
    host = host_of(server.endpoint)
    assert resp.status_code == 200
    assert resp.text == DECL + (
        "<CreateLiveChannelResult><PublishUrls><Url>rtmp://%s.%s/live/ch</Url></PublishUrls>"
        "<PlayUrls><Url>http://%s.%s/ch/p.m3u8</Url></PlayUrls></CreateLiveChannelResult>"
        % (bucket.bucket_name, host, bucket.bucket_name, host))
    resp = raw_request(server.endpoint, "GET", bucket.bucket_name, "ch", query={"live": ""})
    assert resp.text == DECL + body.decode()
    resp = raw_request(server.endpoint, "GET", bucket.bucket_name, "ch", query={"live": "", "comp": "history"})
    assert resp.text == DECL + "<LiveChannelHistory></LiveChannelHistory>"
    resp = raw_request(server.endpoint, "GET", bucket.bucket_name, "ch", query={"live": "", "comp": "stat"})
    assert resp.text == DECL + "<LiveChannelStat><Status>Idle</Status></LiveChannelStat>"
    bucket.delete_live_channel("ch")


@pytest.mark.parametrize("target,code", [
    (b"<Type>RTMP</Type>", "InvalidArgument"),
    (b"<Type>HLS</Type><FragCount>0</FragCount>", "InvalidArgument"),
    (b"<Type>HLS</Type><PlaylistName>list.txt</PlaylistName>", "InvalidArgument"),
])
def test_live_channel_refused(server, bucket, target, code):
    body = b"<LiveChannelConfiguration><Target>" + target + b"</Target></LiveChannelConfiguration>"
    resp = raw_request(server.endpoint, "PUT", bucket.bucket_name, "bad", query={"live": ""}, data=body)
    assert_error(resp, 400, code)
    assert bucket.list_live_channel().channels == []


def test_live_channel_status_refused(server, bucket):
    bucket.create_live_channel("st", LiveChannelInfo(target=LiveChannelInfoTarget()))
    resp = raw_request(server.endpoint, "PUT", bucket.bucket_name, "st", query={"live": "", "status": "paused"})
    assert_error(resp, 400, "InvalidArgument")
    assert bucket.get_live_channel("st").status == "enabled"
    resp = raw_request(server.endpoint, "PUT", bucket.bucket_name, "none", query={"live": "", "status": "enabled"})
    assert_error(resp, 404, "NoSuchLiveChannel")
    bucket.delete_live_channel("st")


def test_live_channel_listing_oss2(server, bucket):
    names = ["a%02d" % i for i in range(12)] + ["b00"]
    for name in reversed(names):
        bucket.create_live_channel(name, LiveChannelInfo(target=LiveChannelInfoTarget(playlist_name="x.m3u8")))
    page = bucket.list_live_channel(max_keys=5)
    assert [c.name for c in page.channels] == names[:5]
    assert (page.is_truncated, page.next_marker, page.max_keys) == (True, "a04", 5)
    assert page.channels[0].play_url.endswith("/a00/x.m3u8") and page.channels[0].last_modified > 0
    page = bucket.list_live_channel(prefix="a", marker="a09")
    assert [c.name for c in page.channels] == ["a10", "a11"]
    assert (page.is_truncated, page.next_marker, page.prefix, page.marker) == (False, "", "a", "a09")
    assert [c.name for c in oss2.LiveChannelIterator(bucket, max_keys=4)] == names
    assert_error(raw_request(server.endpoint, "GET", bucket.bucket_name, query={"live": "", "max-keys": "-1"}),
                 400, "InvalidArgument")
    for name in names:
        bucket.delete_live_channel(name)


def test_live_channel_anonymous_delete_denied(server, bucket):
    anonymous = make_oss2_bucket(server.endpoint, bucket.bucket_name, oss2.AnonymousAuth())
    with pytest.raises(oss2.exceptions.AccessDenied):
        anonymous.delete_live_channel("any")


# --- user-defined log fields ---------------------------------------------------------------------------------

def test_user_defined_log_fields_v2(server, client, v2_bucket):
    assert_service_error(404, "NoSuchUserDefinedLogFieldsConfig", client.get_user_defined_log_fields_config,
                         oss.GetUserDefinedLogFieldsConfigRequest(bucket=v2_bucket))
    config = oss.UserDefinedLogFieldsConfiguration(
        header_set=oss.LoggingHeaderSet(headers=["h1", "x-h2"]),
        param_set=oss.LoggingParamSet(parameters=["p1"]))
    client.put_user_defined_log_fields_config(oss.PutUserDefinedLogFieldsConfigRequest(
        bucket=v2_bucket, user_defined_log_fields_configuration=config))
    got = client.get_user_defined_log_fields_config(
        oss.GetUserDefinedLogFieldsConfigRequest(bucket=v2_bucket)).user_defined_log_fields_configuration
    assert got.header_set.headers == ["h1", "x-h2"] and got.param_set.parameters == ["p1"]
    resp = raw_request(server.endpoint, "GET", v2_bucket, query={"userDefinedLogFieldsConfig": ""})
    assert resp.text == DECL + ("<UserDefinedLogFieldsConfiguration><HeaderSet><header>h1</header>"
                                "<header>x-h2</header></HeaderSet><ParamSet><parameter>p1</parameter></ParamSet>"
                                "</UserDefinedLogFieldsConfiguration>")
    client.delete_user_defined_log_fields_config(oss.DeleteUserDefinedLogFieldsConfigRequest(bucket=v2_bucket))
    assert_service_error(404, "NoSuchUserDefinedLogFieldsConfig", client.get_user_defined_log_fields_config,
                         oss.GetUserDefinedLogFieldsConfigRequest(bucket=v2_bucket))


def test_user_defined_log_fields_malformed(server, bucket):
    resp = raw_request(server.endpoint, "PUT", bucket.bucket_name, query={"userDefinedLogFieldsConfig": ""},
                       data=b"<Other/>")
    assert_error(resp, 400, "MalformedXML")


# --- resource group on PutBucket -----------------------------------------------------------------------------

def test_put_bucket_resource_group(server, oss_auth):
    name = unique_bucket_name("rg")
    b = make_oss2_bucket(server.endpoint, name, oss_auth)
    try:
        b.create_bucket(headers={"x-oss-resource-group-id": "rg-default-id"})
        assert b.get_bucket_info().resource_group_id == "rg-default-id"
        assert b.get_bucket_resource_group().resource_group_id == "rg-default-id"
        service = oss2.Service(oss_auth, server.endpoint)
        listed = service.list_buckets(prefix=name, headers={"x-oss-resource-group-id": "rg-default-id"}).buckets
        assert [(x.name, x.resource_group_id) for x in listed] == [(name, "rg-default-id")]
        assert service.list_buckets(prefix=name, headers={"x-oss-resource-group-id": "rg-other"}).buckets == []
    finally:
        cleanup_bucket(server.endpoint, name)
    other = unique_bucket_name("rg")
    resp = raw_request(server.endpoint, "PUT", other, headers={"x-oss-resource-group-id": "rg-unknown"})
    assert_error(resp, 400, "ResourceGroupIdPreCheckError")
    assert raw_request(server.endpoint, "HEAD", other).status_code == 404
