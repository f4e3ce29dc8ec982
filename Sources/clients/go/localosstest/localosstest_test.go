package localosstest

import (
	"errors"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

// ---------------------------------------------------------------- helpers

var (
	endpointsMu sync.Mutex
	endpoints   = map[string]bool{}
)

// requireEndpoint skips the test when the server answers 404 "no such endpoint" for /_localoss/path (probed
// once per path). The control plane grows one capability at a time; these tests run as soon as theirs exists.
func requireEndpoint(t *testing.T, s *Server, path string) {
	t.Helper()
	endpointsMu.Lock()
	defer endpointsMu.Unlock()
	has, probed := endpoints[path]
	if !probed {
		var err error
		if has, err = s.HasEndpoint(path); err != nil {
			t.Fatalf("probing /_localoss/%s: %v", path, err)
		}
		endpoints[path] = has
	}
	if !has {
		t.Skipf("this localoss has no /_localoss/%s yet", path)
	}
}

// newBucket creates a bucket with a unique name through the Go SDK.
func newBucket(t *testing.T, s *Server) *oss.Bucket {
	t.Helper()
	client, err := oss.New(s.Endpoint, s.AccessKeyID, s.AccessKeySecret)
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("t-%016x", rand.Uint64())
	if err := client.CreateBucket(name); err != nil {
		t.Fatalf("CreateBucket: %v", err)
	}
	bucket, err := client.Bucket(name)
	if err != nil {
		t.Fatal(err)
	}
	return bucket
}

func put(t *testing.T, b *oss.Bucket, key, value string) {
	t.Helper()
	if err := b.PutObject(key, strings.NewReader(value)); err != nil {
		t.Fatalf("PutObject %s: %v", key, err)
	}
}

func get(t *testing.T, b *oss.Bucket, key string) string {
	t.Helper()
	body, err := b.GetObject(key)
	if err != nil {
		t.Fatalf("GetObject %s: %v", key, err)
	}
	defer body.Close()
	data, err := io.ReadAll(body)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func status(err error) int {
	var se oss.ServiceError
	if errors.As(err, &se) {
		return se.StatusCode
	}
	return 0
}

// ---------------------------------------------------------------- what every build has

func TestEndpointServesGoSDK(t *testing.T) {
	s := Start(t)
	if !strings.HasPrefix(s.Endpoint, "http://127.0.0.1:") {
		t.Errorf("Endpoint = %q", s.Endpoint)
	}
	if s.AccessKeyID != DefaultAccessKeyID || s.AccessKeySecret != DefaultAccessKeySecret || s.Region != DefaultRegion {
		t.Errorf("credentials %q %q %q", s.AccessKeyID, s.AccessKeySecret, s.Region)
	}
	b := newBucket(t, s)
	put(t, b, "greeting.txt", "hello")
	if got := get(t, b, "greeting.txt"); got != "hello" {
		t.Errorf("GetObject = %q", got)
	}
}

func TestHealth(t *testing.T) {
	s := Start(t)
	h, err := s.Health()
	if err != nil {
		t.Fatal(err)
	}
	if h.Status != "ok" || h.DataDir != s.DataDir || h.Version == "" || h.UptimeSeconds < 0 {
		t.Errorf("Health = %+v (data dir %s)", h, s.DataDir)
	}
}

func TestCleanupStopsServerAndRemovesDataDir(t *testing.T) {
	var s *Server
	t.Run("inner", func(t *testing.T) {
		s = Start(t)
		if _, err := os.Stat(s.DataDir); err != nil {
			t.Fatal(err)
		}
	})
	if _, err := os.Stat(s.DataDir); !os.IsNotExist(err) {
		t.Errorf("data dir %s still there: %v", s.DataDir, err)
	}
	// SIGTERM is a clean stop: exit status 0.
	if code := s.ExitCode(); code != 0 {
		t.Errorf("exit code %d", code)
	}
}

func TestNewAndClose(t *testing.T) {
	s, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if h, err := s.Health(); err != nil || h.Status != "ok" {
		t.Fatalf("Health = %+v, %v", h, err)
	}
	s.Close()
	s.Close() // a second Close does nothing
	if _, err := os.Stat(s.DataDir); !os.IsNotExist(err) {
		t.Errorf("data dir %s still there: %v", s.DataDir, err)
	}
	if code := s.ExitCode(); code != 0 {
		t.Errorf("exit code %d", code)
	}
}

func TestGivenDataDirIsKept(t *testing.T) {
	dir := t.TempDir()
	s := Start(t, WithDataDir(dir))
	b := newBucket(t, s)
	put(t, b, "k", "kept")
	s.Stop()
	s2 := Start(t, WithDataDir(dir))
	client, _ := oss.New(s2.Endpoint, s2.AccessKeyID, s2.AccessKeySecret)
	b2, _ := client.Bucket(b.BucketName)
	if got := get(t, b2, "k"); got != "kept" {
		t.Errorf("after restart: %q", got)
	}
}

func TestStartFailureCarriesStderr(t *testing.T) {
	_, err := New(WithArgs("--body-timeout", "0"))
	var se *StartError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v, want a *StartError", err)
	}
	if !strings.Contains(se.Stderr, "--body-timeout must be a positive number") ||
		!strings.Contains(err.Error(), "--body-timeout must be a positive number") {
		t.Errorf("error does not show the server's stderr: %v", err)
	}
}

// fatalRecorder is a testing.TB whose Fatalf records the message and ends the goroutine, as Fatalf does.
type fatalRecorder struct {
	testing.TB
	message string
}

func (r *fatalRecorder) Helper() {}
func (r *fatalRecorder) Fatalf(format string, args ...interface{}) {
	r.message = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func TestStartFailsTheTestWithStderr(t *testing.T) {
	r := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		Start(r, WithArgs("--workers", "0"))
	}()
	<-done
	if !strings.Contains(r.message, "--workers must be 1 or more") {
		t.Errorf("Fatalf message: %q", r.message)
	}
}

func TestBinaryNotFound(t *testing.T) {
	if _, err := New(WithBinary(t.TempDir() + "/no-such-localoss")); err == nil ||
		!strings.Contains(err.Error(), "not an executable") {
		t.Errorf("err = %v", err)
	}
	t.Setenv("LOCALOSS_BIN", "/nonexistent/elsewhere")
	if _, err := New(); err == nil || !strings.Contains(err.Error(), "elsewhere") {
		t.Errorf("LOCALOSS_BIN not used: %v", err)
	}
}

func TestAdminToken(t *testing.T) {
	s := Start(t, WithAdminToken("s3cret-token"))
	if s.AdminToken != "s3cret-token" {
		t.Errorf("AdminToken = %q", s.AdminToken)
	}
	if _, err := s.Health(); err != nil {
		t.Fatalf("Health with the token: %v", err)
	}
	resp, err := http.Get(s.Endpoint + "/_localoss/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("without the token: %d, want 401", resp.StatusCode)
	}
	wrong := *s
	wrong.control = newControlClient(s.Endpoint, "wrong", "")
	var ce *ControlError
	if _, err := wrong.Health(); !errors.As(err, &ce) || ce.Status != 401 || ce.Err != "admin token required" {
		t.Errorf("wrong token: %v", err)
	}
}

func TestArgsSetReportedCredentials(t *testing.T) {
	t.Setenv("LOCALOSS_ACCESS_KEY_SECRET", "from-the-environment") // must not leak into the server
	s := Start(t, WithArgs("--access-key-id", "AKID", "--access-key-secret=SECRET", "--region", "cn-beijing"))
	if s.AccessKeyID != "AKID" || s.AccessKeySecret != "SECRET" || s.Region != "cn-beijing" {
		t.Errorf("credentials %q %q %q", s.AccessKeyID, s.AccessKeySecret, s.Region)
	}
	put(t, newBucket(t, s), "k", "v")
}

func TestControlErrors(t *testing.T) {
	s := Start(t)
	err := s.Control("GET", "no-such-thing", nil, nil, nil)
	var ce *ControlError
	if !errors.As(err, &ce) || ce.Status != 404 || !ce.NoSuchEndpoint() || !IsNoSuchEndpoint(err) ||
		!strings.Contains(ce.Detail, "/_localoss/no-such-thing") {
		t.Errorf("err = %#v", err)
	}
	if has, err := s.HasEndpoint("no-such-thing"); has || err != nil {
		t.Errorf("HasEndpoint(no-such-thing) = %v, %v", has, err)
	}
	if has, err := s.HasEndpoint("health"); !has || err != nil {
		t.Errorf("HasEndpoint(health) = %v, %v", has, err)
	}
}

// ---------------------------------------------------------------- capabilities added one by one

func TestMetrics(t *testing.T) {
	s := Start(t)
	requireEndpoint(t, s, "metrics")
	newBucket(t, s)
	text, err := s.Metrics()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "# TYPE ") {
		t.Errorf("not Prometheus text:\n%s", text)
	}
}

