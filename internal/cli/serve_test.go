package cli

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/apache/iceberg-go/catalog"
	"github.com/apache/iceberg-go/catalog/catalogtest"
	"github.com/apache/iceberg-go/catalog/rest"
)

// startServe runs floe serve as a real process on a free loopback port and
// returns its URL; the process is stopped with SIGTERM at cleanup, and
// must exit cleanly.
func startServe(t *testing.T, wh string, args ...string) (string, *exec.Cmd) {
	t.Helper()
	cmd := floeCmd(t, append([]string{"serve", "--warehouse", wh, "--addr", "127.0.0.1:0"}, args...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	addr := regexp.MustCompile(`at (https?://127\.0\.0\.1:\d+) `)
	select {
	case line := <-lines:
		m := addr.FindStringSubmatch(line)
		if m == nil {
			cmd.Process.Kill()
			t.Fatalf("floe serve said %q, want its address", line)
		}
		// Without a token file it says on start that it takes requests
		// without a token, on loopback only.
		if !strings.Contains(strings.Join(args, " "), "--token-file") && !strings.Contains(line, "no token file: loopback only, requests need no token") {
			t.Errorf("floe serve without --token-file started saying %q, want it to say requests need no token, on loopback only", line)
		}
		t.Cleanup(func() {
			if cmd.ProcessState != nil {
				return
			}
			cmd.Process.Signal(syscall.SIGTERM)
			var rest []string
			for l := range lines {
				rest = append(rest, l)
			}
			if err := cmd.Wait(); err != nil {
				t.Errorf("floe serve exited with %v after SIGTERM: %s", err, strings.Join(rest, "\n"))
			}
			if !strings.Contains(strings.Join(rest, "\n"), "shutting down") {
				t.Errorf("floe serve did not say it was shutting down: %q", rest)
			}
		})
		return m[1], cmd
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatal("floe serve did not start within a minute")
	}
	return "", nil
}

// floeWith runs floe in a new process with extra environment.
func floeWith(t *testing.T, env []string, args ...string) (string, string, error) {
	t.Helper()
	cmd := floeCmd(t, args...)
	cmd.Env = append(cmd.Env, env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	return out.String(), errb.String(), err
}

// TestServeProcess runs iceberg-go's catalog conformance suite against a
// real floe serve process, then has a second floe process use it as its
// catalog with --catalog rest:URL, and reads the result in the served
// warehouse directly.
func TestServeProcess(t *testing.T) {
	wh := t.TempDir()
	url, _ := startServe(t, wh, "--prefix", "lake")
	ctx := context.Background()
	catalogtest.RunCatalogTests(t, catalogtest.Config{
		SupportsNamespaceProperties: true,
		NewCatalog: func(t *testing.T) catalog.Catalog {
			cat, err := rest.NewCatalog(ctx, "floe", url)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { cat.Close() })
			return cat
		},
	})

	home := []string{"FLOE_HOME=" + t.TempDir()}
	script := `CREATE SCHEMA lake.web;
CREATE TABLE lake.web.hits (page VARCHAR, n INTEGER);
INSERT INTO lake.web.hits VALUES ('a', 1), ('b', 2), ('c', 3);
DELETE FROM lake.web.hits WHERE page = 'b';
SELECT page, n FROM lake.web.hits ORDER BY page`
	out, errs, err := floeWith(t, home, "sql", "--catalog", "rest:"+url, "--format", "csv", script)
	if err != nil {
		t.Fatalf("floe sql over REST: %v: %s", err, errs)
	}
	if want := "page,n\na,1\nc,3\n"; out != want {
		t.Errorf("floe sql over REST printed %q, want %q", out, want)
	}
	// FLOE_CATALOG works as the flag does, and the served warehouse holds
	// the table.
	out, errs, err = floeWith(t, append(home, "FLOE_CATALOG=rest:"+url), "sql", "--format", "csv", "SELECT sum(n) AS s FROM lake.web.hits")
	if err != nil || out != "s\n4\n" {
		t.Errorf("FLOE_CATALOG: %q, %v: %s", out, err, errs)
	}
	out, errs, err = floeWith(t, home, "sql", "--warehouse", wh, "--format", "csv", "SELECT count(*) AS c FROM lake.web.hits")
	if err != nil || out != "c\n2\n" {
		t.Errorf("the served warehouse read directly: %q, %v: %s", out, err, errs)
	}
}

// TestServeTokens runs floe serve with a token file: floe as a client with
// a read token can read but not write (403), with a write token or OAuth2
// client credentials it can write, and with no token it is refused (401).
func TestServeTokens(t *testing.T) {
	wh := t.TempDir()
	tokens := filepath.Join(t.TempDir(), "tokens")
	os.WriteFile(tokens, []byte("# who may do what\nreader-tok read\nwriter-tok write\n"), 0o600)
	url, _ := startServe(t, wh, "--token-file", tokens)
	home := "FLOE_HOME=" + t.TempDir()
	tests := []struct {
		name, env, sql string
		ok             bool
		stderr         string
	}{
		{"no token", "", "SELECT 1", false, "needs a bearer token"},
		{"write token", "FLOE_CATALOG_TOKEN=writer-tok", "CREATE SCHEMA lake.s", true, ""},
		{"read token reads", "FLOE_CATALOG_TOKEN=reader-tok", "SELECT count(*) FROM (SELECT 1)", true, ""},
		{"read token writes", "FLOE_CATALOG_TOKEN=reader-tok", "CREATE SCHEMA lake.t", false, "read-only"},
		{"client credentials", "FLOE_CATALOG_CREDENTIAL=etl:writer-tok", "CREATE SCHEMA lake.u", true, ""},
		{"wrong credentials", "FLOE_CATALOG_CREDENTIAL=etl:nope", "SELECT 1", false, "REST catalog"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := []string{home}
			if tc.env != "" {
				env = append(env, tc.env)
			}
			_, errs, err := floeWith(t, env, "sql", "--catalog", "rest:"+url, tc.sql)
			if (err == nil) != tc.ok {
				t.Fatalf("err %v, want ok=%v: %s", err, tc.ok, errs)
			}
			if !strings.Contains(errs, tc.stderr) {
				t.Errorf("stderr %q does not contain %q", errs, tc.stderr)
			}
		})
	}
}

// TestServeBadInput checks floe serve's and --catalog's refusals.
func TestServeBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(body), 0o600)
		return p
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"non-loopback without tokens", []string{"serve", "--addr", "0.0.0.0:0"}, "not a loopback address"},
		{"all interfaces without tokens", []string{"serve", "--addr", ":8181"}, "not a loopback address"},
		{"tls cert without key", []string{"serve", "--tls-cert", "c.pem"}, "go together"},
		{"missing token file", []string{"serve", "--token-file", filepath.Join(dir, "none")}, "no such file"},
		{"bad token line", []string{"serve", "--token-file", write("t1", "tok read\nonly-one-field\n")}, "t1:2: want \"TOKEN read|write\""},
		{"bad access", []string{"serve", "--token-file", write("t2", "tok admin\n")}, "t2:1: access must be read or write, not \"admin\""},
		{"duplicate token", []string{"serve", "--token-file", write("t3", "tok read\ntok write\n")}, "t3:2: the token is listed twice"},
		{"empty token file", []string{"serve", "--token-file", write("t4", "# nothing\n")}, "lists no tokens"},
		{"serve a remote catalog", []string{"serve", "--catalog", "rest:http://127.0.0.1:1"}, "cannot serve a remote catalog"},
		{"unknown catalog kind", []string{"sql", "--catalog", "hive:thrift://x", "SELECT 1"}, "want rest:http(s)://host"},
		{"catalog URL without host", []string{"sql", "--catalog", "rest:/just/a/path", "SELECT 1"}, "is not an http(s)://host"},
		{"catalog and warehouse", []string{"sql", "--catalog", "rest:http://127.0.0.1:1", "--warehouse", dir, "SELECT 1"}, "give one"},
		{"unreachable catalog", []string{"--warehouse=", "sql", "--catalog", "rest:http://127.0.0.1:1", "SELECT 1"}, "connect to the REST catalog at http://127.0.0.1:1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"--warehouse", filepath.Join(dir, "wh")}, tc.args...)
			if strings.Contains(strings.Join(tc.args, " "), "--warehouse") {
				args = tc.args
			}
			// A process, so a server that starts instead of refusing is
			// killed at the deadline rather than hanging the test.
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := floeCmd(t, args...)
			cmd = exec.CommandContext(ctx, cmd.Path, cmd.Args[1:]...)
			cmd.Env = append(os.Environ(), "FLOE_TEST_AS_CLI=1")
			var errb bytes.Buffer
			cmd.Stderr = &errb
			if err := cmd.Run(); err == nil || ctx.Err() != nil {
				t.Fatalf("floe %s: %v (deadline: %v), want a refusal; stderr %q", strings.Join(args, " "), err, ctx.Err(), errb.String())
			}
			if !strings.Contains(errb.String(), tc.want) {
				t.Errorf("stderr %q does not contain %q", errb.String(), tc.want)
			}
		})
	}
}

