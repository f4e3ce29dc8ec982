"""Archive storage classes and RestoreObject, server-side encryption headers, bucket default encryption and
client-side encryption metadata, through oss2 2.19.1 and alibabacloud-oss-v2 1.4.1.

Expectations come from versioning-and-object-features.md §4 and §5 (numbers in comments) and the official SDK
suites quoted there, never from what the server returned. Restores complete on the server clock: the tests here run
their own server with a large --max-skew (so that the clock can be moved days ahead while the SDKs keep signing
with the real time) and move it through POST /_localoss/clock.
"""

import base64
import email.utils
import re
import time
import uuid

import alibabacloud_oss_v2 as oss
import oss2
import pytest
from oss2.models import RestoreConfiguration, RestoreJobParameters, ServerSideEncryptionRule, PartInfo

from conftest import ClockedServer
from localoss_helpers import ACCESS_KEY_ID, ACCESS_KEY_SECRET, raw_request, rand

RESTORE_DELAY = 3
DAY = 86400
SSE = "x-oss-server-side-encryption"
SSE_DATA = "x-oss-server-side-data-encryption"
SSE_KEY = "x-oss-server-side-encryption-key-id"


@pytest.fixture(scope="module")
def archive_server(tmp_path_factory):
    srv = ClockedServer(tmp_path_factory.mktemp("archive"), "--restore-delay", str(RESTORE_DELAY))
    yield srv
    srv.stop()


@pytest.fixture
def abucket(archive_server):
    """A fresh oss2 bucket on the archive server, with the clock back to real time and running."""
    archive_server.clock(offsetSeconds=0, freeze=False)
    b = oss2.Bucket(oss2.Auth(ACCESS_KEY_ID, ACCESS_KEY_SECRET), archive_server.endpoint,
                    "arch-" + uuid.uuid4().hex[:16])
    b.create_bucket()
    yield b
    archive_server.clock(offsetSeconds=0, freeze=False)


@pytest.fixture
def v2(archive_server):
    cfg = oss.config.load_default()
    cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(ACCESS_KEY_ID, ACCESS_KEY_SECRET)
    cfg.region = "cn-hangzhou"
    cfg.endpoint = archive_server.endpoint
    cfg.use_path_style = True
    return oss.Client(cfg)


def oss2_error(fn, *args, **kwargs):
    with pytest.raises(oss2.exceptions.OssError) as info:
        fn(*args, **kwargs)
    return info.value


def v2_error(fn, *args, **kwargs):
    with pytest.raises(oss.exceptions.OperationError) as info:
        fn(*args, **kwargs)
    err = info.value.unwrap()
    assert isinstance(err, oss.exceptions.ServiceError), err
    return err


def sse_headers(headers):
    return {name: headers.get(name) for name in (SSE, SSE_DATA, SSE_KEY) if headers.get(name) is not None}


# ---------------------------------------------------------------- §4.1 storage classes on writes

@pytest.mark.parametrize("storage_class", ["Archive", "ColdArchive", "DeepColdArchive"])
def test_storage_class_on_put_head_and_listing(abucket, storage_class):
    abucket.put_object("k", b"data", headers={"x-oss-storage-class": storage_class})
    head = abucket.head_object("k")
    assert head.headers["x-oss-storage-class"] == storage_class
    assert head.headers["x-oss-object-type"] == "Normal"
    assert "x-oss-restore" not in head.headers                       # §4.5: frozen, never restored
    [listed] = abucket.list_objects().object_list
    assert listed.storage_class == storage_class
    assert listed.restore_info is None