func TestErrorFaultThenSuccessfulRetry(t *testing.T) {
	s := Start(t)
	requireEndpoint(t, s, "faults")
	b := newBucket(t, s)
	id, err := s.Faults().Add(Fault{
		Match:  Match{Operation: "PutObject", Bucket: b.BucketName},
		Action: ErrorAction(503, "ServiceUnavailable"),
		Times:  1,
	})
	if err != nil || id == "" {
		t.Fatalf("Add = %q, %v", id, err)
	}
	if err := b.PutObject("k", strings.NewReader("first try")); status(err) != 503 {
		t.Fatalf("first PutObject: %v, want a 503", err)
	}
	put(t, b, "k", "retry")
	if got := get(t, b, "k"); got != "retry" {
		t.Errorf("GetObject = %q", got)
	}
	if hits, listed, err := s.Faults().Hits(id); err != nil || (listed && hits != 1) {
		t.Errorf("Hits = %d (listed %v), %v", hits, listed, err)
	}
	if err := s.Faults().Remove(id); err != nil {
		t.Fatal(err)
	}
	if list, err := s.Faults().List(); err != nil || len(list) != 0 {
		t.Errorf("List after Remove = %v, %v", list, err)
	}
}

func TestFaultsClear(t *testing.T) {
	s := Start(t)
	requireEndpoint(t, s, "faults")
	for _, prefix := range []string{"a/", "b/"} {
		if _, err := s.Faults().Add(Fault{Match: Match{KeyPrefix: prefix}, Action: ErrorAction(500, "InternalError")}); err != nil {
			t.Fatal(err)
		}
	}
	if list, err := s.Faults().List(); err != nil || len(list) != 2 {
		t.Fatalf("List = %v, %v", list, err)
	}
	if err := s.Faults().Clear(); err != nil {
		t.Fatal(err)
	}
	if list, err := s.Faults().List(); err != nil || len(list) != 0 {
		t.Errorf("List after Clear = %v, %v", list, err)
	}
}

