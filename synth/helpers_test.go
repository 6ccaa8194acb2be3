package synth

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/lakesql"
	"github.com/floehq/floe/samples"
)

// dataDir holds the shared public datasets, relative to this package.
const dataDir = "../../shared/data"

// newSession opens a fresh warehouse in a temporary directory.
func newSession(t testing.TB, opts ...lakesql.Option) *lakesql.Session {
	t.Helper()
	ctx := context.Background()
	wh, err := engine.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	sess, err := lakesql.Open(ctx, wh, opts...)
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

// surveyRows is the size of the generated survey table: the size of the
// Adult training split (70% of 32,561 rows).
const surveyRows = 22793

// loadSurvey creates lake.<table>, a generated table shaped like Adult:
// surveyRows rows of ten categorical columns discovered under DP (nine
// text, one BOOLEAN) and three numerical ones, with a target high that
// depends on several of them. level's value "L9" is held by exactly 1% of
// the rows (every 100th); country has a long tail of 40 rare values; role
// is NULL in about 15% of rows and no other column holds NULL.
func loadSurvey(t testing.TB, sess *lakesql.Session, table string) {
	t.Helper()
	r := rand.New(rand.NewPCG(2024, 13))
	pick := func(w []float64) int {
		u := r.Float64() * sumOf(w)
		for i, x := range w {
			if u < x {
				return i
			}
			u -= x
		}
		return len(w) - 1
	}
	tail := make([]float64, 41)
	tail[0] = 85
	for k := 1; k < len(tail); k++ {
		tail[k] = 15 * math.Pow(0.9, float64(k)) / 9 // sums to about 15
	}
	var b strings.Builder
	b.WriteString("age,sector,level,status,role,household,grp,sex,country,member,hours,amount,high\n")
	for i := range surveyRows {
		age := min(90, 17+int(math.Abs(r.NormFloat64())*15+r.Float64()*30))
		level := 1 + pick([]float64{30, 20, 15, 12, 10, 7, 4, 2})
		if i%100 == 37 {
			level = 9
		}
		status := pick([]float64{45, 30, 15, 7, 3})
		role := ""
		if r.Float64() >= 0.15 {
			role = fmt.Sprintf("R%02d", pick([]float64{20, 15, 12, 10, 9, 8, 7, 6, 5, 4, 3, 1}))
		}
		sex := pick([]float64{67, 33})
		hours := 40
		if r.Float64() < 0.55 {
			hours = 1 + r.IntN(99)
		}
		z := -4 + 0.04*float64(age) + 0.35*float64(level) - 0.6*float64(status) + 0.8*float64(1-sex) + 0.02*float64(hours-40)
		high := "no"
		if r.Float64() < 1/(1+math.Exp(-z)) {
			high = "yes"
		}
		fmt.Fprintf(&b, "%d,S%d,L%d,M%d,%s,H%d,G%d,%s,C%02d,%t,%d,%.2f,%s\n", age,
			pick([]float64{50, 15, 10, 10, 8, 5, 2}), level, status, role,
			pick([]float64{40, 25, 15, 10, 6, 4}), pick([]float64{85, 8, 3, 2.5, 1.5}),
			[]string{"Male", "Female"}[sex], pick(tail), r.Float64() < 0.3, hours,
			math.Exp(3+r.NormFloat64()), high)
	}
	path := filepath.Join(t.TempDir(), "survey.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	loadFile(t, sess, table, path, "*", 0)
}

func sumOf(w []float64) float64 {
	var s float64
	for _, x := range w {
		s += x
	}
	return s
}