def test_storage_class_on_multipart_copy_and_append(abucket):
    uid = abucket.init_multipart_upload("mp", headers={"x-oss-storage-class": "ColdArchive"}).upload_id
    part = abucket.upload_part("mp", uid, 1, b"x" * 10)
    abucket.complete_multipart_upload("mp", uid, [PartInfo(1, part.etag)])
    assert abucket.head_object("mp").headers["x-oss-storage-class"] == "ColdArchive"

    abucket.put_object("src", b"plain")
    abucket.copy_object(abucket.bucket_name, "src", "dst", headers={"x-oss-storage-class": "DeepColdArchive"})
    assert abucket.head_object("dst").headers["x-oss-storage-class"] == "DeepColdArchive"

    abucket.append_object("app", 0, b"abc", headers={"x-oss-storage-class": "Archive"})
    assert abucket.head_object("app").headers["x-oss-storage-class"] == "Archive"
    # Appendable objects cannot be Cold Archive (EC 0016-00000503).
    err = oss2_error(abucket.append_object, "app2", 0, b"abc", headers={"x-oss-storage-class": "ColdArchive"})
    assert (err.status, err.ec) == (400, "0016-00000503")


def test_objects_of_an_archive_bucket_are_archive(archive_server):
    b = oss2.Bucket(oss2.Auth(ACCESS_KEY_ID, ACCESS_KEY_SECRET), archive_server.endpoint,
                    "arch-" + uuid.uuid4().hex[:16])
    b.create_bucket(oss2.BUCKET_ACL_PRIVATE, oss2.models.BucketCreateConfig(oss2.BUCKET_STORAGE_CLASS_ARCHIVE))
    b.put_object("k", b"")
    assert b.head_object("k").headers["x-oss-storage-class"] == "Archive"
    assert b.list_objects().object_list[0].storage_class == "Archive"


# ---------------------------------------------------------------- §4.2-4.5 restore

def test_unrestored_archive_object_refuses_reads_but_not_head(abucket):
    abucket.put_object("k", b"0123456789", headers={"x-oss-storage-class": "Archive"})
    err = oss2_error(abucket.get_object, "k")
    assert (err.status, err.code) == (403, "InvalidObjectState")
    assert err.message == "The operation is not valid for the object's state"
    err = oss2_error(abucket.get_object, "k", byte_range=(0, 3))
    assert (err.status, err.code) == (403, "InvalidObjectState")
    assert abucket.head_object("k").content_length == 10
    assert abucket.get_object_meta("k").content_length == 10
    # Copies need a restore too (§7).
    err = oss2_error(abucket.copy_object, abucket.bucket_name, "k", "copy")
    assert (err.status, err.code) == (403, "InvalidObjectState")
    uid = abucket.init_multipart_upload("mp").upload_id
    err = oss2_error(abucket.upload_part_copy, abucket.bucket_name, "k", (0, 3), "mp", uid, 1)
    assert (err.status, err.code) == (403, "InvalidObjectState")
    abucket.abort_multipart_upload("mp", uid)


def test_restore_lifecycle_on_the_server_clock(abucket, archive_server):
    abucket.put_object("k", b"payload", headers={"x-oss-storage-class": "Archive"})
    assert abucket.restore_object("k").status == 202                  # §4.4 first restore
    err = oss2_error(abucket.restore_object, "k")                     # again while restoring
    assert (err.status, err.code, err.ec) == (409, "RestoreAlreadyInProgress", "0016-00000701")
    assert err.message == "The restore operation is in progress."
    assert abucket.head_object("k").headers["x-oss-restore"] == 'ongoing-request="true"'
    assert [o.restore_info for o in abucket.list_objects().object_list] == ['ongoing-request="true"']
    assert oss2_error(abucket.get_object, "k").code == "InvalidObjectState"

    state = archive_server.clock(advanceSeconds=RESTORE_DELAY)
    now = email.utils.parsedate_to_datetime(abucket.head_object("k").headers["Date"]).timestamp()
    header = abucket.head_object("k").headers["x-oss-restore"]
    match = re.fullmatch(r'ongoing-request="false", expiry-date="([^"]+)"', header)
    assert match, header
    expiry = email.utils.parsedate_to_datetime(match.group(1)).timestamp()
    assert 0 < expiry - now <= DAY                                      # Days defaults to 1
    assert abucket.get_object("k").read() == b"payload"
    assert abucket.get_object("k").headers["x-oss-restore"] == header
    assert [o.restore_info for o in abucket.list_objects().object_list] == [header]
    abucket.copy_object(abucket.bucket_name, "k", "copy")               # readable source: the copy works
    assert abucket.head_object("copy").headers["x-oss-storage-class"] == "Archive"
    assert state["offsetSeconds"] >= RESTORE_DELAY

    assert abucket.restore_object("k").status == 200                  # already restored: extended

    archive_server.clock(advanceSeconds=2 * DAY)                        # the restored copy expired
    assert oss2_error(abucket.get_object, "k").code == "InvalidObjectState"
    assert "x-oss-restore" not in abucket.head_object("k").headers
    assert abucket.list_objects(prefix="k").object_list[0].restore_info is None
    assert abucket.restore_object("k").status == 202                  # frozen again: a new restore


