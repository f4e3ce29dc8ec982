package localosssdk

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io/ioutil"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

// The configurations of the matrix no other Go test sends (protocol notes bucket-configuration-and-access.md §4.14
// resource group, §4.19.2 QoS, §4.19.3 DescribeRegions), through the SDK's signed transport as bucketCall does.

// serviceCall sends a signed request without a bucket (GET /?qosInfo, GET /?regions=...).
func serviceCall(t *testing.T, client *oss.Client, method, params, subResource string) (int, []byte) {
	t.Helper()
	resp, err := client.Conn.Do(method, "", "", params, subResource, map[string]string{}, bytes.NewReader(nil), 0, nil)
	if resp == nil {
		t.Fatalf("%s /?%s: no response: %v", method, params, err)
	}
	defer resp.Body.Close()
	data, _ := ioutil.ReadAll(resp.Body)
	return resp.StatusCode, data
}

func errorEC(b []byte) string {
	var e struct {
		EC string `xml:"EC"`
	}
	_ = xml.Unmarshal(b, &e)
	return e.EC
}

// §4.14: a fresh bucket is in the default group; that id can be put back, an unknown one is refused.
func TestBucketResourceGroupGo(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "rgroup")
	const defaultGroup = "<BucketResourceGroupConfiguration><ResourceGroupId>rg-default-id</ResourceGroupId>" +
		"</BucketResourceGroupConfiguration>"
	status, body := bucketCall(t, tb, "GET", "resourceGroup", nil)
	if status != 200 || compactXML(body) != defaultGroup {
		t.Fatalf("GET ?resourceGroup of a fresh bucket: %d\n got %s\nwant %s", status, compactXML(body), defaultGroup)
	}
	if status, body := bucketCall(t, tb, "PUT", "resourceGroup", []byte(defaultGroup)); status != 200 {
		t.Fatalf("PUT ?resourceGroup with the default id: %d (%s)", status, body)
	}
	unknown := "<BucketResourceGroupConfiguration><ResourceGroupId>rg-unknown</ResourceGroupId>" +
		"</BucketResourceGroupConfiguration>"
	status, body = bucketCall(t, tb, "PUT", "resourceGroup", []byte(unknown))
	if status != 400 || errorCode(body) != "ResourceGroupIdPreCheckError" || errorEC(body) != "0039-00000003" {
		t.Errorf("PUT ?resourceGroup rg-unknown: %d %q EC %q, want 400 ResourceGroupIdPreCheckError 0039-00000003",
			status, errorCode(body), errorEC(body))
	}
	if status, body := bucketCall(t, tb, "GET", "resourceGroup", nil); status != 200 || compactXML(body) != defaultGroup {
		t.Errorf("GET ?resourceGroup after the refused PUT: %d %s", status, compactXML(body))
	}
}

func qosDocument(values ...string) string {
	names := []string{"TotalUploadBandwidth", "IntranetUploadBandwidth", "ExtranetUploadBandwidth",
		"TotalDownloadBandwidth", "IntranetDownloadBandwidth", "ExtranetDownloadBandwidth",
		"TotalQps", "IntranetQps", "ExtranetQps"}
	var b strings.Builder
	b.WriteString("<QoSConfiguration>")
	for i, name := range names {
		b.WriteString("<" + name + ">" + values[i] + "</" + name + ">")
	}
	b.WriteString("</QoSConfiguration>")
	return b.String()
}

