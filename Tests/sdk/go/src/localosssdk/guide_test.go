package localosssdk

// The four flows of Alibaba Cloud's "Multipart upload (Go SDK V1)" guide
// (help.aliyun.com / alibabacloud.com doc 88604): complete a multipart upload,
// cancel one, list the uploaded parts, list the multipart uploads of a
// bucket. The guide code is kept as written except for the endpoint,
// credentials and bucket, and for options SDK 1.5.0 does not have
// (oss.ObjectStorageClass on Initiate, oss.ObjectACL on Complete, MaxParts /
// PartNumberMarker on ListUploadedParts). Each flow is followed by
// assertions on what OSS documents.

import (
	"bytes"
	"io"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

// Flow 1: InitiateMultipartUpload + SplitFileByPartNum + UploadPart +
// CompleteMultipartUpload.
func TestGuideMultipartUpload(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "guide-mpu")
	bucket := tb.bucket
	objectName := "exampledir/exampleobject.txt"
	tb.track(objectName)
	content := randomBytes(3*1024*1024+123, 1)
	locaFilename := writeFile(t, "localfile.bin", content)

	// ---- guide code ----
	// Split the local file into three parts.
	chunks, err := oss.SplitFileByPartNum(locaFilename, 3)
	if err != nil {
		t.Fatalf("SplitFileByPartNum: %v", err)
	}
	fd, err := os.Open(locaFilename)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer fd.Close()

	// Step 1: initiate a multipart upload.
	imur, err := bucket.InitiateMultipartUpload(objectName)
	if err != nil {
		t.Fatalf("InitiateMultipartUpload: %v", err)
	}
	// Step 2: upload the parts.
	var parts []oss.UploadPart
	for _, chunk := range chunks {
		fd.Seek(chunk.Offset, io.SeekStart)
		// Call UploadPart to upload each part.
		part, err := bucket.UploadPart(imur, fd, chunk.Size, chunk.Number)
		if err != nil {
			t.Fatalf("UploadPart %d: %v", chunk.Number, err)
		}
		parts = append(parts, part)
	}
	// Step 3: complete the multipart upload.
	cmur, err := bucket.CompleteMultipartUpload(imur, parts)
	if err != nil {
		t.Fatalf("CompleteMultipartUpload: %v", err)
	}
	t.Logf("cmur: %+v", cmur)
	// ---- end of guide code ----

	if len(chunks) != 3 {
		t.Fatalf("SplitFileByPartNum gave %d chunks", len(chunks))
	}
	if imur.Bucket != tb.name || imur.Key != objectName || imur.UploadID == "" {
		t.Errorf("InitiateMultipartUploadResult = %+v, want Bucket %q, Key %q, non-empty UploadId", imur, tb.name, objectName)
	}
	for i, chunk := range chunks {
		if chunk.Size < minPartSize && i != len(chunks)-1 {
			t.Fatalf("test bug: chunk %d is smaller than 100 KiB", chunk.Number)
		}
		want := partETag(content[chunk.Offset : chunk.Offset+chunk.Size])
		if parts[i].PartNumber != chunk.Number || parts[i].ETag != want {
			t.Errorf("UploadPart %d returned %+v, want ETag %s (quoted upper-case MD5 of the part)", chunk.Number, parts[i], want)
		}
	}
	if cmur.Bucket != tb.name || cmur.Key != objectName {
		t.Errorf("CompleteMultipartUploadResult Bucket/Key = %q/%q, want %q/%q", cmur.Bucket, cmur.Key, tb.name, objectName)
	}
	if cmur.Location == "" {
		t.Errorf("CompleteMultipartUploadResult has an empty Location")
	}
	if !multipartETagRE(3).MatchString(cmur.ETag) {
		t.Errorf("CompleteMultipartUploadResult ETag %q, want \"<HEX>-3\"", cmur.ETag)
	}
	verifyObject(t, bucket, objectName, content, 3, cmur.ETag)

	// The SDK sent Content-Type from the key's extension at Initiate; the
	// completed object carries the Initiate-time Content-Type.
	h, err := bucket.GetObjectDetailedMeta(objectName)
	if err == nil && h.Get("Content-Type") != "text/plain; charset=utf-8" {
		t.Errorf("completed object's Content-Type %q, want %q (sent by the SDK at Initiate)", h.Get("Content-Type"), "text/plain; charset=utf-8")
	}

	// The completed upload id is no longer valid and is not listed.
	_, err = bucket.ListUploadedParts(imur)
	requireServiceError(t, err, 404, "NoSuchUpload", "ListUploadedParts after Complete")
	lsRes, err := bucket.ListMultipartUploads()
	if err != nil {
		t.Errorf("ListMultipartUploads: %v", err)
	} else if len(lsRes.Uploads) != 0 {
		t.Errorf("ListMultipartUploads after Complete lists %d uploads, want 0: %+v", len(lsRes.Uploads), lsRes.Uploads)
	}
}

