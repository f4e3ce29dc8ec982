"""Access control at run time: bucket policies, Block Public Access, a second account, requester pays.

The server is started with a credentials file whose second line names another account
(`ID:SECRET:ACCOUNT_UID`); the default pair is the bucket owner's. Expected replies follow the protocol notes
(bucket-configuration-and-access.md §3, §4.6, §4.7, §4.10) and OSS's Bucket Policy page: an explicit Deny wins,
anonymous callers are let in by an Allow with Principal `*`, Block Public Access makes public ACLs and public
policies grant nothing and refuses new ones, and a requester-pays bucket refuses other accounts that do not say
they pay.
"""

import json
import pathlib
import shutil
import tempfile

import alibabacloud_oss_v2 as oss
import oss2
import pytest
import requests

from conftest import LocalOSSServer, cleanup_bucket, server_binary, unique_bucket_name
from localoss_helpers import ACCESS_KEY_ID, ACCESS_KEY_SECRET

OTHER_ID, OTHER_SECRET, OTHER_UID = "PolicyOtherKey", "PolicyOtherSecret", "1000000000000002"
OWNER_UID = "1305433975557637"


@pytest.fixture(scope="module")
def two_accounts():
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="localoss-policy-"))
    (tmp / "data").mkdir()
    credentials = tmp / "credentials"
    credentials.write_text("# owner keys are the default pair\n%s:%s:%s\n" % (OTHER_ID, OTHER_SECRET, OTHER_UID))
    srv = LocalOSSServer(server_binary(), tmp / "data", tmp / "server.log",
                         extra_args=["--credentials-file", str(credentials)]).start()
    yield srv
    srv.stop()
    shutil.rmtree(tmp, ignore_errors=True)


def oss2_bucket(srv, name, auth):
    return oss2.Bucket(auth, srv.endpoint, name, connect_timeout=30)


def v2_client(srv, key_id, secret):
    cfg = oss.config.load_default()
    if key_id is None:
        cfg.credentials_provider = oss.credentials.AnonymousCredentialsProvider()
    else:
        cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(key_id, secret)
    cfg.region = "cn-hangzhou"
    cfg.endpoint = srv.endpoint
    cfg.use_path_style = True
    return oss.Client(cfg)


@pytest.fixture
def owned(two_accounts):
    """A private bucket of the owner holding `doc/a.txt` and `secret/b.txt`; yields (owner, other, anonymous, name)."""
    name = unique_bucket_name("pol")
    owner = oss2_bucket(two_accounts, name, oss2.Auth(ACCESS_KEY_ID, ACCESS_KEY_SECRET))
    owner.create_bucket()
    owner.put_object("doc/a.txt", b"alpha")
    owner.put_object("secret/b.txt", b"bravo")
    other = oss2_bucket(two_accounts, name, oss2.Auth(OTHER_ID, OTHER_SECRET))
    anonymous = oss2_bucket(two_accounts, name, oss2.AnonymousAuth())
    yield owner, other, anonymous, name
    owner.delete_bucket_policy()
    cleanup_bucket(two_accounts.endpoint, name, ["doc/a.txt", "secret/b.txt", "doc/new.txt"])


def policy(*statements):
    return json.dumps({"Version": "1", "Statement": list(statements)})


def statement(effect, principal, actions, resources, condition=None):
    s = {"Effect": effect, "Principal": principal, "Action": actions, "Resource": resources}
    if condition:
        s["Condition"] = condition
    return s


def is_public(owned):
    """GetBucketPolicyStatus through pyv2 (oss2 has no call for it)."""
    srv, name = owned[0].endpoint, owned[3]
    cfg = oss.config.load_default()
    cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(ACCESS_KEY_ID, ACCESS_KEY_SECRET)
    cfg.region, cfg.endpoint, cfg.use_path_style = "cn-hangzhou", srv, True
    status = oss.Client(cfg).get_bucket_policy_status(oss.GetBucketPolicyStatusRequest(bucket=name))
    return status.policy_status.is_public


def oss2_denied(fn, *args, **kwargs):
    with pytest.raises(oss2.exceptions.AccessDenied) as info:
        fn(*args, **kwargs)
    assert info.value.status == 403
    return info.value.details


def v2_error(fn, *args, **kwargs):
    with pytest.raises(oss.exceptions.OperationError) as info:
        fn(*args, **kwargs)
    err = info.value.unwrap()
    assert isinstance(err, oss.exceptions.ServiceError), err
    return err


