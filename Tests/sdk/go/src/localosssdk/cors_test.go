package localosssdk

import (
	"net/http"
	"reflect"
	"testing"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

// CORS rules through the Go SDK: stored and read back (AllowedHeader lower-cased, as OSS returns them), deleted,
// 404 NoSuchCORSConfiguration when none; a preflight answered by them (protocol notes
// bucket-configuration-and-access.md §4.2).
func TestBucketCORSGo(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "cors")

	_, err := client.GetBucketCORS(tb.name)
	requireServiceError(t, err, 404, "NoSuchCORSConfiguration", "GetBucketCORS before any rule")

	rules := []oss.CORSRule{
		{AllowedOrigin: []string{"https://*.example.com"}, AllowedMethod: []string{"PUT", "GET"},
			AllowedHeader: []string{"Content-Type"}, ExposeHeader: []string{"ETag"}, MaxAgeSeconds: 100},
		{AllowedOrigin: []string{"*"}, AllowedMethod: []string{"GET"}},
	}
	if err := client.SetBucketCORS(tb.name, rules); err != nil {
		t.Fatalf("SetBucketCORS: %v", err)
	}
	got, err := client.GetBucketCORS(tb.name)
	if err != nil {
		t.Fatalf("GetBucketCORS: %v", err)
	}
	if len(got.CORSRules) != 2 {
		t.Fatalf("GetBucketCORS: %d rules, want 2", len(got.CORSRules))
	}
	first, second := got.CORSRules[0], got.CORSRules[1]
	if !reflect.DeepEqual(first.AllowedOrigin, []string{"https://*.example.com"}) ||
		!reflect.DeepEqual(first.AllowedMethod, []string{"PUT", "GET"}) ||
		!reflect.DeepEqual(first.AllowedHeader, []string{"content-type"}) ||
		!reflect.DeepEqual(first.ExposeHeader, []string{"ETag"}) || first.MaxAgeSeconds != 100 {
		t.Errorf("first rule read back as %+v", first)
	}
	// Go sends MaxAgeSeconds 0 when unset; it comes back as sent.
	if len(second.AllowedHeader) != 0 || len(second.ExposeHeader) != 0 || second.MaxAgeSeconds != 0 {
		t.Errorf("second rule read back as %+v", second)
	}

	// This SDK has no preflight call: a browser sends it, so plain HTTP does here.
	preflight := func(origin, method, headers string) *http.Response {
		req, _ := http.NewRequest("OPTIONS", endpoint+"/"+tb.name+"/some/key", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", method)
		if headers != "" {
			req.Header.Set("Access-Control-Request-Headers", headers)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("OPTIONS: %v", err)
		}
		resp.Body.Close()
		return resp
	}
	answer := preflight("https://app.example.com", "PUT", "content-type")
	if answer.StatusCode != 200 || answer.Header.Get("Access-Control-Allow-Origin") != "https://app.example.com" ||
		answer.Header.Get("Access-Control-Allow-Methods") != "PUT, GET" ||
		answer.Header.Get("Access-Control-Allow-Headers") != "content-type" ||
		answer.Header.Get("Access-Control-Max-Age") != "100" {
		t.Errorf("preflight: %d %v", answer.StatusCode, answer.Header)
	}
	if refused := preflight("https://other.test", "PUT", ""); refused.StatusCode != 403 ||
		refused.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight no rule allows: %d %v", refused.StatusCode, refused.Header)
	}

	if err := client.DeleteBucketCORS(tb.name); err != nil {
		t.Fatalf("DeleteBucketCORS: %v", err)
	}
	_, err = client.GetBucketCORS(tb.name)
	requireServiceError(t, err, 404, "NoSuchCORSConfiguration", "GetBucketCORS after delete")
}
