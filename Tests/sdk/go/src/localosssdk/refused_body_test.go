package localosssdk

import (
	"io"
	"testing"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

// repeatingReader yields n bytes of one value without holding them in memory.
type repeatingReader struct{ left int64 }

func (r *repeatingReader) Read(p []byte) (int, error) {
	if r.left == 0 {
		return 0, io.EOF
	}
	n := int64(len(p))
	if n > r.left {
		n = r.left
	}
	for i := int64(0); i < n; i++ {
		p[i] = 'Z'
	}
	r.left -= n
	return int(n), nil
}

// A 200 MiB PutObject refused before its body is read (wrong secret) reaches
// the SDK as the OSS error reply, not as a connection reset: the server
// discards the body it refused before closing the connection.
func TestRefusedLargePutReturnsServiceError(t *testing.T) {
	tb := newTestBucket(t, newClient(t), "refused")
	wrong, err := oss.New(endpoint, accessKeyID, accessKeySecret+"-wrong")
	if err != nil {
		t.Fatalf("oss.New: %v", err)
	}
	bucket, err := wrong.Bucket(tb.name)
	if err != nil {
		t.Fatalf("Bucket: %v", err)
	}
	const size = 200 << 20
	err = bucket.PutObject("refused-200MiB", &repeatingReader{left: size}, oss.ContentLength(size))
	requireServiceError(t, err, 403, "SignatureDoesNotMatch", "PutObject 200 MiB with a wrong secret")
}
