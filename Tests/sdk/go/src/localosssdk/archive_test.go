package localosssdk

// Archive objects and RestoreObject, server-side encryption headers and client-side encryption metadata through
// the Go SDK 1.5 (which knows Archive only as a bucket class, RestoreObject without a body, and the
// x-oss-server-side-encryption option). Expectations: versioning-and-object-features.md §4 and §5.

import (
	"bytes"
	"fmt"
	"io/ioutil"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

// advanceClock moves the server clock by seconds (POST /_localoss/clock); a few seconds keep SDK signatures within
// the allowed skew. The test's cleanup puts the clock back on real time.
func advanceClock(t *testing.T, seconds int) {
	t.Helper()
	post := func(body string) {
		resp, err := http.Post(endpoint+"/_localoss/clock", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatalf("POST /_localoss/clock: %v", err)
		}
		text, _ := ioutil.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("POST /_localoss/clock %s: %d %s", body, resp.StatusCode, text)
		}
	}
	post(fmt.Sprintf(`{"advanceSeconds": %d}`, seconds))
	t.Cleanup(func() { post(`{"offsetSeconds": 0, "freeze": false}`) })
}

// requireEC asserts the error body's EC (Go SDK 1.5 keeps only the raw body of it).
func requireEC(t *testing.T, err error, ec string) {
	t.Helper()
	if se, ok := asServiceError(err); !ok || !strings.Contains(se.RawMessage, "<EC>"+ec+"</EC>") {
		t.Errorf("error %v: want EC %s in the body", err, ec)
	}
}

// newArchiveBucket creates a bucket of storage class Archive: objects written to it are Archive objects.
func newArchiveBucket(t *testing.T, client *oss.Client, tag string) *testBucket {
	t.Helper()
	name := fmt.Sprintf("go-sdk-%s-%s", tag, runID)
	if err := client.CreateBucket(name, oss.StorageClass(oss.StorageArchive)); err != nil {
		t.Fatalf("CreateBucket(%s, Archive): %v", name, err)
	}
	b, err := client.Bucket(name)
	if err != nil {
		t.Fatalf("client.Bucket(%s): %v", name, err)
	}
	tb := &testBucket{t: t, client: client, name: name, bucket: b, objects: map[string]bool{}}
	t.Cleanup(tb.cleanup)
	return tb
}

func TestArchiveObjectNeedsARestore(t *testing.T) {
	tb := newArchiveBucket(t, newClient(t), "archive")
	key := "frozen.bin"
	data := randomBytes(1000, 7)
	if err := tb.bucket.PutObject(key, bytes.NewReader(data)); err != nil {
		t.Fatalf("PutObject: %v", err)
	}
	tb.track(key)

	meta, err := tb.bucket.GetObjectDetailedMeta(key)
	if err != nil {
		t.Fatalf("HeadObject of a frozen Archive object: %v", err)
	}
	if got := meta.Get("X-Oss-Storage-Class"); got != "Archive" {
		t.Errorf("x-oss-storage-class = %q, want Archive", got)
	}
	if _, ok := meta["X-Oss-Restore"]; ok {
		t.Errorf("x-oss-restore on a never restored object: %q", meta.Get("X-Oss-Restore"))
	}
	_, err = tb.bucket.GetObject(key)
	requireServiceError(t, err, 403, "InvalidObjectState", "GetObject before a restore")
	_, err = tb.bucket.CopyObject(key, "copy.bin")
	requireServiceError(t, err, 403, "InvalidObjectState", "CopyObject from an unrestored source")

	requireServiceError(t, tb.bucket.RestoreObject("missing"), 404, "NoSuchKey", "RestoreObject of a missing key")
	if err := tb.bucket.RestoreObject(key); err != nil {
		t.Fatalf("RestoreObject: %v", err)
	}
	err = tb.bucket.RestoreObject(key)
	requireServiceError(t, err, 409, "RestoreAlreadyInProgress", "second RestoreObject while restoring")
	requireEC(t, err, "0016-00000701")
	meta, _ = tb.bucket.GetObjectDetailedMeta(key)
	if got := meta.Get("X-Oss-Restore"); got != `ongoing-request="true"` {
		t.Errorf("x-oss-restore while restoring = %q", got)
	}
	listed, err := tb.bucket.ListObjects()
	if err != nil || len(listed.Objects) != 1 || listed.Objects[0].StorageClass != "Archive" {
		t.Errorf("ListObjects: %v %+v", err, listed.Objects)
	}

	advanceClock(t, 3) // the server's restore delay is 2 s by default
	meta, _ = tb.bucket.GetObjectDetailedMeta(key)
	restored := regexp.MustCompile(`^ongoing-request="false", expiry-date="[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT"$`)
	if got := meta.Get("X-Oss-Restore"); !restored.MatchString(got) {
		t.Errorf("x-oss-restore once restored = %q", got)
	}
	body, err := tb.bucket.GetObject(key)
	if err != nil {
		t.Fatalf("GetObject after the restore: %v", err)
	}
	got, _ := ioutil.ReadAll(body)
	body.Close()
	if !bytes.Equal(got, data) {
		t.Errorf("restored object: %s", describeMismatch(got, data))
	}
	if err := tb.bucket.RestoreObject(key); err != nil {
		t.Errorf("RestoreObject of a restored object (extends it): %v", err)
	}
}