// §4.19.2: bucket QoS reads back all nine limits in OSS's order, unset ones -1; DELETE returns to no limits.
func TestBucketQoSInfoGo(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "qos")
	unlimited := qosDocument("-1", "-1", "-1", "-1", "-1", "-1", "-1", "-1", "-1")
	if status, body := bucketCall(t, tb, "GET", "qosInfo", nil); status != 200 || compactXML(body) != unlimited {
		t.Fatalf("GET ?qosInfo of a fresh bucket: %d\n got %s\nwant %s", status, compactXML(body), unlimited)
	}
	put := "<QoSConfiguration><TotalUploadBandwidth>-1</TotalUploadBandwidth>" +
		"<IntranetUploadBandwidth>2</IntranetUploadBandwidth></QoSConfiguration>"
	if status, body := bucketCall(t, tb, "PUT", "qosInfo", []byte(put)); status != 200 {
		t.Fatalf("PUT ?qosInfo: %d (%s)", status, body)
	}
	want := qosDocument("-1", "2", "-1", "-1", "-1", "-1", "-1", "-1", "-1")
	if status, body := bucketCall(t, tb, "GET", "qosInfo", nil); status != 200 || compactXML(body) != want {
		t.Errorf("GET ?qosInfo after PUT: %d\n got %s\nwant %s", status, compactXML(body), want)
	}
	// An extranet limit above the bucket total given in the same request is refused and changes nothing.
	bad := "<QoSConfiguration><TotalDownloadBandwidth>5</TotalDownloadBandwidth>" +
		"<ExtranetDownloadBandwidth>6</ExtranetDownloadBandwidth></QoSConfiguration>"
	if status, body := bucketCall(t, tb, "PUT", "qosInfo", []byte(bad)); status != 400 || errorCode(body) != "InvalidArgument" {
		t.Errorf("PUT ?qosInfo extranet > total: %d %q, want 400 InvalidArgument", status, errorCode(body))
	}
	if status, body := bucketCall(t, tb, "GET", "qosInfo", nil); status != 200 || compactXML(body) != want {
		t.Errorf("GET ?qosInfo after a refused PUT: %d %s", status, compactXML(body))
	}
	if status, body := bucketCall(t, tb, "DELETE", "qosInfo", nil); status != 204 {
		t.Fatalf("DELETE ?qosInfo: %d (%s)", status, body)
	}
	if status, body := bucketCall(t, tb, "GET", "qosInfo", nil); status != 200 || compactXML(body) != unlimited {
		t.Errorf("GET ?qosInfo after DELETE: %d %s", status, compactXML(body))
	}
}

// §4.19.2: the user's QoS names its region first and carries all nine limits; the totals are limited.
func TestUserQoSInfoGo(t *testing.T) {
	client := newClient(t)
	status, body := serviceCall(t, client, "GET", "qosInfo", "qosInfo")
	if status != 200 {
		t.Fatalf("GET /?qosInfo: %d (%s)", status, body)
	}
	var info struct {
		XMLName       xml.Name `xml:"QoSConfiguration"`
		Region        string   `xml:"Region"`
		TotalUpload   int      `xml:"TotalUploadBandwidth"`
		TotalDownload int      `xml:"TotalDownloadBandwidth"`
		TotalQps      int      `xml:"TotalQps"`
	}
	if err := xml.Unmarshal(body, &info); err != nil {
		t.Fatalf("GetUserQoSInfo %s: %v", body, err)
	}
	if info.Region != "oss-cn-hangzhou" || info.TotalUpload <= 0 || info.TotalDownload <= 0 ||
		!(info.TotalQps > 0 || info.TotalQps == -1) {
		t.Errorf("GetUserQoSInfo: %+v", info)
	}
	if !strings.HasPrefix(compactXML(body), "<QoSConfiguration><Region>oss-cn-hangzhou</Region><TotalUploadBandwidth>") {
		t.Errorf("GetUserQoSInfo element order: %s", compactXML(body))
	}
}