def test_a_frozen_clock_keeps_the_restore_ongoing(abucket, archive_server):
    abucket.put_object("k", b"x", headers={"x-oss-storage-class": "ColdArchive"})
    archive_server.clock(freeze=True)
    assert abucket.restore_object("k").status == 202
    time.sleep(RESTORE_DELAY + 1)
    assert abucket.head_object("k").headers["x-oss-restore"] == 'ongoing-request="true"'
    assert oss2_error(abucket.restore_object, "k").status == 409
    archive_server.clock(advanceSeconds=RESTORE_DELAY)
    assert abucket.get_object("k").read() == b"x"


def test_restored_object_can_be_overwritten_and_the_new_one_is_frozen(abucket, archive_server):
    abucket.put_object("k", b"old", headers={"x-oss-storage-class": "Archive"})
    abucket.restore_object("k")
    archive_server.clock(advanceSeconds=RESTORE_DELAY)
    assert abucket.get_object("k").read() == b"old"
    abucket.put_object("k", b"new", headers={"x-oss-storage-class": "Archive"})
    assert "x-oss-restore" not in abucket.head_object("k").headers
    assert oss2_error(abucket.get_object, "k").code == "InvalidObjectState"


def test_restore_refusals(abucket):
    abucket.put_object("std", b"x")
    err = oss2_error(abucket.restore_object, "std")                   # §4.4 Standard / IA
    assert (err.status, err.code, err.ec) == (400, "OperationNotSupported", "0016-00000702")
    assert err.details["Detail"] == "RestoreObject operation does not support this object storage class"
    abucket.put_object("ia", b"x", headers={"x-oss-storage-class": "IA"})
    assert oss2_error(abucket.restore_object, "ia").code == "OperationNotSupported"
    err = oss2_error(abucket.restore_object, "missing")
    assert (err.status, err.code) == (404, "NoSuchKey")

    abucket.put_object("cold", b"x", headers={"x-oss-storage-class": "ColdArchive"})
    err = oss2_error(abucket.restore_object, "cold",
                     input=RestoreConfiguration(days=5, job_parameters=RestoreJobParameters("wrong-tier")))
    assert (err.status, err.code, err.ec) == (400, "InvalidArgument", "0016-00000703")
    abucket.put_object("arch", b"x", headers={"x-oss-storage-class": "Archive"})
    err = oss2_error(abucket.restore_object, "arch",
                     input=RestoreConfiguration(days=5, job_parameters=RestoreJobParameters("Bulk")))
    assert (err.status, err.code) == (400, "MalformedXML")


@pytest.mark.parametrize("tier", ["Expedited", "Standard", "Bulk"])
def test_cold_archive_restore_reports_its_tier(abucket, tier):
    abucket.put_object("k", b"x", headers={"x-oss-storage-class": "ColdArchive"})
    result = abucket.restore_object(
        "k", input=RestoreConfiguration(days=5, job_parameters=RestoreJobParameters(tier)))
    assert result.status == 202
    assert result.headers["x-oss-object-restore-priority"] == tier


