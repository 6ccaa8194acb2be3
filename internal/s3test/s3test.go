// Package s3test runs a real S3-compatible server for tests: versitygw
// (github.com/versity/versitygw, Apache-2.0) with its posix backend over a
// temporary directory, on a free loopback port, with fixed keys. The binary
// is built once per machine from the Go module proxy and cached under the
// user cache directory, keyed by version, behind a file lock so parallel
// test packages build it once (.ci/run builds it before the tests).
package s3test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Version is the versitygw release the tests run.
const Version = "v1.8.0"

// The fixed keys of every test server.
const (
	AccessKey = "floetestaccess"
	SecretKey = "floetestsecret0123456789"
	Region    = "us-east-1"
)

var (
	buildOnce sync.Once
	buildPath string
	buildErr  error
)

// Binary returns the path of the versitygw binary: $FLOE_VERSITYGW when
// set, else the cached build, building it first when missing.
func Binary() (string, error) {
	buildOnce.Do(func() { buildPath, buildErr = build() })
	return buildPath, buildErr
}

func build() (string, error) {
	if p := os.Getenv("FLOE_VERSITYGW"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("FLOE_VERSITYGW: %w", err)
		}
		return p, nil
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("versitygw: no user cache directory: %w", err)
	}
	dir := filepath.Join(cache, "floe", "versitygw-"+Version+"-"+runtime.GOOS+"-"+runtime.GOARCH)
	bin := filepath.Join(dir, "versitygw")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("versitygw: %w", err)
	}
	// One builder at a time across processes; the others wait and find
	// the binary.
	lock, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return "", fmt.Errorf("versitygw: %w", err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return "", fmt.Errorf("versitygw: lock %s: %w", lock.Name(), err)
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	gobin, err := os.MkdirTemp(dir, "build-")
	if err != nil {
		return "", fmt.Errorf("versitygw: %w", err)
	}
	defer os.RemoveAll(gobin)
	cmd := exec.Command("go", "install", "github.com/versity/versitygw/cmd/versitygw@"+Version)
	// Outside any module, so the project's go.mod is not involved.
	cmd.Dir = gobin
	cmd.Env = append(os.Environ(), "GOBIN="+gobin, "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("versitygw: go install github.com/versity/versitygw/cmd/versitygw@%s: %w\n%s", Version, err, out)
	}
	if err := os.Rename(filepath.Join(gobin, "versitygw"), bin); err != nil {
		return "", fmt.Errorf("versitygw: %w", err)
	}
	return bin, nil
}

// Server is a running versitygw.
type Server struct {
	// Endpoint is the server's URL, http://127.0.0.1:PORT.
	Endpoint string
	// Bucket is a bucket made at start.
	Bucket string
	// Dir is the directory the posix backend serves; each bucket is a
	// directory in it.
	Dir string

	root  string // the temporary directory of the data and the log
	owned bool   // root is the server's to remove (StartShared)
	cmd   *exec.Cmd
	done  chan struct{}
	once  sync.Once
}

// Start builds (once) and starts versitygw over a temporary directory,
// waits until it answers, makes a bucket, and stops it when the test ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	bin, err := Binary()
	if err != nil {
		tb.Fatal(err)
	}
	s, err := start(bin, tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Stop)
	return s
}

// StartShared starts a server outside any one test, for a package's tests
// to share (from TestMain or a sync.Once); Close stops it and removes its
// directory.
func StartShared() (*Server, error) {
	bin, err := Binary()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "floe-s3test-")
	if err != nil {
		return nil, err
	}
	s, err := start(bin, dir)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s.owned = true
	return s, nil
}

// Close stops the server and removes its directory when it is the
// server's own (StartShared).
func (s *Server) Close() {
	s.Stop()
	if s.owned {
		os.RemoveAll(s.root)
	}
}

// Restart starts a new server over a stopped one's directory (its buckets
// and objects), on a new port, as a server that comes back after a crash.
func Restart(tb testing.TB, old *Server) *Server {
	tb.Helper()
	old.Stop()
	bin, err := Binary()
	if err != nil {
		tb.Fatal(err)
	}
	s, err := startOver(bin, old.root, old.Bucket)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Stop)
	return s
}

// FreePort returns a loopback TCP port nothing listens on (at the time).
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func start(bin, dir string) (*Server, error) {
	return startOver(bin, dir, "")
}

