package localosssdk

import (
	"bytes"
	"io/ioutil"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

// Symlinks, x-oss-object-type, object and bucket tagging and x-oss-traffic-limit
// (versioning-and-object-features.md §2, §3, §6.2, §6.4). Go SDK 1.5 has PutSymlink and
// GetSymlink but no tagging or traffic-limit API: those requests go through the SDK's
// own signed transport (Client.Conn.Do), as its Bucket methods do.

// do sends a signed request through the SDK's connection and returns the body.
func do(t *testing.T, tb *testBucket, method, key, subResource string, headers map[string]string, body []byte) ([]byte, map[string][]string, error) {
	t.Helper()
	if headers == nil {
		headers = map[string]string{}
	}
	resp, err := tb.client.Conn.Do(method, tb.name, key, subResource, subResource, headers, bytes.NewReader(body), 0, nil)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	data, err := ioutil.ReadAll(resp.Body)
	return data, resp.Headers, err
}

func TestSymlinkGo(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "sym")
	bucket := tb.bucket
	data := []byte("hello")
	for _, k := range []string{"target", "link", "dangling", "link2", "dir/a b+c"} {
		tb.track(k)
	}
	if err := bucket.PutObject("target", bytes.NewReader(data), oss.ContentType("text/plain")); err != nil {
		t.Fatalf("PutObject: %v", err)
	}
	// Go 1.5 QueryEscapes the target; keys with spaces and '+' survive the round trip.
	if err := bucket.PutSymlink("link", "dir/a b+c", oss.Meta("who", "link")); err != nil {
		t.Fatalf("PutSymlink: %v", err)
	}
	h, err := bucket.GetSymlink("link")
	if err != nil {
		t.Fatalf("GetSymlink: %v", err)
	}
	if got := h.Get(oss.HTTPHeaderOssSymlinkTarget); got != "dir/a b+c" {
		t.Errorf("symlink target %q, want %q", got, "dir/a b+c")
	}
	if err := bucket.PutSymlink("link", "target", oss.Meta("who", "link")); err != nil {
		t.Fatalf("PutSymlink over a link: %v", err)
	}
	r, err := bucket.GetObject("link")
	if err != nil {
		t.Fatalf("GetObject through the link: %v", err)
	}
	got, _ := ioutil.ReadAll(r)
	r.Close()
	if !bytes.Equal(got, data) {
		t.Errorf("GetObject through the link: %q, want %q", got, data)
	}
	meta, err := bucket.GetObjectDetailedMeta("link")
	if err != nil {
		t.Fatalf("HEAD of the link: %v", err)
	}
	if meta.Get("Content-Length") != "5" || meta.Get("ETag") != `"5D41402ABC4B2A76B9719D911017C592"` {
		t.Errorf("HEAD of the link: length %s ETag %s, want the target's 5 and MD5", meta.Get("Content-Length"), meta.Get("ETag"))
	}
	if meta.Get("X-Oss-Object-Type") != "Symlink" || meta.Get("X-Oss-Meta-Who") != "link" {
		t.Errorf("HEAD of the link: type %q meta %q", meta.Get("X-Oss-Object-Type"), meta.Get("X-Oss-Meta-Who"))
	}
	if _, err := bucket.GetSymlink("target"); err == nil {
		t.Errorf("GetSymlink of a normal object succeeded")
	}
	// Dangling link: created without error, reading it is a 404.
	if err := bucket.PutSymlink("dangling", "no-such-target"); err != nil {
		t.Fatalf("PutSymlink to a missing target: %v", err)
	}
	_, err = bucket.GetObject("dangling")
	requireServiceError(t, err, 404, "SymlinkTargetNotExist", "GetObject of a dangling link")
	if err := bucket.PutSymlink("link2", "link"); err != nil {
		t.Fatalf("PutSymlink to a link: %v", err)
	}
	_, err = bucket.GetObject("link2")
	requireServiceError(t, err, 400, "InvalidTargetType", "GetObject of a link to a link")
	res, err := bucket.ListObjects()
	if err != nil {
		t.Fatalf("ListObjects: %v", err)
	}
	types := map[string]string{}
	for _, o := range res.Objects {
		types[o.Key] = o.Type
	}
	if types["link"] != "Symlink" || types["target"] != "Normal" {
		t.Errorf("listed types %v", types)
	}
	if err := bucket.DeleteObject("link"); err != nil {
		t.Fatalf("DeleteObject(link): %v", err)
	}
	if ok, _ := bucket.IsObjectExist("target"); !ok {
		t.Errorf("deleting the link deleted its target")
	}
}

func TestObjectTypesGo(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "otype")
	bucket := tb.bucket
	for _, k := range []string{"normal", "append", "multi", "copy"} {
		tb.track(k)
	}
	if err := bucket.PutObject("normal", strings.NewReader("n")); err != nil {
		t.Fatal(err)
	}
	if _, err := bucket.AppendObject("append", strings.NewReader("a"), 0); err != nil {
		t.Fatal(err)
	}
	imur, err := bucket.InitiateMultipartUpload("multi")
	if err != nil {
		t.Fatal(err)
	}
	part, err := bucket.UploadPart(imur, strings.NewReader("m"), 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bucket.CompleteMultipartUpload(imur, []oss.UploadPart{part}); err != nil {
		t.Fatal(err)
	}
	if _, err := bucket.CopyObject("normal", "copy"); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"normal": "Normal", "append": "Appendable", "multi": "Multipart", "copy": "Normal"}
	for key, typ := range want {
		meta, err := bucket.GetObjectDetailedMeta(key)
		if err != nil {
			t.Fatalf("HEAD %s: %v", key, err)
		}
		if meta.Get("X-Oss-Object-Type") != typ {
			t.Errorf("HEAD %s: x-oss-object-type %q, want %q", key, meta.Get("X-Oss-Object-Type"), typ)
		}
	}
	res, err := bucket.ListObjects()
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range res.Objects {
		if o.Type != want[o.Key] {
			t.Errorf("listed %s: Type %q, want %q", o.Key, o.Type, want[o.Key])
		}
	}
}