def test_cold_archive_restore_without_body_uses_the_standard_tier(abucket):
    abucket.put_object("k", b"x", headers={"x-oss-storage-class": "ColdArchive"})
    result = abucket.restore_object("k")
    assert (result.status, result.headers["x-oss-object-restore-priority"]) == (202, "Standard")


def test_a_running_cold_restore_can_only_be_made_faster(abucket):
    abucket.put_object("k", b"x", headers={"x-oss-storage-class": "ColdArchive"})
    def restore(tier):
        return abucket.restore_object("k", input=RestoreConfiguration(days=2, job_parameters=RestoreJobParameters(tier)))
    assert restore("Standard").status == 202
    faster = restore("Expedited")                                       # §4.4: a higher tier upgrades the job
    assert (faster.status, faster.headers["x-oss-object-restore-priority"]) == (202, "Expedited")
    err = oss2_error(restore, "Bulk")                                   # lower than the running one
    assert err.ec == "0016-00000715"
    err = oss2_error(restore, "Expedited")                              # the same tier again
    assert (err.status, err.code, err.ec) == (409, "RestoreAlreadyInProgress", "0016-00000701")


def test_restore_with_pyv2(abucket, v2, archive_server):
    b = abucket.bucket_name
    v2.put_object(oss.PutObjectRequest(bucket=b, key="k", body=b"v2 data", storage_class="DeepColdArchive"))
    result = v2.restore_object(oss.RestoreObjectRequest(
        bucket=b, key="k", restore_request=oss.RestoreRequest(days=2, tier="Expedited")))
    assert result.status_code == 202
    assert result.restore_priority == "Expedited"
    err = v2_error(v2.restore_object, oss.RestoreObjectRequest(bucket=b, key="k"))
    assert (err.status_code, err.code, err.ec) == (409, "RestoreAlreadyInProgress", "0016-00000701")
    head = v2.head_object(oss.HeadObjectRequest(bucket=b, key="k"))
    assert head.restore == 'ongoing-request="true"'
    assert head.storage_class == "DeepColdArchive"
    # CleanRestoredObject while restoring: 409 ArchiveRestoreNotFinished (§4.6).
    err = v2_error(v2.clean_restored_object, oss.CleanRestoredObjectRequest(bucket=b, key="k"))
    assert (err.status_code, err.code, err.ec) == (409, "ArchiveRestoreNotFinished", "0016-00000719")
    archive_server.clock(advanceSeconds=RESTORE_DELAY)
    got = v2.get_object(oss.GetObjectRequest(bucket=b, key="k"))
    assert got.body.read() == b"v2 data"
    assert got.restore.startswith('ongoing-request="false", expiry-date="')
    v2.clean_restored_object(oss.CleanRestoredObjectRequest(bucket=b, key="k"))
    err = v2_error(v2.get_object, oss.GetObjectRequest(bucket=b, key="k"))
    assert (err.status_code, err.code) == (403, "InvalidObjectState")


# ---------------------------------------------------------------- §5.1 object SSE headers

@pytest.mark.parametrize("sent, applied", [
    ({}, {}),
    ({SSE: "KMS"}, {SSE: "KMS", SSE_KEY: ...}),
    ({SSE: "KMS", SSE_DATA: "SM4"}, {SSE: "KMS", SSE_DATA: "SM4", SSE_KEY: ...}),
    ({SSE: "KMS", SSE_KEY: "my-key"}, {SSE: "KMS", SSE_KEY: "my-key"}),
    ({SSE: "AES256", SSE_DATA: "SM4"}, {SSE: "AES256"}),
    ({SSE: "SM4", SSE_DATA: "SM4"}, {SSE: "SM4"}),
    ({SSE_DATA: "SM4"}, {}),
])
def test_put_object_echoes_the_encryption_applied(abucket, v2, sent, applied):
    def check(headers):
        got = sse_headers(headers)
        assert set(got) == set(applied)
        for name, value in applied.items():
            assert got[name] == value if value is not ... else got[name]
    result = abucket.put_object("k", b"x", headers=sent)
    check(result.headers)
    check(abucket.head_object("k").headers)
    check(abucket.get_object("k").headers)
    head = v2.head_object(oss.HeadObjectRequest(bucket=abucket.bucket_name, key="k"))
    assert head.server_side_encryption == applied.get(SSE)
    assert head.server_side_data_encryption == applied.get(SSE_DATA)
    assert (head.server_side_encryption_key_id is not None) == (SSE_KEY in applied)


