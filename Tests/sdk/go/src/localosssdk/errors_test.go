package localosssdk

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

// bucketishCodes are replies that mean a bucket-level request carrying
// uploadId/partNumber was routed to a bucket operation instead of being
// rejected.
var bucketishCodes = map[string]bool{"BucketAlreadyExists": true, "BucketNotEmpty": true, "NoSuchBucket": true}

func requireRejectedBucketLevel(t *testing.T, err error, what string) {
	t.Helper()
	requireClientError(t, err, what)
	if se, ok := asServiceError(err); ok && bucketishCodes[se.Code] {
		t.Errorf("%s: rejected with %s — looks routed to a bucket operation; want a multipart argument error (400 InvalidArgument per docs/protocol)", what, se.Code)
	}
}

// The SDK's own TestMultipartNegative (oss/multipart_test.go), on a fresh,
// empty bucket so that a request misrouted to DeleteBucket would really
// delete it. Runs through the recording proxy to prove the exact request
// lines (`PUT /B/?partNumber=1&uploadId=` etc.) were sent.
func TestMultipartNegative(t *testing.T) {
	rec := newRecorder(t)
	client := newClientAt(t, rec.URL)
	tb := newTestBucket(t, client, "negative")
	bucket := tb.bucket
	bucketName := tb.name
	objectName := "go-sdk-test-object-xyz-tmn"
	futureDate := time.Date(2049, time.January, 10, 23, 0, 0, 0, time.UTC)
	// The SDK test reads its sample JPEG; any ≥100 KiB file does.
	sample := randomBytes(482048, 70)
	fileName := writeFile(t, "BingWallpaper-2015-11-07.jpg", sample)
	copySource := "../sample/BingWallpaper-2015-11-07.jpg"

	// key too long: a 100 KiB key of NUL bytes
	data := make([]byte, 100*1024)
	imur, err := bucket.InitiateMultipartUpload(string(data))
	if err == nil {
		t.Errorf("InitiateMultipartUpload with a 100 KiB NUL-byte key succeeded (upload %s); want an error", imur.UploadID)
	} else {
		t.Logf("InitiateMultipartUpload(100 KiB NUL key) rejected: %v", err)
	}
	// imur invalid: as in the SDK test, the zero result of the failed
	// Initiate — empty key and empty upload id.
	imur = oss.InitiateMultipartUploadResult{}

	_, err = bucket.UploadPart(imur, bytes.NewReader(sample[:1024]), 1024, 1)
	requireRejectedBucketLevel(t, err, "UploadPart(empty key, empty uploadId)")
	rec.requireLastRequest(t, "PUT", "/"+bucketName+"/", "partNumber=1&uploadId=")

	_, err = bucket.UploadPartFromFile(imur, fileName, 0, 1024, 1)
	requireRejectedBucketLevel(t, err, "UploadPartFromFile(empty key, empty uploadId)")
	rec.requireLastRequest(t, "PUT", "/"+bucketName+"/", "partNumber=1&uploadId=")

	_, err = bucket.UploadPartCopy(imur, bucketName, copySource, 0, 1024, 1)
	requireRejectedBucketLevel(t, err, "UploadPartCopy(empty key, empty uploadId)")
	rec.requireLastRequest(t, "PUT", "/"+bucketName+"/", "partNumber=1&uploadId=")

	err = bucket.AbortMultipartUpload(imur)
	requireRejectedBucketLevel(t, err, "AbortMultipartUpload(empty key, empty uploadId) = DELETE /B/?uploadId=")
	rec.requireLastRequest(t, "DELETE", "/"+bucketName+"/", "uploadId=")
	requireBucketExists(t, client, bucketName, "after DELETE /B/?uploadId=")

	_, err = bucket.ListUploadedParts(imur)
	requireRejectedBucketLevel(t, err, "ListUploadedParts(empty key, empty uploadId) = GET /B/?uploadId=")
	rec.requireLastRequest(t, "GET", "/"+bucketName+"/", "uploadId=")

	requireBucketExists(t, client, bucketName, "after the empty-key calls")

	// invalid part numbers and copy sources on a valid upload
	imur, err = bucket.InitiateMultipartUpload(objectName)
	if err != nil {
		t.Fatalf("InitiateMultipartUpload(%s): %v", objectName, err)
	}
	part1 := sample[:1024]
	_, err = bucket.UploadPart(imur, bytes.NewReader(part1), 1024, 1)
	if err != nil {
		t.Errorf("UploadPart 1 (1024 bytes; size is only checked at Complete): %v", err)
	}

	_, err = bucket.UploadPart(imur, bytes.NewReader(sample[:102400]), 102400, 10001)
	requireServiceError(t, err, 400, "InvalidArgument", "UploadPart partNumber=10001")

	_, err = bucket.UploadPartFromFile(imur, fileName, 0, 102400, 10001)
	requireServiceError(t, err, 400, "InvalidArgument", "UploadPartFromFile partNumber=10001")

	_, err = bucket.UploadPart(imur, bytes.NewReader(sample[:100]), 100, 0)
	requireServiceError(t, err, 400, "InvalidArgument", "UploadPart partNumber=0")

	_, err = bucket.UploadPartCopy(imur, bucketName, copySource, 0, 1024, 1)
	requireServiceError(t, err, 404, "NoSuchKey", "UploadPartCopy from /B/../sample/… (missing source, no path normalisation)")

	_, err = bucket.UploadPartCopy(imur, bucketName, copySource, 0, 1024, 1000)
	requireServiceError(t, err, 404, "NoSuchKey", "UploadPartCopy part 1000 from a missing source")

	// Failed calls stored nothing; part 1 is intact.
	verifyListedParts(t, bucket, imur, map[int][]byte{1: part1})

	err = bucket.AbortMultipartUpload(imur)
	if err != nil {
		t.Errorf("AbortMultipartUpload: %v", err)
	}

	// option invalid: conditional headers are ignored by Initiate
	imur2, err := bucket.InitiateMultipartUpload(objectName, oss.IfModifiedSince(futureDate))
	if err != nil {
		t.Errorf("InitiateMultipartUpload with If-Modified-Since in the future: %v (conditional headers do not apply to Initiate)", err)
	} else if err := bucket.AbortMultipartUpload(imur2); err != nil {
		t.Errorf("AbortMultipartUpload: %v", err)
	}

	requireBucketExists(t, client, bucketName, "at the end of the negative test")
}

