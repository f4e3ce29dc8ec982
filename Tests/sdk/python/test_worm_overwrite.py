"""Bucket retention policies (WORM), overwrite protection and data redundancy transitions, through oss2 2.19.1 and
alibabacloud-oss-v2 1.4.1.

Expectations come from bucket-configuration-and-access.md §4.9 (WORM), §4.13 (redundancy transition) and §4.17
(overwrite protection), the SDKs' models and oss2's own tests (tests/test_bucket_worm.py,
tests/test_bucket_data_redundancy_transition.py). Where OSS documents only an EC, the code is the one its error
table names for it: a delete or overwrite refused by a retention policy is 409 FileImmutable, EC 0026-00000005.
Retention runs on the server clock: these tests run their own server with a large --max-skew (the SDKs keep signing
with the real time) and move the clock through POST /_localoss/clock.
"""

import re
import uuid

import alibabacloud_oss_v2 as oss
import oss2
import pytest
from oss2.models import BucketLifecycle, LifecycleExpiration, LifecycleRule, PartInfo

from conftest import ClockedServer
from localoss_helpers import (ACCESS_KEY_ID, ACCESS_KEY_SECRET, assert_error, assert_oss_error,
                              assert_service_error, child_text, parse_error, raw_request, xml_root)

DAY = 86400
OWNER_ID = "1305433975557637"
WORM_DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$")
ISO_MILLIS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$")


@pytest.fixture(scope="module")
def clock_server(tmp_path_factory):
    srv = ClockedServer(tmp_path_factory.mktemp("worm"))
    yield srv
    srv.stop()


@pytest.fixture
def wbucket(clock_server):
    """A fresh oss2 bucket, with the clock back to real time and running (before and after)."""
    clock_server.clock(offsetSeconds=0, freeze=False)
    b = oss2.Bucket(oss2.Auth(ACCESS_KEY_ID, ACCESS_KEY_SECRET), clock_server.endpoint,
                    "worm-" + uuid.uuid4().hex[:16])
    b.create_bucket()
    yield b
    clock_server.clock(offsetSeconds=0, freeze=False)


@pytest.fixture(scope="module")
def v2(clock_server):
    cfg = oss.config.load_default()
    cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(ACCESS_KEY_ID, ACCESS_KEY_SECRET)
    cfg.region = "cn-hangzhou"
    cfg.endpoint = clock_server.endpoint
    cfg.use_path_style = True
    return oss.Client(cfg)


def lock_policy(bucket, days):
    worm_id = bucket.init_bucket_worm(days).worm_id
    bucket.complete_bucket_worm(worm_id)
    return worm_id


def worm_document(endpoint, bucket_name):
    resp = raw_request(endpoint, "GET", bucket_name, query={"worm": None})
    assert resp.status_code == 200, resp.content
    root = xml_root(resp, "WormConfiguration")
    return [child.tag for child in root], {child.tag: child.text for child in root}


# ---------------------------------------------------------------- §4.9 the policy's life

def test_worm_lifecycle_oss2(clock_server, wbucket):
    assert_oss_error(404, "NoSuchWORMConfiguration", wbucket.get_bucket_worm)
    init = wbucket.init_bucket_worm(1)
    assert re.fullmatch(r"[0-9A-F]{32}", init.worm_id), init.worm_id

    got = wbucket.get_bucket_worm()
    assert (got.worm_id, got.state, got.retention_period_days) == (init.worm_id, "InProgress", 1)
    order, values = worm_document(clock_server.endpoint, wbucket.bucket_name)
    # An unlocked policy also tells when it lapses: 24 hours after its creation.
    assert order == ["WormId", "State", "RetentionPeriodInDays", "CreationDate", "ExpirationDate"]
    assert WORM_DATE.match(values["CreationDate"]) and WORM_DATE.match(values["ExpirationDate"])
    assert values["CreationDate"] == got.creation_date

    # Extending needs a locked policy; locking needs the policy's own id.
    assert_oss_error(400, "InvalidWORMConfiguration", wbucket.extend_bucket_worm, init.worm_id, 2)
    assert_oss_error(404, "NoSuchWORMConfiguration", wbucket.complete_bucket_worm, "0" * 32)
    wbucket.complete_bucket_worm(init.worm_id)
    got = wbucket.get_bucket_worm()
    assert (got.worm_id, got.state, got.retention_period_days) == (init.worm_id, "Locked", 1)
    order, _ = worm_document(clock_server.endpoint, wbucket.bucket_name)
    assert order == ["WormId", "State", "RetentionPeriodInDays", "CreationDate"]

    # A locked policy can neither be aborted, replaced nor shortened; it can grow.
    assert_oss_error(403, "WORMConfigurationLocked", wbucket.abort_bucket_worm)
    assert_oss_error(403, "WORMConfigurationLocked", wbucket.init_bucket_worm, 5)
    assert_oss_error(404, "NoSuchWORMConfiguration", wbucket.extend_bucket_worm, "0" * 32, 3)
    wbucket.extend_bucket_worm(init.worm_id, 3)
    assert wbucket.get_bucket_worm().retention_period_days == 3
    assert_oss_error(400, "InvalidWORMConfiguration", wbucket.extend_bucket_worm, init.worm_id, 2)
    assert wbucket.get_bucket_worm().retention_period_days == 3


