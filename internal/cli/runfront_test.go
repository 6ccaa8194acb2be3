package cli_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/floehq/floe/internal/s3test"
)

// frontNotebook writes a table named by the notebook into its warehouse.
const frontNotebook = "---\n%s---\n\n# Front matter\n\n" +
	"```sql\nCREATE SCHEMA IF NOT EXISTS lake.fm;\nCREATE OR REPLACE TABLE lake.fm.t AS SELECT range AS i FROM range(3)\n```\n"

// holds reports whether the warehouse wh has lake.fm.t.
func holds(t *testing.T, wh string) bool {
	t.Helper()
	code, out, errb := floe(t, "sql", "--warehouse", wh, "--format", "csv",
		"SELECT count(*) AS n FROM information_schema.tables WHERE table_catalog = 'lake' AND table_schema = 'fm'")
	if code != 0 {
		t.Fatalf("floe sql --warehouse %s: %s", wh, errb)
	}
	return strings.TrimSpace(out) == "n\n1"
}

// TestRunFrontMatterWarehouse: which warehouse a notebook runs on. The
// command line wins over the front matter, which wins over FLOE_WAREHOUSE.
func TestRunFrontMatterWarehouse(t *testing.T) {
	tests := []struct {
		name    string
		front   string // front matter lines
		flag    bool   // --warehouse on the command line
		env     bool   // FLOE_WAREHOUSE set
		want    string // "nb" (the notebook's, relative to its directory), "flag" or "env"
		warning bool   // the command line overrode the front matter
	}{
		{"front matter", "warehouse: nbwh\n", false, false, "nb", false},
		{"front matter over FLOE_WAREHOUSE", "warehouse: nbwh\n", false, true, "nb", false},
		{"flag over front matter", "warehouse: nbwh\n", true, true, "flag", true},
		{"no warehouse key", "title: x\n", false, true, "env", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			whs := map[string]string{"nb": filepath.Join(dir, "nbwh"), "flag": filepath.Join(dir, "flagwh"), "env": filepath.Join(dir, "envwh")}
			t.Setenv("FLOE_HOME", filepath.Join(dir, "home"))
			t.Setenv("FLOE_WAREHOUSE", "")
			if tt.env {
				t.Setenv("FLOE_WAREHOUSE", whs["env"])
			}
			nb := writeNotebook(t, dir, "nb.md", strings.Replace(frontNotebook, "%s", tt.front, 1))
			args := []string{"run", nb}
			if tt.flag {
				args = append(args, "--warehouse", whs["flag"])
			}
			code, out, errb := floe(t, args...)
			if code != 0 {
				t.Fatalf("exit %d\n%s\n%s", code, out, errb)
			}
			for name, wh := range whs {
				if _, err := os.Stat(wh); err != nil && name != tt.want {
					continue // never opened
				}
				if got := holds(t, wh); got != (name == tt.want) {
					t.Errorf("the %s warehouse holds the table: %v, want %v", name, got, name == tt.want)
				}
			}
			if got := strings.Contains(errb, "the command line's --warehouse/--catalog wins"); got != tt.warning {
				t.Errorf("warning %v, want %v:\n%s", got, tt.warning, errb)
			}
		})
	}
}

