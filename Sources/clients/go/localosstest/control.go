package localosstest

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// ControlError is a control-plane request refused with a 4xx/5xx status: the server's JSON
// {"error": ..., "detail": ...}, or for a reply that is not JSON the HTTP status text and the body.
type ControlError struct {
	Method, Path string
	Status       int
	Err          string // the "error" field
	Detail       string
}

func (e *ControlError) Error() string {
	return fmt.Sprintf("%s /_localoss/%s: %d %s: %s", e.Method, e.Path, e.Status, e.Err, e.Detail)
}

// NoSuchEndpoint reports whether the server does not have the endpoint (an older build, or a capability not
// added yet).
func (e *ControlError) NoSuchEndpoint() bool { return e.Status == 404 && e.Err == "no such endpoint" }

// IsNoSuchEndpoint reports whether err is a ControlError for an endpoint the server does not have.
func IsNoSuchEndpoint(err error) bool {
	var ce *ControlError
	return errors.As(err, &ce) && ce.NoSuchEndpoint()
}

type controlClient struct {
	base  string
	token string
	http  *http.Client
}

func newControlClient(endpoint, token, tlsCert string) *controlClient {
	// No proxy: a test's HTTP_PROXY must not capture requests to a loopback server.
	transport := &http.Transport{Proxy: nil}
	if tlsCert != "" {
		// With --tls-cert the control plane is HTTPS too; trust that certificate (a test's self-signed one).
		if pem, err := os.ReadFile(tlsCert); err == nil {
			pool := x509.NewCertPool()
			pool.AppendCertsFromPEM(pem)
			transport.TLSClientConfig = &tls.Config{RootCAs: pool}
		}
	}
	return &controlClient{
		base:  strings.TrimRight(endpoint, "/") + "/_localoss/",
		token: token,
		http:  &http.Client{Transport: transport, Timeout: 30 * time.Second},
	}
}

// do sends one request and decodes a JSON reply into out (when not nil); a status of 400 or more is a
// *ControlError.
func (c *controlClient) do(method, path string, query url.Values, body, out interface{}) error {
	status, data, err := c.raw(method, path, query, body)
	if err != nil {
		return err
	}
	if status >= 400 {
		return controlError(method, path, status, data)
	}
	if out == nil || len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	if text, ok := out.(*string); ok {
		*text = string(data)
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("%s /_localoss/%s: reply is not the JSON expected: %v", method, path, err)
	}
	return nil
}

func (c *controlClient) raw(method, path string, query url.Values, body interface{}) (int, []byte, error) {
	target := c.base + strings.TrimLeft(path, "/")
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	var reader io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		reader = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, target, reader)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp.StatusCode, data, err
}

func controlError(method, path string, status int, data []byte) *ControlError {
	var reply struct {
		Error  *string `json:"error"`
		Detail string  `json:"detail"`
	}
	if json.Unmarshal(data, &reply) == nil && reply.Error != nil {
		return &ControlError{Method: method, Path: path, Status: status, Err: *reply.Error, Detail: reply.Detail}
	}
	return &ControlError{Method: method, Path: path, Status: status, Err: http.StatusText(status), Detail: string(data)}
}

// Control sends a request to an endpoint this package does not wrap: path is below /_localoss/, body (when
// not nil) is sent as JSON, and a JSON reply is decoded into out (a *string takes the raw text).
func (s *Server) Control(method, path string, query url.Values, body, out interface{}) error {
	return s.control.do(method, path, query, body, out)
}

// HasEndpoint reports whether the server serves /_localoss/path with any method. It probes with GET, which
// changes nothing: the server answers 405 for a path served with other methods only, and 404 "no such
// endpoint" for a path it does not serve.
func (s *Server) HasEndpoint(path string) (bool, error) {
	status, data, err := s.control.raw("GET", path, nil, nil)
	if err != nil {
		return false, err
	}
	return !(status == 404 && controlError("GET", path, status, data).NoSuchEndpoint()), nil
}

// Health is the reply of GET /_localoss/health.
type Health struct {
	Status        string  `json:"status"`
	Version       string  `json:"version"`
	DataDir       string  `json:"dataDir"`
	UptimeSeconds float64 `json:"uptimeSeconds"`
}

// Health asks GET /_localoss/health.
func (s *Server) Health() (Health, error) {
	var h Health
	err := s.control.do("GET", "health", nil, nil, &h)
	return h, err
}

// Metrics returns the Prometheus text of GET /_localoss/metrics.
func (s *Server) Metrics() (string, error) {
	var text string
	err := s.control.do("GET", "metrics", nil, nil, &text)
	return text, err
}

// ---------------------------------------------------------------- faults

// Match selects the requests a fault rule applies to; empty fields match anything.
type Match struct {
	Operation  string `json:"operation,omitempty"` // e.g. PutObject, UploadPart
	Method     string `json:"method,omitempty"`
	Bucket     string `json:"bucket,omitempty"`
	Key        string `json:"key,omitempty"`
	KeyPrefix  string `json:"keyPrefix,omitempty"`
	UploadID   string `json:"uploadId,omitempty"`
	PartNumber int    `json:"partNumber,omitempty"`
}