def test_invalid_encryption_values_are_refused(abucket, v2):
    err = oss2_error(abucket.put_object, "k", b"x", headers={SSE: "invalid"})
    assert (err.status, err.code) == (400, "InvalidEncryptionAlgorithmError")
    err = v2_error(v2.put_object, oss.PutObjectRequest(
        bucket=abucket.bucket_name, key="k", body=b"x", server_side_encryption="DES"))
    assert (err.status_code, err.code) == (400, "InvalidEncryptionAlgorithmError")
    err = oss2_error(abucket.put_object, "k", b"x", headers={SSE: "AES256", SSE_KEY: "key"})
    assert (err.status, err.code) == (400, "InvalidArgument")
    err = oss2_error(abucket.put_object, "k", b"x", headers={SSE: "KMS", SSE_DATA: "AES"})
    assert (err.status, err.code) == (400, "InvalidArgument")
    # SSE-C is not emulated: refused as not implemented (§5.1 recommendation), never silently ignored.
    err = oss2_error(abucket.put_object, "k", b"x",
                     headers={"x-oss-server-side-encryption-customer-algorithm": "AES256"})
    assert (err.status, err.code) == (400, "NotImplemented")
    assert not abucket.object_exists("k")


def test_copy_never_inherits_the_source_encryption(abucket):
    abucket.put_object("src", b"x", headers={SSE: "KMS", "x-oss-meta-a": "1"})
    abucket.copy_object(abucket.bucket_name, "src", "plain")
    assert sse_headers(abucket.head_object("plain").headers) == {}
    assert abucket.head_object("plain").headers["x-oss-meta-a"] == "1"
    result = abucket.copy_object(abucket.bucket_name, "src", "aes", headers={SSE: "AES256"})
    assert sse_headers(result.headers) == {SSE: "AES256"}
    assert sse_headers(abucket.head_object("aes").headers) == {SSE: "AES256"}
    abucket.copy_object(abucket.bucket_name, "src", "sm4",
                        headers={SSE: "SM4", "x-oss-metadata-directive": "REPLACE"})
    assert sse_headers(abucket.head_object("sm4").headers) == {SSE: "SM4"}


def test_append_keeps_the_encryption_of_the_first_append(abucket):
    first = abucket.append_object("k", 0, b"123", headers={SSE: "KMS"})
    key_id = first.headers[SSE_KEY]
    second = abucket.append_object("k", 3, b"456")
    third = abucket.append_object("k", 6, b"789", headers={SSE: "AES256"})
    for result in (second, third):
        assert sse_headers(result.headers) == {SSE: "KMS", SSE_KEY: key_id}
    assert sse_headers(abucket.head_object("k").headers) == {SSE: "KMS", SSE_KEY: key_id}
    err = oss2_error(abucket.append_object, "k2", 0, b"1", headers={SSE: "KMS", SSE_KEY: "my-key"})
    assert (err.status, err.code) == (400, "InvalidArgument")