// §4.19.3: one region's endpoints, exactly; an unknown region is 404 NoSuchRegion.
func TestDescribeRegionsGo(t *testing.T) {
	client := newClient(t)
	status, body := serviceCall(t, client, "GET", "regions=oss-cn-hangzhou", "")
	want := "<RegionInfoList><RegionInfo><Region>oss-cn-hangzhou</Region>" +
		"<InternetEndpoint>oss-cn-hangzhou.aliyuncs.com</InternetEndpoint>" +
		"<InternalEndpoint>oss-cn-hangzhou-internal.aliyuncs.com</InternalEndpoint>" +
		"<AccelerateEndpoint>oss-accelerate.aliyuncs.com</AccelerateEndpoint></RegionInfo></RegionInfoList>"
	if status != 200 || compactXML(body) != want {
		t.Errorf("GET /?regions=oss-cn-hangzhou: %d\n got %s\nwant %s", status, compactXML(body), want)
	}
	status, body = serviceCall(t, client, "GET", "regions", "")
	if status != 200 || !strings.Contains(string(body), "<Region>oss-cn-chengdu</Region>") ||
		!strings.Contains(string(body), "<Region>oss-cn-hangzhou</Region>") {
		t.Errorf("GET /?regions: %d %s", status, body)
	}
	if status, body := serviceCall(t, client, "GET", "regions=oss-nowhere", ""); status != 404 ||
		errorCode(body) != "NoSuchRegion" {
		t.Errorf("GET /?regions=oss-nowhere: %d %q, want 404 NoSuchRegion", status, errorCode(body))
	}
}

// §4.1 at run time, without moving the clock: a rule whose CreatedBeforeDate is the next 00:00 UTC covers every
// object and upload made now. GET/HEAD of a covered object say when it expires (`expiry-date="<RFC 1123>",
// rule-id="<id>"`); a sweep (the control plane's lifecycle/run) deletes the objects and aborts the uploads under the
// prefix, and leaves the rest.
func TestLifecycleCreatedBeforeDateSweepGo(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "lc-sweep")
	b := tb.bucket
	for _, key := range []string{"logs/a", "keep/b"} {
		tb.track(key)
		if err := b.PutObject(key, strings.NewReader("data")); err != nil {
			t.Fatalf("PutObject(%s): %v", key, err)
		}
	}
	if _, err := b.InitiateMultipartUpload("logs/big"); err != nil {
		t.Fatalf("InitiateMultipartUpload: %v", err)
	}
	if _, err := b.InitiateMultipartUpload("keep/big"); err != nil {
		t.Fatalf("InitiateMultipartUpload: %v", err)
	}
	cutoff := time.Now().UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
	date := cutoff.Format("2006-01-02T00:00:00.000Z")
	rules := "<LifecycleConfiguration><Rule><ID>before-tomorrow</ID><Prefix>logs/</Prefix><Status>Enabled</Status>" +
		"<Expiration><CreatedBeforeDate>" + date + "</CreatedBeforeDate></Expiration>" +
		"<AbortMultipartUpload><CreatedBeforeDate>" + date + "</CreatedBeforeDate></AbortMultipartUpload>" +
		"</Rule></LifecycleConfiguration>"
	if status, body := bucketCall(t, tb, "PUT", "lifecycle", []byte(rules)); status != 200 {
		t.Fatalf("PUT ?lifecycle: %d (%s)", status, body)
	}
	if status, body := bucketCall(t, tb, "GET", "lifecycle", nil); status != 200 || compactXML(body) != rules {
		t.Errorf("GET ?lifecycle: %d\n got %s\nwant %s", status, compactXML(body), rules)
	}
	meta, err := b.GetObjectDetailedMeta("logs/a")
	if err != nil {
		t.Fatalf("HEAD logs/a: %v", err)
	}
	want := `expiry-date="` + cutoff.Format(http.TimeFormat) + `", rule-id="before-tomorrow"`
	if got := meta.Get("X-Oss-Expiration"); got != want {
		t.Errorf("x-oss-expiration: %q, want %q", got, want)
	}
	if meta, err := b.GetObjectDetailedMeta("keep/b"); err != nil || meta.Get("X-Oss-Expiration") != "" {
		t.Errorf("HEAD keep/b: %v, x-oss-expiration %q, want none", err, meta.Get("X-Oss-Expiration"))
	}

	resp, err := http.Post(endpoint+"/_localoss/lifecycle/run", "application/json", nil)
	if err != nil {
		t.Fatalf("POST lifecycle/run: %v", err)
	}
	var done map[string]int
	err = json.NewDecoder(resp.Body).Decode(&done)
	resp.Body.Close()
	if resp.StatusCode != 200 || err != nil || done["expiredObjects"] < 1 || done["abortedUploads"] < 1 {
		t.Fatalf("POST lifecycle/run: %d %v %v", resp.StatusCode, done, err)
	}
	if exists, err := b.IsObjectExist("logs/a"); err != nil || exists {
		t.Errorf("logs/a after the sweep: exists %v (%v), want deleted", exists, err)
	}
	if exists, err := b.IsObjectExist("keep/b"); err != nil || !exists {
		t.Errorf("keep/b after the sweep: exists %v (%v), want kept", exists, err)
	}
	uploads, err := b.ListMultipartUploads()
	if err != nil {
		t.Fatalf("ListMultipartUploads: %v", err)
	}
	if len(uploads.Uploads) != 1 || uploads.Uploads[0].Key != "keep/big" {
		t.Errorf("uploads after the sweep: %+v, want only keep/big", uploads.Uploads)
	}
}

