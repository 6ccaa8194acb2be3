package cli_test

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"slices"
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

// lakeTables lists the default warehouse's tables, "t" (the CSV header)
// then schema.table in order, on one line.
func lakeTables(t *testing.T) string {
	t.Helper()
	code, out, errb := floe(t, "sql", "--format", "csv",
		"SELECT table_schema || '.' || table_name AS t FROM information_schema.tables WHERE table_catalog = 'lake' ORDER BY 1")
	if code != 0 {
		t.Fatalf("listing the lake: %s", errb)
	}
	return strings.Join(strings.Fields(out), " ")
}

// TestSampleNotebooks runs every sample notebook headless, as CI does, and
// the README's command-line examples in the order the README gives them,
// on a fresh FLOE_HOME; then the samples and the examples again on the
// same home: the samples must leave the warehouse as they found it, and
// the examples must not trip over what an earlier run left ("destination
// table exists"). Each sample runs twice in all (once at the size CI
// gives, once with the benchmark notebook's large table small), once per
// pass; the first run is the README's own `floe run samples/notebooks/*.md
// --out out/ --html --junit junit.xml -p region=EU`. Keep readmeExamples
// in step with README.md.
//
// `go test -run TestSampleNotebooks/fresh` runs the samples once (a new
// notebook's check). Left out: `go run .`, `floe` and `floe open` (the
// workbench; the tmux test drives it), the SQL tour under "What works
// today" (it reads files the reader has, gdpr.csv and a staging table),
// and the FLOE_LLM examples (they need a model server).
func TestSampleNotebooks(t *testing.T) {
	samples, err := filepath.Glob("../../samples/notebooks/*.md")
	if err != nil || len(samples) < 2 {
		t.Fatalf("sample notebooks in ../../samples/notebooks: %v %v", samples, err)
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
	// The default warehouse, created with the sample data on first use;
	// scale-out.md's on S3.
	sampleS3(t)
	t.Setenv("FLOE_HOME", filepath.Join(work, "home"))
	t.Setenv("FLOE_WAREHOUSE", "")
	t.Setenv("FLOE_LLM", "offline")

	// The README's examples in order; the shell's glob expanded.
	readmeRun := append(append([]string{"run"}, copies...), "--out", "out/", "--html", "--junit", "junit.xml", "-p", "region=EU")
	readmeExamples := [][]string{
		{"run", "samples/notebooks/tour.md", "--cells", "contracts"},
		{"ask", "churn rate by contract"},
		{"synth", "--from", "lake.samples.customers", "--target", "churned", "--epsilon", "1", "--min-protection", "0.8",
			"--to", "lake.samples.customers_synth", "--replace", "--report", "report.json"},
		{"synth", "--ledger", "lake.samples.customers"},
		{"sql", `CALL synthesize('samples.customers', target => 'churned', epsilon => 1.0,
                min_protection => 0.8, into => 'samples.customers_synth', replace => true);`},
	}
	examples := func(t *testing.T) {
		for _, ex := range readmeExamples {
			if code, out, errb := floe(t, ex...); code != 0 {
				t.Fatalf("floe %s: exit %d\n%s\n%s", strings.Join(ex, " "), code, out, errb)
			}
		}
	}

	fresh := t.Run("fresh", func(t *testing.T) {
		code, stdout, stderr := floe(t, readmeRun...)
		if code != 0 {
			t.Fatalf("floe run: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
		}
		checkSampleRun(t, copies, "out", "junit.xml", stdout, stderr)
		// The samples keep to their own namespaces and drop them.
		if got, want := lakeTables(t), "t samples.customers samples.daily_sales"; got != want {
			t.Errorf("after the samples the lake holds %s, want %s", got, want)
		}
		// An executed .ipynb runs too, with parameters.
		code, stdout, stderr = floe(t, "run", filepath.Join("out", "tour.out.ipynb"), "-p", "region=EU", "--out", filepath.Join("out", "again"))
		if code != 0 {
			t.Fatalf("floe run tour.out.ipynb: exit %d\n%s\n%s", code, stdout, stderr)
		}
		if _, err := os.Stat(filepath.Join("out", "again", "tour.out.out.ipynb")); err != nil {
			t.Error(err)
		}
	})
	if !fresh || !t.Run("readme", examples) {
		return
	}
	if testing.Short() {
		t.Skip("the second pass runs every sample notebook again")
	}
	t.Run("again", func(t *testing.T) {
		// The samples on a used home, over the first run's outputs, with
		// the parameters' defaults (region = 'all') and the benchmark
		// notebook's large table small.
		args := append(append([]string{"run"}, copies...), "--out", "out/", "--html", "--junit", "junit.xml", "-p", "large_rows=20000")
		code, stdout, stderr := floe(t, args...)
		if code != 0 {
			t.Fatalf("the sample notebooks failed (exit %d):\n%s\n%s", code, lastLine(stdout), stderr)
		}
		if got := lastLine(stdout); !strings.HasSuffix(got, " passed, 0 failed") {
			t.Errorf("summary line %q", got)
		}
		// The README's synth examples of the first pass are the user's own.
		want := "t floe_privacy.ledger samples.customers samples.customers_synth samples.daily_sales"
		if got := lakeTables(t); got != want {
			t.Errorf("after the samples the lake holds %s, want %s", got, want)
		}
		examples(t)
	})
}

// checkSampleRun checks a `floe run` of the notebooks nbs with --out out
// --html --junit junit: every cell passed (or failed as expected), every
// notebook drew a chart and showed progress, and the JUnit report and the
// summary line count every cell.
func checkSampleRun(t *testing.T, nbs []string, out, junit, stdout, stderr string) {
	t.Helper()
	if got := lastLine(stdout); !strings.HasSuffix(got, " passed, 0 failed") || strings.HasPrefix(got, "0 ") {
		t.Errorf("summary line %q", got)
	}
	var cases int
	for _, nb := range nbs {
		base := strings.TrimSuffix(filepath.Base(nb), ".md")
		cells := ipynbOutputs(t, filepath.Join(out, base+".out.ipynb"))
		cases += len(cells)
		for id, outs := range cells {
			for _, o := range outs {
				if strings.HasPrefix(o, "error") && !slices.Contains(outs, "expect=error") {
					t.Errorf("%s: cell %s has an error output", base, id)
				}
			}
		}
		html, err := os.ReadFile(filepath.Join(out, base+".html"))
		if err != nil || !bytes.Contains(html, []byte("<svg")) {
			t.Errorf("%s.html: %v, or it has no chart", base, err)
		}
		if !strings.Contains(stderr, "running "+nb) {
			t.Errorf("stderr has no progress for %s", nb)
		}
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Name string `xml:"name,attr"`
		} `xml:"testsuite"`
	}
	data, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Tests != cases || doc.Failures != 0 || len(doc.Suites) != len(nbs) {
		t.Errorf("junit: %d tests, %d failures, %d suites; want %d, 0, %d", doc.Tests, doc.Failures, len(doc.Suites), cases, len(nbs))
	}
	if want := lastLine(stdout); want != fmt.Sprintf("%d passed, 0 failed", cases) {
		t.Errorf("summary %q does not count the %d cells", want, cases)
	}
}