// Action is what a fault rule does: "type" (error, delay, throttle, resetAfterBodyBytes,
// dropResponseAfterCommit, truncateBody, corruptBody, wrongChecksum, stall) and that type's parameters.
type Action map[string]interface{}

// ErrorAction answers an OSS error reply with this status and code.
func ErrorAction(status int, code string) Action {
	return Action{"type": "error", "status": status, "code": code}
}

// Fault is a rule to add: match, action and budget. Zero budget fields are not sent (the server's defaults).
type Fault struct {
	Match       Match   `json:"match"`
	Action      Action  `json:"action"`
	Times       int     `json:"times,omitempty"`       // fire on this many matches at most
	After       int     `json:"after,omitempty"`       // let this many matches through first
	Probability float64 `json:"probability,omitempty"` // fire on a match with this probability
	Seed        int64   `json:"seed,omitempty"`        // seed of the probability's random sequence
}

// FaultInfo is a rule as GET /_localoss/faults lists it.
type FaultInfo struct {
	ID   string
	Hits int
	// Fields is the whole entry as the server sent it (match, action, budget, ...).
	Fields map[string]interface{}
}

// Faults is the client for /_localoss/faults.
type Faults struct{ c *controlClient }

// Faults returns the fault-rule client.
func (s *Server) Faults() *Faults { return &Faults{s.control} }

// Add adds a rule and returns its id.
func (f *Faults) Add(fault Fault) (string, error) {
	var reply map[string]interface{}
	if fault.Action == nil {
		fault.Action = Action{}
	}
	if err := f.c.do("POST", "faults", nil, fault, &reply); err != nil {
		return "", err
	}
	id := text(reply["id"])
	if id == "" {
		return "", fmt.Errorf("POST /_localoss/faults: no id in the reply %v", reply)
	}
	return id, nil
}

// Remove removes one rule.
func (f *Faults) Remove(id string) error {
	return f.c.do("DELETE", "faults/"+url.PathEscape(id), nil, nil, nil)
}

// Clear removes every rule.
func (f *Faults) Clear() error { return f.c.do("DELETE", "faults", nil, nil, nil) }

// List returns every rule with its hit count.
func (f *Faults) List() ([]FaultInfo, error) {
	var reply struct {
		Faults []map[string]interface{} `json:"faults"`
	}
	if err := f.c.do("GET", "faults", nil, nil, &reply); err != nil {
		return nil, err
	}
	list := make([]FaultInfo, 0, len(reply.Faults))
	for _, entry := range reply.Faults {
		list = append(list, FaultInfo{ID: text(entry["id"]), Hits: int(number(entry["hits"])), Fields: entry})
	}
	return list, nil
}

// Hits returns the hit count of the rule id, and whether the rule is listed.
func (f *Faults) Hits(id string) (int, bool, error) {
	list, err := f.List()
	if err != nil {
		return 0, false, err
	}
	for _, info := range list {
		if info.ID == id {
			return info.Hits, true, nil
		}
	}
	return 0, false, nil
}

// ---------------------------------------------------------------- journal

// Filter selects journal entries; empty fields select everything.
type Filter struct {
	Operation string
	Bucket    string
	Key       string
	KeyPrefix string
	Status    int
	Since     string // a sequence number, or an ISO 8601 time of the server clock
	Limit     int
}

func (f Filter) query() url.Values {
	q := url.Values{}
	set := func(name, value string) {
		if value != "" {
			q.Set(name, value)
		}
	}
	set("operation", f.Operation)
	set("bucket", f.Bucket)
	set("key", f.Key)
	set("keyPrefix", f.KeyPrefix)
	if f.Status != 0 {
		q.Set("status", strconv.Itoa(f.Status))
	}
	set("since", f.Since)
	if f.Limit != 0 {
		q.Set("limit", strconv.Itoa(f.Limit))
	}
	return q
}

// Request is one journal entry. Fields holds the whole entry, including headers, query and fault, whose shape
// the typed fields do not pin down.
type Request struct {
	Seq          int64
	Time         string
	RequestID    string
	Method       string
	Path         string
	Query        string // as sent, secrets masked
	Operation    string
	Bucket       string
	Key          string
	Status       int
	ErrorCode    string
	BodyBytes    int64
	BodyMD5      string
	DurationMs   float64
	Fault        string            // the fault rule applied, e.g. "f3 error"; empty if none
	Headers      map[string]string // as sent, secrets masked
	StringToSign string            // for signature failures
	Fields       map[string]interface{}
}

// Requests returns the journal entries that match the filter.
func (s *Server) Requests(f Filter) ([]Request, error) {
	var reply struct {
		Requests []map[string]interface{} `json:"requests"`
	}
	if err := s.control.do("GET", "requests", f.query(), nil, &reply); err != nil {
		return nil, err
	}
	list := make([]Request, 0, len(reply.Requests))
	for _, e := range reply.Requests {
		list = append(list, Request{
			Seq: int64(number(e["seq"])), Time: text(e["time"]), RequestID: text(e["requestId"]),
			Method: text(e["method"]), Path: text(e["path"]), Query: text(e["query"]), Operation: text(e["operation"]),
			Bucket: text(e["bucket"]), Key: text(e["key"]), Status: int(number(e["status"])),
			ErrorCode: text(e["errorCode"]), BodyBytes: int64(number(e["bodyBytes"])), BodyMD5: text(e["bodyMD5"]),
			DurationMs: number(e["durationMs"]), Fault: text(e["fault"]), Headers: headers(e["headers"]),
			StringToSign: text(e["stringToSign"]), Fields: e,
		})
	}
	return list, nil
}

