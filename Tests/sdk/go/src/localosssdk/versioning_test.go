package localosssdk

import (
	"bytes"
	"encoding/xml"
	"io"
	"net/url"
	"regexp"
	"testing"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

// Bucket versioning through the Go SDK 1.5. That SDK predates versioning: the versioning requests go through its
// own signed transport (Conn.Do, with the sub-resources signed as V1 requires), and its ordinary API
// (PutObject, GetObject, DeleteObject, ListObjects, DeleteObjects) must keep working on a versioned bucket as OSS
// documents (versioning-and-object-features.md §1).

var versionIDRE = regexp.MustCompile(`^CAEQ[A-Za-z0-9._]{60}$`)

type listVersionsResult struct {
	IsTruncated         bool   `xml:"IsTruncated"`
	NextKeyMarker       string `xml:"NextKeyMarker"`
	NextVersionIDMarker string `xml:"NextVersionIdMarker"`
	Entries             []struct {
		XMLName   xml.Name
		Key       string `xml:"Key"`
		VersionID string `xml:"VersionId"`
		IsLatest  bool   `xml:"IsLatest"`
	} `xml:",any"`
}

func doVersioned(t *testing.T, b *oss.Bucket, method, key, params string, body []byte) (*oss.Response, error) {
	t.Helper()
	var data io.Reader
	if body != nil {
		data = bytes.NewReader(body)
	}
	return b.Client.Conn.Do(method, b.BucketName, key, params, params, nil, data, 0, nil)
}

func setVersioning(t *testing.T, b *oss.Bucket, status string) {
	t.Helper()
	body := []byte("<VersioningConfiguration><Status>" + status + "</Status></VersioningConfiguration>")
	resp, err := doVersioned(t, b, "PUT", "", "versioning", body)
	if err != nil {
		t.Fatalf("PutBucketVersioning %s: %v", status, err)
	}
	resp.Body.Close()
}

func listVersions(t *testing.T, b *oss.Bucket, params string) listVersionsResult {
	t.Helper()
	q := "versions"
	if params != "" {
		q += "&" + params
	}
	resp, err := b.Client.Conn.Do("GET", b.BucketName, "", q, "versions", nil, nil, 0, nil)
	if err != nil {
		t.Fatalf("ListObjectVersions %s: %v", params, err)
	}
	defer resp.Body.Close()
	var result listVersionsResult
	if err := xml.NewDecoder(resp.Body).Decode(&result); err != nil {
		t.Fatalf("ListObjectVersions XML: %v", err)
	}
	// `,any` also collects Name, Prefix, MaxKeys…: keep the Version and DeleteMarker elements, in document order.
	entries := result.Entries[:0]
	for _, e := range result.Entries {
		if e.XMLName.Local == "Version" || e.XMLName.Local == "DeleteMarker" {
			entries = append(entries, e)
		}
	}
	result.Entries = entries
	return result
}

// deleteAllVersions is what the SDK suites' ForceDeleteBucket does before DeleteBucket.
func deleteAllVersions(t *testing.T, b *oss.Bucket) {
	for {
		page := listVersions(t, b, "max-keys=1000")
		for _, e := range page.Entries {
			if resp, err := doVersioned(t, b, "DELETE", e.Key, "versionId="+e.VersionID, nil); err == nil {
				resp.Body.Close()
			} else {
				t.Errorf("delete %s@%s: %v", e.Key, e.VersionID, err)
			}
		}
		if !page.IsTruncated {
			return
		}
	}
}

func putVersion(t *testing.T, b *oss.Bucket, key, text string) string {
	t.Helper()
	resp, err := b.DoPutObject(&oss.PutObjectRequest{ObjectKey: key, Reader: bytes.NewReader([]byte(text))}, nil)
	if err != nil {
		t.Fatalf("PutObject %s: %v", key, err)
	}
	resp.Body.Close()
	return resp.Headers.Get("x-oss-version-id")
}

func TestVersioningGo(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "versions")
	b := tb.bucket
	defer deleteAllVersions(t, b)

	// §1.1: a new bucket has no Status.
	resp, err := doVersioned(t, b, "GET", "", "versioning", nil)
	if err != nil {
		t.Fatalf("GetBucketVersioning: %v", err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if bytes.Contains(raw, []byte("<Status>")) {
		t.Errorf("new bucket: GetBucketVersioning has a Status: %s", raw)
	}
	if got := putVersion(t, b, "before", "0"); got != "" {
		t.Errorf("unversioned PutObject: x-oss-version-id %q, want none", got)
	}
	setVersioning(t, b, "Enabled")

	// §1.2/§1.3: every write a new id; old versions readable by id.
	v1 := putVersion(t, b, "k", "one")
	v2 := putVersion(t, b, "k", "two")
	if !versionIDRE.MatchString(v1) || !versionIDRE.MatchString(v2) || v1 == v2 {
		t.Fatalf("version ids %q %q: want two distinct OSS-shaped ids", v1, v2)
	}
	resp, err = doVersioned(t, b, "GET", "k", "versionId="+v1, nil)
	if err != nil {
		t.Fatalf("GET k?versionId=v1: %v", err)
	}
	raw, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(raw) != "one" || resp.Headers.Get("x-oss-version-id") != v1 {
		t.Errorf("GET v1: %q version %q", raw, resp.Headers.Get("x-oss-version-id"))
	}

	// §1.6: DeleteObject adds a marker; the SDK's GetObject then sees NoSuchKey; ListObjects hides the key.
	if err := b.DeleteObject("k"); err != nil {
		t.Fatalf("DeleteObject: %v", err)
	}
	_, err = b.GetObject("k")
	requireServiceError(t, err, 404, "NoSuchKey", "GetObject under a delete marker")
	listed, err := b.ListObjects()
	if err != nil {
		t.Fatalf("ListObjects: %v", err)
	}
	for _, o := range listed.Objects {
		if o.Key == "k" {
			t.Errorf("ListObjects lists %q, whose current version is a delete marker", o.Key)
		}
	}

	// §1.8: key ascending, newest first; the pre-versioning object is the null version.
	page := listVersions(t, b, "")
	var got []string
	for _, e := range page.Entries {
		got = append(got, e.XMLName.Local+":"+e.Key)
	}
	want := []string{"Version:before", "DeleteMarker:k", "Version:k", "Version:k"}
	if len(got) != len(want) {
		t.Fatalf("ListObjectVersions entries %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("ListObjectVersions entries %v, want %v", got, want)
		}
	}
	if page.Entries[0].VersionID != "null" || page.Entries[2].VersionID != v2 || page.Entries[3].VersionID != v1 {
		t.Errorf("ListObjectVersions ids: %+v", page.Entries)
	}
	if !page.Entries[1].IsLatest || page.Entries[2].IsLatest {
		t.Errorf("IsLatest: %+v", page.Entries)
	}
	two := listVersions(t, b, "max-keys=2")
	if !two.IsTruncated || two.NextKeyMarker != "k" || two.NextVersionIDMarker != page.Entries[1].VersionID {
		t.Errorf("max-keys=2: truncated %v next %q/%q", two.IsTruncated, two.NextKeyMarker, two.NextVersionIDMarker)
	}
	rest := listVersions(t, b, "key-marker=k&version-id-marker="+url.QueryEscape(two.NextVersionIDMarker))
	if len(rest.Entries) != 2 || rest.Entries[0].VersionID != v2 {
		t.Errorf("after the marker: %+v", rest.Entries)
	}

	// §1.4: an unknown version is NoSuchVersion; a malformed one InvalidArgument.
	_, err = doVersioned(t, b, "DELETE", "k", "versionId="+v2, nil)
	if err != nil {
		t.Fatalf("DELETE k?versionId=v2: %v", err)
	}
	_, err = doVersioned(t, b, "GET", "k", "versionId="+v2, nil)
	requireServiceError(t, err, 404, "NoSuchVersion", "GET of a deleted version")
	_, err = doVersioned(t, b, "GET", "k", "versionId=IllegalVersion", nil)
	requireServiceError(t, err, 400, "InvalidArgument", "GET with a malformed version id")

	// The SDK's batch delete on a versioned bucket makes markers and reports every key.
	putVersion(t, b, "x", "1")
	deleted, err := b.DeleteObjects([]string{"x", "never"})
	if err != nil || len(deleted.DeletedObjects) != 2 {
		t.Errorf("DeleteObjects: %v %+v", err, deleted)
	}
	if ok, err := b.IsObjectExist("x"); err != nil || ok {
		t.Errorf("IsObjectExist(x) after a batch delete: %v %v", ok, err)
	}
}
