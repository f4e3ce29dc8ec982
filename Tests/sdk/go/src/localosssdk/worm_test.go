package localosssdk

import (
	"bytes"
	"encoding/xml"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

// Bucket retention policies (WORM), overwrite protection and data redundancy transitions through the Go SDK 1.5
// (bucket-configuration-and-access.md §4.9, §4.13, §4.17). The SDK predates them: their requests go through its
// signed transport (Conn.Do, with the sub-resources signed as V1 requires) and its ordinary API shows what they
// forbid. A locked policy would keep this suite's objects for a day, so protection is shown with a policy in
// progress (which protects as a locked one does) and aborted before cleanup.

type wormConfiguration struct {
	XMLName        xml.Name `xml:"WormConfiguration"`
	WormID         string   `xml:"WormId"`
	State          string   `xml:"State"`
	RetentionDays  int      `xml:"RetentionPeriodInDays"`
	CreationDate   string   `xml:"CreationDate"`
	ExpirationDate string   `xml:"ExpirationDate"`
}

type redundancyTransition struct {
	XMLName           xml.Name `xml:"BucketDataRedundancyTransition"`
	Bucket            string   `xml:"Bucket"`
	TaskID            string   `xml:"TaskId"`
	Status            string   `xml:"Status"`
	CreateTime        string   `xml:"CreateTime"`
	EndTime           string   `xml:"EndTime"`
	ProcessPercentage int      `xml:"ProcessPercentage"`
}

var wormIDRE = regexp.MustCompile(`^[0-9A-F]{32}$`)

// signedCall sends one request through the SDK's transport; query is both the URL's and the signed sub-resources,
// except `overwriteConfig`, which no V1 signer of OSS's lists (pyv2 signs it per operation, Go 1.5 never would).
func signedCall(b *oss.Bucket, method, key, query string, body []byte) (*oss.Response, error) {
	var data io.Reader
	if body != nil {
		data = bytes.NewReader(body)
	}
	signed := query
	if query == "overwriteConfig" {
		signed = ""
	}
	return b.Client.Conn.Do(method, b.BucketName, key, query, signed, nil, data, 0, nil)
}

func signedXML(t *testing.T, b *oss.Bucket, method, query string, body []byte, into interface{}) *oss.Response {
	t.Helper()
	resp, err := signedCall(b, method, "", query, body)
	if err != nil {
		t.Fatalf("%s ?%s: %v", method, query, err)
	}
	defer resp.Body.Close()
	if into != nil {
		raw, _ := io.ReadAll(resp.Body)
		if err := xml.Unmarshal(raw, into); err != nil {
			t.Fatalf("%s ?%s: %v in %s", method, query, err, raw)
		}
	}
	return resp
}

func signedError(b *oss.Bucket, method, key, query string, body []byte) error {
	resp, err := signedCall(b, method, key, query, body)
	if err == nil {
		resp.Body.Close()
	}
	return err
}

func TestBucketWormGo(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "worm")
	b := tb.bucket
	requireServiceError(t, signedError(b, "GET", "", "worm", nil), 404, "NoSuchWORMConfiguration", "GetBucketWorm unset")

	init := []byte("<InitiateWormConfiguration><RetentionPeriodInDays>1</RetentionPeriodInDays></InitiateWormConfiguration>")
	resp := signedXML(t, b, "POST", "worm", init, nil)
	id := resp.Headers.Get("x-oss-worm-id")
	if resp.StatusCode != 200 || !wormIDRE.MatchString(id) {
		t.Fatalf("InitiateBucketWorm: status %d, x-oss-worm-id %q", resp.StatusCode, id)
	}
	var conf wormConfiguration
	signedXML(t, b, "GET", "worm", nil, &conf)
	if conf.WormID != id || conf.State != "InProgress" || conf.RetentionDays != 1 || conf.ExpirationDate == "" {
		t.Fatalf("GetBucketWorm in progress: %+v", conf)
	}

	// While the policy is in progress an existing object can be neither deleted nor overwritten; new keys can.
	tb.track("kept")
	if err := b.PutObject("kept", strings.NewReader("kept bytes")); err != nil {
		t.Fatalf("PutObject: %v", err)
	}
	if err := b.PutObject("kept", strings.NewReader("other")); err == nil {
		t.Fatalf("overwrite of a retained object succeeded")
	} else {
		requireServiceError(t, err, 409, "FileImmutable", "PutObject onto a retained object")
	}
	requireServiceError(t, b.DeleteObject("kept"), 409, "FileImmutable", "DeleteObject of a retained object")
	verifyObject(t, b, "kept", []byte("kept bytes"), 0, "")

	extend := []byte("<ExtendWormConfiguration><RetentionPeriodInDays>2</RetentionPeriodInDays></ExtendWormConfiguration>")
	requireServiceError(t, signedError(b, "POST", "", "wormExtend&wormId="+id, extend), 400,
		"InvalidWORMConfiguration", "ExtendBucketWorm in progress")
	requireServiceError(t, signedError(b, "POST", "", "wormId=0000", nil), 404, "NoSuchWORMConfiguration",
		"CompleteBucketWorm of another id")
	resp = signedXML(t, b, "DELETE", "worm", nil, nil)
	if resp.StatusCode != 204 {
		t.Fatalf("AbortBucketWorm: status %d, want 204", resp.StatusCode)
	}
	if err := b.DeleteObject("kept"); err != nil {
		t.Fatalf("DeleteObject after the policy was aborted: %v", err)
	}

	// A locked policy on an empty bucket: it grows, cannot be aborted, and the empty bucket can still go.
	resp = signedXML(t, b, "POST", "worm", init, nil)
	id = resp.Headers.Get("x-oss-worm-id")
	signedXML(t, b, "POST", "wormId="+id, nil, nil)
	signedXML(t, b, "POST", "wormExtend&wormId="+id, extend, nil)
	conf = wormConfiguration{}
	signedXML(t, b, "GET", "worm", nil, &conf)
	if conf.WormID != id || conf.State != "Locked" || conf.RetentionDays != 2 || conf.ExpirationDate != "" {
		t.Fatalf("GetBucketWorm locked: %+v", conf)
	}
	requireServiceError(t, signedError(b, "DELETE", "", "worm", nil), 403, "WORMConfigurationLocked",
		"AbortBucketWorm of a locked policy")
}