// Refusals of the configurations the other Go tests only round-trip, with OSS's codes (and ECs where documented):
// §4.2 CORS (more than 10 rules), §4.3 referer, §4.4 website, §4.8 default encryption. A refused PUT changes nothing.
func TestBucketConfigurationRefusalsGo(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "cfg-refused")
	eleven := make([]oss.CORSRule, 11)
	for i := range eleven {
		eleven[i] = oss.CORSRule{AllowedOrigin: []string{"*"}, AllowedMethod: []string{"GET"}}
	}
	requireServiceError(t, client.SetBucketCORS(tb.name, eleven), 400, "CORSRuleBeyondLimit", "SetBucketCORS with 11 rules")
	_, err := client.GetBucketCORS(tb.name)
	requireServiceError(t, err, 404, "NoSuchCORSConfiguration", "GetBucketCORS after a refused PUT")
	requireServiceError(t, client.SetBucketWebsite(tb.name, "a/b.html", ""), 400, "InvalidArgument",
		"SetBucketWebsite with a '/' in the index suffix")
	_, err = client.GetBucketWebsite(tb.name)
	requireServiceError(t, err, 404, "NoSuchWebsiteConfiguration", "GetBucketWebsite after a refused PUT")

	for _, c := range []struct {
		subResource, body, code, ec string
	}{
		{"referer", "<RefererConfiguration><RefererList/></RefererConfiguration>", "MalformedXML", "0033-00000002"},
		{"referer", "<RefererConfiguration><AllowEmptyReferer>32</AllowEmptyReferer></RefererConfiguration>",
			"MalformedXML", "0033-00000003"},
		{"encryption", "<ServerSideEncryptionRule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>random" +
			"</SSEAlgorithm></ApplyServerSideEncryptionByDefault></ServerSideEncryptionRule>",
			"InvalidEncryptionAlgorithmError", ""},
		{"encryption", "<ServerSideEncryptionRule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256" +
			"</SSEAlgorithm><KMSMasterKeyID>test</KMSMasterKeyID></ApplyServerSideEncryptionByDefault>" +
			"</ServerSideEncryptionRule>", "InvalidArgument", ""},
	} {
		status, body := bucketCall(t, tb, "PUT", c.subResource, []byte(c.body))
		if status != 400 || errorCode(body) != c.code || (c.ec != "" && errorEC(body) != c.ec) {
			t.Errorf("PUT ?%s %s: %d %q EC %q, want 400 %s %s", c.subResource, c.body, status, errorCode(body),
				errorEC(body), c.code, c.ec)
		}
	}
	if status, body := bucketCall(t, tb, "GET", "encryption", nil); status != 404 ||
		errorCode(body) != "NoSuchServerSideEncryptionRule" {
		t.Errorf("GET ?encryption after refused PUTs: %d %q", status, errorCode(body))
	}
	// The referer default (§4.3): empty Referers allowed, no lists.
	referer, err := client.GetBucketReferer(tb.name)
	if err != nil || !referer.AllowEmptyReferer || len(referer.RefererList) != 0 {
		t.Errorf("GetBucketReferer after refused PUTs: %+v %v, want the default", referer, err)
	}
}