// TestRunFrontMatterErrors: bad front matter stops the run before any cell
// runs; an S3 warehouse that cannot be reached fails its notebook with
// what to set and how to start a local server, and the others still run.
func TestRunFrontMatterErrors(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("FLOE_HOME", filepath.Join(dir, "home"))
	t.Setenv("FLOE_WAREHOUSE", filepath.Join(dir, "wh"))
	port, err := s3test.FreePort() // nothing listens there
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:"+strconv.Itoa(port))
	t.Setenv("AWS_ACCESS_KEY_ID", s3test.AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", s3test.SecretKey)
	t.Setenv("AWS_REGION", s3test.Region)
	t.Setenv("AWS_MAX_ATTEMPTS", "1")
	plain := writeNotebook(t, dir, "plain.md", "```sql\nSELECT 1\n```\n")
	tests := []struct {
		name, front string
		summary     string   // the last line of stdout, "" when the run stops before
		want        []string // parts of stderr
	}{
		{"unclosed", "---\nwarehouse: x\n\n```sql\nSELECT 1\n```\n", "",
			[]string{"bad.md:1: front matter opened with \"---\" is never closed"}},
		{"wrong type", "---\nserve: sometimes\n---\n", "",
			[]string{"bad.md:1: front matter: line 2: cannot unmarshal !!str `sometimes` into bool"}},
		{"unreachable S3", "---\nwarehouse: s3://nobucket/wh\n---\n", "1 passed, 0 failed",
			[]string{"bad.md: its front matter names the warehouse s3://nobucket/wh, which could not be opened",
				"endpoint unreachable", "AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_REGION",
				"go run ./internal/s3test/vgw -dir /tmp/floe-s3 -bucket nobucket"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := writeNotebook(t, dir, "bad.md", tt.front+"\n```sql\nSELECT 2\n```\n")
			code, out, errb := floe(t, "run", bad, plain)
			if code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
			if tt.summary == "" && strings.Contains(errb, "running ") {
				t.Errorf("a notebook ran despite the bad front matter:\n%s", errb)
			}
			if tt.summary != "" && lastLine(out) != tt.summary {
				t.Errorf("summary %q, want %q", lastLine(out), tt.summary)
			}
			for _, w := range tt.want {
				if !strings.Contains(errb, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errb)
				}
			}
		})
	}
}

// TestRunServe: serve: true serves the notebook's warehouse over the
// Iceberg REST catalog protocol while it runs; its cells reach it at
// floe_catalog_url and load the table they made, and the server is gone
// afterwards.
func TestRunServe(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("FLOE_HOME", filepath.Join(dir, "home"))
	t.Setenv("FLOE_WAREHOUSE", filepath.Join(dir, "wh"))
	nb := writeNotebook(t, dir, "serve.md", "---\nserve: true\n---\n\n"+
		"```sql\nCREATE SCHEMA lake.sv;\nCREATE TABLE lake.sv.t AS SELECT range AS i FROM range(5)\n```\n\n"+
		"```sql assert\nSELECT getvariable('floe_catalog_url') LIKE 'http://127.0.0.1:%' AS loopback\n```\n\n"+
		"```go\nimport \"net/http\"\n\n"+
		"url := floe.Param(\"floe_catalog_url\").(string)\n"+
		"resp, err := http.Get(url + \"/v1/namespaces/sv/tables/t\")\n"+
		"if err != nil {\n\tpanic(err)\n}\n"+
		"body, _ := io.ReadAll(resp.Body)\nresp.Body.Close()\n"+
		"if resp.StatusCode != 200 || !strings.Contains(string(body), `\"metadata-location\"`) {\n\tpanic(resp.Status + \" \" + string(body))\n}\n"+
		"os.WriteFile("+strconv.Quote(filepath.Join(dir, "url"))+", []byte(url), 0o644)\n```\n\n"+
		"```sql\nDROP TABLE lake.sv.t PURGE;\nDROP SCHEMA lake.sv\n```\n")
	code, out, errb := floe(t, "run", nb)
	if code != 0 || lastLine(out) != "4 passed, 0 failed" {
		t.Fatalf("exit %d\n%s\n%s", code, out, errb)
	}
	url, err := os.ReadFile(filepath.Join(dir, "url"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errb, "as an Iceberg REST catalog at "+string(url)+" while "+nb+" runs") {
		t.Errorf("stderr does not announce the catalog at %s:\n%s", url, errb)
	}
	if resp, err := httpGet(string(url) + "/v1/config"); err == nil {
		t.Errorf("the catalog still answers after the run: %s", resp)
	}
}

// httpGet gets url and returns its status.
func httpGet(url string) (string, error) {
	resp, err := http.Get(url)
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	return resp.Status, nil
}
