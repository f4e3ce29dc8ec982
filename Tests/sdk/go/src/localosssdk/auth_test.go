package localosssdk

// Signature V1 through the Go SDK 1.5.0, in both addressing styles
// (wire-and-auth.md §2.1, §6.2, §6.8).
//
// Path style: the endpoint is the server's IP address (the SDK uses path
// style for IP hosts). Virtual-hosted style without DNS: the endpoint is
// http://oss-local.test:PORT (the .test TLD never resolves) and the server
// itself is the SDK's HTTP proxy (oss.Proxy), so the SDK sends absolute-form
// targets such as "PUT http://<bucket>.oss-local.test:PORT/<key> HTTP/1.1".
// The server must treat oss-local.test as a base domain (run.sh starts it with
// --base-domain oss-local.test; an external LOCALOSS_ENDPOINT server needs it too).

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"io"
	"net/url"
	"strings"
	"testing"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

const (
	authBaseDomain  = "oss-local.test"
	authWrongSecret = "NotTheRightSecret"
	sigMismatchMsg  = "The request signature we calculated does not match the signature you provided. Check your key and signing method."
)

var authStyles = []string{"path", "virtual-hosted"}

// authClient returns a client for the addressing style signing with secret.
func authClient(t *testing.T, style, secret string) *oss.Client {
	t.Helper()
	ep := endpoint
	var opts []oss.ClientOption
	if style == "virtual-hosted" {
		u, err := url.Parse(endpoint)
		if err != nil {
			t.Fatalf("parse endpoint %q: %v", endpoint, err)
		}
		ep = "http://" + authBaseDomain + ":" + u.Port()
		opts = append(opts, oss.Proxy(endpoint))
	}
	client, err := oss.New(ep, accessKeyID, secret, opts...)
	if err != nil {
		t.Fatalf("oss.New(%q): %v", ep, err)
	}
	return client
}

func styleTag(style string) string {
	if style == "path" {
		return "authps"
	}
	return "authvh"
}

// requireSignatureMismatch asserts a 403 SignatureDoesNotMatch reply whose
// <StringToSign> is the string the client signed: HMAC-SHA1(secret,
// StringToSign) must equal <SignatureProvided>, and its canonical resource
// must be /bucket/key (whatever the addressing style).
func requireSignatureMismatch(t *testing.T, err error, secret, bucket, key, what string) {
	t.Helper()
	requireServiceError(t, err, 403, "SignatureDoesNotMatch", what)
	se, ok := asServiceError(err)
	if !ok {
		return
	}
	if se.Message != sigMismatchMsg {
		t.Errorf("%s: Message %q, want %q", what, se.Message, sigMismatchMsg)
	}
	var detail struct {
		StringToSign      string `xml:"StringToSign"`
		SignatureProvided string `xml:"SignatureProvided"`
	}
	if err := xml.Unmarshal([]byte(se.RawMessage), &detail); err != nil {
		t.Errorf("%s: unparsable error body %q: %v", what, se.RawMessage, err)
		return
	}
	if detail.StringToSign == "" || detail.SignatureProvided == "" {
		t.Errorf("%s: error body lacks <StringToSign>/<SignatureProvided>: %s", what, se.RawMessage)
		return
	}
	lines := strings.Split(detail.StringToSign, "\n")
	resource := "/" + bucket + "/" + key
	if last := lines[len(lines)-1]; last != resource && !strings.HasPrefix(last, resource+"?") {
		t.Errorf("%s: StringToSign's canonical resource %q, want %q[?sub-resources]", what, last, resource)
	}
	mac := hmac.New(sha1.New, []byte(secret))
	mac.Write([]byte(detail.StringToSign))
	if got := base64.StdEncoding.EncodeToString(mac.Sum(nil)); got != detail.SignatureProvided {
		t.Errorf("%s: reported StringToSign %q is not what the client signed (HMAC %s, SignatureProvided %s)",
			what, detail.StringToSign, got, detail.SignatureProvided)
	}
}

// TestAuthMultipartRightSecret: initiate, two parts, list parts, complete and
// read back with the configured secret, in both addressing styles.
func TestAuthMultipartRightSecret(t *testing.T) {
	for _, style := range authStyles {
		style := style
		t.Run(style, func(t *testing.T) {
			client := authClient(t, style, accessKeySecret)
			tb := newTestBucket(t, client, styleTag(style)+"ok")
			bucket := tb.bucket
			key := "auth/dir a/文件.bin"
			tb.track(key)
			data := map[int][]byte{1: randomBytes(minPartSize+1234, 1), 2: randomBytes(4321, 2)}

			imur, err := bucket.InitiateMultipartUpload(key)
			if err != nil {
				t.Fatalf("InitiateMultipartUpload: %v", err)
			}
			if imur.Bucket != tb.name || imur.Key != key {
				t.Errorf("InitiateMultipartUpload: Bucket/Key %q/%q, want %q/%q", imur.Bucket, imur.Key, tb.name, key)
			}
			var parts []oss.UploadPart
			for n := 1; n <= 2; n++ {
				p, err := bucket.UploadPart(imur, bytes.NewReader(data[n]), int64(len(data[n])), n)
				if err != nil {
					t.Fatalf("UploadPart %d: %v", n, err)
				}
				if p.ETag != partETag(data[n]) {
					t.Errorf("UploadPart %d: ETag %q, want %q", n, p.ETag, partETag(data[n]))
				}
				parts = append(parts, p)
			}
			verifyListedParts(t, bucket, imur, data)
			res, err := bucket.CompleteMultipartUpload(imur, parts)
			if err != nil {
				t.Fatalf("CompleteMultipartUpload: %v", err)
			}
			if !multipartETagRE(2).MatchString(res.ETag) {
				t.Errorf("CompleteMultipartUpload: ETag %q, want \"<HEX>-2\"", res.ETag)
			}
			want := concat(data[1], data[2])
			verifyObject(t, bucket, key, want, 2, res.ETag)

			// The object is in bucket tb.name under key, as a path-style client sees it.
			pb, err := newClient(t).Bucket(tb.name)
			if err != nil {
				t.Fatalf("Bucket: %v", err)
			}
			rc, err := pb.GetObject(key)
			if err != nil {
				t.Fatalf("path-style GetObject(%q): %v", key, err)
			}
			got, _ := io.ReadAll(rc)
			rc.Close()
			if !bytes.Equal(got, want) {
				t.Errorf("path-style GetObject(%q): %s", key, describeMismatch(got, want))
			}
		})
	}
}

