package localosssdk

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

// The test's CRC tool must be CRC-64/XZ (= OSS's x-oss-hash-crc64ecma);
// check values from wire-and-auth.md §7.2/§7.4.
func TestCRC64Definition(t *testing.T) {
	cases := []struct {
		in   []byte
		want uint64
	}{
		{[]byte("123456789"), 11051210869376104954},
		{[]byte("hello"), 11177612005948864433},
		{[]byte("hello world"), 5981764153023615706},
		{nil, 0},
		{bytes.Repeat([]byte("a"), 102400), 12696911168479852064},
		{bytes.Repeat([]byte("b"), 10), 16332867268285949405},
		{concat(bytes.Repeat([]byte("a"), 102400), bytes.Repeat([]byte("b"), 10)), 88389505591002533},
	}
	for _, c := range cases {
		if got := crcOf(c.in); got != c.want {
			t.Errorf("crc64(%.12q…) = %d, want %d", c.in, got, c.want)
		}
	}
}

// Re-uploading a part number replaces the part: ListUploadedParts shows the
// new bytes, Complete needs the new ETags, the object holds the new bytes.
// (Like the SDK's TestMultipartUploadFromFileOutofOrder: second round in
// reverse order.)
func TestReuploadPartReplacesIt(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "replace")
	bucket := tb.bucket
	key := "replace/object.bin"
	tb.track(key)

	first := [][]byte{randomBytes(minPartSize+1000, 10), randomBytes(minPartSize+2000, 11), randomBytes(3000, 12)}
	second := [][]byte{randomBytes(minPartSize+5000, 20), randomBytes(minPartSize, 21), randomBytes(777, 22)}

	imur, err := bucket.InitiateMultipartUpload(key)
	if err != nil {
		t.Fatalf("InitiateMultipartUpload: %v", err)
	}
	var firstParts []oss.UploadPart
	for i, d := range first {
		p, err := bucket.UploadPart(imur, bytes.NewReader(d), int64(len(d)), i+1)
		if err != nil {
			t.Fatalf("UploadPart %d (first): %v", i+1, err)
		}
		firstParts = append(firstParts, p)
	}
	verifyListedParts(t, bucket, imur, map[int][]byte{1: first[0], 2: first[1], 3: first[2]})

	secondParts := make([]oss.UploadPart, 3)
	for i := len(second) - 1; i >= 0; i-- {
		d := second[i]
		p, err := bucket.UploadPart(imur, bytes.NewReader(d), int64(len(d)), i+1)
		if err != nil {
			t.Fatalf("UploadPart %d (second): %v", i+1, err)
		}
		if p.ETag != partETag(d) {
			t.Errorf("UploadPart %d (second): ETag %q, want %q", i+1, p.ETag, partETag(d))
		}
		secondParts[i] = p
	}
	// Only the newest data of each part number is listed.
	verifyListedParts(t, bucket, imur, map[int][]byte{1: second[0], 2: second[1], 3: second[2]})

	// Completing with a replaced (old) ETag must fail with InvalidPart and
	// leave the upload usable.
	stale := []oss.UploadPart{firstParts[0], secondParts[1], secondParts[2]}
	_, err = bucket.CompleteMultipartUpload(imur, stale)
	requireServiceError(t, err, 400, "InvalidPart", "CompleteMultipartUpload with the replaced ETag of part 1")

	cmur, err := bucket.CompleteMultipartUpload(imur, secondParts)
	if err != nil {
		t.Fatalf("CompleteMultipartUpload with the second set of ETags: %v", err)
	}
	if !multipartETagRE(3).MatchString(cmur.ETag) {
		t.Errorf("Complete ETag %q, want \"<HEX>-3\"", cmur.ETag)
	}
	verifyObject(t, bucket, key, concat(second...), 3, cmur.ETag)
}