// Flow 2: cancel (abort) a multipart upload.
func TestGuideAbortMultipartUpload(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "guide-abort")
	bucket := tb.bucket
	objectName := "exampledir/exampleobject.txt"
	tb.track(objectName)
	data := randomBytes(minPartSize+17, 2)

	// ---- guide code ----
	imur, err := bucket.InitiateMultipartUpload(objectName)
	if err != nil {
		t.Fatalf("InitiateMultipartUpload: %v", err)
	}
	// (upload a part so that there is something to discard)
	if _, err := bucket.UploadPart(imur, bytes.NewReader(data), int64(len(data)), 1); err != nil {
		t.Fatalf("UploadPart: %v", err)
	}
	before, err := bucket.ListMultipartUploads(oss.Prefix(objectName))
	if err != nil {
		t.Fatalf("ListMultipartUploads before abort: %v", err)
	}
	// Cancel the multipart upload.
	err = bucket.AbortMultipartUpload(imur)
	if err != nil {
		t.Fatalf("AbortMultipartUpload: %v", err) // the SDK requires exactly 204
	}
	// ---- end of guide code ----

	if len(before.Uploads) != 1 || before.Uploads[0].UploadID != imur.UploadID || before.Uploads[0].Key != objectName {
		t.Errorf("before abort, ListMultipartUploads(prefix) = %+v, want exactly upload %s of %q", before.Uploads, imur.UploadID, objectName)
	}

	_, err = bucket.ListUploadedParts(imur)
	requireServiceError(t, err, 404, "NoSuchUpload", "ListUploadedParts after Abort")

	after, err := bucket.ListMultipartUploads()
	if err != nil {
		t.Errorf("ListMultipartUploads after abort: %v", err)
	} else {
		for _, u := range after.Uploads {
			if u.UploadID == imur.UploadID {
				t.Errorf("aborted upload %s still listed by ListMultipartUploads", imur.UploadID)
			}
		}
		if len(after.Uploads) != 0 {
			t.Errorf("ListMultipartUploads after abort lists %d uploads, want 0", len(after.Uploads))
		}
	}

	_, err = bucket.UploadPart(imur, bytes.NewReader(data), int64(len(data)), 2)
	requireServiceError(t, err, 404, "NoSuchUpload", "UploadPart after Abort")
	_, err = bucket.CompleteMultipartUpload(imur, []oss.UploadPart{{PartNumber: 1, ETag: partETag(data)}})
	requireServiceError(t, err, 404, "NoSuchUpload", "CompleteMultipartUpload after Abort")
	err = bucket.AbortMultipartUpload(imur)
	requireServiceError(t, err, 404, "NoSuchUpload", "second AbortMultipartUpload")

	exist, err := bucket.IsObjectExist(objectName)
	if err != nil || exist {
		t.Errorf("IsObjectExist after abort = %v, %v; want false, nil (an aborted upload creates no object)", exist, err)
	}
}

