package localosssdk

import (
	"bytes"
	"encoding/xml"
	"io/ioutil"
	"regexp"
	"strings"
	"testing"
)

// The bucket configurations Go SDK 1.5 has no methods for (protocol notes bucket-configuration-and-access.md §4.6 to
// §4.19), sent through the SDK's own signed transport (Client.Conn.Do) as its Bucket methods send theirs: what a
// bucket without one answers, PUT, GET of what was put (element order as documented), DELETE where OSS has one.

// bucketCall sends a signed request for a bucket sub-resource and returns status and body; a service error is a
// status and body too (the SDK returns both).
func bucketCall(t *testing.T, tb *testBucket, method, subResource string, body []byte) (int, []byte) {
	t.Helper()
	resp, err := tb.client.Conn.Do(method, tb.name, "", subResource, subResource, map[string]string{},
		bytes.NewReader(body), 0, nil)
	if resp == nil {
		t.Fatalf("%s ?%s: no response: %v", method, subResource, err)
	}
	defer resp.Body.Close()
	data, _ := ioutil.ReadAll(resp.Body)
	return resp.StatusCode, data
}

var betweenTags = regexp.MustCompile(`>\s+<`)

// compactXML drops the declaration and the white space between elements, so documents compare as element trees.
func compactXML(b []byte) string {
	s := strings.TrimSpace(string(b))
	if strings.HasPrefix(s, "<?xml") {
		s = strings.TrimSpace(s[strings.Index(s, "?>")+2:])
	}
	return betweenTags.ReplaceAllString(s, "><")
}

func errorCode(b []byte) string {
	var e struct {
		Code string `xml:"Code"`
	}
	_ = xml.Unmarshal(b, &e)
	return e.Code
}

type configurationCase struct {
	subResource string
	// absentStatus/absent: what GET answers before any PUT (a document, or an error code).
	absentStatus int
	absent       string
	put          string
	// got: the document GET answers after the PUT ("" = the same as put).
	got string
	// deletable: DELETE answers 204 and GET answers `absent` again.
	deletable bool
}

