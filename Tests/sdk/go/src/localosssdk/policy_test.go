package localosssdk

// Bucket policies at run time through the Go SDK 1.5, which has no policy API: PutBucketPolicy goes through the
// SDK's signed transport (Client.Conn.Do). Anonymous callers are plain HTTP requests. Expectations:
// bucket-configuration-and-access.md §3.3 and §4.6, and OSS's Bucket Policy page (an explicit Deny wins; an Allow
// with Principal "*" lets anonymous callers in).

import (
	"bytes"
	"fmt"
	"io/ioutil"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

func putPolicy(t *testing.T, tb *testBucket, policy string) {
	t.Helper()
	if _, _, err := do(t, tb, "PUT", "", "policy", nil, []byte(policy)); err != nil {
		t.Fatalf("PutBucketPolicy: %v", err)
	}
	t.Cleanup(func() { do(t, tb, "DELETE", "", "policy", nil, nil) })
}

// anonymousGet reads an object without credentials: status, error code and body.
func anonymousGet(t *testing.T, bucket, key string) (int, string, []byte) {
	t.Helper()
	resp, err := http.Get(endpoint + "/" + bucket + "/" + key)
	if err != nil {
		t.Fatalf("GET %s/%s: %v", bucket, key, err)
	}
	defer resp.Body.Close()
	body, _ := ioutil.ReadAll(resp.Body)
	code := ""
	if start := bytes.Index(body, []byte("<Code>")); start >= 0 {
		rest := body[start+6:]
		code = string(rest[:bytes.Index(rest, []byte("</Code>"))])
	}
	return resp.StatusCode, code, body
}

func newPolicyBucket(t *testing.T, tag string) *testBucket {
	t.Helper()
	tb := newTestBucket(t, newClient(t), tag)
	for key, data := range map[string]string{"doc/a.txt": "alpha", "secret/b.txt": "bravo"} {
		if err := tb.bucket.PutObject(key, strings.NewReader(data)); err != nil {
			t.Fatalf("PutObject(%s): %v", key, err)
		}
		tb.track(key)
	}
	return tb
}

func TestBucketPolicyLetsAnonymousReadGo(t *testing.T) {
	tb := newPolicyBucket(t, "polanon")
	if status, code, body := anonymousGet(t, tb.name, "doc/a.txt"); status != 403 || code != "AccessDenied" ||
		!bytes.Contains(body, []byte("<Message>Anonymous user has no right to access this object</Message>")) {
		t.Fatalf("anonymous GET without a policy: %d %s %s, want 403 AccessDenied", status, code, body)
	}
	putPolicy(t, tb, fmt.Sprintf(`{"Version":"1","Statement":[`+
		`{"Effect":"Allow","Principal":["*"],"Action":["oss:GetObject"],"Resource":["acs:oss:*:*:%[1]s/*"]},`+
		`{"Effect":"Deny","Principal":["*"],"Action":["oss:GetObject"],"Resource":["acs:oss:*:*:%[1]s/secret/*"]}]}`,
		tb.name))
	if status, _, body := anonymousGet(t, tb.name, "doc/a.txt"); status != 200 || string(body) != "alpha" {
		t.Errorf("anonymous GET allowed by the policy: %d %q, want 200 \"alpha\"", status, body)
	}
	if status, code, body := anonymousGet(t, tb.name, "secret/b.txt"); status != 403 || code != "AccessDenied" ||
		!bytes.Contains(body, []byte("<Message>Access denied by bucket policy.</Message>")) {
		t.Errorf("anonymous GET under the Deny: %d %s %s, want 403 AccessDenied by bucket policy", status, code, body)
	}
	// The unconditional "*" Deny does not apply to the bucket owner.
	if _, err := tb.bucket.GetObject("secret/b.txt"); err != nil {
		t.Errorf("owner GetObject under a \"*\" Deny without condition: %v", err)
	}
}

func TestBucketPolicyDenyRefusesTheOtherAccountGo(t *testing.T) {
	otherID, otherSecret, otherUID := os.Getenv("LOCALOSS_OTHER_ACCESS_KEY_ID"),
		os.Getenv("LOCALOSS_OTHER_ACCESS_KEY_SECRET"), os.Getenv("LOCALOSS_OTHER_UID")
	if otherUID == "" {
		t.Skip("no second account (LOCALOSS_OTHER_*): the server was not started by run.sh")
	}
	tb := newPolicyBucket(t, "poldeny")
	other, err := oss.New(endpoint, otherID, otherSecret)
	if err != nil {
		t.Fatalf("oss.New: %v", err)
	}
	otherBucket, _ := other.Bucket(tb.name)
	_, err = otherBucket.GetObject("doc/a.txt")
	requireServiceError(t, err, 403, "AccessDenied", "other account GetObject without a grant")
	putPolicy(t, tb, fmt.Sprintf(`{"Version":"1","Statement":[`+
		`{"Effect":"Allow","Principal":["%[2]s"],"Action":["oss:*"],"Resource":["acs:oss:*:*:%[1]s","acs:oss:*:*:%[1]s/*"]},`+
		`{"Effect":"Deny","Principal":["%[2]s"],"Action":["oss:GetObject"],"Resource":["acs:oss:*:*:%[1]s/secret/*"]}]}`,
		tb.name, otherUID))
	body, err := otherBucket.GetObject("doc/a.txt")
	if err != nil {
		t.Fatalf("other account GetObject allowed by the policy: %v", err)
	}
	data, _ := ioutil.ReadAll(body)
	body.Close()
	if string(data) != "alpha" {
		t.Errorf("other account read %q, want \"alpha\"", data)
	}
	_, err = otherBucket.GetObject("secret/b.txt")
	requireServiceError(t, err, 403, "AccessDenied", "other account GetObject under the Deny")
	if se, ok := asServiceError(err); ok && se.Message != "Access denied by bucket policy." {
		t.Errorf("Deny message %q, want \"Access denied by bucket policy.\"", se.Message)
	}
	requireEC(t, err, "0003-00000001")
	listing, err := otherBucket.ListObjects(oss.Prefix("doc/"))
	if err != nil || len(listing.Objects) != 1 || listing.Objects[0].Key != "doc/a.txt" {
		t.Errorf("other account ListObjects: %v %+v, want doc/a.txt", err, listing.Objects)
	}
}