// Unknown upload ids (well-formed and malformed) → 404 NoSuchUpload on every
// operation that takes one.
func TestNoSuchUpload(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "nosuchupload")
	bucket := tb.bucket
	srcKey := "nsu/source.bin"
	tb.track(srcKey)
	if err := bucket.PutObject(srcKey, bytes.NewReader(randomBytes(4096, 80))); err != nil {
		t.Fatalf("PutObject: %v", err)
	}
	// A live upload of the same key exists, so only the id is wrong.
	live, err := bucket.InitiateMultipartUpload("nsu/object.bin")
	if err != nil {
		t.Fatalf("InitiateMultipartUpload: %v", err)
	}
	for _, id := range []string{"0004B9894A22E5B1888A1E29F823ABCD", "not-an-upload-id"} {
		if id == live.UploadID {
			continue
		}
		imur := oss.InitiateMultipartUploadResult{Bucket: tb.name, Key: "nsu/object.bin", UploadID: id}
		data := randomBytes(1000, 81)
		_, err := bucket.UploadPart(imur, bytes.NewReader(data), int64(len(data)), 1)
		requireServiceError(t, err, 404, "NoSuchUpload", "UploadPart uploadId="+id)
		_, err = bucket.UploadPartCopy(imur, tb.name, srcKey, 0, 1000, 1)
		requireServiceError(t, err, 404, "NoSuchUpload", "UploadPartCopy uploadId="+id)
		_, err = bucket.ListUploadedParts(imur)
		requireServiceError(t, err, 404, "NoSuchUpload", "ListUploadedParts uploadId="+id)
		_, err = bucket.CompleteMultipartUpload(imur, []oss.UploadPart{{PartNumber: 1, ETag: partETag(data)}})
		requireServiceError(t, err, 404, "NoSuchUpload", "CompleteMultipartUpload uploadId="+id)
		err = bucket.AbortMultipartUpload(imur)
		requireServiceError(t, err, 404, "NoSuchUpload", "AbortMultipartUpload uploadId="+id)
	}
	// The live upload is unaffected.
	verifyListedParts(t, bucket, live, map[int][]byte{})
}

// All multipart operations on a missing bucket → 404 NoSuchBucket.
func TestNoSuchBucket(t *testing.T) {
	client := newClient(t)
	name := "go-sdk-missing-" + runID
	bucket, err := client.Bucket(name)
	if err != nil {
		t.Fatalf("client.Bucket: %v", err)
	}
	_, err = bucket.InitiateMultipartUpload("k")
	requireServiceError(t, err, 404, "NoSuchBucket", "InitiateMultipartUpload on a missing bucket")
	_, err = bucket.ListMultipartUploads()
	requireServiceError(t, err, 404, "NoSuchBucket", "ListMultipartUploads on a missing bucket")
	imur := oss.InitiateMultipartUploadResult{Bucket: name, Key: "k", UploadID: "0004B9894A22E5B1888A1E29F823ABCD"}
	_, err = bucket.UploadPart(imur, strings.NewReader("x"), 1, 1)
	requireServiceError(t, err, 404, "NoSuchBucket", "UploadPart on a missing bucket")
	_, err = bucket.ListUploadedParts(imur)
	requireServiceError(t, err, 404, "NoSuchBucket", "ListUploadedParts on a missing bucket")
	_, err = bucket.CompleteMultipartUpload(imur, []oss.UploadPart{{PartNumber: 1, ETag: `"0CC175B9C0F1B6A831C399E269772661"`}})
	requireServiceError(t, err, 404, "NoSuchBucket", "CompleteMultipartUpload on a missing bucket")
	err = bucket.AbortMultipartUpload(imur)
	requireServiceError(t, err, 404, "NoSuchBucket", "AbortMultipartUpload on a missing bucket")
}