// TestAuthMultipartWrongSecret: every step of the flow signed with a wrong
// secret is refused with 403 SignatureDoesNotMatch and changes nothing.
func TestAuthMultipartWrongSecret(t *testing.T) {
	for _, style := range authStyles {
		style := style
		t.Run(style, func(t *testing.T) {
			good := authClient(t, style, accessKeySecret)
			bad := authClient(t, style, authWrongSecret)
			tb := newTestBucket(t, good, styleTag(style)+"bad")
			key, existing := "auth/dir a/文件.bin", "auth/existing.txt"
			tb.track(key)
			tb.track(existing)
			if err := tb.bucket.PutObject(existing, strings.NewReader("existing object")); err != nil {
				t.Fatalf("PutObject(%q): %v", existing, err)
			}
			badBucket, err := bad.Bucket(tb.name)
			if err != nil {
				t.Fatalf("Bucket: %v", err)
			}

			other := fmt.Sprintf("go-sdk-%snew-%s", styleTag(style), runID)
			requireSignatureMismatch(t, bad.CreateBucket(other), authWrongSecret, other, "", "CreateBucket (wrong secret)")
			_, err = good.GetBucketInfo(other)
			requireServiceError(t, err, 404, "NoSuchBucket", "GetBucketInfo of the bucket the wrong secret tried to create")
			if err == nil {
				good.DeleteBucket(other)
			}

			_, err = badBucket.InitiateMultipartUpload(key)
			requireSignatureMismatch(t, err, authWrongSecret, tb.name, key, "InitiateMultipartUpload (wrong secret)")

			imur, err := tb.bucket.InitiateMultipartUpload(key)
			if err != nil {
				t.Fatalf("InitiateMultipartUpload: %v", err)
			}
			part1 := randomBytes(minPartSize+10, 3)
			_, err = badBucket.UploadPart(imur, bytes.NewReader(randomBytes(3000, 4)), 3000, 2)
			requireSignatureMismatch(t, err, authWrongSecret, tb.name, key, "UploadPart (wrong secret)")
			_, err = badBucket.ListUploadedParts(imur)
			requireSignatureMismatch(t, err, authWrongSecret, tb.name, key, "ListUploadedParts (wrong secret)")
			p1, err := tb.bucket.UploadPart(imur, bytes.NewReader(part1), int64(len(part1)), 1)
			if err != nil {
				t.Fatalf("UploadPart 1: %v", err)
			}
			_, err = badBucket.CompleteMultipartUpload(imur, []oss.UploadPart{p1})
			requireSignatureMismatch(t, err, authWrongSecret, tb.name, key, "CompleteMultipartUpload (wrong secret)")
			err = badBucket.AbortMultipartUpload(imur)
			requireSignatureMismatch(t, err, authWrongSecret, tb.name, key, "AbortMultipartUpload (wrong secret)")
			rc, err := badBucket.GetObject(existing)
			if err == nil {
				rc.Close()
			}
			requireSignatureMismatch(t, err, authWrongSecret, tb.name, existing, "GetObject (wrong secret)")

			// Nothing the wrong secret sent took effect.
			lsRes, err := tb.bucket.ListMultipartUploads(oss.Prefix(key))
			if err != nil {
				t.Fatalf("ListMultipartUploads: %v", err)
			}
			if len(lsRes.Uploads) != 1 || lsRes.Uploads[0].UploadID != imur.UploadID {
				t.Errorf("uploads under %q: %+v, want only %s", key, lsRes.Uploads, imur.UploadID)
			}
			verifyListedParts(t, tb.bucket, imur, map[int][]byte{1: part1})
			if ok, err := tb.bucket.IsObjectExist(key); err != nil || ok {
				t.Errorf("IsObjectExist(%q) = %v, %v; want false (the completion was refused)", key, ok, err)
			}
			// The right secret still completes it.
			res, err := tb.bucket.CompleteMultipartUpload(imur, []oss.UploadPart{p1})
			if err != nil {
				t.Fatalf("CompleteMultipartUpload: %v", err)
			}
			verifyObject(t, tb.bucket, key, part1, 1, res.ETag)
		})
	}
}