def test_multipart_encryption(abucket, v2):
    init = abucket.init_multipart_upload("mp", headers={SSE: "KMS", SSE_DATA: "SM4"})
    applied = sse_headers(init.headers)
    assert applied[SSE] == "KMS" and applied[SSE_DATA] == "SM4" and applied[SSE_KEY]
    err = oss2_error(abucket.upload_part, "mp", init.upload_id, 1, b"x", headers={SSE: "KMS"})
    assert (err.status, err.code) == (400, "InvalidArgument")
    part = abucket.upload_part("mp", init.upload_id, 1, b"x")
    assert sse_headers(part.headers) == applied
    err = oss2_error(abucket.complete_multipart_upload, "mp", init.upload_id, [PartInfo(1, part.etag)],
                     headers={SSE: "KMS"})
    assert (err.status, err.code) == (400, "InvalidArgument")
    done = abucket.complete_multipart_upload("mp", init.upload_id, [PartInfo(1, part.etag)])
    assert sse_headers(done.headers) == applied
    head = v2.head_object(oss.HeadObjectRequest(bucket=abucket.bucket_name, key="mp"))
    assert (head.server_side_encryption, head.server_side_data_encryption,
            head.server_side_encryption_key_id) == ("KMS", "SM4", applied[SSE_KEY])


# ---------------------------------------------------------------- §5.2 bucket default encryption

def test_bucket_encryption_with_oss2(abucket):
    err = oss2_error(abucket.get_bucket_encryption)
    assert (err.status, err.code) == (404, "NoSuchServerSideEncryptionRule")
    assert abucket.get_bucket_info().bucket_encryption_rule.sse_algorithm is None      # oss2 reads "None" so
    rule = ServerSideEncryptionRule()
    rule.sse_algorithm = "KMS"
    rule.kms_master_keyid = "key-1"
    rule.kms_data_encryption = "SM4"
    assert abucket.put_bucket_encryption(rule).status == 200
    got = abucket.get_bucket_encryption()
    assert (got.sse_algorithm, got.kms_master_keyid, got.kms_data_encryption) == ("KMS", "key-1", "SM4")
    info = abucket.get_bucket_info().bucket_encryption_rule
    assert (info.sse_algorithm, info.kms_master_keyid, info.kms_data_encryption) == ("KMS", "key-1", "SM4")

    # New objects without headers take the default; headers win over it.
    result = abucket.put_object("default", b"x")
    assert sse_headers(result.headers) == {SSE: "KMS", SSE_DATA: "SM4", SSE_KEY: "key-1"}
    assert sse_headers(abucket.head_object("default").headers) == {SSE: "KMS", SSE_DATA: "SM4", SSE_KEY: "key-1"}
    assert sse_headers(abucket.put_object("own", b"x", headers={SSE: "AES256"}).headers) == {SSE: "AES256"}
    init = abucket.init_multipart_upload("mp")
    assert sse_headers(init.headers)[SSE] == "KMS"
    abucket.append_object("app", 0, b"x")
    assert sse_headers(abucket.head_object("app").headers)[SSE] == "KMS"
    abucket.abort_multipart_upload("mp", init.upload_id)

    rule = ServerSideEncryptionRule()
    rule.sse_algorithm = "AES256"
    rule.kms_master_keyid = "key"
    assert oss2_error(abucket.put_bucket_encryption, rule).code == "InvalidArgument"
    rule.sse_algorithm = "random"
    rule.kms_master_keyid = ""
    err = oss2_error(abucket.put_bucket_encryption, rule)
    assert (err.status, err.code, err.ec) == (400, "InvalidEncryptionAlgorithmError", "0005-00000003")

    assert abucket.delete_bucket_encryption().status == 204
    assert abucket.delete_bucket_encryption().status == 204
    assert oss2_error(abucket.get_bucket_encryption).code == "NoSuchServerSideEncryptionRule"
    assert sse_headers(abucket.put_object("after", b"x").headers) == {}


