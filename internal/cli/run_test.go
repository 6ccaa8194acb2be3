package cli_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/floehq/floe/internal/cli"
)

// floe runs the command line and returns the exit status and output.
func floe(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = cli.Main(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// lastLine returns the last line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

// ipynbOutputs reads an executed notebook: each code cell's id and the
// types of its outputs.
func ipynbOutputs(t *testing.T, path string) map[string][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		NBFormat      int `json:"nbformat"`
		NBFormatMinor int `json:"nbformat_minor"`
		Cells         []struct {
			ID      string `json:"id"`
			Type    string `json:"cell_type"`
			Outputs []struct {
				Type  string `json:"output_type"`
				EName string `json:"ename"`
			} `json:"outputs"`
			Metadata struct {
				Floe struct {
					Options struct {
						Expect string `json:"expect"`
					} `json:"options"`
				} `json:"floe"`
			} `json:"metadata"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if doc.NBFormat != 4 || doc.NBFormatMinor != 5 {
		t.Errorf("%s is nbformat %d.%d, want 4.5", path, doc.NBFormat, doc.NBFormatMinor)
	}
	out := map[string][]string{}
	for _, c := range doc.Cells {
		if c.Type != "code" {
			continue
		}
		var types []string
		for _, o := range c.Outputs {
			types = append(types, o.Type+o.EName)
		}
		if c.Metadata.Floe.Options.Expect == "error" {
			types = append(types, "expect=error")
		}
		out[c.ID] = types
	}
	return out
}

const failing = "# failing\n\n" +
	"```sql parameters\nSET VARIABLE n = 3;\n```\n\n" +
	"```sql name=base\nSELECT range AS i FROM range(getvariable('n'))\n```\n\n" +
	"```sql name=broken\nSELECT i,\n  no_such_column\nFROM base\n```\n\n" +
	"```sql\nSELECT * FROM broken\n```\n\n" +
	"```sql rows=3\nSELECT * FROM base\n```\n"

func writeNotebook(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRunFailures(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("FLOE_WAREHOUSE", filepath.Join(dir, "warehouse"))
	nb := writeNotebook(t, dir, "failing.md", failing)
	junit := filepath.Join(dir, "junit.xml")

	t.Run("failed cell", func(t *testing.T) {
		code, stdout, stderr := floe(t, "run", nb, "--junit", junit)
		if code != 1 {
			t.Errorf("exit %d, want 1", code)
		}
		if got := lastLine(stdout); got != "3 passed, 1 failed, 1 skipped" {
			t.Errorf("summary %q", got)
		}
		if !strings.Contains(stderr, "failing.md:13: cell broken, line 2:") {
			t.Errorf("stderr does not name the notebook, cell and line:\n%s", stderr)
		}
		cells := ipynbOutputs(t, filepath.Join(dir, "failing.out.ipynb"))
		if got := cells["broken"]; len(got) != 1 || got[0] != "errorSQLError" {
			t.Errorf("broken cell outputs %v", got)
		}
		if _, err := os.Stat(junit); err != nil {
			t.Error(err)
		}
	})

	t.Run("fail fast", func(t *testing.T) {
		out := filepath.Join(dir, "ff")
		code, stdout, _ := floe(t, "run", nb, "--fail-fast", "--out", out)
		if code != 1 {
			t.Errorf("exit %d, want 1", code)
		}
		if got := lastLine(stdout); got != "2 passed, 1 failed, 2 skipped" {
			t.Errorf("summary %q", got)
		}
		cells := ipynbOutputs(t, filepath.Join(out, "failing.out.ipynb"))
		if got := cells["broken"]; len(got) != 1 || got[0] != "errorSQLError" {
			t.Errorf("the partly executed notebook lacks the error: %v", cells)
		}
	})

	t.Run("cells", func(t *testing.T) {
		out := filepath.Join(dir, "sel")
		code, stdout, stderr := floe(t, "run", nb, "--cells", "base", "--out", out, "-p", "n=5")
		if code != 0 {
			t.Errorf("exit %d\n%s", code, stderr)
		}
		if got := lastLine(stdout); got != "2 passed, 0 failed" {
			t.Errorf("summary %q", got)
		}
	})

	t.Run("bad parameters", func(t *testing.T) {
		for _, p := range []string{"m=1", "n=three", "n"} {
			out := filepath.Join(dir, "bad")
			code, stdout, stderr := floe(t, "run", nb, "-p", p, "--out", out)
			if code == 0 {
				t.Errorf("-p %s: exit 0", p)
			}
			if strings.Contains(stderr, "[1/") {
				t.Errorf("-p %s: cells ran:\n%s", p, stderr)
			}
			if !strings.Contains(stderr, "parameter") && !strings.Contains(stderr, "name=value") {
				t.Errorf("-p %s: stderr %q does not explain", p, stderr)
			}
			_ = stdout
		}
	})

	t.Run("notebook does not parse", func(t *testing.T) {
		bad := writeNotebook(t, dir, "bad.md", "```sql nmae=x\nSELECT 1\n```\n")
		code, _, stderr := floe(t, "run", bad)
		if code != 1 || !strings.Contains(stderr, "bad.md:1:") {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
	})
}
