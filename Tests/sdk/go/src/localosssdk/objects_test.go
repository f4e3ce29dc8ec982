package localosssdk

// Object API through the Go SDK 1.5 (Debian): ListObjects paging with
// Delimiter/Marker, CopyObject, DeleteObjects, AppendObject with CRC, GetObject
// with Range and conditions. Expectations come from objects-and-buckets.md
// (§ numbers in comments).

import (
	"bytes"
	"io"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

func putObjects(t *testing.T, tb *testBucket, keys ...string) {
	t.Helper()
	for _, k := range keys {
		tb.track(k)
		if err := tb.bucket.PutObject(k, strings.NewReader(k)); err != nil {
			t.Fatalf("PutObject(%q): %v", k, err)
		}
	}
}

type listPage struct {
	Keys       []string
	Prefixes   []string
	Truncated  bool
	NextMarker string
}

func listPageOf(res oss.ListObjectsResult) listPage {
	p := listPage{Keys: []string{}, Prefixes: []string{}, Truncated: res.IsTruncated, NextMarker: res.NextMarker}
	for _, o := range res.Objects {
		p.Keys = append(p.Keys, o.Key)
	}
	p.Prefixes = append(p.Prefixes, res.CommonPrefixes...)
	return p
}

func page(keys, prefixes []string, truncated bool, next string) listPage {
	if keys == nil {
		keys = []string{}
	}
	if prefixes == nil {
		prefixes = []string{}
	}
	return listPage{Keys: keys, Prefixes: prefixes, Truncated: truncated, NextMarker: next}
}

// walkObjects pages through ListObjects with the SDK's options, following
// NextMarker, and returns every page.
func walkObjects(t *testing.T, bucket *oss.Bucket, opts ...oss.Option) []listPage {
	t.Helper()
	var pages []listPage
	marker := ""
	for i := 0; i < 50; i++ {
		res, err := bucket.ListObjects(append([]oss.Option{oss.Marker(marker)}, opts...)...)
		if err != nil {
			t.Fatalf("ListObjects page %d (marker %q): %v", i+1, marker, err)
		}
		if res.Marker != marker {
			t.Errorf("page %d: Marker echo %q, want %q", i+1, res.Marker, marker)
		}
		p := listPageOf(res)
		pages = append(pages, p)
		if !p.Truncated {
			return pages
		}
		if p.NextMarker == "" {
			t.Fatalf("page %d: IsTruncated without NextMarker", i+1)
		}
		marker = p.NextMarker
	}
	t.Fatalf("ListObjects paging did not end after 50 pages")
	return nil
}

// §4 worked ListObjects example, with the Go SDK (which always sends
// encoding-type=url and decodes).
func TestListObjectsDelimiterMarkerPaging(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "lo")
	putObjects(t, tb, "c", "b/x", "b", "a/c/d", "a/b", "a")
	bucket := tb.bucket

	rows := []struct {
		opts []oss.Option
		want listPage
	}{
		{nil, page([]string{"a", "a/b", "a/c/d", "b", "b/x", "c"}, nil, false, "")},
		{[]oss.Option{oss.Delimiter("/")}, page([]string{"a", "b", "c"}, []string{"a/", "b/"}, false, "")},
		{[]oss.Option{oss.Prefix("a/"), oss.Delimiter("/")}, page([]string{"a/b"}, []string{"a/c/"}, false, "")},
		{[]oss.Option{oss.MaxKeys(2)}, page([]string{"a", "a/b"}, nil, true, "a/b")},
		{[]oss.Option{oss.Marker("a/b"), oss.MaxKeys(2)}, page([]string{"a/c/d", "b"}, nil, true, "b")},
		{[]oss.Option{oss.Delimiter("/"), oss.MaxKeys(2)}, page([]string{"a"}, []string{"a/"}, true, "a/")},
		{[]oss.Option{oss.Delimiter("/"), oss.Marker("a/"), oss.MaxKeys(2)}, page([]string{"b"}, []string{"b/"}, true, "b/")},
		{[]oss.Option{oss.Delimiter("/"), oss.Marker("b/")}, page([]string{"c"}, nil, false, "")},
	}
	for i, r := range rows {
		res, err := bucket.ListObjects(r.opts...)
		if err != nil {
			t.Errorf("row %d: ListObjects: %v", i, err)
			continue
		}
		got := listPageOf(res)
		if !got.Truncated {
			got.NextMarker = "" // §4: "—" (not required when not truncated)
		}
		if !reflect.DeepEqual(got, r.want) {
			t.Errorf("row %d: got %+v, want %+v", i, got, r.want)
		}
	}
	res, err := bucket.ListObjects()
	if err != nil {
		t.Fatalf("ListObjects: %v", err)
	}
	if res.MaxKeys != 100 {
		t.Errorf("MaxKeys %d without max-keys, want the default 100", res.MaxKeys)
	}
	for _, o := range res.Objects {
		if o.Size != int64(len(o.Key)) || o.ETag != partETag([]byte(o.Key)) || o.Type != "Normal" ||
			o.StorageClass != "Standard" || o.LastModified.IsZero() || o.Owner.ID == "" {
			t.Errorf("Contents %+v: want Size/ETag of the key bytes, Type Normal, StorageClass Standard, Owner", o)
		}
	}

	walks := []struct {
		opts []oss.Option
		want []listPage
	}{
		{[]oss.Option{oss.Delimiter("/"), oss.MaxKeys(1)}, []listPage{
			page([]string{"a"}, nil, true, "a"), page(nil, []string{"a/"}, true, "a/"),
			page([]string{"b"}, nil, true, "b"), page(nil, []string{"b/"}, true, "b/"),
			page([]string{"c"}, nil, false, "")}},
		{[]oss.Option{oss.Delimiter("/"), oss.MaxKeys(2)}, []listPage{
			page([]string{"a"}, []string{"a/"}, true, "a/"), page([]string{"b"}, []string{"b/"}, true, "b/"),
			page([]string{"c"}, nil, false, "")}},
		{[]oss.Option{oss.MaxKeys(4)}, []listPage{
			page([]string{"a", "a/b", "a/c/d", "b"}, nil, true, "b"), page([]string{"b/x", "c"}, nil, false, "")}},
	}
	for i, w := range walks {
		got := walkObjects(t, bucket, w.opts...)
		for j := range got {
			if !got[j].Truncated {
				got[j].NextMarker = ""
			}
		}
		if !reflect.DeepEqual(got, w.want) {
			t.Errorf("walk %d: got %+v, want %+v", i, got, w.want)
		}
	}
}

