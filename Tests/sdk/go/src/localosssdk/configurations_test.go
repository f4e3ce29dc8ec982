package localosssdk

import (
	"testing"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

// Bucket configurations through the Go SDK (protocol notes bucket-configuration-and-access.md §4): what a bucket
// that never had one answers (§4.0), and put / get / delete round trips of lifecycle (§4.1, rules in order, the
// legacy Expiration/Date echoed), referer (§4.3, default AllowEmptyReferer true with an empty list), website
// (§4.4) and logging (§4.5, disabled = empty status; the target bucket must exist).
func TestBucketConfigurationsNotConfigured(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "cfg-none")
	_, err := client.GetBucketLifecycle(tb.name)
	requireServiceError(t, err, 404, "NoSuchLifecycle", "GetBucketLifecycle")
	_, err = client.GetBucketWebsite(tb.name)
	requireServiceError(t, err, 404, "NoSuchWebsiteConfiguration", "GetBucketWebsite")
	referer, err := client.GetBucketReferer(tb.name)
	if err != nil || !referer.AllowEmptyReferer || len(referer.RefererList) != 0 {
		t.Errorf("GetBucketReferer of a fresh bucket: %+v, %v; want AllowEmptyReferer true and no referers", referer, err)
	}
	logging, err := client.GetBucketLogging(tb.name)
	if err != nil || logging.LoggingEnabled.TargetBucket != "" {
		t.Errorf("GetBucketLogging of a fresh bucket: %+v, %v; want no target", logging, err)
	}
	// DELETE of what was never configured is 204 too.
	if err := client.DeleteBucketLifecycle(tb.name); err != nil {
		t.Errorf("DeleteBucketLifecycle: %v", err)
	}
	if err := client.DeleteBucketWebsite(tb.name); err != nil {
		t.Errorf("DeleteBucketWebsite: %v", err)
	}
}

func TestBucketLifecycleRoundTrip(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "cfg-lc")
	rules := []oss.LifecycleRule{
		oss.BuildLifecycleRuleByDays("days", "logs/", true, 30),
		oss.BuildLifecycleRuleByDate("date", "old/", false, 2015, 11, 11),
	}
	if err := client.SetBucketLifecycle(tb.name, rules); err != nil {
		t.Fatalf("SetBucketLifecycle: %v", err)
	}
	got, err := client.GetBucketLifecycle(tb.name)
	if err != nil {
		t.Fatalf("GetBucketLifecycle: %v", err)
	}
	if len(got.Rules) != 2 {
		t.Fatalf("GetBucketLifecycle: %d rules, want 2", len(got.Rules))
	}
	first, second := got.Rules[0], got.Rules[1]
	if first.ID != "days" || first.Prefix != "logs/" || first.Status != "Enabled" || first.Expiration.Days != 30 {
		t.Errorf("rule 1: %+v", first)
	}
	want := time.Date(2015, 11, 11, 0, 0, 0, 0, time.UTC)
	if second.ID != "date" || second.Status != "Disabled" || !second.Expiration.Date.Equal(want) {
		t.Errorf("rule 2: %+v, want Date %v", second, want)
	}
	// An empty rule list is refused.
	err = client.SetBucketLifecycle(tb.name, []oss.LifecycleRule{})
	requireServiceError(t, err, 400, "MalformedXML", "SetBucketLifecycle with no rules")
	if err := client.DeleteBucketLifecycle(tb.name); err != nil {
		t.Fatalf("DeleteBucketLifecycle: %v", err)
	}
	_, err = client.GetBucketLifecycle(tb.name)
	requireServiceError(t, err, 404, "NoSuchLifecycle", "GetBucketLifecycle after delete")
}

func TestBucketRefererRoundTrip(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "cfg-ref")
	referers := []string{"http://www.aliyun.com", "https://www.?.aliyuncs.com"}
	if err := client.SetBucketReferer(tb.name, referers, false); err != nil {
		t.Fatalf("SetBucketReferer: %v", err)
	}
	got, err := client.GetBucketReferer(tb.name)
	if err != nil || got.AllowEmptyReferer || len(got.RefererList) != 2 || got.RefererList[1] != referers[1] {
		t.Errorf("GetBucketReferer: %+v, %v", got, err)
	}
	// Resetting sends one empty <Referer></Referer>, which is not kept.
	if err := client.SetBucketReferer(tb.name, nil, true); err != nil {
		t.Fatalf("SetBucketReferer reset: %v", err)
	}
	got, err = client.GetBucketReferer(tb.name)
	if err != nil || !got.AllowEmptyReferer || len(got.RefererList) != 0 {
		t.Errorf("GetBucketReferer after reset: %+v, %v", got, err)
	}
}

func TestBucketWebsiteAndLoggingRoundTrip(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "cfg-web")
	if err := client.SetBucketWebsite(tb.name, "index.html", "error.html"); err != nil {
		t.Fatalf("SetBucketWebsite: %v", err)
	}
	site, err := client.GetBucketWebsite(tb.name)
	if err != nil || site.IndexDocument.Suffix != "index.html" || site.ErrorDocument.Key != "error.html" {
		t.Errorf("GetBucketWebsite: %+v, %v", site, err)
	}
	if err := client.DeleteBucketWebsite(tb.name); err != nil {
		t.Fatalf("DeleteBucketWebsite: %v", err)
	}
	_, err = client.GetBucketWebsite(tb.name)
	requireServiceError(t, err, 404, "NoSuchWebsiteConfiguration", "GetBucketWebsite after delete")

	if err := client.SetBucketLogging(tb.name, tb.name, "access/", true); err != nil {
		t.Fatalf("SetBucketLogging: %v", err)
	}
	logging, err := client.GetBucketLogging(tb.name)
	if err != nil || logging.LoggingEnabled.TargetBucket != tb.name || logging.LoggingEnabled.TargetPrefix != "access/" {
		t.Errorf("GetBucketLogging: %+v, %v", logging, err)
	}
	err = client.SetBucketLogging(tb.name, "xx", "p", true)
	requireServiceError(t, err, 400, "InvalidTargetBucketForLogging", "SetBucketLogging to an invalid name")
	if err := client.SetBucketLogging(tb.name, "", "", false); err != nil {
		t.Fatalf("SetBucketLogging disable: %v", err)
	}
	logging, err = client.GetBucketLogging(tb.name)
	if err != nil || logging.LoggingEnabled.TargetBucket != "" {
		t.Errorf("GetBucketLogging after disable: %+v, %v", logging, err)
	}
	if err := client.DeleteBucketLogging(tb.name); err != nil {
		t.Errorf("DeleteBucketLogging: %v", err)
	}
}
