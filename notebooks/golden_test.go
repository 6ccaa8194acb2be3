package notebooks

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with the golden file, or rewrites it with -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got; go test -update rewrites it):\n%s", path, diff)
	}
}

// dump prints a notebook's cells one per block, for golden files.
func dump(nb *Notebook) []byte {
	var b strings.Builder
	for i, c := range nb.Cells {
		fmt.Fprintf(&b, "cell %d id=%s kind=%s", i, c.ID, c.Kind)
		if c.Kind == Code {
			fmt.Fprintf(&b, " lang=%s", c.Lang)
		}
		fmt.Fprintf(&b, " line=%d", c.Line)
		if o := c.Options.String(); o != "" {
			fmt.Fprintf(&b, " options=[%s]", o)
		}
		b.WriteString("\n")
		if c.Source == "" {
			b.WriteString("  (empty)\n")
		}
		for l := range strings.SplitSeq(c.Source, "\n") {
			if c.Source == "" {
				break
			}
			fmt.Fprintf(&b, "  |%s\n", l)
		}
		for _, o := range c.Outputs {
			fmt.Fprintf(&b, "  output %s %s %q %v %s %s %q\n", o.Type, o.Name, o.Text, o.Data, o.EName, o.EValue, o.Traceback)
		}
		if ex := c.Execution; ex != (Execution{}) {
			fmt.Fprintf(&b, "  execution count=%d", ex.Count)
			if !ex.Start.IsZero() {
				fmt.Fprintf(&b, " start=%s", ex.Start.Format(time.RFC3339Nano))
			}
			fmt.Fprintf(&b, " duration=%s\n", ex.Duration)
		}
	}
	return []byte(b.String())
}