// Serve starts versitygw over dir, a directory it keeps: its buckets and
// objects are there for the next start (in dir/data). It listens on addr,
// or on a free loopback port when addr is "", and makes each of buckets
// that is not there yet. Stop stops it. It is for a local S3 server
// outside tests (go run ./internal/s3test/vgw), with the fixed keys.
func Serve(dir, addr string, buckets ...string) (*Server, error) {
	bin, err := Binary()
	if err != nil {
		return nil, err
	}
	if len(buckets) == 0 {
		return nil, errors.New("versitygw: name at least one bucket")
	}
	s, err := startAt(bin, dir, addr, buckets[0])
	if err != nil {
		return nil, err
	}
	for _, b := range buckets {
		if err := s.EnsureBucket(b); err != nil {
			s.Stop()
			return nil, err
		}
	}
	return s, nil
}

// EnsureBucket creates a bucket unless the server has it already.
func (s *Server) EnsureBucket(name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := s.Client().HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(name)}); err == nil {
		return nil
	}
	return s.MakeBucket(name)
}

// startOver starts versitygw over dir/data on a free port; with bucket ""
// it makes the bucket floe-test, else the bucket is there already.
func startOver(bin, dir, bucket string) (*Server, error) {
	return startAt(bin, dir, "", bucket)
}

// startAt is startOver listening on addr ("" for a free loopback port).
func startAt(bin, dir, fixed, bucket string) (*Server, error) {
	data := filepath.Join(dir, "data")
	if err := os.MkdirAll(data, 0o755); err != nil {
		return nil, err
	}
	var lastErr error
	for range 5 { // another process may take the port between probe and bind
		addr := fixed
		if addr == "" {
			port, err := FreePort()
			if err != nil {
				return nil, fmt.Errorf("versitygw: free port: %w", err)
			}
			addr = "127.0.0.1:" + strconv.Itoa(port)
		}
		logf, err := os.OpenFile(filepath.Join(dir, "versitygw.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return nil, err
		}
		cmd := exec.Command(bin, "--access", AccessKey, "--secret", SecretKey, "--region", Region,
			"--port", addr, "--quiet", "posix", data)
		cmd.Stdout, cmd.Stderr = logf, logf
		// The server dies with the test process, even one killed before
		// its cleanup ran (a timeout, a kill -9).
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		if err := cmd.Start(); err != nil {
			logf.Close()
			return nil, fmt.Errorf("versitygw: start %s: %w", bin, err)
		}
		s := &Server{Endpoint: "http://" + addr, Dir: data, root: dir, cmd: cmd, done: make(chan struct{})}
		go func() { cmd.Wait(); logf.Close(); close(s.done) }()
		if lastErr = s.wait(10 * time.Second); lastErr != nil {
			s.Stop()
			log, _ := os.ReadFile(logf.Name())
			lastErr = fmt.Errorf("%w\n%s", lastErr, log)
			if fixed != "" {
				break // the port was chosen; another will not do
			}
			continue
		}
		if bucket != "" {
			s.Bucket = bucket
			return s, nil
		}
		s.Bucket = "floe-test"
		if err := s.MakeBucket(s.Bucket); err != nil {
			s.Stop()
			return nil, err
		}
		return s, nil
	}
	return nil, lastErr
}

// wait polls until the server answers HTTP.
func (s *Server) wait(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			return fmt.Errorf("versitygw at %s exited at start", s.Endpoint)
		default:
		}
		resp, err := http.Get(s.Endpoint + "/")
		if err == nil {
			resp.Body.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("versitygw at %s did not answer within %v", s.Endpoint, limit)
}

// Client returns an S3 client of the server with its keys.
func (s *Server) Client() *s3.Client {
	return s3.New(s3.Options{
		Region:       Region,
		BaseEndpoint: aws.String(s.Endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(AccessKey, SecretKey, ""),
	})
}

// MakeBucket creates a bucket.
func (s *Server) MakeBucket(name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := s.Client().CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		return fmt.Errorf("versitygw at %s: create bucket %s: %w", s.Endpoint, name, err)
	}
	return nil
}

// Env returns the environment variables that point the standard AWS
// configuration at the server: keys, region and AWS_ENDPOINT_URL.
func (s *Server) Env() map[string]string {
	return map[string]string{
		"AWS_ACCESS_KEY_ID":     AccessKey,
		"AWS_SECRET_ACCESS_KEY": SecretKey,
		"AWS_REGION":            Region,
		"AWS_ENDPOINT_URL":      s.Endpoint,
	}
}

// Done is closed when the server has exited.
func (s *Server) Done() <-chan struct{} { return s.done }

// Log returns the path of the server's log file.
func (s *Server) Log() string { return filepath.Join(s.root, "versitygw.log") }

// Stop kills the server (SIGKILL: as a crashed server would go) and waits
// for it. Stopping twice is fine.
func (s *Server) Stop() {
	s.once.Do(func() {
		if err := s.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
			return
		}
		<-s.done
	})
}
