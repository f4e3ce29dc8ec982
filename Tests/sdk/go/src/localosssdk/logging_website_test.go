package localosssdk

import (
	"encoding/json"
	"io/ioutil"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

// Access logging and website routing rules at run time (protocol notes bucket-configuration-and-access.md §4.5,
// §4.4). Go SDK 1.5 sets logging but has no routing rules: the website document goes through the SDK's signed
// transport. The buffered log lines are written through POST /_localoss/logging/flush.

// logFieldRE splits an access-log line into its fields: [time], "quoted" (with \" inside) or bare.
var logFieldRE = regexp.MustCompile(`\[[^\]]*\]|"(?:[^"\\]|\\.)*"|\S+`)

func logFields(line string) []string {
	fields := logFieldRE.FindAllString(line, -1)
	for i, f := range fields {
		if len(f) >= 2 && (f[0] == '"' || f[0] == '[') {
			fields[i] = f[1 : len(f)-1]
		}
	}
	return fields
}

func flushAccessLogs(t *testing.T) {
	t.Helper()
	resp, err := http.Post(endpoint+"/_localoss/logging/flush", "application/json", nil)
	if err != nil {
		t.Fatalf("POST /_localoss/logging/flush: %v", err)
	}
	defer resp.Body.Close()
	var reply struct {
		Objects []struct {
			Bucket string `json:"bucket"`
			Key    string `json:"key"`
			Lines  int    `json:"lines"`
		} `json:"objects"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&reply); err != nil || resp.StatusCode != 200 {
		t.Fatalf("POST /_localoss/logging/flush: %d, %v", resp.StatusCode, err)
	}
}

func TestAccessLogGo(t *testing.T) {
	client := newClient(t)
	target := newTestBucket(t, client, "log-tgt")
	source := newTestBucket(t, client, "log-src")
	if err := client.SetBucketLogging(source.name, target.name, "go-log/", true); err != nil {
		t.Fatalf("SetBucketLogging: %v", err)
	}
	// Runs before the buckets' cleanups: their requests are not logged into a bucket about to go.
	t.Cleanup(func() { client.DeleteBucketLogging(source.name) })
	source.track("k.txt")
	_, headers, err := do(t, source, "PUT", "k.txt", "", nil, []byte("hello"))
	if err != nil {
		t.Fatalf("PutObject: %v", err)
	}
	putID := headers["X-Oss-Request-Id"][0]
	_, err = source.bucket.GetObject("missing.txt")
	requireServiceError(t, err, 404, "NoSuchKey", "GetObject of a missing key")
	missingID := err.(oss.ServiceError).RequestID

	flushAccessLogs(t)
	// A timed write may have taken some of the lines already: read every log object of the source.
	prefix := "go-log/" + source.name
	listed, err := target.bucket.ListObjects(oss.Prefix(prefix))
	if err != nil || len(listed.Objects) == 0 {
		t.Fatalf("ListObjects(%s) of the target: %+v, %v; want log objects", prefix, listed.Objects, err)
	}
	byID := map[string][]string{}
	nameRE := regexp.MustCompile(`^` + regexp.QuoteMeta(prefix) + `\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-\d{4}$`)
	for _, object := range listed.Objects {
		target.track(object.Key)
		if !nameRE.MatchString(object.Key) {
			t.Errorf("log object %q does not follow <TargetPrefix><SourceBucket>YYYY-mm-DD-HH-MM-SS-NNNN", object.Key)
		}
		body, err := target.bucket.GetObject(object.Key)
		if err != nil {
			t.Fatalf("GetObject(%s): %v", object.Key, err)
		}
		data, _ := ioutil.ReadAll(body)
		body.Close()
		for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
			fields := logFields(line)
			if len(fields) != 28 {
				t.Fatalf("log line with %d fields, want 28: %s", len(fields), line)
			}
			byID[fields[11]] = fields
		}
	}
	for _, want := range []struct {
		id, operation, status, key, size, code string
	}{
		{putID, "PutObject", "200", "k.txt", "5", "-"},
		{missingID, "GetObject", "404", "missing.txt", "-", "NoSuchKey"},
	} {
		f, ok := byID[want.id]
		if !ok {
			t.Errorf("no log line with request id %s (%s)", want.id, want.operation)
			continue
		}
		got := []string{f[14], f[5], f[16], f[17], f[19], f[15], f[27], f[12]}
		exp := []string{want.operation, want.status, want.key, want.size, want.code, source.name, accessKeyID, "true"}
		if strings.Join(got, " ") != strings.Join(exp, " ") {
			t.Errorf("log line of %s: operation, status, key, size, error code, bucket, access key, flag = %v; want %v",
				want.id, got, exp)
		}
	}
}

func TestWebsiteRoutingRulesGo(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "web-rules")
	tb.track("fallback.html")
	if err := tb.bucket.PutObject("fallback.html", strings.NewReader("fallback"), oss.ObjectACL(oss.ACLPublicRead)); err != nil {
		t.Fatalf("PutObject: %v", err)
	}
	// Listed with RuleNumber 2 first: rules are tried by number.
	document := `<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix></IndexDocument><RoutingRules>` +
		`<RoutingRule><RuleNumber>2</RuleNumber><Condition><HttpErrorCodeReturnedEquals>404</HttpErrorCodeReturnedEquals>` +
		`</Condition><Redirect><RedirectType>Internal</RedirectType><ReplaceKeyWith>fallback.html</ReplaceKeyWith>` +
		`</Redirect></RoutingRule>` +
		`<RoutingRule><RuleNumber>1</RuleNumber><Condition><KeyPrefixEquals>old/</KeyPrefixEquals></Condition>` +
		`<Redirect><RedirectType>External</RedirectType><Protocol>https</Protocol><HostName>example.com</HostName>` +
		`<HttpRedirectCode>301</HttpRedirectCode><ReplaceKeyPrefixWith>new/</ReplaceKeyPrefixWith>` +
		`<PassQueryString>true</PassQueryString></Redirect></RoutingRule></RoutingRules></WebsiteConfiguration>`
	if _, _, err := do(t, tb, "PUT", "", "website", nil, []byte(document)); err != nil {
		t.Fatalf("PutBucketWebsite: %v", err)
	}
	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path string) (int, string, string) {
		resp, err := browser.Get(endpoint + "/" + tb.name + "/" + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		data, _ := ioutil.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Location"), string(data)
	}
	if status, location, _ := get("old/a.html?x=1"); status != 301 || location != "https://example.com/new/a.html?x=1" {
		t.Errorf("GET old/a.html?x=1: %d Location %q; want 301 https://example.com/new/a.html?x=1", status, location)
	}
	if status, location, body := get("nothing.html"); status != 200 || location != "" || body != "fallback" {
		t.Errorf("GET nothing.html: %d %q %q; want 200 with the fallback's content", status, location, body)
	}
	// Rule 1 is only for old/: other keys that exist are served as they are.
	if status, location, body := get("fallback.html"); status != 200 || location != "" || body != "fallback" {
		t.Errorf("GET fallback.html: %d %q %q; want 200 with its content", status, location, body)
	}
}