// UploadPartCopy with a source range from an existing object, mixed with a
// normal UploadPart (the SDK 1.5 sends the copy source unencoded and always a
// x-oss-copy-source-range).
func TestUploadPartCopyWithRange(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "copy")
	bucket := tb.bucket
	srcKey := "src/dir/source-object.bin"
	dstKey := "dst/copied.bin"
	tb.track(srcKey)
	tb.track(dstKey)

	src := randomBytes(600*1024+321, 30)
	if err := bucket.PutObject(srcKey, bytes.NewReader(src)); err != nil {
		t.Fatalf("PutObject source: %v", err)
	}

	imur, err := bucket.InitiateMultipartUpload(dstKey)
	if err != nil {
		t.Fatalf("InitiateMultipartUpload: %v", err)
	}
	// part 1 = src[0, 200 KiB), part 2 = src[250 KiB, 250 KiB + 300 KiB + 5), part 3 = fresh bytes
	r1 := [2]int64{0, 200 * 1024}
	r2 := [2]int64{250 * 1024, 300*1024 + 5}
	tail := randomBytes(4321, 31)

	p1, err := bucket.UploadPartCopy(imur, tb.name, srcKey, r1[0], r1[1], 1)
	if err != nil {
		t.Fatalf("UploadPartCopy part 1 (bytes=%d-%d): %v", r1[0], r1[0]+r1[1]-1, err)
	}
	p2, err := bucket.UploadPartCopy(imur, tb.name, srcKey, r2[0], r2[1], 2)
	if err != nil {
		t.Fatalf("UploadPartCopy part 2 (bytes=%d-%d): %v", r2[0], r2[0]+r2[1]-1, err)
	}
	p3, err := bucket.UploadPart(imur, bytes.NewReader(tail), int64(len(tail)), 3)
	if err != nil {
		t.Fatalf("UploadPart 3: %v", err)
	}
	c1 := src[r1[0] : r1[0]+r1[1]]
	c2 := src[r2[0] : r2[0]+r2[1]]
	if p1.ETag != partETag(c1) || p1.PartNumber != 1 {
		t.Errorf("UploadPartCopy part 1 = %+v, want ETag %s (MD5 of the copied range)", p1, partETag(c1))
	}
	if p2.ETag != partETag(c2) || p2.PartNumber != 2 {
		t.Errorf("UploadPartCopy part 2 = %+v, want ETag %s (MD5 of the copied range)", p2, partETag(c2))
	}
	verifyListedParts(t, bucket, imur, map[int][]byte{1: c1, 2: c2, 3: tail})

	cmur, err := bucket.CompleteMultipartUpload(imur, []oss.UploadPart{p1, p2, p3})
	if err != nil {
		t.Fatalf("CompleteMultipartUpload: %v", err)
	}
	verifyObject(t, bucket, dstKey, concat(c1, c2, tail), 3, cmur.ETag)
	// The source is untouched.
	verifyObject(t, bucket, srcKey, src, 0, partETag(src))
}

// ETag "-N" and x-oss-hash-crc64ecma on every reply that carries it,
// observed through the recording proxy: UploadPart (the SDK skips its CRC
// check when the header is absent, so presence is asserted here),
// CompleteMultipartUpload, HEAD and GET. Uses the vectors of multipart.md §6.
func TestCompletedObjectETagAndCRC(t *testing.T) {
	rec := newRecorder(t)
	client := newClientAt(t, rec.URL)
	tb := newTestBucket(t, client, "crc")
	bucket := tb.bucket
	key := "crc/vector.bin"
	tb.track(key)

	p1data := bytes.Repeat([]byte("a"), 102400)
	p2data := bytes.Repeat([]byte("b"), 10)
	imur, err := bucket.InitiateMultipartUpload(key)
	if err != nil {
		t.Fatalf("InitiateMultipartUpload: %v", err)
	}
	var parts []oss.UploadPart
	for i, d := range [][]byte{p1data, p2data} {
		p, err := bucket.UploadPart(imur, bytes.NewReader(d), int64(len(d)), i+1)
		if err != nil {
			t.Fatalf("UploadPart %d: %v", i+1, err)
		}
		ex := rec.requireLastRequest(t, "PUT", "/"+tb.name+"/crc%2Fvector.bin", "partNumber="+strconv.Itoa(i+1)+"&uploadId="+imur.UploadID)
		if got, want := ex.RespHeader.Get("X-Oss-Hash-Crc64ecma"), strconv.FormatUint(crcOf(d), 10); got != want {
			t.Errorf("UploadPart %d reply: x-oss-hash-crc64ecma %q, want %s", i+1, got, want)
		}
		if got := ex.RespHeader.Get("ETag"); got != partETag(d) {
			t.Errorf("UploadPart %d reply: ETag header %q, want %q", i+1, got, partETag(d))
		}
		parts = append(parts, p)
	}
	if parts[0].ETag != `"302D3A0C8E319EAA95B059B346DE1D1D"` || parts[1].ETag != `"82136B4240D6CE4EA7D03E51469A393B"` {
		t.Errorf("part ETags %q, %q; want the MD5 vectors", parts[0].ETag, parts[1].ETag)
	}

	cmur, err := bucket.CompleteMultipartUpload(imur, parts)
	if err != nil {
		t.Fatalf("CompleteMultipartUpload: %v", err)
	}
	ex := rec.requireLastRequest(t, "POST", "/"+tb.name+"/crc%2Fvector.bin", "uploadId="+imur.UploadID)
	whole := concat(p1data, p2data)
	if crcOf(whole) != 88389505591002533 {
		t.Fatalf("test bug: CRC of the vector object")
	}
	if got := ex.RespHeader.Get("X-Oss-Hash-Crc64ecma"); got != "88389505591002533" {
		t.Errorf("CompleteMultipartUpload reply: x-oss-hash-crc64ecma %q, want 88389505591002533 (CRC of the whole object)", got)
	}
	if got := ex.RespHeader.Get("ETag"); got != cmur.ETag {
		t.Errorf("CompleteMultipartUpload reply: ETag header %q, body ETag %q; want equal", got, cmur.ETag)
	}
	if !multipartETagRE(2).MatchString(cmur.ETag) {
		t.Errorf("CompleteMultipartUpload ETag %q, want \"<HEX>-2\"", cmur.ETag)
	}
	if got := ex.RespHeader.Get("X-Oss-Request-Id"); got == "" {
		t.Errorf("CompleteMultipartUpload reply without x-oss-request-id")
	}
	verifyObject(t, bucket, key, whole, 2, cmur.ETag)
}

