package runner_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/notebooks"
	"github.com/floehq/floe/notebooks/runner"
)

const md = "# Report <test>\n\nSome **bold** and `code`.\n\n" +
	"```sql name=nums chart=bar x=i y=sq\nSELECT i, i*i AS sq FROM range(4) t(i)\n```\n\n" +
	"```go\nfmt.Println(\"hello <world>\")\n```\n\n" +
	"```sql name=bad\nSELECT * FROM missing\n```\n\n" +
	"```sql\nSELECT * FROM bad\n```\n"

func run(t *testing.T) *runner.Report {
	t.Helper()
	ctx := context.Background()
	wh, err := engine.Open(ctx, filepath.Join(t.TempDir(), "wh"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { wh.Close() })
	s, err := kernel.Open(ctx, wh, kernel.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	nb, err := notebooks.Parse("nb/report.md", []byte(md))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := runner.Run(ctx, s, nb, runner.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestJUnit(t *testing.T) {
	var buf bytes.Buffer
	if err := runner.JUnit(&buf, run(t)); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Skipped  int `xml:"skipped,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name    string `xml:"name,attr"`
				Line    int    `xml:"line,attr"`
				Out     string `xml:"system-out"`
				Failure *struct {
					Type    string `xml:"type,attr"`
					Message string `xml:"message,attr"`
				} `xml:"failure"`
				Skipped *struct {
					Message string `xml:"message,attr"`
				} `xml:"skipped"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if got := [3]int{doc.Tests, doc.Failures, doc.Skipped}; got != [3]int{4, 1, 1} {
		t.Errorf("tests, failures, skipped = %v, want [4 1 1]", got)
	}
	var got []string
	for _, c := range doc.Suites[0].Cases {
		s := c.Name
		switch {
		case c.Failure != nil:
			s += " failed " + c.Failure.Type
			if !strings.Contains(c.Failure.Message, "nb/report.md:14: cell bad, line 1:") {
				t.Errorf("failure message %q does not locate the error", c.Failure.Message)
			}
		case c.Skipped != nil:
			s += " skipped: " + c.Skipped.Message
		}
		if c.Out != "" {
			s += " out: " + c.Out
		}
		got = append(got, s)
	}
	want := []string{"nums", "go-be4978cf out: hello <world>\n", "bad failed SQLError", "sql-b5236353 skipped: needs bad, which failed"}
	if doc.Suites[0].Name != "nb/report.md" {
		t.Errorf("suite name %q", doc.Suites[0].Name)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("test cases (-want +got):\n%s", diff)
	}
}

func TestHTML(t *testing.T) {
	var buf bytes.Buffer
	if err := runner.HTML(&buf, run(t)); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	for _, want := range []string{
		"<h2>Report &lt;test&gt;</h2>",
		"Some <b>bold</b> and <code>code</code>.",
		"2 passed", "1 failed", "1 skipped",
		`<div class="cell passed" id="nums">`,
		"<svg", `<table class="floe-table">`,
		`<pre class="stdout">hello &lt;world&gt;`,
		`<div class="cell failed" id="bad">`,
		`<pre class="error">SQLError: nb/report.md:14: cell bad, line 1:`,
		"needs bad, which failed",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if strings.Contains(html, "<world>") || strings.Contains(html, "<test>") {
		t.Errorf("HTML has unescaped text")
	}
}