def test_bucket_encryption_with_pyv2(abucket, v2):
    b = abucket.bucket_name
    rule = oss.ServerSideEncryptionRule(apply_server_side_encryption_by_default=oss.ApplyServerSideEncryptionByDefault(
        sse_algorithm="SM4", kms_data_encryption="SM4"))
    assert v2.put_bucket_encryption(oss.PutBucketEncryptionRequest(
        bucket=b, server_side_encryption_rule=rule)).status_code == 200
    got = v2.get_bucket_encryption(oss.GetBucketEncryptionRequest(bucket=b))
    applied = got.server_side_encryption_rule.apply_server_side_encryption_by_default
    assert (applied.sse_algorithm, applied.kms_data_encryption, applied.kms_master_key_id) == ("SM4", None, None)
    put = v2.put_object(oss.PutObjectRequest(bucket=b, key="k", body=b"x"))
    assert put.headers.get(SSE) == "SM4"
    assert v2.delete_bucket_encryption(oss.DeleteBucketEncryptionRequest(bucket=b)).status_code == 204
    err = v2_error(v2.get_bucket_encryption, oss.GetBucketEncryptionRequest(bucket=b))
    assert (err.status_code, err.code) == (404, "NoSuchServerSideEncryptionRule")


def test_put_bucket_with_encryption_headers_sets_the_default(archive_server):
    b = oss2.Bucket(oss2.Auth(ACCESS_KEY_ID, ACCESS_KEY_SECRET), archive_server.endpoint,
                    "arch-" + uuid.uuid4().hex[:16])
    b.create_bucket(headers={SSE: "KMS", SSE_KEY: "bucket-key"})
    rule = b.get_bucket_info().bucket_encryption_rule
    assert (rule.sse_algorithm, rule.kms_master_keyid) == ("KMS", "bucket-key")


# ---------------------------------------------------------------- §5.3 client-side encryption