// The SDK's CRC64 check is active in this suite: a reply whose
// x-oss-hash-crc64ecma does not match the part is rejected with
// CRCCheckError. (The proxy falsifies the header; the server is not at fault.)
func TestSDKCRCCheckIsEnabled(t *testing.T) {
	rec := newRecorder(t)
	client := newClientAt(t, rec.URL)
	tb := newTestBucket(t, client, "crccheck")
	bucket := tb.bucket
	imur, err := bucket.InitiateMultipartUpload("crc/tamper.bin")
	if err != nil {
		t.Fatalf("InitiateMultipartUpload: %v", err)
	}
	data := randomBytes(5000, 40)
	rec.setTamperCRC(true)
	_, err = bucket.UploadPart(imur, bytes.NewReader(data), int64(len(data)), 1)
	rec.setTamperCRC(false)
	ex := rec.last(t)
	if ex.RespHeader.Get("X-Oss-Hash-Crc64ecma") == "" {
		t.Fatalf("UploadPart reply carries no x-oss-hash-crc64ecma; the SDK's CRC check cannot run")
	}
	if _, ok := err.(oss.CRCCheckError); !ok {
		t.Errorf("UploadPart with a falsified CRC header: err = %v, want oss.CRCCheckError", err)
	}
	if err := bucket.AbortMultipartUpload(imur); err != nil {
		t.Errorf("AbortMultipartUpload: %v", err)
	}
}