// The Go 1.5 suite's TestListObjectsEncodingType keys, with delimiter paging:
// each common prefix exactly once, keys decoded exactly.
func TestListObjectsSpecialKeysPaging(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "lospecial")
	poem := "床前明月光，疑是地上霜。举头望明月，低头思故乡。"
	special := "go go ` ~ ! @ # $ % ^ & * () - _ + =[] {} \\ | < > , . ? / 0"
	other := "go/中国  日本  +-#&=*"
	keys := []string{special, other, "dir a/x+y.txt", "dir a/文件 1.txt"}
	for i := 0; i < 3; i++ {
		keys = append(keys, poem+"tloet"+strconv.Itoa(i))
	}
	putObjects(t, tb, keys...)
	bucket := tb.bucket
	for _, k := range []string{special, other} {
		res, err := bucket.ListObjects(oss.Prefix(k))
		if err != nil || len(res.Objects) != 1 || res.Objects[0].Key != k || res.Prefix != k {
			t.Errorf("ListObjects(prefix=%q): %v %+v", k, err, res)
		}
	}
	res, err := bucket.ListObjects(oss.Marker(poem))
	if err != nil || len(res.Objects) != 3 {
		t.Errorf("ListObjects(marker=poem): %v, %d objects, want 3", err, len(res.Objects))
	}
	got := walkObjects(t, bucket, oss.Delimiter("/"), oss.MaxKeys(1))
	var entries []string
	for _, p := range got {
		entries = append(entries, p.Keys...)
		entries = append(entries, p.Prefixes...)
	}
	want := []string{"dir a/", "go go ` ~ ! @ # $ % ^ & * () - _ + =[] {} \\ | < > , . ? /", "go/",
		poem + "tloet0", poem + "tloet1", poem + "tloet2"}
	if !reflect.DeepEqual(entries, want) {
		t.Errorf("delimiter walk entries %q, want %q", entries, want)
	}
	res, err = bucket.ListObjects(oss.Prefix("dir a/"), oss.Delimiter("文"))
	if err != nil || !reflect.DeepEqual(listPageOf(res).Keys, []string{"dir a/x+y.txt"}) ||
		!reflect.DeepEqual(res.CommonPrefixes, []string{"dir a/文"}) || res.Delimiter != "文" {
		t.Errorf("ListObjects(prefix=dir a/, delimiter=文): %v %+v", err, res)
	}
}

