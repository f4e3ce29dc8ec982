package localosssdk

import (
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Access tracking and the storage quota (protocol notes bucket-configuration-and-access.md §4.12, §4.1, §4.19.2),
// which Go SDK 1.5 has no methods for: sent through its signed transport (bucketCall). With tracking enabled,
// HeadObject, GetObjectMeta and GetObject answer x-oss-last-access-time: here the time it was enabled, the default
// of every object written before; lifecycle rules by last access time need it (EC 0014-00000016) and answer it as
// AtimeBase.

const accessTimeLifecycle = `<LifecycleConfiguration><Rule><ID>cold</ID><Prefix>cold/</Prefix><Status>Enabled</Status>` +
	`<Transition><Days>30</Days><StorageClass>IA</StorageClass><IsAccessTime>true</IsAccessTime>` +
	`<ReturnToStdWhenVisit>true</ReturnToStdWhenVisit></Transition></Rule></LifecycleConfiguration>`

func TestLastAccessTimeThroughSignedTransport(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "atime")
	tb.track("k")
	if err := tb.bucket.PutObject("k", strings.NewReader("data")); err != nil {
		t.Fatalf("PutObject: %v", err)
	}
	meta, err := tb.bucket.GetObjectMeta("k")
	if err != nil {
		t.Fatalf("GetObjectMeta: %v", err)
	}
	if got := meta.Get("X-Oss-Last-Access-Time"); got != "" {
		t.Fatalf("without tracking: x-oss-last-access-time %q, want none", got)
	}
	if status, body := bucketCall(t, tb, "PUT", "lifecycle", []byte(accessTimeLifecycle)); status != 400 ||
		errorCode(body) != "InvalidArgument" || !strings.Contains(string(body), "<EC>0014-00000016</EC>") {
		t.Fatalf("access-time rule without tracking: %d %s, want 400 InvalidArgument EC 0014-00000016", status, body)
	}
	if status, body := bucketCall(t, tb, "PUT", "accessmonitor",
		[]byte("<AccessMonitorConfiguration><Status>Enabled</Status></AccessMonitorConfiguration>")); status != 200 {
		t.Fatalf("PUT ?accessmonitor: %d %s", status, body)
	}
	meta, err = tb.bucket.GetObjectMeta("k")
	if err != nil {
		t.Fatalf("GetObjectMeta: %v", err)
	}
	lastAccess, err := time.Parse(http.TimeFormat, meta.Get("X-Oss-Last-Access-Time"))
	if err != nil {
		t.Fatalf("x-oss-last-access-time %q: %v", meta.Get("X-Oss-Last-Access-Time"), err)
	}
	modified, _ := time.Parse(http.TimeFormat, meta.Get("Last-Modified"))
	if lastAccess.Before(modified) {
		t.Errorf("last access %v before Last-Modified %v", lastAccess, modified)
	}
	head, err := tb.bucket.GetObjectDetailedMeta("k")
	if err != nil {
		t.Fatalf("HeadObject: %v", err)
	}
	if head.Get("X-Oss-Last-Access-Time") != meta.Get("X-Oss-Last-Access-Time") {
		t.Errorf("HEAD %q, GetObjectMeta %q", head.Get("X-Oss-Last-Access-Time"), meta.Get("X-Oss-Last-Access-Time"))
	}
	if status, body := bucketCall(t, tb, "PUT", "lifecycle", []byte(accessTimeLifecycle)); status != 200 {
		t.Fatalf("access-time rule with tracking: %d %s", status, body)
	}
	defer bucketCall(t, tb, "DELETE", "lifecycle", nil)
	status, body := bucketCall(t, tb, "GET", "lifecycle", nil)
	var got struct {
		Rule struct {
			AtimeBase int64 `xml:"AtimeBase"`
		} `xml:"Rule"`
	}
	if status != 200 || xml.Unmarshal(body, &got) != nil {
		t.Fatalf("GET ?lifecycle: %d %s", status, body)
	}
	if got.Rule.AtimeBase != lastAccess.Unix() {
		t.Errorf("AtimeBase %d, want the time tracking was enabled, %d", got.Rule.AtimeBase, lastAccess.Unix())
	}
	// Disabling is refused while the rule exists.
	if status, body := bucketCall(t, tb, "PUT", "accessmonitor",
		[]byte("<AccessMonitorConfiguration><Status>Disabled</Status></AccessMonitorConfiguration>")); status != 400 ||
		errorCode(body) != "InvalidArgument" {
		t.Errorf("Disabled with an access-time rule: %d %s, want 400 InvalidArgument", status, body)
	}
}

func TestStorageQuotaThroughSignedTransport(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "quota")
	for key, data := range map[string]string{"a": "abc", "b": "defg"} {
		tb.track(key)
		if err := tb.bucket.PutObject(key, strings.NewReader(data)); err != nil {
			t.Fatalf("PutObject: %v", err)
		}
	}
	put := "<QuotaConfiguration><StorageQuota>2048</StorageQuota><Mode>Warning</Mode></QuotaConfiguration>"
	if status, body := bucketCall(t, tb, "PUT", "quota", []byte(put)); status != 200 {
		t.Fatalf("PUT ?quota: %d %s", status, body)
	}
	want := "<QuotaConfiguration><StorageQuota>2048</StorageQuota><Mode>Warning</Mode><CurrentUsage>7</CurrentUsage></QuotaConfiguration>"
	if status, body := bucketCall(t, tb, "GET", "quota", nil); status != 200 || compactXML(body) != want {
		t.Fatalf("GET ?quota: %d\n got %s\nwant %s", status, compactXML(body), want)
	}
	for _, bad := range []string{"0", "-1", "abc"} {
		doc := "<QuotaConfiguration><StorageQuota>" + bad + "</StorageQuota></QuotaConfiguration>"
		if status, body := bucketCall(t, tb, "PUT", "quota", []byte(doc)); status != 400 || errorCode(body) != "InvalidArgument" {
			t.Errorf("StorageQuota %s: %d %s, want 400 InvalidArgument", bad, status, body)
		}
	}
	if status, body := bucketCall(t, tb, "PUT", "quota",
		[]byte("<QuotaConfiguration><StorageQuota>1</StorageQuota><Mode>WARNING</Mode></QuotaConfiguration>")); status != 400 ||
		errorCode(body) != "InvalidArgument" {
		t.Errorf("Mode WARNING: %d %s, want 400 InvalidArgument (the mode is case-sensitive)", status, body)
	}
	if status, body := bucketCall(t, tb, "DELETE", "quota", nil); status != 204 {
		t.Fatalf("DELETE ?quota: %d %s", status, body)
	}
	want = "<QuotaConfiguration><CurrentUsage>" + strconv.Itoa(7) + "</CurrentUsage></QuotaConfiguration>"
	if status, body := bucketCall(t, tb, "GET", "quota", nil); status != 200 || compactXML(body) != want {
		t.Errorf("GET ?quota after DELETE: %d\n got %s\nwant %s", status, compactXML(body), want)
	}
}