// GetObject with Range on a completed multipart object, including ranges
// that cross part boundaries.
func TestGetObjectRangeOnMultipartObject(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "range")
	bucket := tb.bucket
	key := "range/object.bin"
	tb.track(key)

	partData := [][]byte{randomBytes(minPartSize, 50), randomBytes(minPartSize+300, 51), randomBytes(5000, 52)}
	whole := concat(partData...)
	size := int64(len(whole))
	imur, err := bucket.InitiateMultipartUpload(key)
	if err != nil {
		t.Fatalf("InitiateMultipartUpload: %v", err)
	}
	var parts []oss.UploadPart
	for i, d := range partData {
		p, err := bucket.UploadPart(imur, bytes.NewReader(d), int64(len(d)), i+1)
		if err != nil {
			t.Fatalf("UploadPart %d: %v", i+1, err)
		}
		parts = append(parts, p)
	}
	if _, err := bucket.CompleteMultipartUpload(imur, parts); err != nil {
		t.Fatalf("CompleteMultipartUpload: %v", err)
	}

	b1 := int64(len(partData[0]))
	b2 := b1 + int64(len(partData[1]))
	cases := []struct {
		name       string
		opt        oss.Option
		start, end int64 // inclusive
	}{
		{"first byte", oss.Range(0, 0), 0, 0},
		{"inside part 1", oss.Range(100, 199), 100, 199},
		{"across part 1/2", oss.Range(b1-50, b1+49), b1 - 50, b1 + 49},
		{"across parts 1/2/3", oss.Range(b1-10, b2+10), b1 - 10, b2 + 10},
		{"last byte", oss.Range(size-1, size-1), size - 1, size - 1},
		{"open-ended bytes=N-", oss.NormalizedRange(fmt.Sprintf("%d-", b2-7)), b2 - 7, size - 1},
		{"suffix bytes=-199", oss.NormalizedRange("-199"), size - 199, size - 1},
	}
	for _, c := range cases {
		res, err := bucket.DoGetObject(&oss.GetObjectRequest{ObjectKey: key}, []oss.Option{c.opt})
		if err != nil {
			t.Errorf("%s: GetObject: %v", c.name, err)
			continue
		}
		got, err := io.ReadAll(res.Response.Body)
		res.Response.Body.Close()
		if err != nil {
			t.Errorf("%s: read: %v", c.name, err)
			continue
		}
		want := whole[c.start : c.end+1]
		if res.Response.StatusCode != 206 {
			t.Errorf("%s: status %d, want 206", c.name, res.Response.StatusCode)
		}
		if cr, wantCR := res.Response.Headers.Get("Content-Range"), fmt.Sprintf("bytes %d-%d/%d", c.start, c.end, size); cr != wantCR {
			t.Errorf("%s: Content-Range %q, want %q", c.name, cr, wantCR)
		}
		if cl := res.Response.Headers.Get("Content-Length"); cl != strconv.Itoa(len(want)) {
			t.Errorf("%s: Content-Length %q, want %d", c.name, cl, len(want))
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: body differs: %s", c.name, describeMismatch(got, want))
		}
	}

	// The plain GetObject reader API with a Range (as in the SDK docs).
	rc, err := bucket.GetObject(key, oss.Range(b1, b1+1023))
	if err != nil {
		t.Fatalf("GetObject(Range): %v", err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(got, whole[b1:b1+1024]) {
		t.Errorf("GetObject(Range %d-%d): %s", b1, b1+1023, describeMismatch(got, whole[b1:b1+1024]))
	}

	// OSS: an invalid range (end beyond the object) is ignored → 200 with the
	// whole object (documented behaviour without x-oss-range-behavior).
	res, err := bucket.DoGetObject(&oss.GetObjectRequest{ObjectKey: key}, []oss.Option{oss.Range(10, size+1000)})
	if err != nil {
		t.Errorf("GetObject(Range 10-%d) beyond the end: %v", size+1000, err)
	} else {
		got, _ := io.ReadAll(res.Response.Body)
		res.Response.Body.Close()
		if res.Response.StatusCode != 200 || !bytes.Equal(got, whole) {
			t.Errorf("GetObject(Range 10-%d) beyond the end: status %d, %s; want 200 and the whole object (invalid range ignored)",
				size+1000, res.Response.StatusCode, describeMismatch(got, whole))
		}
	}
}

// Keys with characters the SDK must encode (Go 1.5 sends space as "+" in the
// path and always asks ListMultipartUploads for encoding-type=url).
func TestSpecialCharacterKeys(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "keys")
	bucket := tb.bucket
	keys := []string{"dir/a b+c~*'().txt", "中文/文件 1.bin", "x&y<z>\"q\".bin", "pct%41%zz.bin"}
	imurs := map[string]oss.InitiateMultipartUploadResult{}
	for _, k := range keys {
		imur, err := bucket.InitiateMultipartUpload(k)
		if err != nil {
			t.Errorf("InitiateMultipartUpload(%q): %v", k, err)
			continue
		}
		if imur.Key != k {
			t.Errorf("InitiateMultipartUpload(%q): Key echoed as %q", k, imur.Key)
		}
		imurs[k] = imur
	}
	if len(imurs) != len(keys) {
		t.FailNow()
	}
	for _, k := range keys {
		lsRes, err := bucket.ListMultipartUploads(oss.Prefix(k))
		if err != nil {
			t.Errorf("ListMultipartUploads(Prefix %q): %v", k, err)
			continue
		}
		if lsRes.Prefix != k {
			t.Errorf("ListMultipartUploads(Prefix %q): Prefix echoed as %q", k, lsRes.Prefix)
		}
		if len(lsRes.Uploads) != 1 || lsRes.Uploads[0].Key != k || lsRes.Uploads[0].UploadID != imurs[k].UploadID {
			t.Errorf("ListMultipartUploads(Prefix %q) = %+v, want exactly upload %s", k, lsRes.Uploads, imurs[k].UploadID)
		}
	}
	all, _ := listAllUploads(t, bucket, 1)
	var gotKeys []string
	for _, u := range all {
		gotKeys = append(gotKeys, u.Key)
	}
	wantKeys := append([]string(nil), keys...)
	sortStrings(wantKeys)
	if strings.Join(gotKeys, "\n") != strings.Join(wantKeys, "\n") {
		t.Errorf("paging with MaxUploads(1) visited keys %q, want %q (byte order)", gotKeys, wantKeys)
	}

	// Complete one of them and read it back.
	k := keys[0]
	tb.track(k)
	data := randomBytes(2048, 60)
	p, err := bucket.UploadPart(imurs[k], bytes.NewReader(data), int64(len(data)), 1)
	if err != nil {
		t.Fatalf("UploadPart(%q): %v", k, err)
	}
	res := verifyListedParts(t, bucket, imurs[k], map[int][]byte{1: data})
	if res.Key != k {
		t.Errorf("ListUploadedParts Key %q, want %q", res.Key, k)
	}
	cmur, err := bucket.CompleteMultipartUpload(imurs[k], []oss.UploadPart{p})
	if err != nil {
		t.Fatalf("CompleteMultipartUpload(%q): %v", k, err)
	}
	if cmur.Key != k {
		t.Errorf("CompleteMultipartUpload Key %q, want %q", cmur.Key, k)
	}
	verifyObject(t, bucket, k, data, 1, cmur.ETag)
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
