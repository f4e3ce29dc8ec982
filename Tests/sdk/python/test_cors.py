"""CORS through the SDKs: rules stored and read back exactly, preflights answered or refused by them, and the
headers of actual requests that carry `Origin`.

Rules: protocol notes `bucket-configuration-and-access.md` §4.0 (404 NoSuchCORSConfiguration when none), §4.2 (at
most 10 rules → 400 CORSRuleBeyondLimit; MaxAgeSeconds -1 → 400 InvalidArgument naming it; GET always carries
ResponseVary and returns AllowedHeader lower-cased; DELETE 204; preflight: first matching rule, origin and header
wildcards, 403 AccessForbidden when none matches, Allow-Methods joined by ", ", requested headers echoed; Vary:
Origin on every reply of a bucket whose rules ask for it).
"""

import alibabacloud_oss_v2 as oss
import oss2
import pytest
import requests
from oss2.models import BucketCors, CorsRule

from localoss_helpers import assert_error, assert_oss_error, assert_service_error, raw_request

APP = "https://app.example.com"


def rules_for_app():
    return [
        CorsRule(allowed_origins=["https://*.example.com"], allowed_methods=["PUT", "GET"],
                 allowed_headers=["Content-Type", "x-oss-*"], expose_headers=["ETag", "x-oss-request-id"],
                 max_age_seconds=100),
        CorsRule(allowed_origins=["*"], allowed_methods=["GET"], max_age_seconds=5),
    ]


def preflight(bucket, key, origin, method, headers=None):
    h = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers:
        h["Access-Control-Request-Headers"] = headers
    return requests.options("%s/%s/%s" % (bucket.endpoint, bucket.bucket_name, key), headers=h, timeout=30)


def test_oss2_round_trip_and_delete(bucket):
    assert_oss_error(404, "NoSuchCORSConfiguration", bucket.get_bucket_cors)
    bucket.put_bucket_cors(BucketCors(rules_for_app()))
    got = bucket.get_bucket_cors()
    assert len(got.rules) == 2
    first, second = got.rules
    assert first.allowed_origins == ["https://*.example.com"]
    assert first.allowed_methods == ["PUT", "GET"]
    assert first.allowed_headers == ["content-type", "x-oss-*"]  # OSS returns them lower-cased
    assert first.expose_headers == ["ETag", "x-oss-request-id"]
    assert first.max_age_seconds == 100
    assert second.allowed_origins == ["*"] and second.allowed_headers == [] and second.max_age_seconds == 5
    assert got.response_vary is False  # always present, false by default
    bucket.delete_bucket_cors()
    assert_oss_error(404, "NoSuchCORSConfiguration", bucket.get_bucket_cors)
    bucket.delete_bucket_cors()  # 204 also when none is configured


def test_pyv2_round_trip_with_response_vary(client, bucket):
    name = bucket.bucket_name
    client.put_bucket_cors(oss.PutBucketCorsRequest(bucket=name, cors_configuration=oss.CORSConfiguration(
        cors_rules=[oss.CORSRule(allowed_origins=["*"], allowed_methods=["PUT", "GET"], allowed_headers=["*"],
                                 max_age_seconds=30)],
        response_vary=True)))
    result = client.get_bucket_cors(oss.GetBucketCorsRequest(bucket=name))
    rules = result.cors_configuration.cors_rules
    assert len(rules) == 1 and rules[0].allowed_methods == ["PUT", "GET"] and rules[0].max_age_seconds == 30
    assert result.cors_configuration.response_vary is True
    # Every reply of the bucket says Vary: Origin, with or without an Origin, allowed or not.
    bucket.put_object("k", b"x")
    bucket.created_keys.add("k")
    assert requests.get("%s/%s/k" % (bucket.endpoint, name), timeout=30).headers.get("Vary") == "Origin"
    client.delete_bucket_cors(oss.DeleteBucketCorsRequest(bucket=name))
    assert_service_error(404, "NoSuchCORSConfiguration", client.get_bucket_cors, oss.GetBucketCorsRequest(bucket=name))


def test_invalid_configurations_are_refused_and_change_nothing(bucket):
    bucket.put_bucket_cors(BucketCors(rules_for_app()))
    before = bucket.get_bucket_cors()
    eleven = [CorsRule(allowed_origins=["*"], allowed_methods=["GET"]) for _ in range(11)]
    assert_oss_error(400, "CORSRuleBeyondLimit", bucket.put_bucket_cors, BucketCors(eleven))
    e = assert_oss_error(400, "InvalidArgument", bucket.put_bucket_cors,
                         BucketCors([CorsRule(allowed_origins=["*"], allowed_methods=["GET"], max_age_seconds=-1)]))
    assert e.details.get("ArgumentName") == "MaxAgeSeconds"
    r = raw_request(bucket.endpoint, "PUT", bucket.bucket_name, query={"cors": ""}, data=b"<CORSConfiguration>")
    assert_error(r, 400, "MalformedXML")
    after = bucket.get_bucket_cors()
    assert [r.allowed_origins for r in after.rules] == [r.allowed_origins for r in before.rules]