// Flow 3: list the parts uploaded so far.
func TestGuideListUploadedParts(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "guide-parts")
	bucket := tb.bucket
	objectName := "exampledir/exampleobject.bin"
	tb.track(objectName)
	content := randomBytes(3*1024*1024+123, 3)
	locaFilename := writeFile(t, "localfile.bin", content)

	chunks, err := oss.SplitFileByPartSize(locaFilename, minPartSize)
	if err != nil {
		t.Fatalf("SplitFileByPartSize: %v", err)
	}
	imur, err := bucket.InitiateMultipartUpload(objectName)
	if err != nil {
		t.Fatalf("InitiateMultipartUpload: %v", err)
	}
	want := map[int][]byte{}
	uploaded := map[int]string{}
	for _, chunk := range chunks {
		part, err := bucket.UploadPartFromFile(imur, locaFilename, chunk.Offset, chunk.Size, chunk.Number)
		if err != nil {
			t.Fatalf("UploadPartFromFile %d: %v", chunk.Number, err)
		}
		want[chunk.Number] = content[chunk.Offset : chunk.Offset+chunk.Size]
		uploaded[chunk.Number] = part.ETag
	}

	// ---- guide code ----
	// List the uploaded parts.
	lsRes, err := bucket.ListUploadedParts(imur)
	if err != nil {
		t.Fatalf("ListUploadedParts: %v", err)
	}
	// Print the parts.
	for _, upload := range lsRes.UploadedParts {
		t.Logf("List PartNumber: %d, ETag: %s, Size: %d, LastModified: %v", upload.PartNumber, upload.ETag, upload.Size, upload.LastModified)
	}
	// ---- end of guide code ----

	if len(chunks) != 31 {
		t.Fatalf("test bug: expected 31 chunks, got %d", len(chunks))
	}
	verifyListedParts(t, bucket, imur, want)
	for _, p := range lsRes.UploadedParts {
		if p.ETag != uploaded[p.PartNumber] {
			t.Errorf("listed part %d ETag %q != ETag returned by UploadPart %q", p.PartNumber, p.ETag, uploaded[p.PartNumber])
		}
	}

	// Resume pattern: complete with the parts as listed.
	var parts []oss.UploadPart
	for _, p := range lsRes.UploadedParts {
		parts = append(parts, oss.UploadPart{PartNumber: p.PartNumber, ETag: p.ETag})
	}
	cmur, err := bucket.CompleteMultipartUpload(imur, parts)
	if err != nil {
		t.Fatalf("CompleteMultipartUpload with the listed parts: %v", err)
	}
	verifyObject(t, bucket, objectName, content, len(chunks), cmur.ETag)
}

type uploadRef struct{ Key, UploadID string }