@pytest.fixture(scope="module")
def rsa_keys():
    """(private PEM, public PEM) of a fresh 2048-bit RSA key: the master key of both SDKs' encryption clients."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                    serialization.NoEncryption()).decode()
    public_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private_pem, public_pem


def test_oss2_crypto_bucket_round_trips(abucket, rsa_keys):
    provider = oss2.RsaProvider(key_pair={"private_key": rsa_keys[0], "public_key": rsa_keys[1]})
    crypto = oss2.CryptoBucket(oss2.Auth(ACCESS_KEY_ID, ACCESS_KEY_SECRET), abucket.endpoint,
                               abucket.bucket_name, crypto_provider=provider)
    data = rand(300 * 1024)
    crypto.put_object("obj", data)
    assert crypto.get_object("obj").read() == data
    assert abucket.get_object("obj").read() != data                     # stored as the client encrypted it
    head = abucket.head_object("obj").headers
    assert head["x-oss-meta-client-side-encryption-cek-alg"] == "AES/CTR/NoPadding"
    assert head["x-oss-meta-client-side-encryption-wrap-alg"] == "RSA/NONE/PKCS1Padding"

    part_size = 100 * 1024
    context = oss2.models.MultipartUploadCryptoContext(data_size=len(data), part_size=part_size)
    uid = crypto.init_multipart_upload("mp", upload_context=context).upload_id
    parts = []
    for n, offset in enumerate(range(0, len(data), part_size), 1):
        r = crypto.upload_part("mp", uid, n, data[offset:offset + part_size], upload_context=context)
        parts.append(PartInfo(n, r.etag, size=len(data[offset:offset + part_size]), part_crc=r.crc))
    crypto.complete_multipart_upload("mp", uid, parts)
    assert crypto.get_object("mp").read() == data
    assert crypto.get_object("mp", byte_range=(1000, 2999)).read() == data[1000:3000]

    # Copies keep the envelope (COPY, and REPLACE: the bytes are still the source's ciphertext).
    abucket.copy_object(abucket.bucket_name, "obj", "copy")
    assert crypto.get_object("copy").read() == data
    abucket.copy_object(abucket.bucket_name, "obj", "replaced",
                        headers={"x-oss-metadata-directive": "REPLACE", "x-oss-meta-other": "1"})
    assert crypto.get_object("replaced").read() == data
    assert abucket.head_object("replaced").headers["x-oss-meta-other"] == "1"


def test_client_side_encryption_metadata_round_trips_on_append(abucket):
    metas = {"x-oss-meta-client-side-encryption-key": base64.b64encode(b"wrapped key").decode(),
             "x-oss-meta-client-side-encryption-start": base64.b64encode(b"wrapped iv").decode(),
             "x-oss-meta-client-side-encryption-cek-alg": "AES/CTR/NoPadding",
             "x-oss-meta-client-side-encryption-wrap-alg": "RSA/NONE/PKCS1Padding"}
    abucket.append_object("k", 0, b"abc", headers=metas)
    abucket.append_object("k", 3, b"def")
    head = abucket.head_object("k").headers
    for name, value in metas.items():
        assert head[name] == value


def test_pyv2_encryption_client_round_trips(abucket, v2, rsa_keys):
    private_pem, public_pem = rsa_keys
    cipher = oss.crypto.MasterRsaCipher(mat_desc={"tag": "localoss"}, public_key=public_pem, private_key=private_pem)
    client = oss.EncryptionClient(v2, cipher)
    b = abucket.bucket_name
    data = rand(200 * 1024 + 17)
    client.put_object(oss.PutObjectRequest(bucket=b, key="obj", body=data))
    assert client.get_object(oss.GetObjectRequest(bucket=b, key="obj")).body.read() == data
    ranged = client.get_object(oss.GetObjectRequest(bucket=b, key="obj", range_header="bytes=100-5000"))
    assert ranged.body.read() == data[100:5001]

    part_size = 100 * 1024
    init = client.initiate_multipart_upload(oss.InitiateMultipartUploadRequest(
        bucket=b, key="mp", cse_part_size=part_size, cse_data_size=len(data)))
    parts = []
    for n, offset in enumerate(range(0, len(data), part_size), 1):
        r = client.upload_part(oss.UploadPartRequest(
            bucket=b, key="mp", upload_id=init.upload_id, part_number=n, body=data[offset:offset + part_size],
            cse_multipart_context=init.cse_multipart_context))
        parts.append(oss.UploadPart(part_number=n, etag=r.etag))
    listed = v2.list_parts(oss.ListPartsRequest(bucket=b, key="mp", upload_id=init.upload_id))
    assert listed.client_encryption_cek_alg == "AES/CTR/NoPadding"
    assert listed.client_encryption_part_size == part_size
    client.complete_multipart_upload(oss.CompleteMultipartUploadRequest(
        bucket=b, key="mp", upload_id=init.upload_id,
        complete_multipart_upload=oss.CompleteMultipartUpload(parts=parts)))
    assert client.get_object(oss.GetObjectRequest(bucket=b, key="mp")).body.read() == data
    head = client.head_object(oss.HeadObjectRequest(bucket=b, key="mp"))
    assert head.headers["x-oss-meta-client-side-encryption-wrap-alg"] == "RSA/NONE/PKCS1Padding"


# ---------------------------------------------------------------- §4.6 archive direct read

def test_archive_direct_read(abucket, v2):
    assert abucket.get_bucket_archive_direct_read().enabled is False      # never configured
    abucket.put_object("arch", b"archived", headers={"x-oss-storage-class": "Archive"})
    abucket.put_object("cold", b"cold", headers={"x-oss-storage-class": "ColdArchive"})
    assert abucket.put_bucket_archive_direct_read(True).status == 200
    assert abucket.get_bucket_archive_direct_read().enabled is True
    assert abucket.get_object("arch").read() == b"archived"               # Archive: no restore needed
    assert oss2_error(abucket.get_object, "cold").code == "InvalidObjectState"   # Cold Archive never
    got = v2.get_bucket_archive_direct_read(oss.GetBucketArchiveDirectReadRequest(bucket=abucket.bucket_name))
    assert got.archive_direct_read_configuration.enabled is True
    assert abucket.put_bucket_archive_direct_read(False).status == 200
    assert oss2_error(abucket.get_object, "arch").code == "InvalidObjectState"
    err = oss2_error(abucket.put_bucket_archive_direct_read, "aa")         # <Enabled>aa</Enabled>
    assert (err.status, err.code) == (400, "MalformedXML")