def test_worm_abort_and_bad_bodies(clock_server, wbucket):
    assert_oss_error(404, "NoSuchWORMConfiguration", wbucket.abort_bucket_worm)
    wbucket.init_bucket_worm(2)
    # One policy at a time: a second one while the first is in progress is refused.
    assert_oss_error(400, "InvalidWORMConfiguration", wbucket.init_bucket_worm, 3)
    assert wbucket.abort_bucket_worm().status == 204
    assert_oss_error(404, "NoSuchWORMConfiguration", wbucket.get_bucket_worm)
    for days in (0, 25551, "x"):
        e = assert_oss_error(400, "InvalidArgument", wbucket.init_bucket_worm, days)
        assert e.details["ArgumentName"] == "RetentionPeriodInDays"
    resp = raw_request(clock_server.endpoint, "POST", wbucket.bucket_name, query={"worm": None},
                       data=b"<ExtendWormConfiguration><RetentionPeriodInDays>1</RetentionPeriodInDays>"
                            b"</ExtendWormConfiguration>")
    assert_error(resp, 400, "MalformedXML")
    assert_oss_error(404, "NoSuchWORMConfiguration", wbucket.get_bucket_worm)


def test_unlocked_policy_lapses_after_24_hours(clock_server, wbucket):
    worm_id = wbucket.init_bucket_worm(1).worm_id
    clock_server.clock(advanceSeconds=DAY - 60)
    assert wbucket.get_bucket_worm().state == "InProgress"
    clock_server.clock(advanceSeconds=120)
    assert_oss_error(404, "NoSuchWORMConfiguration", wbucket.get_bucket_worm)
    assert_oss_error(404, "NoSuchWORMConfiguration", wbucket.complete_bucket_worm, worm_id)
    assert wbucket.init_bucket_worm(1).worm_id != worm_id


def test_worm_lifecycle_v2(v2, wbucket):
    name = wbucket.bucket_name
    assert_service_error(404, "NoSuchWORMConfiguration", v2.get_bucket_worm, oss.GetBucketWormRequest(bucket=name))
    init = v2.initiate_bucket_worm(oss.InitiateBucketWormRequest(
        bucket=name, initiate_worm_configuration=oss.InitiateWormConfiguration(retention_period_in_days=2)))
    assert init.status_code == 200 and re.fullmatch(r"[0-9A-F]{32}", init.worm_id)
    conf = v2.get_bucket_worm(oss.GetBucketWormRequest(bucket=name)).worm_configuration
    assert (conf.worm_id, conf.state, conf.retention_period_in_days) == (init.worm_id, "InProgress", 2)
    assert WORM_DATE.match(conf.creation_date) and WORM_DATE.match(conf.expiration_date)
    assert v2.complete_bucket_worm(oss.CompleteBucketWormRequest(bucket=name, worm_id=init.worm_id)).status_code == 200
    assert v2.extend_bucket_worm(oss.ExtendBucketWormRequest(
        bucket=name, worm_id=init.worm_id,
        extend_worm_configuration=oss.ExtendWormConfiguration(retention_period_in_days=4))).status_code == 200
    conf = v2.get_bucket_worm(oss.GetBucketWormRequest(bucket=name)).worm_configuration
    assert (conf.state, conf.retention_period_in_days, conf.expiration_date) == ("Locked", 4, None)
    assert_service_error(403, "WORMConfigurationLocked", v2.abort_bucket_worm, oss.AbortBucketWormRequest(bucket=name))