// Flow 4: list the multipart uploads of a bucket — the guide's paging loop
// (KeyMarker/UploadIDMarker from NextKeyMarker/NextUploadIDMarker), plus the
// Prefix and MaxUploads variants.
func TestGuideListMultipartUploads(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "guide-lsu")
	bucket := tb.bucket

	layout := []struct {
		key string
		n   int
	}{
		{"docs/a.txt", 3}, {"docs/b.txt", 5}, {"docs/sub/c.txt", 4},
		{"file-1", 6}, {"file-10", 2}, {"file-2", 4}, {"zz/last", 1},
	}
	start := time.Now()
	var created []uploadRef
	for _, l := range layout {
		for i := 0; i < l.n; i++ {
			imur, err := bucket.InitiateMultipartUpload(l.key)
			if err != nil {
				t.Fatalf("InitiateMultipartUpload(%q): %v", l.key, err)
			}
			if imur.UploadID == "" {
				t.Fatalf("InitiateMultipartUpload(%q) returned an empty upload id", l.key)
			}
			created = append(created, uploadRef{l.key, imur.UploadID})
		}
	}
	if len(created) != 25 {
		t.Fatalf("test bug: created %d uploads", len(created))
	}
	// Expected global order: key (byte-wise), then upload id (byte-wise).
	sorted := append([]uploadRef(nil), created...)
	sort.Slice(sorted, func(i, j int) bool {
		if sorted[i].Key != sorted[j].Key {
			return sorted[i].Key < sorted[j].Key
		}
		return sorted[i].UploadID < sorted[j].UploadID
	})
	ids := map[string]bool{}
	for _, c := range created {
		if ids[c.UploadID] {
			t.Errorf("upload id %s returned twice by InitiateMultipartUpload", c.UploadID)
		}
		ids[c.UploadID] = true
	}

	// ---- guide code: list all uploads page by page ----
	var visited []oss.UncompletedUpload
	keyMarker := ""
	uploadIdMarker := ""
	pages := 0
	for {
		pages++
		if pages > 100 {
			t.Fatalf("paging did not terminate")
		}
		// List up to 4 uploads per page, starting after keyMarker/uploadIdMarker.
		lsRes, err := bucket.ListMultipartUploads(oss.MaxUploads(4), oss.KeyMarker(keyMarker), oss.UploadIDMarker(uploadIdMarker))
		if err != nil {
			t.Fatalf("ListMultipartUploads page %d: %v", pages, err)
		}
		for _, upload := range lsRes.Uploads {
			t.Logf("page %d: Upload: %s, UploadID: %s, Initiated: %v", pages, upload.Key, upload.UploadID, upload.Initiated)
		}
		visited = append(visited, lsRes.Uploads...)
		checkPage(t, pages, lsRes, 4, keyMarker, uploadIdMarker)
		if lsRes.IsTruncated {
			keyMarker = lsRes.NextKeyMarker
			uploadIdMarker = lsRes.NextUploadIDMarker
		} else {
			break
		}
	}
	// ---- end of guide code ----

	requireSameUploads(t, "paging loop (MaxUploads 4)", visited, sorted, true)
	if pages != 7 {
		t.Errorf("paging loop over 25 uploads with MaxUploads(4) took %d pages, want 7", pages)
	}
	for _, u := range visited {
		if u.Initiated.Before(start.Add(-2*time.Second).Truncate(time.Second)) || u.Initiated.After(time.Now().Add(2*time.Second)) {
			t.Errorf("upload %s Initiated=%v, not within the test's run time (%v .. now)", u.UploadID, u.Initiated, start)
		}
	}

	// Guide variant: list with a prefix.
	lsRes, err := bucket.ListMultipartUploads(oss.Prefix("file-1"))
	if err != nil {
		t.Fatalf("ListMultipartUploads(Prefix file-1): %v", err)
	}
	if lsRes.Prefix != "file-1" {
		t.Errorf("Prefix echo %q, want file-1", lsRes.Prefix)
	}
	requireSameUploads(t, "Prefix(file-1)", lsRes.Uploads, filterRefs(sorted, func(r uploadRef) bool { return strings.HasPrefix(r.Key, "file-1") }), true)
	if lsRes.IsTruncated {
		t.Errorf("Prefix(file-1): IsTruncated=true for 8 uploads")
	}

	lsRes, err = bucket.ListMultipartUploads(oss.Prefix("docs/"))
	if err != nil {
		t.Fatalf("ListMultipartUploads(Prefix docs/): %v", err)
	}
	requireSameUploads(t, "Prefix(docs/)", lsRes.Uploads, filterRefs(sorted, func(r uploadRef) bool { return strings.HasPrefix(r.Key, "docs/") }), true)

	lsRes, err = bucket.ListMultipartUploads(oss.Prefix("nothing-here/"))
	if err != nil {
		t.Fatalf("ListMultipartUploads(Prefix nothing-here/): %v", err)
	}
	if len(lsRes.Uploads) != 0 || len(lsRes.CommonPrefixes) != 0 || lsRes.IsTruncated {
		t.Errorf("Prefix(nothing-here/): %d uploads, %v prefixes, truncated=%v; want nothing", len(lsRes.Uploads), lsRes.CommonPrefixes, lsRes.IsTruncated)
	}

	// Prefix together with the paging loop.
	got, _ := listAllUploads(t, bucket, 3, oss.Prefix("file-1"))
	requireSameUploads(t, "paging loop with Prefix(file-1), MaxUploads 3", got, filterRefs(sorted, func(r uploadRef) bool { return strings.HasPrefix(r.Key, "file-1") }), true)

	// Guide variant: limit the number of uploads returned.
	lsRes, err = bucket.ListMultipartUploads(oss.MaxUploads(5))
	if err != nil {
		t.Fatalf("ListMultipartUploads(MaxUploads 5): %v", err)
	}
	if lsRes.MaxUploads != 5 || !lsRes.IsTruncated {
		t.Errorf("MaxUploads(5): MaxUploads=%d IsTruncated=%v, want 5 and true", lsRes.MaxUploads, lsRes.IsTruncated)
	}
	requireSameUploads(t, "MaxUploads(5)", lsRes.Uploads, sorted[:5], true)

	lsRes, err = bucket.ListMultipartUploads(oss.MaxUploads(1000))
	if err != nil {
		t.Fatalf("ListMultipartUploads(MaxUploads 1000): %v", err)
	}
	requireSameUploads(t, "MaxUploads(1000)", lsRes.Uploads, sorted, true)
	if lsRes.IsTruncated {
		t.Errorf("MaxUploads(1000): IsTruncated=true for 25 uploads")
	}

	// No parameters: default max-uploads 1000 → everything in one page.
	lsRes, err = bucket.ListMultipartUploads()
	if err != nil {
		t.Fatalf("ListMultipartUploads(): %v", err)
	}
	requireSameUploads(t, "no options", lsRes.Uploads, sorted, true)
	if lsRes.Bucket != tb.name {
		t.Errorf("ListMultipartUploadsResult Bucket %q, want %q", lsRes.Bucket, tb.name)
	}
	if lsRes.MaxUploads != 1000 {
		t.Errorf("ListMultipartUploads(): MaxUploads=%d, want the default 1000", lsRes.MaxUploads)
	}

	// Marker semantics from the ListMultipartUploads API reference.
	// key-marker alone: keys strictly greater than the marker.
	lsRes, err = bucket.ListMultipartUploads(oss.KeyMarker("docs/b.txt"))
	if err != nil {
		t.Fatalf("ListMultipartUploads(KeyMarker docs/b.txt): %v", err)
	}
	requireSameUploads(t, "KeyMarker(docs/b.txt)", lsRes.Uploads, filterRefs(sorted, func(r uploadRef) bool { return r.Key > "docs/b.txt" }), true)
	// key-marker + upload-id-marker: same key with a greater id, then greater keys.
	var bIDs []string
	for _, r := range sorted {
		if r.Key == "docs/b.txt" {
			bIDs = append(bIDs, r.UploadID)
		}
	}
	lsRes, err = bucket.ListMultipartUploads(oss.KeyMarker("docs/b.txt"), oss.UploadIDMarker(bIDs[1]))
	if err != nil {
		t.Fatalf("ListMultipartUploads(KeyMarker docs/b.txt, UploadIDMarker %s): %v", bIDs[1], err)
	}
	requireSameUploads(t, "KeyMarker(docs/b.txt)+UploadIDMarker(2nd id)", lsRes.Uploads,
		filterRefs(sorted, func(r uploadRef) bool { return r.Key > "docs/b.txt" || (r.Key == "docs/b.txt" && r.UploadID > bIDs[1]) }), true)
	// upload-id-marker without key-marker is ignored.
	lsRes, err = bucket.ListMultipartUploads(oss.UploadIDMarker(bIDs[1]))
	if err != nil {
		t.Fatalf("ListMultipartUploads(UploadIDMarker only): %v", err)
	}
	requireSameUploads(t, "UploadIDMarker without KeyMarker (ignored)", lsRes.Uploads, sorted, true)

	// Delimiter: keys with "/" after the (empty) prefix roll up into CommonPrefixes.
	lsRes, err = bucket.ListMultipartUploads(oss.Delimiter("/"))
	if err != nil {
		t.Fatalf("ListMultipartUploads(Delimiter /): %v", err)
	}
	requireSameUploads(t, "Delimiter(/)", lsRes.Uploads, filterRefs(sorted, func(r uploadRef) bool { return !strings.Contains(r.Key, "/") }), true)
	if strings.Join(lsRes.CommonPrefixes, ",") != "docs/,zz/" {
		t.Errorf("Delimiter(/): CommonPrefixes %q, want [docs/ zz/]", lsRes.CommonPrefixes)
	}
	if lsRes.Delimiter != "/" {
		t.Errorf("Delimiter echo %q, want /", lsRes.Delimiter)
	}
	lsRes, err = bucket.ListMultipartUploads(oss.Prefix("docs/"), oss.Delimiter("/"))
	if err != nil {
		t.Fatalf("ListMultipartUploads(Prefix docs/, Delimiter /): %v", err)
	}
	requireSameUploads(t, "Prefix(docs/)+Delimiter(/)", lsRes.Uploads, filterRefs(sorted, func(r uploadRef) bool { return r.Key == "docs/a.txt" || r.Key == "docs/b.txt" }), true)
	if strings.Join(lsRes.CommonPrefixes, ",") != "docs/sub/" {
		t.Errorf("Prefix(docs/)+Delimiter(/): CommonPrefixes %q, want [docs/sub/]", lsRes.CommonPrefixes)
	}
}

