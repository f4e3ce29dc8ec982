package localosstest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Defaults of `localoss serve`.
const (
	DefaultAccessKeyID     = "LocalOSSTestKey"
	DefaultAccessKeySecret = "LocalOSSTestSecret"
	DefaultRegion          = "cn-hangzhou"
)

var banner = regexp.MustCompile(`^LocalOSS listening on (https?://\S+)`)

// Server settings read from the environment that the helper must know to report credentials and reach the
// control plane; the process is started without them, so that its flags (or defaults) are the whole truth.
var overriddenEnv = []string{
	"LOCALOSS_HOST", "LOCALOSS_PORT", "LOCALOSS_DATA_DIR", "LOCALOSS_ACCESS_KEY_ID", "LOCALOSS_ACCESS_KEY_SECRET",
	"LOCALOSS_REGION", "LOCALOSS_ADMIN_TOKEN", "LOCALOSS_TLS_CERT", "LOCALOSS_TLS_KEY",
}

// Server is a running localoss process and a client for its control plane.
type Server struct {
	// Endpoint is the base URL, e.g. http://127.0.0.1:40123, to give the OSS SDK.
	Endpoint        string
	AccessKeyID     string
	AccessKeySecret string
	Region          string
	// DataDir is the server's data directory (a temporary one unless WithDataDir was given).
	DataDir string
	// AdminToken is sent as Authorization: Bearer on control-plane requests when not empty.
	AdminToken string

	cmd         *exec.Cmd
	exited      chan struct{}
	work        string
	stderrPath  string
	stopTimeout time.Duration
	control     *controlClient
}

type config struct {
	binary      string
	args        []string
	adminToken  string
	dataDir     string
	startWait   time.Duration
	stopTimeout time.Duration
}

// Option changes how Start runs the server.
type Option func(*config)

// WithArgs appends arguments to `localoss serve --host 127.0.0.1 --port 0 --data-dir DIR`; a later
// --access-key-id, --access-key-secret, --region or --admin-token is reflected in the Server's fields.
func WithArgs(args ...string) Option { return func(c *config) { c.args = append(c.args, args...) } }

// WithBinary sets the localoss binary (default: $LOCALOSS_BIN, else localoss on PATH).
func WithBinary(path string) Option { return func(c *config) { c.binary = path } }

// WithAdminToken starts the server with --admin-token and sends the token on every control-plane request.
func WithAdminToken(token string) Option {
	return func(c *config) { c.adminToken = token }
}

// WithDataDir serves an existing data directory, which is kept after the test.
func WithDataDir(dir string) Option { return func(c *config) { c.dataDir = dir } }

// WithStopTimeout sets how long a SIGTERM may take before the process is killed (default 10 s).
func WithStopTimeout(d time.Duration) Option { return func(c *config) { c.stopTimeout = d } }

// Start starts a LocalOSS server on a free loopback port with a temporary data directory, waits until it
// listens, and registers its stop with t.Cleanup. A server that cannot start fails the test with its stderr.
// When the test fails, the end of the server's log (its stderr) is logged at cleanup.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := New(opts...)
	if err != nil {
		t.Fatalf("localosstest: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			if log := s.Stderr(); strings.TrimSpace(log) != "" {
				t.Logf("localoss stderr (end):\n%s", tail(log, 50))
			}
		}
		s.Close()
	})
	return s
}

// New starts a server as Start does, for code without a testing.TB (a TestMain sharing one server between the
// tests of a package); Close stops it. A failed start is a *StartError when the server wrote to its stderr.
func New(opts ...Option) (*Server, error) {
	cfg := config{startWait: 30 * time.Second, stopTimeout: 10 * time.Second}
	for _, opt := range opts {
		opt(&cfg)
	}
	args := append([]string(nil), cfg.args...)
	if cfg.adminToken != "" {
		args = append(args, "--admin-token", cfg.adminToken)
	}
	binary, err := findBinary(cfg.binary)
	if err != nil {
		return nil, err
	}
	// The work directory holds the data directory (unless given) and the server's stdout and stderr, which go to
	// files rather than pipes so that nothing has to drain them while the test runs.
	work, err := os.MkdirTemp("", "localoss-")
	if err != nil {
		return nil, err
	}
	s := &Server{
		AccessKeyID:     flagValue(args, "--access-key-id", DefaultAccessKeyID),
		AccessKeySecret: flagValue(args, "--access-key-secret", DefaultAccessKeySecret),
		Region:          flagValue(args, "--region", DefaultRegion),
		AdminToken:      flagValue(args, "--admin-token", ""),
		DataDir:         cfg.dataDir,
		exited:          make(chan struct{}),
		work:            work,
		stderrPath:      filepath.Join(work, "stderr"),
		stopTimeout:     cfg.stopTimeout,
	}
	if err := s.launch(binary, args, cfg.startWait); err != nil {
		s.Close()
		return nil, err
	}
	s.control = newControlClient(s.Endpoint, s.AdminToken, flagValue(args, "--tls-cert", ""))
	return s, nil
}