# ---------------------------------------------------------------- §4.9 what a policy forbids

def assert_immutable(fn, *args, **kwargs):
    e = assert_oss_error(409, "FileImmutable", fn, *args, **kwargs)
    assert e.ec == "0026-00000005"


def test_locked_policy_keeps_objects_until_the_period_ends(clock_server, wbucket):
    data = b"retained bytes"
    etag = wbucket.put_object("keep.txt", data).etag
    wbucket.append_object("log", 0, b"first")
    upload = wbucket.init_multipart_upload("keep.txt").upload_id
    part = wbucket.upload_part("keep.txt", upload, 1, b"replacement")
    lock_policy(wbucket, 1)

    assert_immutable(wbucket.delete_object, "keep.txt")
    assert_immutable(wbucket.put_object, "keep.txt", b"overwrite")
    assert_immutable(wbucket.copy_object, wbucket.bucket_name, "log", "keep.txt")
    assert_immutable(wbucket.append_object, "log", 5, b"second")
    assert_immutable(wbucket.put_symlink, "log", "keep.txt")
    assert_immutable(wbucket.complete_multipart_upload, "keep.txt", upload, [PartInfo(1, part.etag)])
    # A batch delete keeps the protected key and deletes (or reports as deleted) the others.
    result = wbucket.batch_delete_objects(["keep.txt", "missing.txt"])
    assert result.deleted_keys == ["missing.txt"]
    # The error is OSS's XML, with the extra elements every error carries.
    resp = raw_request(clock_server.endpoint, "DELETE", wbucket.bucket_name, "keep.txt")
    assert_error(resp, 409, "FileImmutable")
    assert set(parse_error(resp)) >= {"Code", "Message", "RequestId", "HostId", "EC"}

    # Nothing changed: the bytes and the ETag are the original ones, the upload is still there.
    got = wbucket.get_object("keep.txt")
    assert (got.read(), got.etag) == (data, etag)
    assert wbucket.get_object("log").read() == b"first"
    assert [p.part_number for p in wbucket.list_parts("keep.txt", upload).parts] == [1]
    # New keys are written and read as usual; a bucket with objects is not deleted.
    wbucket.put_object("new.txt", b"new")
    assert_oss_error(409, "BucketNotEmpty", wbucket.delete_bucket)

    # Once the period is over the objects are ordinary again (the policy stays).
    clock_server.clock(advanceSeconds=DAY + 1)
    assert wbucket.get_bucket_worm().state == "Locked"
    assert wbucket.delete_object("keep.txt").status == 204
    assert_oss_error(404, "NoSuchKey", wbucket.get_object, "keep.txt")
    wbucket.abort_multipart_upload("keep.txt", upload)
    assert wbucket.batch_delete_objects(["new.txt", "log"]).deleted_keys == ["new.txt", "log"]
    # An object written now, on the moved clock, is protected for a day from now.
    wbucket.put_object("fresh.txt", b"fresh")
    assert_immutable(wbucket.delete_object, "fresh.txt")
    clock_server.clock(advanceSeconds=DAY + 1)
    assert wbucket.delete_object("fresh.txt").status == 204
    assert wbucket.delete_bucket().status == 204


def test_policy_in_progress_already_protects(clock_server, wbucket, v2):
    wbucket.put_object("k", b"v")
    wbucket.init_bucket_worm(3)
    assert_immutable(wbucket.delete_object, "k")
    err = assert_service_error(409, "FileImmutable", v2.put_object,
                               oss.PutObjectRequest(bucket=wbucket.bucket_name, key="k", body=b"other"))
    assert err.ec == "0026-00000005"
    # Aborting the unlocked policy lifts the protection.
    wbucket.abort_bucket_worm()
    assert wbucket.delete_object("k").status == 204


def test_lifecycle_expiration_skips_retained_objects(clock_server, wbucket):
    wbucket.put_object("logs/a", b"a")
    wbucket.put_bucket_lifecycle(BucketLifecycle([LifecycleRule(
        "expire", "logs/", status=LifecycleRule.ENABLED, expiration=LifecycleExpiration(days=1))]))
    lock_policy(wbucket, 3)
    clock_server.clock(advanceSeconds=2 * DAY)
    assert wbucket.get_object("logs/a").read() == b"a"
    clock_server.clock(advanceSeconds=2 * DAY)
    assert_oss_error(404, "NoSuchKey", wbucket.get_object, "logs/a")


