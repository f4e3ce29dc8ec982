package localosssdk

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

// faultRule is one entry of GET /_localoss/faults.
type faultRule struct {
	ID      string `json:"id"`
	Hits    int    `json:"hits"`
	Matched int    `json:"matched"`
}

// addFault posts a rule to the control plane and removes every rule when the test ends.
func addFault(t *testing.T, rule map[string]interface{}) string {
	t.Helper()
	body, _ := json.Marshal(rule)
	resp, err := http.Post(endpoint+"/_localoss/faults", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("POST /_localoss/faults: %v", err)
	}
	defer resp.Body.Close()
	text, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST /_localoss/faults: %d %s", resp.StatusCode, text)
	}
	var created faultRule
	if err := json.Unmarshal(text, &created); err != nil || created.ID == "" {
		t.Fatalf("POST /_localoss/faults answered %s (%v)", text, err)
	}
	t.Cleanup(func() { removeAllFaults(t) })
	return created.ID
}

func removeAllFaults(t *testing.T) {
	req, _ := http.NewRequest(http.MethodDelete, endpoint+"/_localoss/faults", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Errorf("DELETE /_localoss/faults: %v", err)
		return
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Errorf("DELETE /_localoss/faults: %d", resp.StatusCode)
	}
}

func faultByID(t *testing.T, id string) faultRule {
	t.Helper()
	resp, err := http.Get(endpoint + "/_localoss/faults")
	if err != nil {
		t.Fatalf("GET /_localoss/faults: %v", err)
	}
	defer resp.Body.Close()
	var listing struct {
		Faults []faultRule `json:"faults"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&listing); err != nil {
		t.Fatalf("GET /_localoss/faults: %v", err)
	}
	for _, f := range listing.Faults {
		if f.ID == id {
			return f
		}
	}
	t.Fatalf("fault %s is not listed: %+v", id, listing.Faults)
	return faultRule{}
}

// completedInCheckpoint reads the SDK's checkpoint file: part number → ETag of each part it records as done.
func completedInCheckpoint(t *testing.T, path string) map[int]string {
	t.Helper()
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read checkpoint: %v", err)
	}
	var cp struct {
		Parts []struct {
			Part        oss.UploadPart
			IsCompleted bool
		}
	}
	if err := json.Unmarshal(text, &cp); err != nil {
		t.Fatalf("checkpoint %s: %v", text, err)
	}
	done := map[int]string{}
	for _, p := range cp.Parts {
		if p.IsCompleted {
			done[p.Part.PartNumber] = p.Part.ETag
		}
	}
	return done
}

// A 503 on the second UploadPart makes Bucket.UploadFile with a checkpoint fail; a second UploadFile call resumes
// from the checkpoint, sends only the parts not yet uploaded, and completes with the file's bytes.
func TestFaultUploadFileResumesFromCheckpointAfter503(t *testing.T) {
	// This SDK's checkpoint is valid only if the file's ModTime equals the one stored with == on time.Time, which
	// a JSON round trip keeps only when Local is not UTC (it comes back as UTC, a different *Location): on a UTC
	// machine every checkpoint is discarded and the upload starts over. Any other zone makes it resumable.
	savedLocal := time.Local
	time.Local = time.FixedZone("UTC+8", 8*3600)
	t.Cleanup(func() { time.Local = savedLocal })

	client := newClient(t)
	tb := newTestBucket(t, client, "fault-cp")
	key := "faults/resumed.bin"
	tb.track(key)
	const partSize = minPartSize
	data := randomBytes(2*partSize+50*1024, 11)
	file := writeFile(t, "upload.bin", data)
	checkpoint := filepath.Join(t.TempDir(), "upload.cp")

	id := addFault(t, map[string]interface{}{
		"match":  map[string]interface{}{"operation": "UploadPart", "bucket": tb.name, "key": key},
		"action": map[string]interface{}{"type": "error", "status": 503, "code": "ServiceUnavailable", "message": "Please retry."},
		"times":  1,
		"after":  1,
	})

	err := tb.bucket.UploadFile(key, file, partSize, oss.Checkpoint(true, checkpoint), oss.Routines(1))
	var serviceErr oss.ServiceError
	if !errors.As(err, &serviceErr) {
		t.Fatalf("first UploadFile: want the 503 as oss.ServiceError, got %T %v", err, err)
	}
	if serviceErr.StatusCode != 503 || serviceErr.Code != "ServiceUnavailable" || serviceErr.Message != "Please retry." {
		t.Fatalf("first UploadFile: got %d %s %q", serviceErr.StatusCode, serviceErr.Code, serviceErr.Message)
	}
	if serviceErr.RequestID == "" {
		t.Errorf("the injected error carries no RequestId")
	}
	if _, err := os.Stat(checkpoint); err != nil {
		t.Fatalf("no checkpoint file after the failed upload: %v", err)
	}
	if f := faultByID(t, id); f.Hits != 1 || f.Matched != 2 {
		t.Fatalf("after the first call: hits %d, matched %d; want 1 and 2 (part 1 stored, part 2 refused)", f.Hits, f.Matched)
	}
	uploads, err := tb.bucket.ListMultipartUploads(oss.Prefix(key))
	if err != nil || len(uploads.Uploads) != 1 {
		t.Fatalf("ListMultipartUploads: %v %+v", err, uploads)
	}
	imur := oss.InitiateMultipartUploadResult{Bucket: tb.name, Key: key, UploadID: uploads.Uploads[0].UploadID}
	parts, err := tb.bucket.ListUploadedParts(imur)
	if err != nil {
		t.Fatalf("ListUploadedParts: %v", err)
	}
	if len(parts.UploadedParts) != 1 || parts.UploadedParts[0].PartNumber != 1 {
		t.Fatalf("after the failure, uploaded parts %+v; want part 1 only", parts.UploadedParts)
	}

	// The checkpoint records the parts the SDK saw succeed. Usually part 1; but this SDK's UploadFile selects
	// between a buffered result and the failure at random, so part 1's success is sometimes not recorded, and then
	// the SDK itself re-sends it. What the server must make possible: nothing recorded is sent again.
	recorded := completedInCheckpoint(t, checkpoint)
	for number, etag := range recorded {
		if number != 1 || etag != parts.UploadedParts[0].ETag {
			t.Fatalf("checkpoint records part %d %s; the server has part 1 %s", number, etag, parts.UploadedParts[0].ETag)
		}
	}

	if err := tb.bucket.UploadFile(key, file, partSize, oss.Checkpoint(true, checkpoint), oss.Routines(1)); err != nil {
		t.Fatalf("second UploadFile: %v", err)
	}
	// Resumed: the 3 parts less those recorded; sending part 1 again despite its record would make one more.
	if f := faultByID(t, id); f.Hits != 1 || f.Matched != 2+3-len(recorded) {
		t.Fatalf("after the resumed call: hits %d, matched %d; want 1 and %d", f.Hits, f.Matched, 2+3-len(recorded))
	}
	t.Logf("resumed with %d part(s) recorded in the checkpoint", len(recorded))
	body, err := tb.bucket.GetObject(key)
	if err != nil {
		t.Fatalf("GetObject: %v", err)
	}
	got, err := io.ReadAll(body)
	body.Close()
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	if !bytes.Equal(got, data) {
		t.Fatalf("stored object (%d bytes) differs from the file (%d bytes)", len(got), len(data))
	}
}