func checkPage(t *testing.T, page int, res oss.ListMultipartUploadResult, max int, keyMarker, idMarker string) {
	t.Helper()
	if res.MaxUploads != max {
		t.Errorf("page %d: MaxUploads=%d, want %d", page, res.MaxUploads, max)
	}
	if res.KeyMarker != keyMarker || res.UploadIDMarker != idMarker {
		t.Errorf("page %d: KeyMarker/UploadIdMarker echo %q/%q, want %q/%q", page, res.KeyMarker, res.UploadIDMarker, keyMarker, idMarker)
	}
	if len(res.Uploads) > max {
		t.Errorf("page %d: %d uploads > max-uploads %d", page, len(res.Uploads), max)
	}
	if res.IsTruncated {
		if len(res.Uploads) == 0 {
			t.Fatalf("page %d: IsTruncated=true with no uploads: paging cannot progress", page)
		}
		last := res.Uploads[len(res.Uploads)-1]
		if res.NextKeyMarker != last.Key || res.NextUploadIDMarker != last.UploadID {
			t.Errorf("page %d: NextKeyMarker/NextUploadIdMarker %q/%q, want last listed %q/%q", page, res.NextKeyMarker, res.NextUploadIDMarker, last.Key, last.UploadID)
		}
	}
}

func filterRefs(in []uploadRef, keep func(uploadRef) bool) []uploadRef {
	var out []uploadRef
	for _, r := range in {
		if keep(r) {
			out = append(out, r)
		}
	}
	return out
}