func (s *Server) launch(binary string, args []string, wait time.Duration) error {
	if s.DataDir == "" {
		s.DataDir = filepath.Join(s.work, "data")
		if err := os.Mkdir(s.DataDir, 0o755); err != nil {
			return err
		}
	}
	stdout, err := os.Create(filepath.Join(s.work, "stdout"))
	if err != nil {
		return err
	}
	defer stdout.Close()
	stderr, err := os.Create(s.stderrPath)
	if err != nil {
		return err
	}
	defer stderr.Close()
	command := append([]string{"serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", s.DataDir}, args...)
	s.cmd = exec.Command(binary, command...)
	s.cmd.Env = environment()
	s.cmd.Stdout, s.cmd.Stderr = stdout, stderr
	if err := s.cmd.Start(); err != nil {
		s.cmd = nil
		return fmt.Errorf("cannot run %s: %v", binary, err)
	}
	go func() { _ = s.cmd.Wait(); close(s.exited) }()
	endpoint, err := s.waitForBanner(stdout.Name(), wait)
	if err != nil {
		return withStderr(err, s.Stderr())
	}
	s.Endpoint = endpoint
	return nil
}

func (s *Server) waitForBanner(stdoutPath string, wait time.Duration) (string, error) {
	deadline := time.Now().Add(wait)
	for {
		if line, ok := firstLine(stdoutPath); ok {
			m := banner.FindStringSubmatch(line)
			if m == nil {
				return "", fmt.Errorf("unexpected first line from localoss: %q", line)
			}
			return strings.TrimRight(m[1], "/"), nil
		}
		select {
		case <-s.exited:
			return "", fmt.Errorf("localoss exited (%v) before listening", s.cmd.ProcessState)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("localoss printed no banner within %v", wait)
		}
	}
}

// stop sends SIGTERM and waits; a process still running after the timeout is killed.
func (s *Server) stop() {
	if s.cmd == nil {
		return
	}
	select {
	case <-s.exited:
		return
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(s.stopTimeout):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
}

// Stop stops the server now (SIGTERM, then SIGKILL after the stop timeout) and keeps its files, for a test
// that restarts on the same data directory; the cleanup (or Close) removes them.
func (s *Server) Stop() { s.stop() }

// Close stops the server and removes its temporary directory (a data directory given with WithDataDir is
// kept). Start's cleanup calls it; calling it again does nothing.
func (s *Server) Close() {
	s.stop()
	if s.work != "" {
		_ = os.RemoveAll(s.work)
		s.work = ""
	}
}

// ExitCode is the process's exit status once it has exited, else -1.
func (s *Server) ExitCode() int {
	select {
	case <-s.exited:
		return s.cmd.ProcessState.ExitCode()
	default:
		return -1
	}
}

// Stderr is what the server has written to its standard error (its log) so far.
func (s *Server) Stderr() string {
	data, _ := os.ReadFile(s.stderrPath)
	return string(data)
}

func findBinary(given string) (string, error) {
	path := given
	if path == "" {
		path = os.Getenv("LOCALOSS_BIN")
	}
	if path == "" {
		found, err := exec.LookPath("localoss")
		if err != nil {
			return "", errors.New("localoss binary not found: use WithBinary, set LOCALOSS_BIN, or put localoss on PATH")
		}
		path = found
	}
	info, err := os.Stat(path)
	if err != nil || info.IsDir() || info.Mode()&0o111 == 0 {
		return "", fmt.Errorf("localoss binary is not an executable file: %s", path)
	}
	return filepath.Abs(path)
}

// flagValue is the last value given to name in args (`--name V` or `--name=V`), else def.
func flagValue(args []string, name, def string) string {
	value := def
	for i, arg := range args {
		if arg == name && i+1 < len(args) {
			value = args[i+1]
		} else if strings.HasPrefix(arg, name+"=") {
			value = arg[len(name)+1:]
		}
	}
	return value
}

func environment() []string {
	var env []string
next:
	for _, kv := range os.Environ() {
		for _, name := range overriddenEnv {
			if strings.HasPrefix(kv, name+"=") {
				continue next
			}
		}
		env = append(env, kv)
	}
	return env
}

func firstLine(path string) (string, bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", false
	}
	line, err := bufio.NewReader(bytes.NewReader(data)).ReadString('\n')
	return strings.TrimRight(line, "\r\n"), err == nil
}

func withStderr(err error, stderr string) error {
	if strings.TrimSpace(stderr) == "" {
		return err
	}
	return &StartError{Err: err, Stderr: stderr}
}

// StartError is a failed start with what the server wrote to its standard error.
type StartError struct {
	Err    error
	Stderr string
}

func (e *StartError) Error() string {
	return fmt.Sprintf("%v\n--- localoss stderr ---\n%s", e.Err, strings.TrimRight(e.Stderr, "\n"))
}

func (e *StartError) Unwrap() error { return e.Err }

func tail(text string, lines int) string {
	parts := strings.Split(strings.TrimRight(text, "\n"), "\n")
	if len(parts) > lines {
		parts = parts[len(parts)-lines:]
	}
	return strings.Join(parts, "\n")
}