// CountRequests returns how many journal entries match the filter.
func (s *Server) CountRequests(f Filter) (int, error) {
	var reply struct {
		Count int `json:"count"`
	}
	err := s.control.do("GET", "requests/count", f.query(), nil, &reply)
	return reply.Count, err
}

// ClearRequests empties the journal.
func (s *Server) ClearRequests() error { return s.control.do("DELETE", "requests", nil, nil, nil) }

// ---------------------------------------------------------------- state

// Reset deletes every bucket and object.
func (s *Server) Reset() error { return s.control.do("POST", "reset", nil, nil, nil) }

// ResetBucket resets one bucket only.
func (s *Server) ResetBucket(bucket string) error {
	return s.control.do("POST", "reset", url.Values{"bucket": {bucket}}, nil, nil)
}

// Snapshot saves the state (buckets, objects, uploads) under name.
func (s *Server) Snapshot(name string) error {
	return s.control.do("POST", "snapshots/"+url.PathEscape(name), nil, nil, nil)
}

// Restore brings back the state saved as name.
func (s *Server) Restore(name string) error {
	return s.control.do("POST", "snapshots/"+url.PathEscape(name)+"/restore", nil, nil, nil)
}

// DeleteSnapshot deletes the snapshot name.
func (s *Server) DeleteSnapshot(name string) error {
	return s.control.do("DELETE", "snapshots/"+url.PathEscape(name), nil, nil, nil)
}

// Snapshots returns the names of the saved snapshots.
func (s *Server) Snapshots() ([]string, error) {
	var reply struct {
		Snapshots []interface{} `json:"snapshots"`
	}
	if err := s.control.do("GET", "snapshots", nil, nil, &reply); err != nil {
		return nil, err
	}
	names := make([]string, 0, len(reply.Snapshots))
	for _, entry := range reply.Snapshots {
		// listed as names or as objects with a name
		if object, ok := entry.(map[string]interface{}); ok {
			entry = object["name"]
		}
		names = append(names, text(entry))
	}
	return names, nil
}

// ---------------------------------------------------------------- clock

// ClockState is the reply of GET /_localoss/clock.
type ClockState struct {
	Now           time.Time `json:"now"`
	OffsetSeconds float64   `json:"offsetSeconds"`
	Frozen        bool      `json:"frozen"`
}

// Clock is the client for the server clock, which drives Date, skew checks, presigned URL expiry and more.
type Clock struct{ c *controlClient }

// Clock returns the clock client.
func (s *Server) Clock() *Clock { return &Clock{s.control} }

// State returns the clock's time, offset and whether it is frozen.
func (c *Clock) State() (ClockState, error) {
	var state ClockState
	err := c.c.do("GET", "clock", nil, nil, &state)
	return state, err
}

// Now returns the server's current time.
func (c *Clock) Now() (time.Time, error) {
	state, err := c.State()
	return state.Now, err
}

// Advance moves the clock forward (backward when negative) by d.
func (c *Clock) Advance(d time.Duration) error {
	return c.post(map[string]interface{}{"advanceSeconds": d.Seconds()})
}

// Offset sets the clock to real time plus d (0: back to real time).
func (c *Clock) Offset(d time.Duration) error {
	return c.post(map[string]interface{}{"offsetSeconds": d.Seconds()})
}

// Set sets the clock to t (to the millisecond, the clock's precision).
func (c *Clock) Set(t time.Time) error {
	return c.post(map[string]interface{}{"set": t.UTC().Format("2006-01-02T15:04:05.000Z")})
}

// Freeze stops the clock where it is.
func (c *Clock) Freeze() error { return c.post(map[string]interface{}{"freeze": true}) }

// Unfreeze lets the clock run again.
func (c *Clock) Unfreeze() error { return c.post(map[string]interface{}{"freeze": false}) }

func (c *Clock) post(body map[string]interface{}) error {
	return c.c.do("POST", "clock", nil, body, nil)
}

// ---------------------------------------------------------------- JSON values of unpinned type

// text renders a JSON string or number as a string ("" for null or absent).
func text(v interface{}) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	default:
		return fmt.Sprint(v)
	}
}

// headers reads a JSON object of header values.
func headers(v interface{}) map[string]string {
	object, _ := v.(map[string]interface{})
	h := make(map[string]string, len(object))
	for name, value := range object {
		h[name] = text(value)
	}
	return h
}

// number reads a JSON number, or a string holding one (0 otherwise).
func number(v interface{}) float64 {
	switch v := v.(type) {
	case float64:
		return v
	case string:
		f, _ := strconv.ParseFloat(v, 64)
		return f
	}
	return 0
}