// §5 CopyObject: directives, conditions, ACL, forbid-overwrite, across buckets.
func TestCopyObjectGo(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "copy")
	bucket := tb.bucket
	src := "copy/src dir/s+1 中文.txt"
	data := randomBytes(5000, 42)
	tb.track(src)
	if err := bucket.PutObject(src, bytes.NewReader(data), oss.ContentType("text/x-src"), oss.Meta("origin", "src"),
		oss.ObjectACL(oss.ACLPublicRead)); err != nil {
		t.Fatalf("PutObject: %v", err)
	}
	etag := partETag(data)

	// COPY (default): metadata from the source, the request's ignored; the
	// source ACL is not copied. Go 1.5 sends the copy source QueryEscape'd
	// (space as '+', multipart.md §5 decoding rule).
	dst := "copy/dst 1.txt"
	tb.track(dst)
	res, err := bucket.CopyObject(src, dst, oss.ContentType("text/x-ignored"), oss.Meta("origin", "request"))
	if err != nil {
		t.Fatalf("CopyObject: %v", err)
	}
	if res.ETag != etag || res.LastModified.IsZero() {
		t.Errorf("CopyObjectResult %+v, want ETag %s and a LastModified", res, etag)
	}
	h, err := bucket.GetObjectDetailedMeta(dst)
	if err != nil {
		t.Fatalf("HEAD copy: %v", err)
	}
	if h.Get("Content-Type") != "text/x-src" || h.Get("X-Oss-Meta-Origin") != "src" {
		t.Errorf("COPY: Content-Type %q meta %q, want the source's text/x-src / src", h.Get("Content-Type"), h.Get("X-Oss-Meta-Origin"))
	}
	if acl, err := bucket.GetObjectACL(dst); err != nil || acl.ACL != "default" {
		t.Errorf("destination ACL %q (%v), want default (source ACL is not copied)", acl.ACL, err)
	}
	verifyObject(t, bucket, dst, data, 0, etag)

	// REPLACE
	if _, err := bucket.CopyObject(src, dst, oss.MetadataDirective(oss.MetaReplace), oss.ContentType("text/x-new"),
		oss.Meta("fresh", "1"), oss.ObjectACL(oss.ACLPrivate)); err != nil {
		t.Fatalf("CopyObject REPLACE: %v", err)
	}
	h, _ = bucket.GetObjectDetailedMeta(dst)
	if h.Get("Content-Type") != "text/x-new" || h.Get("X-Oss-Meta-Fresh") != "1" || h.Get("X-Oss-Meta-Origin") != "" {
		t.Errorf("REPLACE: headers %v", h)
	}
	if acl, _ := bucket.GetObjectACL(dst); acl.ACL != "private" {
		t.Errorf("destination ACL %q, want private (x-oss-object-acl)", acl.ACL)
	}

	// Conditions as in the Go 1.5 TestCopyObject.
	future := time.Now().Add(24 * time.Hour)
	okConds := [][]oss.Option{{oss.CopySourceIfMatch(etag)}, {oss.CopySourceIfUnmodifiedSince(future)}}
	for i, o := range okConds {
		if _, err := bucket.CopyObject(src, dst, o...); err != nil {
			t.Errorf("condition %d should pass: %v", i, err)
		}
	}
	failConds := [][]oss.Option{{oss.CopySourceIfNoneMatch(etag)}, {oss.CopySourceIfModifiedSince(future)},
		{oss.CopySourceIfMatch(`"0123456789ABCDEF0123456789ABCDEF"`)}}
	for i, o := range failConds {
		if _, err := bucket.CopyObject(src, "copy/never", o...); err == nil {
			t.Errorf("condition %d should fail", i)
		}
	}
	_, err = bucket.CopyObject(src, "copy/never", oss.CopySourceIfMatch(`"0123456789ABCDEF0123456789ABCDEF"`))
	requireServiceError(t, err, 412, "PreconditionFailed", "CopyObject if-match mismatch")
	_, err = bucket.CopyObject(src, dst, oss.MetadataDirective("MERGE"))
	requireServiceError(t, err, 400, "InvalidArgument", "CopyObject directive MERGE")
	// (x-oss-forbid-overwrite: Go 1.5 has no option for it; see the Python suites.)
	_, err = bucket.CopyObject("copy/missing", "copy/never")
	requireServiceError(t, err, 404, "NoSuchKey", "CopyObject from a missing key")
	if ok, _ := bucket.IsObjectExist("copy/never"); ok {
		t.Errorf("a failed copy created copy/never")
	}

	// Across buckets.
	tb2 := newTestBucket(t, client, "copy2")
	tb2.track("from-other")
	if _, err := bucket.CopyObjectTo(tb2.name, "from-other", src); err != nil {
		t.Fatalf("CopyObjectTo: %v", err)
	}
	verifyObject(t, tb2.bucket, "from-other", data, 0, etag)
	tb.track("back")
	if _, err := bucket.CopyObjectFrom(tb2.name, "from-other", "back"); err != nil {
		t.Fatalf("CopyObjectFrom: %v", err)
	}
	verifyObject(t, bucket, "back", data, 0, etag)
}

