package synth

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/engine/lakesql"
	"github.com/floehq/floe/samples"
)

// telcoSelect reads TotalCharges (blank for 11 new customers) as a number.
const telcoSelect = "* REPLACE (TRY_CAST(TotalCharges AS DOUBLE) AS TotalCharges)"

func query(t testing.TB, sess *lakesql.Session, q string) [][]any {
	t.Helper()
	rows, err := sess.Query(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	all, err := rows.All()
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return all
}

// schema returns a table's columns as "name TYPE".
func schema(t testing.TB, sess *lakesql.Session, table string) []string {
	t.Helper()
	var out []string
	for _, r := range query(t, sess, "DESCRIBE "+table) {
		out = append(out, r[0].(string)+" "+r[1].(string))
	}
	return out
}

// TestAdultRelease releases Adult (32,561 rows) at epsilon 1 with the
// defaults (no declarations, no bounds) and checks the release and the
// issue's targets: largest 1-way TVD over the categorical columns at most
// 0.05, (target, column) TVD at most 0.10, gradient-boosted TSTR within 4
// points of TRTR, privacy at least 0.9, no copied row, under 10 s.
func TestAdultRelease(t *testing.T) {
	sess := newSession(t)
	ctx := context.Background()
	loadCSV(t, sess, "crm.adult", "adult.csv", "*", 0)
	reportPath := filepath.Join(t.TempDir(), "report.json")
	rep, err := Run(ctx, sess, Options{
		From: "lake.crm.adult", Into: "lake.crm.adult_synth", Target: "income",
		Epsilon: 1, MinFidelity: 0.9, MinProtection: 0.9, Seed: 11,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteJSON(reportPath); err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", rep.Summary())

	// The release: same schema, as many rows, recorded in the ledger.
	if diff := cmp.Diff(schema(t, sess, "lake.crm.adult"), schema(t, sess, "lake.crm.adult_synth")); diff != "" {
		t.Errorf("synthetic schema differs (-source +synthetic):\n%s", diff)
	}
	n := query(t, sess, "SELECT count(*) FROM lake.crm.adult")[0][0].(int64)
	if got := query(t, sess, "SELECT count(*) FROM lake.crm.adult_synth")[0][0].(int64); got != n || rep.Rows != int(n) {
		t.Errorf("released %d rows (report %d), source has %d", got, rep.Rows, n)
	}
	if !rep.Released || rep.ReleaseID == "" || rep.Destination != "lake.crm.adult_synth" {
		t.Errorf("report does not describe a release: %+v", rep)
	}
	l, err := Ledger(ctx, sess, "crm.adult")
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Releases) != 1 || l.Releases[0].ReleaseID != rep.ReleaseID || l.Releases[0].Epsilon != 1 ||
		l.Releases[0].SnapshotID != rep.SnapshotID || l.Releases[0].Destination != "lake.crm.adult_synth" {
		t.Errorf("ledger = %+v, want the release %s", l.Releases, rep.ReleaseID)
	}
	stored := query(t, sess, "SELECT report FROM "+LedgerTable)[0][0].(string)
	var back Report
	if err := json.Unmarshal([]byte(stored), &back); err != nil || back.ReleaseID != rep.ReleaseID {
		t.Errorf("ledger report does not parse back to the release: %v", err)
	}
	var file Report
	if b, err := os.ReadFile(reportPath); err != nil || json.Unmarshal(b, &file) != nil || file.Fidelity.Score != rep.Fidelity.Score {
		t.Errorf("JSON report file unreadable or different: %v", err)
	}

	// Values stay in their columns' ranges and categories.
	r := query(t, sess, `SELECT min(age), max(age), min(hours_per_week), max(hours_per_week), count(DISTINCT sex),
		count(*) FILTER (WHERE income NOT IN ('<=50K', '>50K')), avg((capital_gain = 0)::INT)
		FROM lake.crm.adult_synth`)[0]
	if r[0].(int64) < 0 || r[1].(int64) > 256 || r[2].(int64) < 0 || r[3].(int64) > 128 {
		t.Errorf("numbers out of range: age %v..%v, hours %v..%v", r[0], r[1], r[2], r[3])
	}
	if r[4].(int64) != 2 || r[5].(int64) != 0 {
		t.Errorf("categories: %v sexes, %v rows with an income label not in the source", r[4], r[5])
	}
	if zeros := r[6].(float64); zeros < 0.85 || zeros > 0.97 {
		t.Errorf("capital_gain is 0 in %.2f of synthetic rows, about 0.92 in Adult", zeros)
	}

	// Adult has no NULL; the copy must not invent any. Every education
	// level held by at least 1% of the rows is kept.
	var categorical []string
	for _, c := range rep.Columns {
		if nulls := query(t, sess, "SELECT count(*) FROM lake.crm.adult_synth WHERE "+c.Name+" IS NULL")[0][0].(int64); nulls != 0 {
			t.Errorf("%d synthetic rows have a NULL %s", nulls, c.Name)
		}
		if c.Class == "categorical" {
			categorical = append(categorical, c.Name)
		}
	}
	lost := query(t, sess, `SELECT list(education ORDER BY education) FROM (
		SELECT education FROM lake.crm.adult GROUP BY education HAVING count(*) >= 0.01 * `+itoa(int(n))+`
		EXCEPT SELECT education FROM lake.crm.adult_synth)`)[0][0]
	if l, _ := lost.([]any); len(l) > 0 {
		t.Errorf("education levels held by at least 1%% of rows missing from the copy: %v", l)
	}

	// The targets. TVDs are computed here on the values, independently of
	// the report's (which are over the model's domains).
	tvd := func(cols string) float64 {
		return query(t, sess, `WITH r AS (SELECT `+cols+`, count(*) / `+itoa(int(n))+` AS p FROM lake.crm.adult GROUP BY ALL),
			s AS (SELECT `+cols+`, count(*) / `+itoa(int(n))+` AS p FROM lake.crm.adult_synth GROUP BY ALL)
			SELECT sum(abs(coalesce(r.p, 0) - coalesce(s.p, 0))) / 2 FROM r FULL JOIN s USING (`+cols+`)`)[0][0].(float64)
	}
	for _, c := range categorical {
		if d := tvd(c); d > 0.05 {
			t.Errorf("1-way TVD of %s is %.3f, want at most 0.05", c, d)
		}
		if c != "income" {
			if d := tvd("income, " + c); d > 0.10 {
				t.Errorf("2-way TVD of (income, %s) is %.3f, want at most 0.10", c, d)
			}
		}
	}
	if len(categorical) != 10 || rep.Fidelity.MaxTargetTVD > 0.10 {
		t.Errorf("%d categorical columns (want 10), largest target-pair TVD %.3f (over the model's domains)", len(categorical), rep.Fidelity.MaxTargetTVD)
	}
	u := rep.Utility
	if u == nil || u.Task != "classification" || u.TrainRows != 22793 || u.Boosted == nil {
		t.Fatalf("utility %+v: want classification with both models, trained on 22,793 rows", u)
	}
	if g := u.Boosted; g.TRTR.Accuracy < 0.85 || g.TSTR.Accuracy < g.TRTR.Accuracy-0.04 || g.TSTR.AUC < 0.85 {
		t.Errorf("gradient-boosted trees: TSTR %+v vs TRTR %+v, want accuracy within 4 points", g.TSTR, g.TRTR)
	}
	if u.TSTR.Accuracy < u.TRTR.Accuracy-0.04 || u.TSTR.AUC < 0.85 {
		t.Errorf("logistic regression: TSTR %+v vs TRTR %+v, want accuracy within 4 points", u.TSTR, u.TRTR)
	}
	if rep.Privacy.Score < 0.9 || len(rep.Privacy.Attacks) != 3 || rep.Privacy.Members != 1000 {
		t.Errorf("privacy %+v, want a score of at least 0.9", rep.Privacy)
	}
	if rep.Privacy.ExactCopyRate != 0 {
		t.Errorf("%.4f of synthetic rows copy a source row", rep.Privacy.ExactCopyRate)
	}
	// Speed is measured by BenchmarkRun50k, not here: a shared machine can
	// make any fixed limit fail without a change in floe.
	t.Logf("the release took %.1f s", rep.Seconds)
	if rep.Fidelity.Score < 0.9 || len(rep.Fidelity.Columns) != 15 {
		t.Errorf("fidelity %.3f with %d columns", rep.Fidelity.Score, len(rep.Fidelity.Columns))
	}
	if rep.Model.Structure != "target-augmented tree" || len(rep.Model.Edges) != 13 {
		t.Errorf("model %+v: want a target-augmented tree over the 14 other columns", rep.Model)
	}
	b := rep.Budget
	if b.Epsilon != 1 || b.Delta != defaultDelta(int(n)) || len(b.PublicDomains) != 0 ||
		math.Abs(b.RhoCategories+b.RhoBins+b.RhoRound1+b.RhoSelect+b.RhoRound2-b.Rho) > 1e-12 ||
		math.Abs(b.RhoDomain-b.RhoCategories-b.RhoBins) > 1e-12 {
		t.Errorf("budget %+v", b)
	}
}

func TestTelcoIdentifier(t *testing.T) {
	sess := newSession(t)
	ctx := context.Background()
	loadCSV(t, sess, "crm.telco", "telco-churn.csv", telcoSelect, 0)

	// customerID is dropped, with the reason, and the rest synthesized.
	rep, err := Run(ctx, sess, Options{From: "crm.telco", Target: "Churn", Epsilon: 1, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", rep.Summary())
	if len(rep.Dropped) != 1 || rep.Dropped[0].Name != "customerID" || !strings.Contains(rep.Dropped[0].Reason, "identifier-like") {
		t.Errorf("dropped = %+v, want customerID as identifier-like", rep.Dropped)
	}
	if len(rep.Columns) != 20 {
		t.Errorf("%d columns synthesized, want 20", len(rep.Columns))
	}
	classes := map[string]string{}
	for _, c := range rep.Columns {
		classes[c.Name] = c.Class
	}
	want := map[string]string{"tenure": "numerical", "TotalCharges": "numerical", "MonthlyCharges": "numerical",
		"SeniorCitizen": "categorical", "Contract": "categorical", "Churn": "categorical"}
	for k, v := range want {
		if classes[k] != v {
			t.Errorf("column %s is %s, want %s", k, classes[k], v)
		}
	}
	u := rep.Utility
	if u == nil || u.TSTR.Accuracy < u.TRTR.Accuracy-0.06 || rep.Privacy.Score < 0.8 || rep.Fidelity.Score < 0.9 {
		t.Errorf("telco scores: fidelity %.3f privacy %.3f utility %+v", rep.Fidelity.Score, rep.Privacy.Score, u)
	}

	// Asking to keep it is refused before anything is fitted.
	_, err = Run(ctx, sess, Options{From: "crm.telco", Target: "Churn", Epsilon: 1, Categorical: []string{"customerID"}})
	if !errors.Is(err, ErrIdentifier) || !strings.Contains(err.Error(), "customerID") {
		t.Errorf("keeping customerID: err = %v, want ErrIdentifier naming it", err)
	}
	// So is using it as the target.
	_, err = Run(ctx, sess, Options{From: "crm.telco", Target: "customerID", Epsilon: 1})
	if !errors.Is(err, ErrIdentifier) {
		t.Errorf("customerID as target: err = %v, want ErrIdentifier", err)
	}
}

func TestCallSynthesizeSamples(t *testing.T) {
	sess := newSession(t, Procedure())
	ctx := context.Background()
	if err := samples.Load(ctx, sess, samples.DefaultSeed); err != nil {
		t.Fatal(err)
	}
	reportPath := filepath.Join(t.TempDir(), "r.json")
	rows := query(t, sess, `CALL synthesize('samples.customers', target => 'churned', epsilon => 1.0,
		min_protection => 0.8, categorical => ['region'], numerical => ['tenure_months'],
		bounds => {'tenure_months': [0, 72]}, seed => 5, report => '`+reportPath+`',
		into => 'samples.customers_synth')`)
	if len(rows) != 1 {
		t.Fatalf("CALL returned %d rows", len(rows))
	}
	if _, err := os.Stat(reportPath); err != nil {
		t.Errorf("report not written: %v", err)
	}
	src := schema(t, sess, "lake.samples.customers")[1:] // customer_id is dropped
	if diff := cmp.Diff(src, schema(t, sess, "lake.samples.customers_synth")); diff != "" {
		t.Errorf("synthetic schema (-source +synthetic):\n%s", diff)
	}
	r := query(t, sess, `SELECT count(*), min(tenure_months), max(tenure_months), min(signup_date), max(signup_date),
		count(DISTINCT churned), max(monthly_charges * 100 - floor(monthly_charges * 100))
		FROM lake.samples.customers_synth`)[0]
	if r[0].(int64) != 7000 || r[1].(int32) < 0 || r[2].(int32) > 72 {
		t.Errorf("rows %v, tenure %v..%v (public bounds 0..72)", r[0], r[1], r[2])
	}
	if lo, hi := r[3].(interface{ Year() int }), r[4].(interface{ Year() int }); lo.Year() < 2010 || hi.Year() > 2027 {
		t.Errorf("signup dates %v..%v", r[3], r[4])
	}
	if r[5].(int64) < 2 {
		t.Errorf("churned has %v distinct values", r[5])
	}
	// The destination records where it comes from.
	tbl, err := sess.Warehouse().Table(ctx, "samples", "customers_synth")
	if err != nil {
		t.Fatal(err)
	}
	if p := tbl.Properties(); p["floe.synth.source"] != "lake.samples.customers" || p["floe.synth.epsilon"] != "1" {
		t.Errorf("destination properties %v", p)
	}

	// Bad arguments name themselves.
	for _, tc := range []struct{ call, want string }{
		{`CALL synthesize('samples.customers', epsilon => 1, colour => 'red')`, "unknown argument colour"},
		{`CALL synthesize('samples.customers', epsilon => 'lots')`, "epsilon must be a number"},
		{`CALL synthesize('samples.customers', epsilon => 1, into => 'samples.customers_synth')`, "destination table exists"},
		{`CALL synthesize('samples.nope', epsilon => 1)`, "nope"},
		{`CALL synthesize('samples.customers', epsilon => 1, categorical => ['nope'])`, `categorical column "nope" is not in the table`},
	} {
		_, err := sess.Query(ctx, tc.call)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.call, err, tc.want)
		}
	}
}

func TestReleaseRefused(t *testing.T) {
	sess := newSession(t)
	ctx := context.Background()
	loadCustomers(t, sess, "crm.customers", 3)
	rep, err := Run(ctx, sess, Options{From: "crm.customers", Into: "crm.customers_synth", Target: "churned",
		Epsilon: 0.5, MinFidelity: 0.9999, MinProtection: 0.5, Seed: 1})
	var te *ThresholdError
	if !errors.Is(err, ErrNotReleased) || !errors.As(err, &te) || rep == nil || rep.Released {
		t.Fatalf("err = %v, want a ThresholdError", err)
	}
	for _, want := range []string{"lake.crm.customers", "fidelity 0.", "< min_fidelity 1.000", "nothing written"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "privacy") {
		t.Errorf("error lists privacy, which passed: %v", err)
	}
	if _, err := sess.Warehouse().Table(ctx, "crm", "customers_synth"); err == nil {
		t.Error("a refused release wrote its table")
	}
	if ok, _ := ledgerExists(ctx, sess); ok {
		t.Error("a refused release wrote to the ledger")
	}
}

func TestEpsilonBudget(t *testing.T) {
	sess := newSession(t)
	ctx := context.Background()
	loadCustomers(t, sess, "crm.customers", 3)
	if err := sess.Exec(ctx, "ALTER TABLE lake.crm.customers SET TBLPROPERTIES ('"+BudgetProperty+"'='1.5')"); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(ctx, sess, Options{From: "crm.customers", Into: "crm.s1", Epsilon: 1, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	// Make the source unreadable: a release over budget must fail on the
	// budget, which proves it did not read the rows.
	tbl, err := sess.Warehouse().Table(ctx, "crm", "customers")
	if err != nil {
		t.Fatal(err)
	}
	dir, err := tbl.DataDir()
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	filepath.WalkDir(filepath.Dir(dir), func(path string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(path, ".parquet") {
			files = append(files, path)
		}
		return nil
	})
	if len(files) == 0 {
		t.Fatalf("no data files under %s", filepath.Dir(dir))
	}
	for _, f := range files {
		if err := os.Remove(f); err != nil {
			t.Fatal(err)
		}
	}
	_, err = Run(ctx, sess, Options{From: "crm.customers", Into: "crm.s2", Epsilon: 1, Seed: 2})
	if !errors.Is(err, ErrBudgetExceeded) {
		t.Fatalf("second release: err = %v, want ErrBudgetExceeded", err)
	}
	for _, want := range []string{"cumulative epsilon to 2", "budget 1.5", "1 spent in 1 earlier releases"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	l, err := Ledger(ctx, sess, "lake.crm.customers")
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Releases) != 1 || l.Spent != 1 || l.Budget != 1.5 {
		t.Errorf("ledger summary %+v", l)
	}
	// Half a unit still fits (and then fails on the missing files).
	_, err = Run(ctx, sess, Options{From: "crm.customers", Into: "crm.s2", Epsilon: 0.5, Seed: 2})
	if err == nil || errors.Is(err, ErrBudgetExceeded) {
		t.Errorf("epsilon 0.5 within the budget: err = %v, want a read error", err)
	}
}

func TestDeterministic(t *testing.T) {
	sess := newSession(t)
	ctx := context.Background()
	loadCustomers(t, sess, "crm.customers", 3)
	run := func(seed uint64, into string) *Report {
		rep, err := Run(ctx, sess, Options{From: "crm.customers", Into: into, Target: "churned", Epsilon: 1, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		rep.Seconds, rep.CreatedAt, rep.ReleaseID, rep.Destination = 0, rep.CreatedAt.Truncate(1e18), "", ""
		rep.Budget.SpentBefore, rep.Budget.ReleasesBefore = 0, 0
		return rep
	}
	a, b, c := run(7, "crm.a"), run(7, "crm.b"), run(8, "crm.c")
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("same seed, different reports:\n%s", diff)
	}
	if a.Fidelity.Score == c.Fidelity.Score {
		t.Error("different seeds gave the same fidelity")
	}
	rows := func(tbl string) [][]any { return query(t, sess, "SELECT * FROM lake.crm."+tbl+" ORDER BY ALL") }
	if diff := cmp.Diff(rows("a"), rows("b")); diff != "" {
		t.Errorf("same seed, different tables:\n%s", diff)
	}
	if cmp.Equal(rows("a"), rows("c")) {
		t.Error("different seeds, same table")
	}
}

func TestOptionErrors(t *testing.T) {
	sess := newSession(t)
	ctx := context.Background()
	loadCustomers(t, sess, "crm.customers", 10)
	if err := sess.Exec(ctx, "CREATE TABLE lake.crm.taken AS SELECT 1 AS x"); err != nil {
		t.Fatal(err)
	}
	base := Options{From: "crm.customers", Epsilon: 1}
	for _, tc := range []struct {
		name string
		edit func(o *Options)
		want string
		is   error
	}{
		{"no epsilon", func(o *Options) { o.Epsilon = 0 }, "epsilon must be in", ErrInvalidOptions},
		{"useless epsilon", func(o *Options) { o.Epsilon = 1e-300 }, "epsilon 1e-300 is too small to give a useful table", ErrInvalidOptions},
		{"bad table name", func(o *Options) { o.From = "telco" }, "write it as ns.table", ErrInvalidOptions},
		{"into itself", func(o *Options) { o.Into = "lake.crm.customers" }, "destination is the source", ErrInvalidOptions},
		{"destination exists", func(o *Options) { o.Into = "crm.taken" }, "lake.crm.taken", ErrDestinationExists},
		{"unknown column", func(o *Options) { o.Numerical = []string{"tenure2"} }, `numerical column "tenure2"`, ErrInvalidOptions},
		{"unknown target", func(o *Options) { o.Target = "churn" }, `target column "churn"`, ErrInvalidOptions},
		{"text as number", func(o *Options) { o.Numerical = []string{"contract"} }, "cannot be numerical", ErrInvalidOptions},
		{"both classes", func(o *Options) { o.Numerical, o.Categorical = []string{"tenure_months"}, []string{"tenure_months"} }, "both categorical and numerical", ErrInvalidOptions},
		{"bounds on a category", func(o *Options) { o.Bounds = map[string][]float64{"contract": {0, 1}} }, "bounds given for categorical", ErrInvalidOptions},
		{"bounds reversed", func(o *Options) { o.Bounds = map[string][]float64{"tenure_months": {72, 0}} }, "must increase", ErrInvalidOptions},
		{"threshold > 1", func(o *Options) { o.MinProtection = 2 }, "min_protection must be in [0, 1]", ErrInvalidOptions},
		{"no such table", func(o *Options) { o.From = "crm.nope" }, "lake.crm.nope", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := base
			tc.edit(&o)
			_, err := Run(ctx, sess, o)
			if err == nil || !strings.Contains(err.Error(), tc.want) || (tc.is != nil && !errors.Is(err, tc.is)) {
				t.Errorf("err = %v, want %q (%v)", err, tc.want, tc.is)
			}
		})
	}
}

func TestProcOptions(t *testing.T) {
	got, report, err := procOptions(lakesql.ProcArgs{
		Positional: []any{"crm.customers"},
		Named: map[string]any{
			"target": "churned", "epsilon": 1.5, "delta": 1e-10, "min_fidelity": 0.7, "min_protection": int32(1),
			"categorical": []any{"plan", "region"}, "numerical": []any{"tenure"}, "drop": "email", "public": []any{"plan"},
			"bounds": map[string]any{"tenure": []any{int32(0), 72.5}}, "bins": int64(32), "rows": int64(100),
			"seed": int64(9), "replace": true, "into": "crm.out", "report": "r.json",
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := Options{From: "crm.customers", Into: "crm.out", Replace: true, Target: "churned", Epsilon: 1.5, Delta: 1e-10,
		MinFidelity: 0.7, MinProtection: 1, Categorical: []string{"plan", "region"}, Numerical: []string{"tenure"},
		Drop: []string{"email"}, Public: []string{"plan"}, Bounds: map[string][]float64{"tenure": {0, 72.5}}, Bins: 32, Rows: 100, Seed: 9}
	if diff := cmp.Diff(want, got); diff != "" || report != "r.json" {
		t.Errorf("procOptions (-want +got):\n%s (report %q)", diff, report)
	}
	for _, bad := range []map[string]any{
		{"bins": 2.5}, {"bins": int64(0)}, {"bins": int32(1)}, {"rows": int64(0)}, {"categorical": int64(3)}, {"public": []any{int32(1)}}, {"replace": "yes"}, {"bounds": "tenure"}, {"seed": -1.0},
	} {
		if _, _, err := procOptions(lakesql.ProcArgs{Positional: []any{"a.b"}, Named: bad}); !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("procOptions(%v): err = %v, want ErrInvalidOptions", bad, err)
		}
	}
}

func TestRegressionTarget(t *testing.T) {
	sess := newSession(t)
	ctx := context.Background()
	loadCustomers(t, sess, "crm.customers", 3)
	rep, err := Run(ctx, sess, Options{From: "crm.customers", Target: "monthly_charges", Epsilon: 2, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	u := rep.Utility
	if u == nil || u.Task != "regression" || u.Model != "linear regression" || u.TRTR.R2 < 0.9 || u.TSTR.R2 < 0.5 || u.TSTR.RMSE <= 0 {
		t.Errorf("regression utility %+v", u)
	}
	if rep.Model.Structure != "tree" {
		t.Errorf("a numerical target makes a plain tree, got %q", rep.Model.Structure)
	}
	// Without a target: a tree, and no utility report.
	rep, err = Run(ctx, sess, Options{From: "crm.customers", Epsilon: 1, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Utility != nil || rep.Model.Structure != "tree" || len(rep.Model.Edges) != len(rep.Columns)-1 {
		t.Errorf("no target: utility %+v, model %+v", rep.Utility, rep.Model)
	}
}

// TestTypesRoundTrip synthesizes every column type synth models and checks
// that the synthetic table has the same types and values in range.
func TestTypesRoundTrip(t *testing.T) {
	sess := newSession(t)
	ctx := context.Background()
	if err := sess.Exec(ctx, `CREATE SCHEMA lake.ty; CREATE TABLE lake.ty.t AS
		SELECT i::BIGINT AS id, gen_random_uuid() AS token, 'user' || i || '@example.com' AS email,
			TIMESTAMP '2024-01-01' + INTERVAL (i * 37) MINUTE AS ts,
			TIMESTAMPTZ '2024-01-01 00:00:00+00' + INTERVAL (i * 3) HOUR AS tz,
			DATE '2020-01-01' + (i % 900)::INT AS d,
			sqrt(i)::DOUBLE AS x, ((i % 500) / 7)::DECIMAL(10,2) AS amount, (i % 3 = 0) AS flag,
			['red', 'green', 'blue'][1 + i % 3] AS colour, (i % 5)::INTEGER AS small,
			CASE WHEN i % 10 = 0 THEN NULL ELSE i % 97 END AS gappy
		FROM range(3000) r(i)`); err != nil {
		t.Fatal(err)
	}
	rep, err := Run(ctx, sess, Options{From: "ty.t", Into: "ty.s", Target: "flag", Epsilon: 3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	var dropped []string
	for _, d := range rep.Dropped {
		dropped = append(dropped, d.Name)
	}
	if diff := cmp.Diff([]string{"id", "token", "email"}, dropped); diff != "" {
		t.Errorf("dropped (-want +got):\n%s", diff)
	}
	src := schema(t, sess, "lake.ty.t")[3:]
	if diff := cmp.Diff(src, schema(t, sess, "lake.ty.s")); diff != "" {
		t.Errorf("synthetic schema (-source +synthetic):\n%s", diff)
	}
	r := query(t, sess, `SELECT min(ts) >= TIMESTAMP '2023-01-01', max(ts) <= TIMESTAMP '2025-06-01',
		min(tz) >= TIMESTAMPTZ '2023-01-01 00:00:00+00', min(d) >= DATE '2019-01-01', max(d) <= DATE '2023-01-01',
		min(x) >= 0, max(x) <= 128, min(amount) >= 0, max(amount) <= 128, count(DISTINCT colour) >= 3,
		count(*) FILTER (WHERE small NOT IN (0, 1, 2, 3, 4)) = 0, count(*) FILTER (WHERE gappy IS NULL) > 0
		FROM lake.ty.s`)[0]
	for i, ok := range r {
		if ok != true {
			t.Errorf("check %d failed: %v", i, r)
		}
	}
	classes := map[string]string{}
	for _, c := range rep.Columns {
		classes[c.Name] = c.Class
	}
	want := map[string]string{"ts": "numerical", "tz": "numerical", "d": "numerical", "x": "numerical",
		"amount": "numerical", "flag": "categorical", "colour": "categorical", "small": "categorical", "gappy": "numerical"}
	if diff := cmp.Diff(want, classes); diff != "" {
		t.Errorf("classes (-want +got):\n%s", diff)
	}
}