func TestTaggingGo(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "tag")
	tb.track("k")
	tb.track("tagged")
	if err := tb.bucket.PutObject("k", strings.NewReader("body")); err != nil {
		t.Fatal(err)
	}
	doc := []byte("<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>b</Key><Value></Value></Tag></TagSet></Tagging>")
	if _, _, err := do(t, tb, "PUT", "k", "tagging", nil, doc); err != nil {
		t.Fatalf("PutObjectTagging: %v", err)
	}
	body, _, err := do(t, tb, "GET", "k", "tagging", nil, nil)
	if err != nil {
		t.Fatalf("GetObjectTagging: %v", err)
	}
	if !bytes.Contains(body, []byte("<Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>b</Key><Value></Value></Tag>")) {
		t.Errorf("GetObjectTagging body %s", body)
	}
	meta, err := tb.bucket.GetObjectDetailedMeta("k")
	if err != nil || meta.Get("X-Oss-Tagging-Count") != "2" {
		t.Errorf("HEAD: x-oss-tagging-count %q (%v), want 2", meta.Get("X-Oss-Tagging-Count"), err)
	}
	if _, _, err := do(t, tb, "DELETE", "k", "tagging", nil, nil); err != nil {
		t.Fatalf("DeleteObjectTagging: %v", err)
	}
	if ok, _ := tb.bucket.IsObjectExist("k"); !ok {
		t.Fatalf("DeleteObjectTagging deleted the object")
	}
	meta, _ = tb.bucket.GetObjectDetailedMeta("k")
	if meta.Get("X-Oss-Tagging-Count") != "" {
		t.Errorf("x-oss-tagging-count %q after DeleteObjectTagging", meta.Get("X-Oss-Tagging-Count"))
	}
	// x-oss-tagging as Go v3's SetTagging sends it (url.QueryEscape: space as '+').
	_, _, err = do(t, tb, "PUT", "tagged", "", map[string]string{"X-Oss-Tagging": "a+b=c%2Bd&e=%2F"}, []byte("x"))
	if err != nil {
		t.Fatalf("PutObject with x-oss-tagging: %v", err)
	}
	body, _, _ = do(t, tb, "GET", "tagged", "tagging", nil, nil)
	if !bytes.Contains(body, []byte("<Key>a b</Key><Value>c+d</Value>")) || !bytes.Contains(body, []byte("<Key>e</Key><Value>/</Value>")) {
		t.Errorf("tags from x-oss-tagging: %s", body)
	}
	duplicate := strings.Repeat("<Tag><Key>k</Key><Value>v</Value></Tag>", 2)
	_, _, err = do(t, tb, "PUT", "k", "tagging", nil, []byte("<Tagging><TagSet>"+duplicate+"</TagSet></Tagging>"))
	requireServiceError(t, err, 400, "InvalidTag", "PutObjectTagging with a duplicate key")
	_, _, err = do(t, tb, "GET", "missing", "tagging", nil, nil)
	requireServiceError(t, err, 404, "NoSuchKey", "GetObjectTagging of a missing key")

	// Bucket tags.
	if _, _, err := do(t, tb, "PUT", "", "tagging", nil, []byte("<Tagging><TagSet><Tag><Key>env</Key><Value>dev</Value></Tag></TagSet></Tagging>")); err != nil {
		t.Fatalf("PutBucketTags: %v", err)
	}
	body, _, _ = do(t, tb, "GET", "", "tagging", nil, nil)
	if !bytes.Contains(body, []byte("<Key>env</Key><Value>dev</Value>")) {
		t.Errorf("GetBucketTags: %s", body)
	}
	if _, _, err := do(t, tb, "DELETE", "", "tagging", nil, nil); err != nil {
		t.Fatalf("DeleteBucketTags: %v", err)
	}
	requireBucketExists(t, client, tb.name, "after DeleteBucketTags")
	body, _, _ = do(t, tb, "GET", "", "tagging", nil, nil)
	if bytes.Contains(body, []byte("<Tag>")) {
		t.Errorf("GetBucketTags after delete: %s", body)
	}
}

func TestTrafficLimitGo(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "traffic")
	tb.track("slow")
	data := randomBytes(100*1024, 7)
	if err := tb.bucket.PutObject("slow", bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"abc", "819199", "838860801"} {
		_, _, err := do(t, tb, "GET", "slow", "", map[string]string{"X-Oss-Traffic-Limit": bad}, nil)
		requireServiceError(t, err, 400, "InvalidArgument", "GetObject with x-oss-traffic-limit "+bad)
	}
	// 819200 bit/s = 100 KiB/s: 100 KiB take about a second.
	start := time.Now()
	resp, err := tb.client.Conn.Do("GET", tb.name, "slow", "", "", map[string]string{"X-Oss-Traffic-Limit": "819200"}, nil, 0, nil)
	if err != nil {
		t.Fatalf("limited GET: %v", err)
	}
	got, _ := ioutil.ReadAll(resp.Body)
	resp.Body.Close()
	elapsed := time.Since(start)
	if !bytes.Equal(got, data) {
		t.Fatalf("limited GET returned other bytes")
	}
	if elapsed < 800*time.Millisecond || elapsed > 3*time.Second {
		t.Errorf("limited GET of 100 KiB at 819200 bit/s took %v, want about 1 s", elapsed)
	}
}
