package lakesql

import (
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/floehq/floe/engine"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files in testdata")

// lakeFixture is a fresh warehouse in a temporary directory with a
// session on it.
type lakeFixture struct {
	t   *testing.T
	ctx context.Context
	dir string
	wh  *engine.Warehouse
	s   *Session
}

func openLake(t *testing.T) *lakeFixture {
	t.Helper()
	return openLakeAt(t, t.TempDir())
}

func openLakeAt(t *testing.T, dir string) *lakeFixture {
	t.Helper()
	ctx := context.Background()
	wh, err := engine.Open(ctx, dir)
	if err != nil {
		t.Fatalf("open warehouse: %v", err)
	}
	t.Cleanup(func() { wh.Close() })
	s, err := Open(ctx, wh)
	if err != nil {
		t.Fatalf("open session: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return &lakeFixture{t: t, ctx: ctx, dir: dir, wh: wh, s: s}
}

// exec runs a script and fails the test on error.
func (f *lakeFixture) exec(script string) {
	f.t.Helper()
	if err := f.s.Exec(f.ctx, script); err != nil {
		f.t.Fatalf("%s\n: %v", script, err)
	}
}

// rows runs a script and returns the last statement's rows as Go values.
func (f *lakeFixture) rows(script string) [][]any {
	f.t.Helper()
	rows, err := f.s.Query(f.ctx, script)
	if err != nil {
		f.t.Fatalf("%s\n: %v", script, err)
	}
	data, err := rows.All()
	if err != nil {
		f.t.Fatalf("%s\n: %v", script, err)
	}
	return data
}

// strings runs a script and returns its rows rendered by cellString.
func (f *lakeFixture) strings(script string) [][]string {
	f.t.Helper()
	return rowStrings(f.rows(script))
}

// one runs a query that returns one value and renders it.
func (f *lakeFixture) one(script string) string {
	f.t.Helper()
	rows := f.strings(script)
	if len(rows) != 1 || len(rows[0]) != 1 {
		f.t.Fatalf("%s\n: want one value, got %v", script, rows)
	}
	return rows[0][0]
}

// fails runs a script that must fail and returns its error.
func (f *lakeFixture) fails(script string) error {
	f.t.Helper()
	rows, err := f.s.Query(f.ctx, script)
	if err == nil {
		_, err = rows.All()
	}
	if err == nil {
		f.t.Fatalf("%s\n: succeeded, want an error", script)
	}
	return err
}

func (f *lakeFixture) table(ns, name string) *engine.Table {
	f.t.Helper()
	t, err := f.wh.Table(f.ctx, ns, name)
	if err != nil {
		f.t.Fatal(err)
	}
	return t
}

// snapshotCount counts a table's snapshots from its metadata.
func (f *lakeFixture) snapshotCount(ns, name string) int {
	f.t.Helper()
	return len(f.table(ns, name).Snapshots())
}

// parquetFiles lists the Parquet files under a table's directory.
func (f *lakeFixture) parquetFiles(t *engine.Table) []string {
	f.t.Helper()
	root, ok := engine.LocalPath(t.Location())
	if !ok {
		f.t.Fatalf("%s is not local", t.Location())
	}
	var out []string
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".parquet") {
			out = append(out, p)
		}
		return nil
	})
	slices.Sort(out)
	return out
}

func rowStrings(rows [][]any) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = make([]string, len(r))
		for j, v := range r {
			out[i][j] = cellString(v)
		}
	}
	return out
}

// cellString renders a value the DuckDB driver returns in one canonical
// form, so rows compare with cmp.Diff.
func cellString(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		return x
	case []byte:
		return `\x` + hex.EncodeToString(x)
	case bool:
		return strconv.FormatBool(x)
	case float32:
		return strconv.FormatFloat(float64(x), 'g', -1, 32)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case time.Time:
		return x.UTC().Format("2006-01-02 15:04:05.999999")
	case duckdb.Decimal:
		return x.String()
	case *big.Int:
		return x.String()
	case duckdb.UUID:
		return x.String()
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = cellString(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ": " + cellString(x[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case duckdb.OrderedMap:
		keys, vals := x.Keys(), x.Values()
		parts := make([]string, len(keys))
		for i := range keys {
			parts[i] = cellString(keys[i]) + "=" + cellString(vals[i])
		}
		return "MAP{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprint(v)
}

// sortedRows sorts rendered rows so scans in any file order compare.
func sortedRows(rows [][]string) [][]string {
	out := slices.Clone(rows)
	slices.SortFunc(out, func(a, b []string) int { return slices.Compare(a, b) })
	return out
}

func diffRows(t *testing.T, what string, want, got [][]string) {
	t.Helper()
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("%s (-want +got):\n%s", what, diff)
	}
}

// wantErr checks that err exists, mentions every fragment, and carries the
// sentinel when one is given.
func wantErr(t *testing.T, err error, sentinel error, fragments ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one mentioning %q", fragments)
	}
	for _, frag := range fragments {
		if !strings.Contains(err.Error(), frag) {
			t.Errorf("error %q does not mention %q", err, frag)
		}
	}
	if sentinel != nil && !errors.Is(err, sentinel) {
		t.Errorf("error %q is not %v", err, sentinel)
	}
}

// planFiles sums the files kept by the last statement's pruned scans of
// table ident; -1 when it was not pruned.
func (f *lakeFixture) planFiles(ident string) int {
	n := -1
	for _, p := range f.s.LastPlans() {
		if p.Table == ident {
			n = max(n, 0) + p.Files
		}
	}
	return n
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *updateGolden {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got; go test -update rewrites it):\n%s", path, diff)
	}
}