// CompleteMultipartUpload validation: too-small non-last part, unknown part,
// wrong ETag — each fails and leaves the upload intact; then a Complete with
// non-consecutive part numbers that omits an uploaded part succeeds and the
// omitted part is discarded.
func TestCompleteValidation(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "complete")
	bucket := tb.bucket
	key := "complete/object.bin"
	tb.track(key)

	imur, err := bucket.InitiateMultipartUpload(key)
	if err != nil {
		t.Fatalf("InitiateMultipartUpload: %v", err)
	}
	content := map[int][]byte{
		2: randomBytes(1000, 90), // too small unless last
		5: randomBytes(minPartSize, 91),
		7: randomBytes(minPartSize+1, 92), // uploaded, never listed in Complete
		9: randomBytes(333, 93),
	}
	etags := map[int]string{}
	for _, n := range []int{9, 2, 7, 5} {
		p, err := bucket.UploadPart(imur, bytes.NewReader(content[n]), int64(len(content[n])), n)
		if err != nil {
			t.Fatalf("UploadPart %d: %v", n, err)
		}
		etags[n] = p.ETag
	}
	up := func(ns ...int) []oss.UploadPart {
		var out []oss.UploadPart
		for _, n := range ns {
			out = append(out, oss.UploadPart{PartNumber: n, ETag: etags[n]})
		}
		return out
	}

	_, err = bucket.CompleteMultipartUpload(imur, up(2, 5, 9))
	requireServiceError(t, err, 400, "EntityTooSmall", "Complete with a 1000-byte part that is not the last")

	_, err = bucket.CompleteMultipartUpload(imur, append(up(5), oss.UploadPart{PartNumber: 11, ETag: etags[9]}))
	requireServiceError(t, err, 400, "InvalidPart", "Complete listing part 11 that was never uploaded")

	bad := up(5, 9)
	bad[1].ETag = `"0123456789ABCDEF0123456789ABCDEF"`
	_, err = bucket.CompleteMultipartUpload(imur, bad)
	requireServiceError(t, err, 400, "InvalidPart", "Complete with a wrong ETag for part 9")

	// The failed Completes left everything in place.
	verifyListedParts(t, bucket, imur, content)

	// Replace part 2 with a full-size part, then complete 2, 5, 9 (7 omitted).
	content[2] = randomBytes(minPartSize+10, 94)
	p, err := bucket.UploadPart(imur, bytes.NewReader(content[2]), int64(len(content[2])), 2)
	if err != nil {
		t.Fatalf("UploadPart 2 (replacement): %v", err)
	}
	etags[2] = p.ETag
	cmur, err := bucket.CompleteMultipartUpload(imur, up(2, 5, 9))
	if err != nil {
		t.Fatalf("CompleteMultipartUpload(2, 5, 9): %v", err)
	}
	verifyObject(t, bucket, key, concat(content[2], content[5], content[9]), 3, cmur.ETag)

	// The upload is finished: a second Complete fails with NoSuchUpload.
	_, err = bucket.CompleteMultipartUpload(imur, up(2, 5, 9))
	requireServiceError(t, err, 404, "NoSuchUpload", "second CompleteMultipartUpload")
}

// A lone part smaller than 100 KiB is the last part and completes fine; an
// upload of part 10000 (the maximum) is accepted.
func TestSmallSinglePartAndMaxPartNumber(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "small")
	bucket := tb.bucket
	key := "small/one-part.txt"
	tb.track(key)
	imur, err := bucket.InitiateMultipartUpload(key)
	if err != nil {
		t.Fatalf("InitiateMultipartUpload: %v", err)
	}
	data := []byte("hello")
	p, err := bucket.UploadPart(imur, bytes.NewReader(data), int64(len(data)), 10000)
	if err != nil {
		t.Fatalf("UploadPart 10000: %v", err)
	}
	if p.ETag != `"5D41402ABC4B2A76B9719D911017C592"` {
		t.Errorf("UploadPart ETag %q, want \"5D41402ABC4B2A76B9719D911017C592\" (MD5 of hello)", p.ETag)
	}
	verifyListedParts(t, bucket, imur, map[int][]byte{10000: data})
	cmur, err := bucket.CompleteMultipartUpload(imur, []oss.UploadPart{p})
	if err != nil {
		t.Fatalf("CompleteMultipartUpload with one 5-byte part: %v", err)
	}
	verifyObject(t, bucket, key, data, 1, cmur.ETag)
}
