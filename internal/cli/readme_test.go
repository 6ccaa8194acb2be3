package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/floehq/floe/internal/s3test"
)

// sampleS3 starts a real S3 server (versitygw) with the bucket of the
// scale-out sample's warehouse (s3://floe-samples/scale-out) and points the
// standard AWS configuration at it for the test, as .ci/run does for its
// run of the samples.
func sampleS3(t *testing.T) {
	t.Helper()
	srv := s3test.Start(t)
	if err := srv.MakeBucket("floe-samples"); err != nil {
		t.Fatal(err)
	}
	for k, v := range srv.Env() {
		t.Setenv(k, v)
	}
}

// TestReadmeExamples runs, on a fresh FLOE_HOME, every sample notebook
// headless (as .ci/run does), then the README's command-line examples in
// the order the README gives them, and then all of it again on the same
// home: the samples must leave the warehouse as they found it, and the
// examples must not trip over what an earlier run left ("destination table
// exists"). Keep readmeExamples in step with README.md.
//
// Left out: `go run .`, `floe` and `floe open` (the workbench; the tmux
// test drives it), the SQL tour under "What works today" (it reads files
// the reader has, gdpr.csv and a staging table), and the FLOE_LLM examples
// (they need a model server).
func TestReadmeExamples(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every sample notebook twice")
	}
	samples, err := filepath.Glob("../../samples/notebooks/*.md")
	if err != nil || len(samples) == 0 {
		t.Fatalf("no sample notebooks in ../../samples/notebooks: %v", err)
	}
	// A copy of the samples in a work directory, so the examples' output
	// files (NAME.out.ipynb next to the notebook, report.json ...) land
	// there and the README's relative paths work as written.
	work := t.TempDir()
	if err := os.MkdirAll(filepath.Join(work, "samples", "notebooks"), 0o755); err != nil {
		t.Fatal(err)
	}
	var copies []string
	for _, s := range samples {
		data, err := os.ReadFile(s)
		if err != nil {
			t.Fatal(err)
		}
		rel := filepath.Join("samples", "notebooks", filepath.Base(s))
		if err := os.WriteFile(filepath.Join(work, rel), data, 0o644); err != nil {
			t.Fatal(err)
		}
		copies = append(copies, rel)
	}
	t.Chdir(work)
	sampleS3(t)
	t.Setenv("FLOE_HOME", filepath.Join(work, "home"))
	t.Setenv("FLOE_WAREHOUSE", "")
	t.Setenv("FLOE_LLM", "offline")

	// The README's examples in order; the shell's glob expanded.
	readmeExamples := [][]string{
		append(append([]string{"run"}, copies...), "--out", "out/", "--html", "--junit", "junit.xml", "-p", "region=EU"),
		{"run", "samples/notebooks/tour.md", "--cells", "contracts"},
		{"ask", "churn rate by contract"},
		{"synth", "--from", "lake.samples.customers", "--target", "churned", "--epsilon", "1", "--min-protection", "0.8",
			"--to", "lake.samples.customers_synth", "--replace", "--report", "report.json"},
		{"synth", "--ledger", "lake.samples.customers"},
		{"sql", `CALL synthesize('samples.customers', target => 'churned', epsilon => 1.0,
                min_protection => 0.8, into => 'samples.customers_synth', replace => true);`},
	}
	tables := func() string {
		code, out, errb := floe(t, "sql", "--format", "csv",
			"SELECT table_schema || '.' || table_name AS t FROM information_schema.tables WHERE table_catalog = 'lake' ORDER BY 1")
		if code != 0 {
			t.Fatalf("listing the lake: %s", errb)
		}
		return strings.Join(strings.Fields(out), " ")
	}
	for pass := 1; pass <= 2; pass++ {
		// As .ci/run does, with the benchmark notebook's large table made
		// small: the README's own run below keeps its default.
		args := append(append([]string{"run"}, copies...), "--out", filepath.Join(work, "ci"), "-p", "large_rows=20000")
		if code, out, errb := floe(t, args...); code != 0 {
			t.Fatalf("pass %d: the sample notebooks failed (exit %d):\n%s\n%s", pass, code, lastLine(out), errb)
		}
		// The samples keep to their own namespaces and drop them.
		want := "t samples.customers samples.daily_sales"
		if pass == 2 {
			// The README's synth examples of pass 1 are the user's own.
			want = "t floe_privacy.ledger samples.customers samples.customers_synth samples.daily_sales"
		}
		if got := tables(); got != want {
			t.Errorf("pass %d: after the samples the lake holds %s, want %s", pass, got, want)
		}
		for _, ex := range readmeExamples {
			if code, out, errb := floe(t, ex...); code != 0 {
				t.Fatalf("pass %d: floe %s: exit %d\n%s\n%s", pass, strings.Join(ex, " "), code, out, errb)
			}
		}
	}
}