# ---------------------------------------------------------------- §4.17 overwrite protection

def put_overwrite_rules(v2, bucket, *rules):
    v2.put_bucket_overwrite_config(oss.PutBucketOverwriteConfigRequest(
        bucket=bucket, overwrite_configuration=oss.OverwriteConfiguration(rules=list(rules))))


def test_overwrite_protection_refuses_replacing_matching_keys(clock_server, wbucket, v2):
    name = wbucket.bucket_name
    put_overwrite_rules(v2, name, oss.OverwriteRule(id="txt", action="forbid", prefix="pre/", suffix=".txt"))
    wbucket.put_object("pre/a.txt", b"original")  # a new key is written
    etag = wbucket.head_object("pre/a.txt").etag
    e = assert_oss_error(409, "FileAlreadyExists", wbucket.put_object, "pre/a.txt", b"again")
    assert e.ec == "0026-00000201"
    assert_service_error(409, "FileAlreadyExists", v2.put_object,
                         oss.PutObjectRequest(bucket=name, key="pre/a.txt", body=b"again"))
    wbucket.put_object("other", b"source")
    assert_oss_error(409, "FileAlreadyExists", wbucket.copy_object, name, "other", "pre/a.txt")
    upload = wbucket.init_multipart_upload("pre/a.txt").upload_id
    part = wbucket.upload_part("pre/a.txt", upload, 1, b"mp")
    assert_oss_error(409, "FileAlreadyExists", wbucket.complete_multipart_upload, "pre/a.txt", upload,
                     [PartInfo(1, part.etag)])
    assert_oss_error(409, "FileAlreadyExists", wbucket.put_symlink, "other", "pre/a.txt")
    got = wbucket.get_object("pre/a.txt")
    assert (got.read(), got.etag) == (b"original", etag)

    # Keys the rule does not match are overwritten as usual; deleting is not an overwrite.
    for key in ("pre/a.log", "pre.txt", "x/pre/a.txt"):
        wbucket.put_object(key, b"1")
        wbucket.put_object(key, b"2")
        assert wbucket.get_object(key).read() == b"2"
    assert wbucket.delete_object("pre/a.txt").status == 204
    wbucket.put_object("pre/a.txt", b"re-created")
    wbucket.abort_multipart_upload("pre/a.txt", upload)

    # Without the configuration the key is an ordinary one again.
    v2.delete_bucket_overwrite_config(oss.DeleteBucketOverwriteConfigRequest(bucket=name))
    wbucket.put_object("pre/a.txt", b"replaced")
    assert wbucket.get_object("pre/a.txt").read() == b"replaced"


def test_overwrite_rules_with_principals_apply_to_those_principals(clock_server, wbucket, v2):
    name = wbucket.bucket_name
    put_overwrite_rules(
        v2, name,
        oss.OverwriteRule(id="others", action="forbid", prefix="a/",
                          principals=oss.OverwritePrincipals(principals=["1234567890"])),
        oss.OverwriteRule(id="owner", action="forbid", prefix="b/",
                          principals=oss.OverwritePrincipals(principals=[OWNER_ID])))
    for key in ("a/k", "b/k"):
        wbucket.put_object(key, b"1")
    wbucket.put_object("a/k", b"2")  # the rule names someone else
    assert_oss_error(409, "FileAlreadyExists", wbucket.put_object, "b/k", b"2")
    assert wbucket.get_object("b/k").read() == b"1"


# ---------------------------------------------------------------- §4.13 data redundancy transition

