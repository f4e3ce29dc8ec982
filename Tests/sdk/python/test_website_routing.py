"""Website routing rules at run time, configured through alibabacloud-oss-v2 (and oss2 for objects), checked with
plain HTTP GETs as a browser sends them.

GETs and HEADs are routed alike.

Rules: protocol notes `bucket-configuration-and-access.md` §4.4 runtime and pyv2 models/bucket_website.py: rules are
tried by RuleNumber and the first whose conditions all hold runs; KeyPrefixEquals, KeySuffixEquals, IncludeHeader
(Equals/StartsWith/EndsWith) and HttpErrorCodeReturnedEquals (the status the request would get) are conditions;
External and AliCDN answer HttpRedirectCode (default 302) with Location = Protocol://HostName/<key rewritten by
ReplaceKeyWith (${key}) or ReplaceKeyPrefixWith>[?query if PassQueryString]; Internal serves the rewritten key of
the same bucket; Mirror needs an origin server and is treated as a rule that does not match.
"""

import alibabacloud_oss_v2 as oss
import requests

from localoss_helpers import assert_error


def anonymous_get(bucket, key, headers=None, query=""):
    url = "%s/%s/%s%s" % (bucket.endpoint, bucket.bucket_name, key, ("?" + query) if query else "")
    return requests.get(url, headers=headers or {}, allow_redirects=False, timeout=30)


def put_public(bucket, key, data):
    bucket.put_object(key, data, headers={"x-oss-object-acl": "public-read"})
    bucket.created_keys.add(key)


def put_rules(client, bucket, *rules, index="index.html", error=None):
    config = oss.WebsiteConfiguration(
        index_document=oss.IndexDocument(suffix=index),
        error_document=oss.ErrorDocument(key=error, http_status=404) if error else None,
        routing_rules=oss.RoutingRules(routing_rules=list(rules)))
    result = client.put_bucket_website(oss.PutBucketWebsiteRequest(bucket=bucket.bucket_name,
                                                                   website_configuration=config))
    assert result.status_code == 200


def rule(number, redirect, prefix=None, suffix=None, error_code=None, headers=None):
    return oss.RoutingRule(
        rule_number=number,
        condition=oss.RoutingRuleCondition(key_prefix_equals=prefix, key_suffix_equals=suffix,
                                           http_error_code_returned_equals=error_code, include_headers=headers),
        redirect=redirect)


def origin(bucket):
    return "%s/%s" % (bucket.endpoint, bucket.bucket_name)


def test_external_redirect_replaces_the_prefix_and_passes_the_query(bucket, client):
    put_rules(client, bucket, rule(1, oss.RoutingRuleRedirect(
        redirect_type="External", protocol="https", host_name="example.com", http_redirect_code=301,
        replace_key_prefix_with="def/", pass_query_string=True), prefix="abc/"))
    r = anonymous_get(bucket, "abc/page%20one.html", query="a=b&c=d")
    assert r.status_code == 301
    assert r.headers["Location"] == "https://example.com/def/page%20one.html?a=b&c=d"
    # A HEAD is redirected alike.
    h = requests.head("%s/abc/page%%20one.html?a=b" % origin(bucket), allow_redirects=False, timeout=30)
    assert (h.status_code, h.headers["Location"]) == (301, "https://example.com/def/page%20one.html?a=b")
    # A key outside the prefix is not redirected: an anonymous GET of a private bucket is refused as without rules.
    r = anonymous_get(bucket, "other.html")
    assert_error(r, 403, "AccessDenied")
    assert "Location" not in r.headers


def test_external_redirect_with_replace_key_with_and_the_defaults(bucket, client):
    # No HostName: the request's own host (and the bucket, for a path-style request); no code: 302; no
    # PassQueryString: the query is dropped.
    put_rules(client, bucket, rule(1, oss.RoutingRuleRedirect(
        redirect_type="External", replace_key_with="prefix/${key}.suffix"), suffix=".txt"))
    r = anonymous_get(bucket, "test.txt", query="x=1")
    assert r.status_code == 302
    assert r.headers["Location"] == origin(bucket) + "/prefix/test.txt.suffix"
    r = anonymous_get(bucket, "test.html")
    assert_error(r, 403, "AccessDenied")
    assert "Location" not in r.headers


def test_redirect_on_an_error_status_only_when_the_request_fails_with_it(bucket, client):
    put_public(bucket, "present.html", b"here")
    put_rules(client, bucket, rule(1, oss.RoutingRuleRedirect(
        redirect_type="External", host_name="fallback.example.com", http_redirect_code=307), error_code=404))
    r = anonymous_get(bucket, "present.html")
    assert (r.status_code, r.content) == (200, b"here")
    r = anonymous_get(bucket, "gone.html")
    assert r.status_code == 307
    assert r.headers["Location"] == "http://fallback.example.com/gone.html"
    # A signed GET of a missing key is routed too, as the error document is.
    signed = requests.get(bucket.sign_url("GET", "gone.html", 60), allow_redirects=False, timeout=30)
    assert signed.status_code == 307 and signed.headers["Location"] == "http://fallback.example.com/gone.html"