# ---------------------------------------------------------------- anonymous access by policy


def test_anonymous_get_is_allowed_by_a_star_policy_and_refused_without_it(owned, two_accounts):
    owner, _, anonymous, name = owned
    details = oss2_denied(anonymous.get_object, "doc/a.txt")
    assert details["Message"] == "Anonymous user has no right to access this object"
    assert details["EC"] == "0003-00000001"

    owner.put_bucket_policy(policy(statement("Allow", ["*"], ["oss:GetObject"], ["acs:oss:*:*:%s/doc/*" % name])))
    assert anonymous.get_object("doc/a.txt").read() == b"alpha"
    # pyv2 without credentials reads the same object.
    result = v2_client(two_accounts, None, None).get_object(oss.GetObjectRequest(bucket=name, key="doc/a.txt"))
    assert result.body.read() == b"alpha"
    # The statement grants GetObject on doc/* only: other keys, other actions and the bucket stay closed.
    oss2_denied(anonymous.get_object, "secret/b.txt")
    oss2_denied(anonymous.put_object, "doc/new.txt", b"x")
    details = oss2_denied(anonymous.list_objects)
    assert details["Message"] == "Anonymous user has no right to access this bucket"
    assert is_public(owned) is True

    owner.delete_bucket_policy()
    oss2_denied(anonymous.get_object, "doc/a.txt")


def test_a_listing_allowed_on_a_prefix_condition(owned):
    owner, _, anonymous, name = owned
    owner.put_bucket_policy(policy(statement("Allow", ["*"], ["oss:ListObjects"], ["acs:oss:*:*:%s" % name],
                                             {"StringLike": {"oss:Prefix": ["doc/*"]}})))
    keys = [o.key for o in anonymous.list_objects(prefix="doc/").object_list]
    assert keys == ["doc/a.txt"]
    oss2_denied(anonymous.list_objects, prefix="secret/")
    # A condition makes the policy not public.
    assert is_public(owned) is False


def test_a_source_ip_condition_is_tested_against_the_client_address(owned):
    owner, _, anonymous, name = owned
    resource = ["acs:oss:*:*:%s/*" % name]
    owner.put_bucket_policy(policy(statement("Allow", ["*"], ["oss:GetObject"], resource,
                                             {"IpAddress": {"acs:SourceIp": ["10.0.0.0/8"]}})))
    oss2_denied(anonymous.get_object, "doc/a.txt")
    owner.put_bucket_policy(policy(statement("Allow", ["*"], ["oss:GetObject"], resource,
                                             {"IpAddress": {"acs:SourceIp": ["127.0.0.0/8"]}})))
    assert anonymous.get_object("doc/a.txt").read() == b"alpha"


# ---------------------------------------------------------------- a second account


def test_another_account_needs_a_grant_and_sees_none_of_the_owners_buckets(owned, two_accounts):
    owner, other, _, name = owned
    details = oss2_denied(other.get_object, "doc/a.txt")
    assert details["Message"] == "You have no right to access this object because of bucket acl."
    assert details["EC"] == "0003-00000001"
    details = oss2_denied(other.list_objects)
    assert details["Message"] == "The bucket you access does not belong to you."
    oss2_denied(other.get_bucket_acl)

    service = oss2.Service(oss2.Auth(OTHER_ID, OTHER_SECRET), two_accounts.endpoint)
    listing = service.list_buckets()
    assert listing.buckets == []
    assert listing.owner.id == OTHER_UID
    assert name in [b.name for b in oss2.Service(oss2.Auth(ACCESS_KEY_ID, ACCESS_KEY_SECRET),
                                                  two_accounts.endpoint).list_buckets(prefix="lopy-pol").buckets]

    # A public-read bucket ACL is public for every caller, another account included.
    owner.put_bucket_acl(oss2.BUCKET_ACL_PUBLIC_READ)
    assert other.get_object("doc/a.txt").read() == b"alpha"
    oss2_denied(other.put_object, "doc/new.txt", b"x")