func TestBucketConfigurationsRoundTripThroughSignedTransport(t *testing.T) {
	client := newClient(t)
	cases := []configurationCase{
		{ // §4.10: the owner pays unless told otherwise; no DELETE.
			subResource: "requestPayment", absentStatus: 200,
			absent: "<RequestPaymentConfiguration><Payer>BucketOwner</Payer></RequestPaymentConfiguration>",
			put:    "<RequestPaymentConfiguration><Payer>Requester</Payer></RequestPaymentConfiguration>",
		},
		{ // §4.11
			subResource: "transferAcceleration", absentStatus: 404, absent: "NoSuchTransferAccelerationConfiguration",
			put:       "<TransferAccelerationConfiguration><Enabled>true</Enabled></TransferAccelerationConfiguration>",
			deletable: true,
		},
		{ // §4.7: off by default; DELETE turns it off again.
			subResource: "publicAccessBlock", absentStatus: 200,
			absent:    "<PublicAccessBlockConfiguration><BlockPublicAccess>false</BlockPublicAccess></PublicAccessBlockConfiguration>",
			put:       "<PublicAccessBlockConfiguration><BlockPublicAccess>true</BlockPublicAccess></PublicAccessBlockConfiguration>",
			deletable: true,
		},
		{ // §4.12: Disabled by default; no DELETE.
			subResource: "accessmonitor", absentStatus: 200,
			absent: "<AccessMonitorConfiguration><Status>Disabled</Status></AccessMonitorConfiguration>",
			put:    "<AccessMonitorConfiguration><Status>Enabled</Status></AccessMonitorConfiguration>",
		},
		{ // §4.15: TLS off, no versions, until configured; versions come back in the order sent.
			subResource: "httpsConfig", absentStatus: 200,
			absent: "<HttpsConfiguration><TLS><Enable>false</Enable></TLS></HttpsConfiguration>",
			put:    "<HttpsConfiguration><TLS><Enable>true</Enable><TLSVersion>TLSv1.2</TLSVersion><TLSVersion>TLSv1.3</TLSVersion></TLS></HttpsConfiguration>",
		},
		{ // §4.16
			subResource: "bucketArchiveDirectRead", absentStatus: 200,
			absent: "<ArchiveDirectReadConfiguration><Enabled>false</Enabled></ArchiveDirectReadConfiguration>",
			put:    "<ArchiveDirectReadConfiguration><Enabled>true</Enabled></ArchiveDirectReadConfiguration>",
		},
		{ // §4.17: each rule comes back with every field, empty ones included.
			subResource: "overwriteConfig", absentStatus: 404, absent: "NoSuchOverwriteConfiguration",
			put:       "<OverwriteConfiguration><Rule><ID>r1</ID><Action>forbid</Action><Prefix>logs/</Prefix></Rule></OverwriteConfiguration>",
			got:       "<OverwriteConfiguration><Rule><ID>r1</ID><Action>forbid</Action><Prefix>logs/</Prefix><Suffix></Suffix><Principals></Principals></Rule></OverwriteConfiguration>",
			deletable: true,
		},
	}
	for _, c := range cases {
		t.Run(c.subResource, func(t *testing.T) {
			tb := newTestBucket(t, client, "cfg2")
			checkAbsent := func(when string) {
				status, body := bucketCall(t, tb, "GET", c.subResource, nil)
				if status != c.absentStatus {
					t.Fatalf("GET ?%s %s: status %d, want %d (%s)", c.subResource, when, status, c.absentStatus, body)
				}
				if status == 200 && compactXML(body) != c.absent {
					t.Errorf("GET ?%s %s:\n got %s\nwant %s", c.subResource, when, compactXML(body), c.absent)
				}
				if status != 200 && errorCode(body) != c.absent {
					t.Errorf("GET ?%s %s: code %q, want %q", c.subResource, when, errorCode(body), c.absent)
				}
			}
			checkAbsent("before any PUT")
			if status, body := bucketCall(t, tb, "PUT", c.subResource, []byte(c.put)); status != 200 {
				t.Fatalf("PUT ?%s: status %d (%s)", c.subResource, status, body)
			}
			want := c.got
			if want == "" {
				want = c.put
			}
			status, body := bucketCall(t, tb, "GET", c.subResource, nil)
			if status != 200 || compactXML(body) != want {
				t.Errorf("GET ?%s after PUT: %d\n got %s\nwant %s", c.subResource, status, compactXML(body), want)
			}
			if !c.deletable {
				return
			}
			if status, body := bucketCall(t, tb, "DELETE", c.subResource, nil); status != 204 {
				t.Fatalf("DELETE ?%s: status %d (%s)", c.subResource, status, body)
			}
			checkAbsent("after DELETE")
		})
	}
}

func TestBucketConfigurationsRefuseMalformedDocuments(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "cfg2-bad")
	for subResource, body := range map[string]string{
		"accessmonitor":     "<AccessMonitorConfiguration><Status>On</Status></AccessMonitorConfiguration>",
		"publicAccessBlock": "<PublicAccessBlockConfiguration><BlockPublicAccess>yes</BlockPublicAccess></PublicAccessBlockConfiguration>",
		"httpsConfig":       "<HttpsConfiguration><TLS><Enable>true</Enable></TLS></HttpsConfiguration>",
		"overwriteConfig":   "<OverwriteConfiguration><Rule><ID>r</ID><Action>allow</Action></Rule></OverwriteConfiguration>",
	} {
		status, reply := bucketCall(t, tb, "PUT", subResource, []byte(body))
		if status != 400 || errorCode(reply) != "MalformedXML" {
			t.Errorf("PUT ?%s %s: %d %q, want 400 MalformedXML", subResource, body, status, errorCode(reply))
		}
	}
}