def test_redundancy_transition_finishes_at_once(clock_server, wbucket, v2):
    name = wbucket.bucket_name
    assert wbucket.get_bucket_info().data_redundancy_type == "LRS"
    created = v2.create_bucket_data_redundancy_transition(oss.CreateBucketDataRedundancyTransitionRequest(
        bucket=name, target_redundancy_type="ZRS"))
    task_id = created.bucket_data_redundancy_transition.task_id
    assert created.status_code == 200 and re.fullmatch(r"[0-9a-f]{32}", task_id)

    got = v2.get_bucket_data_redundancy_transition(oss.GetBucketDataRedundancyTransitionRequest(
        bucket=name, redundancy_transition_taskid=task_id)).bucket_data_redundancy_transition
    assert (got.bucket, got.task_id, got.status, got.process_percentage, got.estimated_remaining_time) == (
        name, task_id, "Finished", 100, 0)
    assert ISO_MILLIS.match(got.create_time) and got.start_time == got.create_time
    assert got.end_time == got.create_time
    resp = raw_request(clock_server.endpoint, "GET", name,
                       query={"redundancyTransition": None, "x-oss-redundancy-transition-taskid": task_id})
    root = xml_root(resp, "BucketDataRedundancyTransition")
    assert [child.tag for child in root] == ["Bucket", "TaskId", "Status", "CreateTime", "StartTime",
                                             "ProcessPercentage", "EstimatedRemainingTime", "EndTime"]

    # The bucket is ZRS from then on, and a second transition has nothing to do.
    assert wbucket.get_bucket_info().data_redundancy_type == "ZRS"
    info = v2.get_bucket_info(oss.GetBucketInfoRequest(bucket=name)).bucket_info
    assert info.data_redundancy_type == "ZRS"
    assert_service_error(400, "InvalidArgument", v2.create_bucket_data_redundancy_transition,
                         oss.CreateBucketDataRedundancyTransitionRequest(bucket=name, target_redundancy_type="ZRS"))

    listed = wbucket.list_bucket_data_redundancy_transition().data_redundancy_transitions
    assert [(t.bucket, t.task_id, t.transition_status, t.create_time) for t in listed] == [
        (name, task_id, "Finished", got.create_time)]
    assert v2.delete_bucket_data_redundancy_transition(oss.DeleteBucketDataRedundancyTransitionRequest(
        bucket=name, redundancy_transition_taskid=task_id)).status_code == 204
    assert_service_error(404, "NoSuchRedundancyTransition", v2.get_bucket_data_redundancy_transition,
                         oss.GetBucketDataRedundancyTransitionRequest(bucket=name,
                                                                      redundancy_transition_taskid=task_id))
    assert wbucket.list_bucket_data_redundancy_transition().data_redundancy_transitions == []
    assert wbucket.get_bucket_info().data_redundancy_type == "ZRS"


def test_redundancy_transition_refuses_other_targets(clock_server, wbucket):
    for target in ("LRS", "zrs", ""):
        resp = raw_request(clock_server.endpoint, "POST", wbucket.bucket_name,
                           query={"redundancyTransition": None, "x-oss-target-redundancy-type": target})
        assert_error(resp, 400, "InvalidArgument")
    assert wbucket.get_bucket_info().data_redundancy_type == "LRS"
    assert wbucket.list_bucket_data_redundancy_transition().data_redundancy_transitions == []


def test_account_list_pages_with_continuation_tokens(clock_server, v2):
    auth = oss2.Auth(ACCESS_KEY_ID, ACCESS_KEY_SECRET)
    buckets, tasks = [], []
    for _ in range(3):
        b = oss2.Bucket(auth, clock_server.endpoint, "rt-" + uuid.uuid4().hex[:16])
        b.create_bucket()
        buckets.append(b)
        tasks.append(b.create_bucket_data_redundancy_transition("ZRS").task_id)
    service = oss2.Service(auth, clock_server.endpoint)
    seen, token = [], ""
    while True:
        page = service.list_user_data_redundancy_transition(continuation_token=token, max_keys=2)
        seen += [(t.bucket, t.task_id) for t in page.data_redundancy_transitions]
        assert len(page.data_redundancy_transitions) <= 2
        if not page.is_truncated:
            break
        token = page.next_continuation_token
    mine = [entry for entry in seen if entry[1] in tasks]
    # In creation order, each task once.
    assert mine == [(b.bucket_name, task) for b, task in zip(buckets, tasks)]
    first = v2.list_user_data_redundancy_transition(oss.ListUserDataRedundancyTransitionRequest(max_keys=1))
    listing = first.list_bucket_data_redundancy_transition
    assert listing.is_truncated is True and listing.next_continuation_token
    assert len(listing.bucket_data_redundancy_transition) == 1
    resp = raw_request(clock_server.endpoint, "GET", query={"redundancyTransition": None, "max-keys": "0"})
    assert_error(resp, 400, "InvalidArgument")
    # A bucket's tasks go with it.
    for b in buckets:
        b.delete_bucket()
    left = service.list_user_data_redundancy_transition(max_keys=100).data_redundancy_transitions
    assert not [t for t in left if t.task_id in tasks]