def test_preflight_answered_by_the_first_matching_rule(bucket):
    bucket.put_bucket_cors(BucketCors(rules_for_app()))
    r = preflight(bucket, "any/key", APP, "PUT", "content-type, x-oss-meta-a")
    assert r.status_code == 200, r.text
    assert r.headers["Access-Control-Allow-Origin"] == APP
    assert r.headers["Access-Control-Allow-Methods"] == "PUT, GET"
    assert r.headers["Access-Control-Allow-Headers"] == "content-type, x-oss-meta-a"
    assert r.headers["Access-Control-Expose-Headers"] == "ETag, x-oss-request-id"
    assert r.headers["Access-Control-Max-Age"] == "100"
    assert "Vary" not in r.headers
    # Another origin may only GET (the second rule).
    r = preflight(bucket, "k", "https://other.test", "GET")
    assert r.status_code == 200 and r.headers["Access-Control-Allow-Methods"] == "GET"
    assert r.headers["Access-Control-Max-Age"] == "5"


@pytest.mark.parametrize("origin,method,headers", [
    ("https://other.test", "PUT", None),            # origin allowed only for GET
    (APP, "DELETE", None),                           # method in no rule
    (APP, "PUT", "authorization"),                   # a header the matching rule does not allow
    ("https://example.com", "PUT", None),            # the wildcard needs a subdomain
])
def test_preflight_refused_when_no_rule_matches(bucket, origin, method, headers):
    bucket.put_bucket_cors(BucketCors(rules_for_app()))
    r = preflight(bucket, "k", origin, method, headers)
    assert_error(r, 403, "AccessForbidden")
    assert not [h for h in r.headers if h.lower().startswith("access-control-")]


def test_pyv2_option_object(client, bucket):
    bucket.put_bucket_cors(BucketCors(rules_for_app()))
    result = client.option_object(oss.OptionObjectRequest(
        bucket=bucket.bucket_name, key="not-uploaded", origin=APP, access_control_request_method="PUT",
        access_control_request_headers="x-oss-meta-a"))
    assert result.access_control_allow_origin == APP
    assert result.access_control_allow_methods == "PUT, GET"
    assert result.access_control_allow_headers == "x-oss-meta-a"


def test_actual_requests_carry_the_matching_rule_headers(bucket):
    bucket.put_bucket_cors(BucketCors(rules_for_app()))
    bucket.put_object("k", b"hello")
    bucket.created_keys.add("k")
    url = "%s/%s/k" % (bucket.endpoint, bucket.bucket_name)
    r = requests.get(url, headers={"Origin": APP}, timeout=30)
    assert r.status_code == 403  # a private bucket: the request itself is refused, but carries CORS headers
    assert r.headers["Access-Control-Allow-Origin"] == APP
    signed = bucket.sign_url("GET", "k", 60)
    r = requests.get(signed, headers={"Origin": APP}, timeout=30)
    assert r.status_code == 200 and r.content == b"hello"
    assert r.headers["Access-Control-Allow-Origin"] == APP
    assert r.headers["Access-Control-Expose-Headers"] == "ETag, x-oss-request-id"
    # DELETE is in no rule: the request is served, without CORS headers.
    r = requests.delete(bucket.sign_url("DELETE", "k", 60), headers={"Origin": APP}, timeout=30)
    assert r.status_code == 204
    assert "Access-Control-Allow-Origin" not in r.headers
    # No Origin, no CORS headers.
    assert "Access-Control-Allow-Origin" not in requests.get(signed, timeout=30).headers


def test_a_recreated_bucket_has_no_rules(server, oss_auth, oss_session):
    from conftest import make_oss2_bucket, unique_bucket_name
    name = unique_bucket_name("cors")
    b = make_oss2_bucket(server.endpoint, name, oss_auth, oss_session)
    b.create_bucket()
    b.put_bucket_cors(BucketCors(rules_for_app()))
    assert preflight(b, "k", APP, "PUT").status_code == 200
    b.delete_bucket()
    b.create_bucket()
    assert_oss_error(404, "NoSuchCORSConfiguration", b.get_bucket_cors)
    assert_error(preflight(b, "k", APP, "PUT"), 403, "AccessForbidden")
    b.delete_bucket()