def test_a_deny_on_a_prefix_refuses_the_other_account(owned, two_accounts):
    owner, other, _, name = owned
    owner.put_bucket_policy(policy(
        statement("Allow", [OTHER_UID], ["oss:*"], ["acs:oss:*:*:%s" % name, "acs:oss:*:*:%s/*" % name]),
        statement("Deny", [OTHER_UID], ["oss:GetObject", "oss:PutObject"], ["acs:oss:*:*:%s/secret/*" % name]),
    ))
    assert other.get_object("doc/a.txt").read() == b"alpha"
    other.put_object("doc/new.txt", b"new")
    assert owner.get_object("doc/new.txt").read() == b"new"
    details = oss2_denied(other.get_object, "secret/b.txt")
    assert details["Message"] == "Access denied by bucket policy."
    assert details["EC"] == "0003-00000001"
    oss2_denied(other.put_object, "secret/c.txt", b"x")

    client = v2_client(two_accounts, OTHER_ID, OTHER_SECRET)
    err = v2_error(client.get_object, oss.GetObjectRequest(bucket=name, key="secret/b.txt"))
    assert (err.status_code, err.code, err.message) == (403, "AccessDenied", "Access denied by bucket policy.")
    assert client.get_object(oss.GetObjectRequest(bucket=name, key="doc/a.txt")).body.read() == b"alpha"

    # An unconditional statement naming another account does not bind the owner.
    assert owner.get_object("secret/b.txt").read() == b"bravo"


def test_a_conditional_star_deny_binds_the_owner_but_not_its_policy_calls(owned):
    owner, _, _, name = owned
    owner.put_bucket_policy(policy(statement("Deny", ["*"], ["oss:GetObject"], ["acs:oss:*:*:%s/*" % name],
                                             {"NotIpAddress": {"acs:SourceIp": ["10.0.0.0/8"]}})))
    details = oss2_denied(owner.get_object, "doc/a.txt")
    assert details["Message"] == "Access denied by bucket policy."
    # The owner can still read and remove the policy that locked it out.
    assert json.loads(owner.get_bucket_policy().policy)["Statement"][0]["Effect"] == "Deny"
    owner.delete_bucket_policy()
    assert owner.get_object("doc/a.txt").read() == b"alpha"


# ---------------------------------------------------------------- Block Public Access


def test_block_public_access_hides_public_acls_and_refuses_new_public_grants(owned, two_accounts):
    owner, other, anonymous, name = owned
    owner.put_bucket_acl(oss2.BUCKET_ACL_PUBLIC_READ)
    assert anonymous.get_object("doc/a.txt").read() == b"alpha"

    owner.put_bucket_public_access_block(True)
    details = oss2_denied(anonymous.get_object, "doc/a.txt")
    assert details["Message"] == "Anonymous user has no right to access this object"
    oss2_denied(other.get_object, "doc/a.txt")
    assert owner.get_object("doc/a.txt").read() == b"alpha"

    details = oss2_denied(owner.put_bucket_acl, oss2.BUCKET_ACL_PUBLIC_READ_WRITE)
    assert details["Message"] == "Put public bucket acl is not allowed when block public access is enabled."
    details = oss2_denied(owner.put_object_acl, "doc/a.txt", oss2.OBJECT_ACL_PUBLIC_READ)
    assert details["Message"] == "Put public object acl is not allowed when block public access is enabled."
    oss2_denied(owner.put_object, "doc/new.txt", b"x", headers={"x-oss-object-acl": "public-read"})
    public = policy(statement("Allow", ["*"], ["oss:GetObject"], ["acs:oss:*:*:%s/*" % name]))
    details = oss2_denied(owner.put_bucket_policy, public)
    assert details["Message"] == "Put public bucket policy is not allowed when block public access is enabled."
    # Private grants and non-public policies still go through; nothing was changed by the refusals.
    owner.put_object_acl("doc/a.txt", oss2.OBJECT_ACL_PRIVATE)
    owner.put_bucket_policy(policy(statement("Allow", [OTHER_UID], ["oss:GetObject"], ["acs:oss:*:*:%s/*" % name])))
    assert other.get_object("secret/b.txt").read() == b"bravo"
    assert owner.get_bucket_acl().acl == oss2.BUCKET_ACL_PUBLIC_READ

    owner.put_bucket_public_access_block(False)
    assert anonymous.get_object("secret/b.txt").read() == b"bravo"