def test_alicdn_redirect_is_answered_like_an_external_one(bucket, client):
    put_rules(client, bucket, rule(1, oss.RoutingRuleRedirect(
        redirect_type="AliCDN", protocol="http", host_name="cdn.example.com", http_redirect_code=301,
        pass_query_string=True), prefix="img/"))
    r = anonymous_get(bucket, "img/logo.png", query="v=2")
    assert r.status_code == 301
    assert r.headers["Location"] == "http://cdn.example.com/img/logo.png?v=2"


def test_internal_rewrite_serves_another_key_of_the_bucket(bucket, client):
    put_public(bucket, "new/page.html", b"new page")
    put_public(bucket, "fallback.html", b"fallback")
    put_rules(client, bucket,
              rule(1, oss.RoutingRuleRedirect(redirect_type="Internal", replace_key_prefix_with="new/"),
                   prefix="old/"),
              rule(2, oss.RoutingRuleRedirect(redirect_type="Internal", replace_key_with="fallback.html"),
                   error_code=404))
    r = anonymous_get(bucket, "old/page.html")
    assert (r.status_code, r.content) == (200, b"new page")
    assert "Location" not in r.headers
    # Rule 2 answers any missing key with the fallback's content.
    r = anonymous_get(bucket, "missing.html")
    assert (r.status_code, r.content) == (200, b"fallback")
    h = requests.head(origin(bucket) + "/missing.html", allow_redirects=False, timeout=30)
    assert (h.status_code, h.headers["Content-Length"]) == (200, str(len(b"fallback")))
    assert anonymous_get(bucket, "new/page.html").content == b"new page"


def test_include_header_conditions(bucket, client):
    put_rules(client, bucket,
              rule(1, oss.RoutingRuleRedirect(redirect_type="External", host_name="mobile.example.com"),
                   headers=[oss.RoutingRuleIncludeHeader(key="User-Agent", starts_with="Mobile", ends_with="/1.0")]),
              rule(2, oss.RoutingRuleRedirect(redirect_type="External", host_name="beta.example.com"),
                   headers=[oss.RoutingRuleIncludeHeader(key="x-channel", equals="beta")]))
    r = anonymous_get(bucket, "a.html", headers={"User-Agent": "Mobile Safari/1.0"})
    assert (r.status_code, r.headers["Location"]) == (302, "http://mobile.example.com/a.html")
    r = anonymous_get(bucket, "a.html", headers={"User-Agent": "Mobile Safari/2.0", "x-channel": "beta"})
    assert (r.status_code, r.headers["Location"]) == (302, "http://beta.example.com/a.html")
    r = anonymous_get(bucket, "a.html", headers={"User-Agent": "Desktop", "x-channel": "beta-2"})
    assert_error(r, 403, "AccessDenied")
    assert "Location" not in r.headers


def test_rules_are_tried_by_rule_number_not_document_order(bucket, client):
    put_rules(client, bucket,
              rule(2, oss.RoutingRuleRedirect(redirect_type="External", host_name="second.example.com"),
                   prefix="docs/"),
              rule(1, oss.RoutingRuleRedirect(redirect_type="External", host_name="first.example.com"),
                   prefix="docs/", suffix=".pdf"))
    assert anonymous_get(bucket, "docs/a.pdf").headers["Location"] == "http://first.example.com/docs/a.pdf"
    assert anonymous_get(bucket, "docs/a.html").headers["Location"] == "http://second.example.com/docs/a.html"


def test_a_mirror_rule_is_not_followed(bucket, client):
    put_public(bucket, "error.html", b"error page")
    put_rules(client, bucket, rule(1, oss.RoutingRuleRedirect(
        redirect_type="Mirror", mirror_url="http://origin.example.com/"), error_code=404), error="error.html")
    r = anonymous_get(bucket, "missing.html")
    # As if no rule matched: the error document with its status.
    assert (r.status_code, r.content) == (404, b"error page")
    assert "Location" not in r.headers
    signed = requests.get(bucket.sign_url("GET", "missing.html", 60), allow_redirects=False, timeout=30)
    assert (signed.status_code, signed.content) == (404, b"error page")


def test_without_rules_a_missing_key_is_still_no_such_key(bucket, client):
    put_rules(client, bucket, rule(1, oss.RoutingRuleRedirect(
        redirect_type="External", host_name="x.example.com"), prefix="only/"))
    signed = requests.get(bucket.sign_url("GET", "elsewhere.html", 60), allow_redirects=False, timeout=30)
    assert_error(signed, 404, "NoSuchKey")