func TestRestoreOfAStandardObjectIsNotSupported(t *testing.T) {
	tb := newTestBucket(t, newClient(t), "restore-std")
	if err := tb.bucket.PutObject("std", strings.NewReader("x")); err != nil {
		t.Fatalf("PutObject: %v", err)
	}
	tb.track("std")
	err := tb.bucket.RestoreObject("std")
	requireServiceError(t, err, 400, "OperationNotSupported", "RestoreObject of a Standard object")
	requireEC(t, err, "0016-00000702")
}

func TestServerSideEncryptionHeaders(t *testing.T) {
	tb := newTestBucket(t, newClient(t), "sse")
	for _, algorithm := range []string{"AES256", "KMS", "SM4"} {
		key := "sse-" + algorithm
		if err := tb.bucket.PutObject(key, strings.NewReader("x"), oss.ServerSideEncryption(algorithm)); err != nil {
			t.Fatalf("PutObject with %s: %v", algorithm, err)
		}
		tb.track(key)
		meta, err := tb.bucket.GetObjectDetailedMeta(key)
		if err != nil {
			t.Fatalf("HeadObject: %v", err)
		}
		if got := meta.Get("X-Oss-Server-Side-Encryption"); got != algorithm {
			t.Errorf("%s: x-oss-server-side-encryption = %q", key, got)
		}
		// OSS names the (default) key of a KMS object, and none for the others.
		if hasKey := meta.Get("X-Oss-Server-Side-Encryption-Key-Id") != ""; hasKey != (algorithm == "KMS") {
			t.Errorf("%s: x-oss-server-side-encryption-key-id = %q", key, meta.Get("X-Oss-Server-Side-Encryption-Key-Id"))
		}
	}
	err := tb.bucket.PutObject("bad", strings.NewReader("x"), oss.ServerSideEncryption("invalid"))
	requireServiceError(t, err, 400, "InvalidEncryptionAlgorithmError", "PutObject with an invalid algorithm")

	// A copy does not inherit its source's encryption.
	if _, err := tb.bucket.CopyObject("sse-KMS", "copy"); err != nil {
		t.Fatalf("CopyObject: %v", err)
	}
	tb.track("copy")
	meta, _ := tb.bucket.GetObjectDetailedMeta("copy")
	if got := meta.Get("X-Oss-Server-Side-Encryption"); got != "" {
		t.Errorf("copy of a KMS object: x-oss-server-side-encryption = %q, want none", got)
	}
}

func TestClientSideEncryptionMetadataRoundTrips(t *testing.T) {
	tb := newTestBucket(t, newClient(t), "cse")
	envelope := []oss.Option{
		oss.Meta("client-side-encryption-key", "d3JhcHBlZCBrZXk="),
		oss.Meta("client-side-encryption-start", "d3JhcHBlZCBpdg=="),
		oss.Meta("client-side-encryption-cek-alg", "AES/CTR/NoPadding"),
		oss.Meta("client-side-encryption-wrap-alg", "RSA/NONE/PKCS1Padding"),
	}
	check := func(key string) {
		t.Helper()
		meta, err := tb.bucket.GetObjectDetailedMeta(key)
		if err != nil {
			t.Fatalf("HeadObject(%s): %v", key, err)
		}
		if meta.Get("X-Oss-Meta-Client-Side-Encryption-Key") != "d3JhcHBlZCBrZXk=" ||
			meta.Get("X-Oss-Meta-Client-Side-Encryption-Wrap-Alg") != "RSA/NONE/PKCS1Padding" {
			t.Errorf("%s: client-side encryption metadata lost: %v", key, meta)
		}
	}
	if err := tb.bucket.PutObject("put", strings.NewReader("cipher"), envelope...); err != nil {
		t.Fatalf("PutObject: %v", err)
	}
	tb.track("put")
	check("put")
	if _, err := tb.bucket.CopyObject("put", "replaced", oss.MetadataDirective(oss.MetaReplace), oss.Meta("other", "1")); err != nil {
		t.Fatalf("CopyObject REPLACE: %v", err)
	}
	tb.track("replaced")
	check("replaced")

	imur, err := tb.bucket.InitiateMultipartUpload("mp", envelope...)
	if err != nil {
		t.Fatalf("InitiateMultipartUpload: %v", err)
	}
	part, err := tb.bucket.UploadPart(imur, strings.NewReader("cipher part"), 11, 1)
	if err != nil {
		t.Fatalf("UploadPart: %v", err)
	}
	if _, err := tb.bucket.CompleteMultipartUpload(imur, []oss.UploadPart{part}); err != nil {
		t.Fatalf("CompleteMultipartUpload: %v", err)
	}
	tb.track("mp")
	check("mp")

	if _, err := tb.bucket.AppendObject("app", strings.NewReader("abc"), 0, envelope...); err != nil {
		t.Fatalf("AppendObject: %v", err)
	}
	tb.track("app")
	check("app")
}