// §7 DeleteObjects (Go sends <Quiet> last, Content-MD5, encoding-type=url and
// URL-decodes every Deleted/Key).
func TestDeleteObjectsGo(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "delete")
	bucket := tb.bucket
	keys := []string{"中国人", "a&b<c>", "x y+z", "plain"}
	putObjects(t, tb, keys...)
	putObjects(t, tb, "keep")
	res, err := bucket.DeleteObjects(append(append([]string{}, keys...), "NotExistObject"))
	if err != nil {
		t.Fatalf("DeleteObjects: %v", err)
	}
	got := append([]string{}, res.DeletedObjects...)
	want := append(append([]string{}, keys...), "NotExistObject")
	sort.Strings(got)
	sort.Strings(want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("DeletedObjects %q, want %q", got, want)
	}
	lor, err := bucket.ListObjects()
	if err != nil || len(lor.Objects) != 1 || lor.Objects[0].Key != "keep" {
		t.Errorf("after DeleteObjects: %v %+v, want only keep", err, lor.Objects)
	}
	putObjects(t, tb, keys...)
	res, err = bucket.DeleteObjects(keys, oss.DeleteObjectsQuiet(true))
	if err != nil || len(res.DeletedObjects) != 0 {
		t.Errorf("quiet DeleteObjects: %v, %d deleted entries, want 0", err, len(res.DeletedObjects))
	}
	for _, k := range keys {
		if ok, err := bucket.IsObjectExist(k); err != nil || ok {
			t.Errorf("IsObjectExist(%q) = %v, %v after quiet delete", k, ok, err)
		}
	}
	_, err = bucket.DeleteObjects([]string{})
	requireServiceError(t, err, 400, "MalformedXML", "DeleteObjects with no keys")
	if err := bucket.DeleteObject("NotExistObject"); err != nil {
		t.Errorf("DeleteObject of a missing key: %v (want 204)", err)
	}
}

