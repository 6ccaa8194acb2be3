package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/floehq/floe/internal/s3test"
)

// mainOut runs floe in-process and returns its status and output.
func mainOut(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := Main(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// TestParseBytes: sizes with and without units, and what is refused.
func TestParseBytes(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		err  string
	}{
		{in: "1000", want: 1000},
		{in: "100GiB", want: 100 << 30},
		{in: "100 gib", want: 100 << 30},
		{in: "1.5GB", want: 1_500_000_000},
		{in: "64MiB", want: 64 << 20},
		{in: "2k", want: 2000},
		{in: "12XB", err: `unknown unit "XB"`},
		{in: "GiB", err: "not a size"},
		{in: "0", err: "not a positive size"},
		{in: "-5GiB", err: "not a positive size"},
		{in: "1.2.3MB", err: "not a size"},
		{in: "99999999TiB", err: "not a positive size"},
	} {
		got, err := parseBytes(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), tc.in) {
				t.Errorf("parseBytes(%q) = %d, %v; want an error naming it and %q", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("parseBytes(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
}

// TestCacheCommand: --s3-endpoint and --cache-size are in floe --help and
// checked; a warehouse on an S3 server named only by --s3-endpoint (no
// AWS_ENDPOINT_URL) works, its reads fill $FLOE_HOME/cache, which floe
// cache stats reports and floe cache clear empties, and the next query
// fetches again and reads the same.
func TestCacheCommand(t *testing.T) {
	srv := s3test.Start(t)
	for k, v := range srv.Env() {
		t.Setenv(k, v)
	}
	t.Setenv("AWS_ENDPOINT_URL", "")
	t.Setenv("FLOE_HOME", t.TempDir())
	wh := "s3://" + srv.Bucket + "/cli"
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr []string
	}{
		{name: "help", args: []string{"--help"}, stdout: []string{"--s3-endpoint", "--cache-size", "cache "}},
		{name: "bad size", args: []string{"--cache-size", "12XB", "cache", "stats"}, code: 1, stderr: []string{"--cache-size", `"12XB"`, "unknown unit"}},
		{name: "bad endpoint", args: []string{"--s3-endpoint", "127.0.0.1:9", "--warehouse", wh, "sql", "SELECT 1"}, code: 1, stderr: []string{"--s3-endpoint", "127.0.0.1:9", "http(s)://"}},
		{name: "empty cache", args: []string{"cache", "stats"}, stdout: []string{"files:    0", "bound:    8.0 GiB"}},
		{name: "write", args: []string{"--s3-endpoint", srv.Endpoint, "--warehouse", wh, "sql",
			"CREATE SCHEMA lake.c; CREATE TABLE lake.c.t AS SELECT i AS id FROM range(100) r(i)"}},
		{name: "read", args: []string{"--s3-endpoint", srv.Endpoint, "--cache-size", "64MiB", "--warehouse", wh, "sql", "SELECT sum(id) FROM lake.c.t"}, stdout: []string{"4950"}},
		{name: "filled cache", args: []string{"--cache-size", "64MiB", "cache", "stats"}, stdout: []string{"files:    1", "bound:    64.0 MiB"}},
		{name: "clear", args: []string{"cache", "clear"}, stdout: []string{"removed 1 files"}},
		{name: "cleared cache", args: []string{"cache", "stats"}, stdout: []string{"files:    0"}},
		{name: "read again", args: []string{"--s3-endpoint", srv.Endpoint, "--warehouse", wh, "sql", "SELECT sum(id) FROM lake.c.t"}, stdout: []string{"4950"}},
		{name: "refilled cache", args: []string{"cache", "stats"}, stdout: []string{"files:    1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := mainOut(tc.args...)
			if code != tc.code {
				t.Fatalf("floe %v: status %d, want %d\nstdout: %s\nstderr: %s", tc.args, code, tc.code, out, errs)
			}
			for _, w := range tc.stdout {
				if !strings.Contains(out, w) {
					t.Errorf("floe %v: stdout lacks %q:\n%s", tc.args, w, out)
				}
			}
			for _, w := range tc.stderr {
				if !strings.Contains(errs, w) {
					t.Errorf("floe %v: stderr lacks %q:\n%s", tc.args, w, errs)
				}
			}
		})
	}
}
