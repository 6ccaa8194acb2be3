package cli

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/floehq/floe/internal/s3test"
)

// TestOpenS3Serve runs `floe open` in a real terminal (tmux) on a
// notebook whose front matter names an s3:// warehouse (versitygw on
// loopback) and asks for serve: true. The workbench opens the S3
// warehouse and names it, runs a cell that creates and reads a table
// there, and lists the new schema in its catalog; while it runs the
// notebook's REST catalog answers on loopback with the table at its s3://
// location, and once the workbench quits it is closed.
func TestOpenS3Serve(t *testing.T) {
	term := newTerminal(t, "s3open")
	srv := s3test.Start(t)
	dir, self, stderr := term.Dir, term.Self, term.Stderr
	wh := "s3://" + srv.Bucket + "/bench"
	nb := filepath.Join(dir, "s3.md")
	if err := os.WriteFile(nb, []byte("---\nwarehouse: "+wh+"\nserve: true\n---\n\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := "env FLOE_TEST_AS_CLI=1 FLOE_HOME='" + filepath.Join(dir, "home") + "' TERM=xterm-256color"
	for k, v := range srv.Env() {
		env += " " + k + "='" + v + "'"
	}
	term.start(120, 32, env+" '"+self+"' open '"+nb+"' 2>'"+stderr+"'")
	term.waitFor("the first frame", contains("kernel idle"))
	if s := term.screen(); !strings.Contains(s, wh) {
		t.Errorf("the workbench does not name the warehouse %s:\n%s", wh, s)
	}
	announced, _ := os.ReadFile(stderr)
	m := regexp.MustCompile(`as an Iceberg REST catalog at (http://127\.0\.0\.1:\d+) while`).FindSubmatch(announced)
	if m == nil {
		t.Fatalf("stderr does not announce the catalog:\n%s", announced)
	}
	url := string(m[1])

	// The catalog lists the bucket's (empty) warehouse; the cursor is on
	// the front matter's cell, not editing: b adds a cell below to type in.
	term.waitFor("the catalog", contains("no namespaces yet"))
	term.keys("b")
	term.keys("-l", "CREATE SCHEMA lake.wb; CREATE TABLE lake.wb.t AS SELECT range AS i FROM range(41); SELECT count(*) + 1 AS n FROM lake.wb.t")
	term.waitFor("the typed cell", contains("AS n FROM"))
	term.keys("C-j")
	term.waitFor("the result", contains("1 row × 1 column"))
	if s := term.screen(); !strings.Contains(s, "42") {
		t.Errorf("the cell's result lacks 42:\n%s", s)
	}
	term.waitFor("the new schema in the catalog", contains("▸ wb"))

	status, body := get(t, url+"/v1/namespaces/wb/tables/t")
	if status != http.StatusOK || !strings.Contains(body, `"metadata-location":"`+wh+"/wb.db/t/metadata/") {
		t.Errorf("the served catalog while the workbench runs: %d %s", status, body)
	}
	if _, err := os.Stat(filepath.Join(srv.Dir, srv.Bucket, "bench", "wb.db", "t", "metadata")); err != nil {
		t.Errorf("the table is not in the bucket: %v", err)
	}

	// Quit, saving: the notebook keeps its front matter and gains the cell.
	term.keys("C-q")
	term.waitFor("the unsaved-changes question", contains("save and quit"))
	term.keys("y")
	deadline := time.Now().Add(15 * time.Second)
	for {
		if _, err := term.run("has-session", "-t", "s3open"); err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the workbench did not quit; screen:\n%s", term.screen())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if saved, err := os.ReadFile(nb); err != nil || !strings.HasPrefix(string(saved), "---\nwarehouse: "+wh+"\nserve: true\n---\n") || !strings.Contains(string(saved), "lake.wb.t") {
		t.Errorf("the saved notebook: %v\n%s", err, saved)
	}
	if resp, err := http.Get(url + "/v1/config"); err == nil {
		resp.Body.Close()
		t.Errorf("the catalog still answers after the workbench quit: %s", resp.Status)
	}
}

// get fetches url and returns its status and body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// TestSynthS3: floe synth and CALL synthesize release synthetic tables
// into a warehouse in an S3 bucket (versitygw on loopback), recorded in
// the ledger there; a second process reads them.
func TestSynthS3(t *testing.T) {
	srv := s3test.Start(t)
	for k, v := range srv.Env() {
		t.Setenv(k, v)
	}
	t.Setenv("FLOE_HOME", t.TempDir())
	wh := "s3://" + srv.Bucket + "/synth"
	if out, err := runFloe(t, wh, `CREATE SCHEMA lake.p;
CREATE TABLE lake.p.src AS SELECT i % 7 AS a, (i * 13) % 5 AS b, CAST(i % 3 = 0 AS BOOLEAN) AS y, (i * 37) % 101 AS x
FROM range(2000) r(i)`); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, tc := range []struct {
		name string
		run  func() (string, error)
		to   string
	}{
		{"floe synth", func() (string, error) {
			cmd := floeCmd(t, "synth", "--warehouse", wh, "--from", "lake.p.src", "--target", "y", "--epsilon", "1",
				"--to", "lake.p.cli", "--seed", "1")
			out, err := cmd.CombinedOutput()
			return string(out), err
		}, "lake.p.cli"},
		{"CALL synthesize", func() (string, error) {
			return runFloe(t, wh, `CALL synthesize('p.src', epsilon => 1, target => 'y', into => 'p.proc', seed => 2)`)
		}, "lake.p.proc"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if out, err := tc.run(); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			out, err := runFloe(t, wh, fmt.Sprintf(`SELECT count(*) = 2000 AS same_rows, count(DISTINCT a) > 1 AS varied FROM %s`, tc.to))
			if err != nil || !strings.Contains(out, "true") || strings.Contains(out, "false") {
				t.Errorf("the synthetic table %s in the bucket: %v\n%s", tc.to, err, out)
			}
		})
	}
	out, err := runFloe(t, wh, `SELECT count(*) FROM lake.floe_privacy.ledger`)
	if err != nil || !strings.Contains(out, "2") {
		t.Errorf("the ledger in the bucket: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(srv.Dir, srv.Bucket, "synth", "p.db", "cli", "metadata")); err != nil {
		t.Errorf("the synthetic table is not in the bucket: %v", err)
	}
}