// §5 AppendObject with the SDK's CRC check (InitCRC), positions, object type.
func TestAppendObjectGo(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "append")
	bucket := tb.bucket
	key := "append/obj.log"
	tb.track(key)
	p1, p2, p3 := randomBytes(1000, 1), randomBytes(70*1024, 2), []byte("tail")

	r1, err := bucket.DoAppendObject(&oss.AppendObjectRequest{ObjectKey: key, Reader: bytes.NewReader(p1), Position: 0},
		[]oss.Option{oss.InitCRC(0), oss.Meta("prop", "first"), oss.ContentType("text/x-log")})
	if err != nil {
		t.Fatalf("append 1: %v", err)
	}
	if r1.NextPosition != int64(len(p1)) || r1.CRC != crcOf(p1) {
		t.Errorf("append 1: next %d crc %d, want %d / %d", r1.NextPosition, r1.CRC, len(p1), crcOf(p1))
	}
	// The reply's CRC is the whole object's: chaining InitCRC(previous) passes the SDK's check.
	r2, err := bucket.DoAppendObject(&oss.AppendObjectRequest{ObjectKey: key, Reader: bytes.NewReader(p2), Position: r1.NextPosition},
		[]oss.Option{oss.InitCRC(r1.CRC), oss.Meta("prop", "second")})
	if err != nil {
		t.Fatalf("append 2 with InitCRC(previous CRC): %v", err)
	}
	if r2.NextPosition != int64(len(p1)+len(p2)) || r2.CRC != crcOf(concat(p1, p2)) {
		t.Errorf("append 2: next %d crc %d", r2.NextPosition, r2.CRC)
	}
	// InitCRC(0) on a non-empty object: the SDK must detect the mismatch (Go's TestAppendObjectNegative).
	_, err = bucket.DoAppendObject(&oss.AppendObjectRequest{ObjectKey: key, Reader: bytes.NewReader(p3), Position: r2.NextPosition},
		[]oss.Option{oss.InitCRC(0)})
	if err == nil || !strings.Contains(strings.ToLower(err.Error()), "crc") {
		t.Errorf("append 3 with InitCRC(0): err %v, want a CRC mismatch", err)
	}
	whole := concat(p1, p2, p3)

	// Wrong position -> 409 PositionNotEqualToLength with x-oss-next-append-position.
	rec := newRecorder(t)
	rclient := newClientAt(t, rec.URL)
	rb, _ := rclient.Bucket(tb.name)
	// (DoAppendObject: Go 1.5's AppendObject dereferences a nil result on any error.)
	_, err = rb.DoAppendObject(&oss.AppendObjectRequest{ObjectKey: key, Reader: strings.NewReader("zz"), Position: 5}, nil)
	requireServiceError(t, err, 409, "PositionNotEqualToLength", "append at a wrong position")
	if ex := rec.last(t); ex.RespHeader.Get("X-Oss-Next-Append-Position") != strconv.Itoa(len(whole)) {
		t.Errorf("409 reply x-oss-next-append-position %q, want %d", ex.RespHeader.Get("X-Oss-Next-Append-Position"), len(whole))
	}

	h, err := bucket.GetObjectDetailedMeta(key)
	if err != nil {
		t.Fatalf("HEAD: %v", err)
	}
	if h.Get("X-Oss-Object-Type") != "Appendable" || h.Get("X-Oss-Next-Append-Position") != strconv.Itoa(len(whole)) {
		t.Errorf("HEAD: type %q next %q", h.Get("X-Oss-Object-Type"), h.Get("X-Oss-Next-Append-Position"))
	}
	if h.Get("X-Oss-Meta-Prop") != "first" || h.Get("Content-Type") != "text/x-log" {
		t.Errorf("HEAD: meta %q type %q, want first/text/x-log (later metadata ignored)", h.Get("X-Oss-Meta-Prop"), h.Get("Content-Type"))
	}
	verifyObject(t, bucket, key, whole, 0, "")

	tb.track("append/normal")
	if err := bucket.PutObject("append/normal", strings.NewReader("n")); err != nil {
		t.Fatal(err)
	}
	_, err = bucket.DoAppendObject(&oss.AppendObjectRequest{ObjectKey: "append/normal", Reader: strings.NewReader("x"), Position: 1}, nil)
	requireServiceError(t, err, 409, "ObjectNotAppendable", "append to a Normal object")
}