// requireSameUploads checks that got lists exactly the uploads in want, each
// once; ordered additionally requires want's order (key, then upload id).
func requireSameUploads(t *testing.T, what string, got []oss.UncompletedUpload, want []uploadRef, ordered bool) {
	t.Helper()
	seen := map[uploadRef]int{}
	for _, u := range got {
		seen[uploadRef{u.Key, u.UploadID}]++
		if u.Initiated.IsZero() {
			t.Errorf("%s: upload %q/%s has no Initiated time", what, u.Key, u.UploadID)
		}
	}
	wantSet := map[uploadRef]bool{}
	for _, r := range want {
		wantSet[r] = true
		if seen[r] == 0 {
			t.Errorf("%s: upload %q/%s missing", what, r.Key, r.UploadID)
		}
	}
	for r, n := range seen {
		if n > 1 {
			t.Errorf("%s: upload %q/%s listed %d times", what, r.Key, r.UploadID, n)
		}
		if !wantSet[r] {
			t.Errorf("%s: unexpected upload %q/%s", what, r.Key, r.UploadID)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%s: %d uploads listed, want %d", what, len(got), len(want))
		return
	}
	if ordered {
		for i := range want {
			if got[i].Key != want[i].Key || got[i].UploadID != want[i].UploadID {
				t.Errorf("%s: entry %d is %q/%s, want %q/%s (order: key, then upload id, byte-wise)",
					what, i, got[i].Key, got[i].UploadID, want[i].Key, want[i].UploadID)
				break
			}
		}
	}
}