func TestJournalCountsThreePuts(t *testing.T) {
	s := Start(t)
	requireEndpoint(t, s, "requests/count")
	b := newBucket(t, s)
	if err := s.ClearRequests(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		put(t, b, fmt.Sprintf("k%d", i), "x")
	}
	get(t, b, "k0")
	if n, err := s.CountRequests(Filter{Operation: "PutObject", Bucket: b.BucketName}); err != nil || n != 3 {
		t.Errorf("CountRequests = %d, %v; want 3", n, err)
	}
}

func TestJournalListsRequests(t *testing.T) {
	s := Start(t)
	requireEndpoint(t, s, "requests")
	b := newBucket(t, s)
	if err := s.ClearRequests(); err != nil {
		t.Fatal(err)
	}
	put(t, b, "a/1", "abc")
	list, err := s.Requests(Filter{Operation: "PutObject", KeyPrefix: "a/"})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Bucket != b.BucketName || list[0].Key != "a/1" || list[0].Status != 200 {
		t.Errorf("Requests = %+v", list)
	}
}

func TestResetEmptiesBuckets(t *testing.T) {
	s := Start(t)
	requireEndpoint(t, s, "reset")
	kept, emptied := newBucket(t, s), newBucket(t, s)
	put(t, kept, "k", "v")
	put(t, emptied, "k", "v")
	if err := s.ResetBucket(emptied.BucketName); err != nil {
		t.Fatal(err)
	}
	if got := get(t, kept, "k"); got != "v" {
		t.Errorf("other bucket after ResetBucket: %q", got)
	}
	if _, err := emptied.GetObject("k"); status(err) != 404 {
		t.Errorf("GetObject after ResetBucket: %v, want a 404", err)
	}
	if err := s.Reset(); err != nil {
		t.Fatal(err)
	}
	if _, err := kept.GetObject("k"); status(err) != 404 {
		t.Errorf("GetObject after Reset: %v, want a 404", err)
	}
}

func TestSnapshotAndRestore(t *testing.T) {
	s := Start(t)
	requireEndpoint(t, s, "snapshots")
	b := newBucket(t, s)
	put(t, b, "k", "before")
	if err := s.Snapshot("s1"); err != nil {
		t.Fatal(err)
	}
	put(t, b, "k", "after")
	if err := s.Restore("s1"); err != nil {
		t.Fatal(err)
	}
	if got := get(t, b, "k"); got != "before" {
		t.Errorf("after Restore: %q", got)
	}
	names, err := s.Snapshots()
	if err != nil || !contains(names, "s1") {
		t.Errorf("Snapshots = %v, %v", names, err)
	}
	if err := s.DeleteSnapshot("s1"); err != nil {
		t.Fatal(err)
	}
	if names, err := s.Snapshots(); err != nil || contains(names, "s1") {
		t.Errorf("Snapshots after delete = %v, %v", names, err)
	}
}

func TestClockAdvance(t *testing.T) {
	s := Start(t)
	requireEndpoint(t, s, "clock")
	before, err := s.Clock().Now()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Clock().Advance(time.Hour); err != nil {
		t.Fatal(err)
	}
	after, err := s.Clock().Now()
	if err != nil {
		t.Fatal(err)
	}
	if moved := after.Sub(before); moved < time.Hour || moved > time.Hour+30*time.Second {
		t.Errorf("now moved by %v, want 1h", moved)
	}
}

func TestClockFreezeAndSet(t *testing.T) {
	s := Start(t)
	requireEndpoint(t, s, "clock")
	when := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := s.Clock().Freeze(); err != nil {
		t.Fatal(err)
	}
	if err := s.Clock().Set(when); err != nil {
		t.Fatal(err)
	}
	state, err := s.Clock().State()
	if err != nil || !state.Frozen || !state.Now.Equal(when) {
		t.Errorf("State = %+v, %v; want frozen at %v", state, err, when)
	}
	if err := s.Clock().Unfreeze(); err != nil {
		t.Fatal(err)
	}
	if err := s.Clock().Offset(0); err != nil {
		t.Fatal(err)
	}
	if now, err := s.Clock().Now(); err != nil || now.Sub(time.Now()).Abs() > 30*time.Second {
		t.Errorf("after Offset(0): %v, %v", now, err)
	}
}

func contains(list []string, want string) bool {
	for _, s := range list {
		if s == want {
			return true
		}
	}
	return false
}