def test_account_level_block_public_access_applies_to_every_bucket(owned, two_accounts):
    owner, _, anonymous, name = owned
    owner.put_bucket_acl(oss2.BUCKET_ACL_PUBLIC_READ)
    client = v2_client(two_accounts, ACCESS_KEY_ID, ACCESS_KEY_SECRET)
    client.put_public_access_block(oss.PutPublicAccessBlockRequest(
        public_access_block_configuration=oss.PublicAccessBlockConfiguration(block_public_access=True)))
    try:
        oss2_denied(anonymous.get_object, "doc/a.txt")
        fresh = oss2_bucket(two_accounts, unique_bucket_name("pol"), oss2.Auth(ACCESS_KEY_ID, ACCESS_KEY_SECRET))
        details = oss2_denied(fresh.create_bucket, oss2.BUCKET_ACL_PUBLIC_READ)
        assert details["Message"] == "Put public bucket acl is not allowed when block public access is enabled."
        err = v2_error(client.put_bucket_acl, oss.PutBucketAclRequest(bucket=name, acl="public-read-write"))
        assert (err.status_code, err.code) == (403, "AccessDenied")
    finally:
        client.delete_public_access_block(oss.DeletePublicAccessBlockRequest())
    assert anonymous.get_object("doc/a.txt").read() == b"alpha"


# ---------------------------------------------------------------- requester pays


def test_requester_pays_refuses_the_other_account_without_the_header(owned, two_accounts):
    owner, other, anonymous, name = owned
    owner.put_bucket_policy(policy(
        statement("Allow", [OTHER_UID], ["oss:*"], ["acs:oss:*:*:%s" % name, "acs:oss:*:*:%s/*" % name])))
    owner.put_bucket_acl(oss2.BUCKET_ACL_PUBLIC_READ)
    owner.put_bucket_request_payment(oss2.models.PAYER_REQUESTER)

    details = oss2_denied(other.get_object, "doc/a.txt")
    assert details["Message"] == "Access denied for requester pay bucket"
    assert details["EC"] == "0003-00000703"
    pays = {oss2.headers.OSS_REQUEST_PAYER: "requester"}
    assert other.get_object("doc/a.txt", headers=pays).read() == b"alpha"

    # A presigned URL carries the payer as a query parameter.
    url = other.sign_url("GET", "doc/a.txt", 60, params={oss2.headers.OSS_REQUEST_PAYER: "requester"})
    assert requests.get(url).content == b"alpha"
    refused = requests.get(other.sign_url("GET", "doc/a.txt", 60))
    assert refused.status_code == 403 and b"<EC>0003-00000702</EC>" in refused.content

    client = v2_client(two_accounts, OTHER_ID, OTHER_SECRET)
    err = v2_error(client.get_object, oss.GetObjectRequest(bucket=name, key="doc/a.txt"))
    assert (err.status_code, err.code, err.message) == (403, "AccessDenied", "Access denied for requester pay bucket")
    result = client.get_object(oss.GetObjectRequest(bucket=name, key="doc/a.txt", request_payer="requester"))
    assert result.body.read() == b"alpha"

    # Nobody pays for an anonymous request, even on a public-read bucket; the owner never needs the header.
    oss2_denied(anonymous.get_object, "doc/a.txt")
    assert owner.get_object("doc/a.txt").read() == b"alpha"

    owner.put_bucket_request_payment(oss2.models.PAYER_BUCKETOWNER)
    assert other.get_object("doc/a.txt").read() == b"alpha"


def test_a_copy_from_a_requester_pays_bucket_needs_the_header(owned, two_accounts):
    owner, other, _, name = owned
    # The other account may write to a second bucket of the owner's and read the first one.
    target_name = unique_bucket_name("pol")
    target = oss2_bucket(two_accounts, target_name, oss2.Auth(ACCESS_KEY_ID, ACCESS_KEY_SECRET))
    target.create_bucket()
    try:
        target.put_bucket_policy(policy(statement("Allow", [OTHER_UID], ["oss:PutObject"],
                                                  ["acs:oss:*:*:%s/*" % target_name])))
        owner.put_bucket_policy(policy(statement("Allow", [OTHER_UID], ["oss:GetObject"],
                                                 ["acs:oss:*:*:%s/*" % name])))
        owner.put_bucket_request_payment(oss2.models.PAYER_REQUESTER)
        copier = oss2_bucket(two_accounts, target_name, oss2.Auth(OTHER_ID, OTHER_SECRET))
        details = oss2_denied(copier.copy_object, name, "doc/a.txt", "copy.txt")
        assert details["Message"] == "Access denied for requester pay bucket"
        copier.copy_object(name, "doc/a.txt", "copy.txt", headers={oss2.headers.OSS_REQUEST_PAYER: "requester"})
        assert target.get_object("copy.txt").read() == b"alpha"
    finally:
        target.delete_bucket_policy()
        cleanup_bucket(two_accounts.endpoint, target_name, ["copy.txt"])
