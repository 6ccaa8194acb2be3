package kernel_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/lakesql"
	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/notebooks"
	"github.com/floehq/floe/notebooks/runner"
	"github.com/floehq/floe/samples"
)

// sampleDir is a warehouse with the sample tables, made once for the
// package's tests: loading them takes seconds.
var (
	sampleOnce sync.Once
	sampleDir  string
	sampleErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if sampleDir != "" {
		os.RemoveAll(filepath.Dir(sampleDir))
	}
	os.Exit(code)
}

// sampleWarehouse returns the shared warehouse with the sample tables.
func sampleWarehouse(t testing.TB) *engine.Warehouse {
	t.Helper()
	sampleOnce.Do(func() {
		tmp, err := os.MkdirTemp("", "floe-kernel-test-")
		if err != nil {
			sampleErr = err
			return
		}
		sampleDir = filepath.Join(tmp, "warehouse")
		ctx := context.Background()
		wh, err := engine.Open(ctx, sampleDir)
		if err != nil {
			sampleErr = err
			return
		}
		defer wh.Close()
		sess, err := lakesql.Open(ctx, wh)
		if err != nil {
			sampleErr = err
			return
		}
		defer sess.Close()
		sampleErr = samples.Load(ctx, sess, samples.DefaultSeed)
	})
	if sampleErr != nil {
		t.Fatalf("sample warehouse: %v", sampleErr)
	}
	wh, err := engine.Open(context.Background(), sampleDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { wh.Close() })
	return wh
}

// emptyWarehouse returns a new warehouse with no tables.
func emptyWarehouse(t testing.TB) *engine.Warehouse {
	t.Helper()
	wh, err := engine.Open(context.Background(), filepath.Join(t.TempDir(), "warehouse"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { wh.Close() })
	return wh
}

func openSession(t testing.TB, wh *engine.Warehouse, opts kernel.Options) *kernel.Session {
	t.Helper()
	s, err := kernel.Open(context.Background(), wh, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// parse reads a notebook written with ~~~ fences in place of ``` so that
// tests can hold notebooks in raw strings.
func parse(t testing.TB, md string) *notebooks.Notebook {
	t.Helper()
	nb, err := notebooks.Parse("test.md", []byte(strings.ReplaceAll(md, "~~~", "```")))
	if err != nil {
		t.Fatal(err)
	}
	return nb
}

// summary describes a report's results compactly: id=status per code cell.
func summary(nb *notebooks.Notebook, rep *runner.Report) string {
	var parts []string
	for i, c := range nb.Cells {
		if c.Kind != notebooks.Code {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s=%s", c.ID, rep.Results[i].Status))
	}
	return strings.Join(parts, " ")
}

// text renders a result's outputs for terminals.
func text(r *kernel.Result) string {
	var b strings.Builder
	for _, o := range r.Outputs {
		b.WriteString(o.Terminal(80))
	}
	return b.String()
}