// §4.6: the policy comes back byte for byte; PolicyStatus is computed from it.
func TestBucketPolicyThroughSignedTransport(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "cfg2-policy")
	if status, body := bucketCall(t, tb, "GET", "policy", nil); status != 404 || errorCode(body) != "NoSuchBucketPolicy" {
		t.Errorf("GET ?policy of a fresh bucket: %d %q, want 404 NoSuchBucketPolicy", status, errorCode(body))
	}
	policy := `{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:GetObject"],` +
		`"Principal":["1234567890"],"Resource":["acs:oss:*:*:` + tb.name + `/*"]}]}`
	if status, body := bucketCall(t, tb, "PUT", "policy", []byte(policy)); status != 200 {
		t.Fatalf("PUT ?policy: %d (%s)", status, body)
	}
	if status, body := bucketCall(t, tb, "GET", "policy", nil); status != 200 || string(body) != policy {
		t.Errorf("GET ?policy: %d %q, want the document as put", status, body)
	}
	// A statement naming an account is not public.
	isPublic := func() string {
		status, body := bucketCall(t, tb, "GET", "policyStatus", nil)
		var s struct {
			IsPublic string `xml:"IsPublic"`
		}
		if status != 200 || xml.Unmarshal(body, &s) != nil {
			t.Fatalf("GET ?policyStatus: %d (%s)", status, body)
		}
		return s.IsPublic
	}
	if got := isPublic(); got != "false" {
		t.Errorf("PolicyStatus with an account principal: IsPublic %s, want false", got)
	}
	if status, body := bucketCall(t, tb, "DELETE", "policy", nil); status != 204 {
		t.Fatalf("DELETE ?policy: %d (%s)", status, body)
	}
	if status, body := bucketCall(t, tb, "GET", "policy", nil); status != 404 || errorCode(body) != "NoSuchBucketPolicy" {
		t.Errorf("GET ?policy after DELETE: %d %q, want 404 NoSuchBucketPolicy", status, errorCode(body))
	}
	if status, body := bucketCall(t, tb, "PUT", "policy", []byte(`{"Version":1`)); status != 400 {
		t.Errorf("PUT ?policy with broken JSON: %d (%s), want 400", status, body)
	}
}

// §4.8 and §4.19.1: default encryption round trip, and GetBucketStat counted from what is stored.
func TestBucketEncryptionAndStatThroughSignedTransport(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "cfg2-stat")
	if status, body := bucketCall(t, tb, "GET", "encryption", nil); status != 404 || errorCode(body) != "NoSuchServerSideEncryptionRule" {
		t.Errorf("GET ?encryption of a fresh bucket: %d %q, want 404 NoSuchServerSideEncryptionRule", status, errorCode(body))
	}
	rule := "<ServerSideEncryptionRule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm>" +
		"</ApplyServerSideEncryptionByDefault></ServerSideEncryptionRule>"
	if status, body := bucketCall(t, tb, "PUT", "encryption", []byte(rule)); status != 200 {
		t.Fatalf("PUT ?encryption: %d (%s)", status, body)
	}
	if status, body := bucketCall(t, tb, "GET", "encryption", nil); status != 200 || compactXML(body) != rule {
		t.Errorf("GET ?encryption: %d\n got %s\nwant %s", status, compactXML(body), rule)
	}
	for key, size := range map[string]int{"a": 10, "b/c": 2500} {
		tb.track(key)
		if err := tb.bucket.PutObject(key, bytes.NewReader(make([]byte, size))); err != nil {
			t.Fatalf("PutObject %s: %v", key, err)
		}
	}
	upload, err := tb.bucket.InitiateMultipartUpload("pending")
	if err != nil {
		t.Fatalf("InitiateMultipartUpload: %v", err)
	}
	defer tb.bucket.AbortMultipartUpload(upload)
	if _, err := tb.bucket.UploadPart(upload, bytes.NewReader(make([]byte, 7)), 7, 1); err != nil {
		t.Fatalf("UploadPart: %v", err)
	}
	status, body := bucketCall(t, tb, "GET", "stat", nil)
	var stat struct {
		Storage              int64
		ObjectCount          int64
		MultipartUploadCount int64
		MultipartPartCount   int64
		MultipartPartStorage int64
		StandardStorage      int64
		StandardObjectCount  int64
	}
	if status != 200 || xml.Unmarshal(body, &stat) != nil {
		t.Fatalf("GET ?stat: %d (%s)", status, body)
	}
	if stat.Storage != 2510 || stat.ObjectCount != 2 || stat.StandardStorage != 2510 || stat.StandardObjectCount != 2 {
		t.Errorf("BucketStat objects: %+v, want 2 objects of 2510 bytes, all Standard", stat)
	}
	if stat.MultipartUploadCount != 1 || stat.MultipartPartCount != 1 || stat.MultipartPartStorage != 7 {
		t.Errorf("BucketStat uploads: %+v, want 1 upload with 1 part of 7 bytes", stat)
	}
}