// §6 GetObject: Range (incl. open-ended and suffix via NormalizedRange),
// unsatisfiable ranges, conditional headers, response overrides.
func TestGetObjectRangeAndConditions(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "get")
	bucket := tb.bucket
	key := "get/obj.bin"
	tb.track(key)
	data := randomBytes(1000, 7)
	if err := bucket.PutObject(key, bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	etag := partETag(data)

	get := func(what string, opts ...oss.Option) (int, http.Header, []byte, error) {
		res, err := bucket.DoGetObject(&oss.GetObjectRequest{ObjectKey: key}, opts)
		if err != nil {
			return 0, nil, nil, err
		}
		defer res.Response.Body.Close()
		b, err := io.ReadAll(res.Response.Body)
		return res.Response.StatusCode, res.Response.Headers, b, err
	}
	ranges := []struct {
		opt      oss.Option
		status   int
		cr       string
		from, to int
	}{
		{oss.Range(10, 19), 206, "bytes 10-19/1000", 10, 20},
		{oss.Range(3, 3), 206, "bytes 3-3/1000", 3, 4},
		{oss.NormalizedRange("990-"), 206, "bytes 990-999/1000", 990, 1000},
		{oss.NormalizedRange("-199"), 206, "bytes 801-999/1000", 801, 1000},
		{oss.Range(15, 5000), 200, "", 0, 1000},   // end >= size: range ignored (§6)
		{oss.Range(1000, 2000), 200, "", 0, 1000}, // start >= size: range ignored
	}
	for _, r := range ranges {
		status, h, body, err := get("range", r.opt)
		if err != nil {
			t.Errorf("range %q: %v", r.cr, err)
			continue
		}
		if status != r.status || h.Get("Content-Range") != r.cr || !bytes.Equal(body, data[r.from:r.to]) {
			t.Errorf("range want %d %q [%d:%d): got %d %q, body %s", r.status, r.cr, r.from, r.to, status,
				h.Get("Content-Range"), describeMismatch(body, data[r.from:r.to]))
		}
	}
	// (x-oss-range-behavior: standard cannot be set through Go 1.5's options; see the Python suites.)

	// Conditions as in the Go 1.5 TestGetObject.
	future := time.Now().Add(24 * time.Hour)
	past := time.Now().Add(-24 * time.Hour)
	for i, o := range []oss.Option{oss.IfMatch(etag), oss.IfUnmodifiedSince(future), oss.IfModifiedSince(past),
		oss.IfNoneMatch(`"0123456789ABCDEF0123456789ABCDEF"`)} {
		if status, _, body, err := get("cond", o); err != nil || status != 200 || !bytes.Equal(body, data) {
			t.Errorf("condition %d should pass: %v %d", i, err, status)
		}
	}
	for i, o := range []oss.Option{oss.IfModifiedSince(future), oss.IfNoneMatch(etag)} {
		_, _, _, err := get("304", o)
		if err == nil || !strings.Contains(err.Error(), "304") {
			t.Errorf("condition %d: err %v, want the SDK's 304 Not Modified error", i, err)
		}
	}
	_, _, _, err := get("412", oss.IfMatch(`"0123456789ABCDEF0123456789ABCDEF"`))
	requireServiceError(t, err, 412, "PreconditionFailed", "If-Match mismatch")
	_, _, _, err = get("412", oss.IfUnmodifiedSince(past))
	requireServiceError(t, err, 412, "PreconditionFailed", "If-Unmodified-Since in the past")
	if _, err := bucket.GetObjectDetailedMeta(key, oss.IfNoneMatch(etag)); err == nil {
		t.Errorf("HEAD If-None-Match(etag) succeeded, want 304")
	}

	// Go 1.5 GetObjectMeta is GET ??objectMeta (§2).
	m, err := bucket.GetObjectMeta(key)
	if err != nil || m.Get("Content-Length") != "1000" || m.Get("ETag") != etag {
		t.Errorf("GetObjectMeta: %v %v", err, m)
	}
	_, err = bucket.GetObjectMeta("get/missing")
	requireServiceError(t, err, 404, "NoSuchKey", "GetObjectMeta of a missing key")
	if ok, err := bucket.IsObjectExist("get/missing"); err != nil || ok {
		t.Errorf("IsObjectExist(missing) = %v, %v", ok, err)
	}
	verifyObject(t, bucket, key, data, 0, etag)
}