func TestOverwriteProtectionGo(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "overwrite")
	b := tb.bucket
	rules := []byte("<OverwriteConfiguration><Rule><ID>r</ID><Action>forbid</Action><Prefix>logs/</Prefix>" +
		"<Suffix>.log</Suffix><Principals/></Rule></OverwriteConfiguration>")
	signedXML(t, b, "PUT", "overwriteConfig", rules, nil)
	for _, key := range []string{"logs/a.log", "logs/a.txt"} {
		tb.track(key)
		if err := b.PutObject(key, strings.NewReader("first")); err != nil {
			t.Fatalf("PutObject(%s): %v", key, err)
		}
	}
	requireServiceError(t, b.PutObject("logs/a.log", strings.NewReader("second")), 409, "FileAlreadyExists",
		"PutObject onto a protected key")
	_, err := b.CopyObject("logs/a.txt", "logs/a.log")
	requireServiceError(t, err, 409, "FileAlreadyExists", "CopyObject onto a protected key")
	verifyObject(t, b, "logs/a.log", []byte("first"), 0, "")
	if err := b.PutObject("logs/a.txt", strings.NewReader("second")); err != nil {
		t.Fatalf("PutObject onto a key no rule matches: %v", err)
	}
	signedXML(t, b, "DELETE", "overwriteConfig", nil, nil)
	if err := b.PutObject("logs/a.log", strings.NewReader("second")); err != nil {
		t.Fatalf("PutObject after the configuration was deleted: %v", err)
	}
}

func TestRedundancyTransitionGo(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "redundancy")
	b := tb.bucket
	var created redundancyTransition
	signedXML(t, b, "POST", "redundancyTransition&x-oss-target-redundancy-type=ZRS", nil, &created)
	if created.TaskID == "" {
		t.Fatalf("CreateBucketDataRedundancyTransition: no TaskId")
	}
	var got redundancyTransition
	signedXML(t, b, "GET", "redundancyTransition&x-oss-redundancy-transition-taskid="+created.TaskID, nil, &got)
	if got.Bucket != tb.name || got.TaskID != created.TaskID || got.Status != "Finished" ||
		got.ProcessPercentage != 100 || got.EndTime == "" || got.EndTime != got.CreateTime {
		t.Fatalf("GetBucketDataRedundancyTransition: %+v", got)
	}
	var info struct {
		Redundancy string `xml:"Bucket>DataRedundancyType"`
	}
	signedXML(t, b, "GET", "bucketInfo", nil, &info)
	if info.Redundancy != "ZRS" {
		t.Fatalf("GetBucketInfo DataRedundancyType = %q after the transition, want ZRS", info.Redundancy)
	}
	resp := signedXML(t, b, "DELETE", "redundancyTransition&x-oss-redundancy-transition-taskid="+created.TaskID, nil, nil)
	if resp.StatusCode != 204 {
		t.Fatalf("DeleteBucketDataRedundancyTransition: status %d, want 204", resp.StatusCode)
	}
	requireServiceError(t, signedError(b, "GET", "", "redundancyTransition&x-oss-redundancy-transition-taskid="+
		created.TaskID, nil), 404, "NoSuchRedundancyTransition", "GetBucketDataRedundancyTransition after delete")
}