// TestServeTLS serves HTTPS with --tls-cert/--tls-key: iceberg-go's client
// trusting the certificate connects, a plain-HTTP request is refused.
func TestServeTLS(t *testing.T) {
	dir := t.TempDir()
	certPEM, keyPEM, pool := selfSigned(t)
	cert, key := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(cert, certPEM, 0o600)
	os.WriteFile(key, keyPEM, 0o600)
	url, _ := startServe(t, t.TempDir(), "--tls-cert", cert, "--tls-key", key)
	if !strings.HasPrefix(url, "https://") {
		t.Fatalf("floe serve with TLS announced %s", url)
	}
	ctx := context.Background()
	cat, err := rest.NewCatalog(ctx, "floe", url, rest.WithTLSConfig(&tls.Config{RootCAs: pool}))
	if err != nil {
		t.Fatalf("connect over TLS: %v", err)
	}
	defer cat.Close()
	if err := cat.CreateNamespace(ctx, []string{"secure"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := rest.NewCatalog(ctx, "floe", "http://"+strings.TrimPrefix(url, "https://")); err == nil {
		t.Error("a plain-HTTP client connected to the TLS server")
	}
}

// selfSigned makes a certificate for 127.0.0.1 and a pool that trusts it.
func selfSigned(t *testing.T) (certPEM, keyPEM []byte, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "floe test"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(c)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), pool
}
