package localosssdk

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

// control sends one control-plane request and returns its status and decoded JSON body (nil when empty).
func control(t *testing.T, method, path string) (int, map[string]interface{}) {
	t.Helper()
	req, _ := http.NewRequest(method, endpoint+"/_localoss/"+path, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s /_localoss/%s: %v", method, path, err)
	}
	defer resp.Body.Close()
	text, _ := io.ReadAll(resp.Body)
	var body map[string]interface{}
	if len(text) > 0 {
		if err := json.Unmarshal(text, &body); err != nil {
			t.Fatalf("%s /_localoss/%s answered %q: %v", method, path, text, err)
		}
	}
	return resp.StatusCode, body
}

// TestStateSnapshotRestoreAndBucketReset: a snapshot taken with objects and an upload in progress comes back whole
// after overwrites, deletes and an abort, the restored upload completes, and reset?bucket empties only that bucket.
// The tests of this package run one at a time, so the restore changes nothing but what this test did meanwhile.
func TestStateSnapshotRestoreAndBucketReset(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "state")
	b := tb.bucket
	small, large := randomBytes(1000, 1), randomBytes(70*1024, 2)
	for key, body := range map[string][]byte{"small": small, "dir/large": large} {
		tb.track(key)
		if err := b.PutObject(key, bytes.NewReader(body), oss.ObjectACL(oss.ACLPublicRead)); err != nil {
			t.Fatalf("PutObject(%s): %v", key, err)
		}
	}
	tb.track("mp")
	imur, err := b.InitiateMultipartUpload("mp")
	if err != nil {
		t.Fatalf("InitiateMultipartUpload: %v", err)
	}
	p1, p2 := randomBytes(100*1024, 3), randomBytes(10, 4)
	part1, err := b.UploadPart(imur, bytes.NewReader(p1), int64(len(p1)), 1)
	if err != nil {
		t.Fatalf("UploadPart 1: %v", err)
	}
	name := "go-" + runID
	if status, body := control(t, "POST", "snapshots/"+name); status != http.StatusCreated || body["objects"] == nil {
		t.Fatalf("POST snapshots/%s: %d %v", name, status, body)
	}
	t.Cleanup(func() { control(t, "DELETE", "snapshots/"+name) })

	if err := b.PutObject("small", bytes.NewReader([]byte("overwritten"))); err != nil {
		t.Fatalf("overwrite: %v", err)
	}
	if err := b.DeleteObject("dir/large"); err != nil {
		t.Fatalf("DeleteObject: %v", err)
	}
	if err := b.AbortMultipartUpload(imur); err != nil {
		t.Fatalf("AbortMultipartUpload: %v", err)
	}
	if status, body := control(t, "POST", "snapshots/"+name+"/restore"); status != http.StatusOK {
		t.Fatalf("restore: %d %v", status, body)
	}

	verifyObject(t, b, "small", small, 0, partETag(small))
	verifyObject(t, b, "dir/large", large, 0, partETag(large))
	if acl, err := b.GetObjectACL("small"); err != nil || acl.ACL != string(oss.ACLPublicRead) {
		t.Errorf("GetObjectACL after restore: %+v, %v; want public-read", acl, err)
	}
	verifyListedParts(t, b, imur, map[int][]byte{1: p1})
	part2, err := b.UploadPart(imur, bytes.NewReader(p2), int64(len(p2)), 2)
	if err != nil {
		t.Fatalf("UploadPart 2 after restore: %v", err)
	}
	if _, err := b.CompleteMultipartUpload(imur, []oss.UploadPart{part1, part2}); err != nil {
		t.Fatalf("CompleteMultipartUpload after restore: %v", err)
	}
	verifyObject(t, b, "mp", concat(p1, p2), 2, "")

	if status, body := control(t, "POST", "reset?bucket="+tb.name); status != http.StatusOK || body["objects"] != 3.0 {
		t.Fatalf("reset?bucket: %d %v, want 3 objects removed", status, body)
	}
	listed, err := b.ListObjects()
	if err != nil || len(listed.Objects) != 0 {
		t.Errorf("ListObjects after reset?bucket: %d objects, %v; want none", len(listed.Objects), err)
	}
	requireBucketExists(t, client, tb.name, "after reset?bucket")
}
