package synth

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/lakesql"
	"github.com/floehq/floe/samples"
)

// dataDir holds the shared public datasets, relative to this package.
const dataDir = "../../shared/data"

// newSession opens a fresh warehouse in a temporary directory.
func newSession(t testing.TB) *lakesql.Session {
	t.Helper()
	ctx := context.Background()
	wh, err := engine.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	sess, err := lakesql.Open(ctx, wh)
	if err != nil {
		wh.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { sess.Close(); wh.Close() })
	return sess
}

// loadCSV creates lake.<table> from a shared dataset; sel is the select
// list ("*" or "* REPLACE (...)"). every > 1 keeps every every-th row, a
// deterministic subset spread over the whole file.
func loadCSV(t testing.TB, sess *lakesql.Session, table, file, sel string, every int) {
	t.Helper()
	path, err := filepath.Abs(filepath.Join(dataDir, file))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		t.Skipf("needs %s (the shared public datasets beside the repo, present in CI, absent in a fresh clone)", path)
	}
	loadFile(t, sess, table, path, sel, every)
}

// loadCustomers creates lake.<table> from floe's generated sample
// customers (7,000 rows, seed 42), for tests that need a realistic table
// but not a particular public dataset.
func loadCustomers(t testing.TB, sess *lakesql.Session, table string, every int) {
	t.Helper()
	d, ok := samples.Lookup("customers")
	if !ok {
		t.Fatal("no customers sample")
	}
	path := filepath.Join(t.TempDir(), "customers.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.WriteCSV(f, samples.DefaultSeed); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	loadFile(t, sess, table, path, "*", every)
}

// loadFile creates lake.<table> from a CSV file; see loadCSV.
func loadFile(t testing.TB, sess *lakesql.Session, table, path, sel string, every int) {
	t.Helper()
	ns, _, err := parseTable(table)
	if err != nil {
		t.Fatal(err)
	}
	src := "read_csv(" + engine.QuoteString(path) + ", header = true)"
	if every > 1 {
		src = "(SELECT * EXCLUDE (floe_rn) FROM (SELECT *, row_number() OVER () AS floe_rn FROM " + src +
			") WHERE floe_rn % " + itoa(every) + " = 0)"
	}
	q := "CREATE SCHEMA IF NOT EXISTS lake." + ns + "; CREATE TABLE lake." + table + " AS SELECT " + sel + " FROM " + src
	if err := sess.Exec(context.Background(), q); err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
}

func itoa(n int) string {
	const digits = "0123456789"
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{digits[n%10]}, b...)
		n /= 10
	}
	return string(b)
}
