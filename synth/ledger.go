package synth

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/lakesql"
)

// The privacy ledger: one row per release in a lake table, so that every
// engine can audit it and the cumulative epsilon of a source can be capped.
const (
	// LedgerTable is the ledger's name in SQL.
	LedgerTable = "lake.floe_privacy.ledger"
	// BudgetProperty is the source table property that caps the sum of
	// the epsilons of its releases.
	BudgetProperty = "floe.privacy.epsilon-budget"

	ledgerNS   = "floe_privacy"
	ledgerName = "ledger"
)

const ledgerSchema = `release_id VARCHAR, released_at TIMESTAMPTZ, source VARCHAR, source_snapshot_id BIGINT,
destination VARCHAR, row_count BIGINT, epsilon DOUBLE, delta DOUBLE, rho DOUBLE,
fidelity DOUBLE, privacy DOUBLE, exact_copy_rate DOUBLE, task VARCHAR, target VARCHAR,
tstr_accuracy DOUBLE, trtr_accuracy DOUBLE, tstr_auc DOUBLE, trtr_auc DOUBLE,
tstr_r2 DOUBLE, trtr_r2 DOUBLE, tstr_rmse DOUBLE, trtr_rmse DOUBLE,
min_fidelity DOUBLE, min_protection DOUBLE, epsilon_budget DOUBLE, report VARCHAR`

// Release is one row of the ledger.
type Release struct {
	ReleaseID     string
	ReleasedAt    time.Time
	Source        string
	SnapshotID    int64
	Destination   string
	Rows          int64
	Epsilon       float64
	Delta         float64
	Fidelity      float64
	Privacy       float64
	ExactCopyRate float64
}

// LedgerSummary is a source's releases and budget.
type LedgerSummary struct {
	Source   string
	Releases []Release
	// Spent is the sum of the releases' epsilons; Budget is the source's
	// floe.privacy.epsilon-budget, 0 when it has none.
	Spent  float64
	Budget float64
}

// Ledger lists the releases of the source table ("ns.table" or
// "lake.ns.table"), oldest first. The source need not exist any more.
func Ledger(ctx context.Context, sess *lakesql.Session, source string) (*LedgerSummary, error) {
	ns, name, err := parseTable(source)
	if err != nil {
		return nil, err
	}
	s := &LedgerSummary{Source: displayName(ns, name)}
	if t, err := sess.Warehouse().Table(ctx, ns, name); err == nil {
		if s.Budget, err = epsilonBudget(t); err != nil {
			return nil, err
		}
	} else if !errors.Is(err, engine.ErrNoSuchTable) && !errors.Is(err, engine.ErrNoSuchNamespace) {
		return nil, err
	}
	exists, err := ledgerExists(ctx, sess)
	if err != nil || !exists {
		return s, err
	}
	rows, err := sess.Query(ctx, `SELECT release_id, released_at, source, source_snapshot_id, destination, row_count,
		epsilon, delta, fidelity, privacy, exact_copy_rate FROM `+LedgerTable+
		` WHERE source = `+engine.QuoteString(s.Source)+` ORDER BY released_at, release_id`)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", LedgerTable, err)
	}
	all, err := rows.All()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", LedgerTable, err)
	}
	for _, v := range all {
		r := Release{
			ReleaseID: str(v[0]), Source: str(v[2]), SnapshotID: toInt64(v[3]), Destination: str(v[4]),
			Rows: toInt64(v[5]), Epsilon: num(v[6]), Delta: num(v[7]), Fidelity: num(v[8]), Privacy: num(v[9]),
			ExactCopyRate: num(v[10]),
		}
		if ts, ok := v[1].(time.Time); ok {
			r.ReleasedAt = ts
		}
		s.Releases = append(s.Releases, r)
		s.Spent += r.Epsilon
	}
	return s, nil
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func num(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case float32:
		return float64(x)
	}
	return float64(toInt64(v))
}

// epsilonBudget reads the budget property of a table, 0 when unset.
func epsilonBudget(t *engine.Table) (float64, error) {
	v, ok := t.Properties()[BudgetProperty]
	if !ok || strings.TrimSpace(v) == "" {
		return 0, nil
	}
	b, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || !(b > 0) || math.IsInf(b, 0) {
		return 0, fmt.Errorf("%s: table property %s = %q is not a positive number", t.Ident(), BudgetProperty, v)
	}
	return b, nil
}

func ledgerExists(ctx context.Context, sess *lakesql.Session) (bool, error) {
	_, err := sess.Warehouse().Table(ctx, ledgerNS, ledgerName)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, engine.ErrNoSuchTable), errors.Is(err, engine.ErrNoSuchNamespace):
		return false, nil
	}
	return false, err
}

// spent sums the epsilon of the source's earlier releases.
func spent(ctx context.Context, sess *lakesql.Session, source string) (float64, int, error) {
	s, err := Ledger(ctx, sess, source)
	if err != nil {
		return 0, 0, err
	}
	return s.Spent, len(s.Releases), nil
}

// checkBudget refuses a release that would bring the source's cumulative
// epsilon over its budget. It reads only table metadata and the ledger.
func checkBudget(ctx context.Context, sess *lakesql.Session, t *engine.Table, source string, eps float64, b *Budget) error {
	limit, err := epsilonBudget(t)
	if err != nil {
		return err
	}
	used, n, err := spent(ctx, sess, source)
	if err != nil {
		return err
	}
	b.Limit, b.SpentBefore, b.ReleasesBefore = limit, used, n
	// A little slack so that budgets spent in equal parts (0.1 ten
	// times) do not fail on rounding.
	if limit > 0 && used+eps > limit*(1+1e-9) {
		return fmt.Errorf("%w: %s: epsilon %g would bring the cumulative epsilon to %g, over its budget %g (%s); %g spent in %d earlier releases (floe synth --ledger %s)",
			ErrBudgetExceeded, source, eps, used+eps, limit, BudgetProperty, used, n, source)
	}
	return nil
}

// record appends the release to the ledger, creating it on first use.
func record(ctx context.Context, sess *lakesql.Session, rep *Report) error {
	if err := sess.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS lake."+ledgerNS+"; CREATE TABLE IF NOT EXISTS "+LedgerTable+" ("+ledgerSchema+")"); err != nil {
		return fmt.Errorf("create %s: %w", LedgerTable, err)
	}
	body, err := rep.JSON()
	if err != nil {
		return err
	}
	f := func(v float64) string {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return "NULL"
		}
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	opt := func(ok bool, v float64) string {
		if !ok {
			return "NULL"
		}
		return f(v)
	}
	u := rep.Utility
	cls := u != nil && u.Task == "classification"
	reg := u != nil && u.Task == "regression"
	var tstr, trtr Metrics
	task, target := "NULL", "NULL"
	if u != nil {
		tstr, trtr = u.TSTR, u.TRTR
		task, target = engine.QuoteString(u.Task), engine.QuoteString(u.Target)
	}
	vals := []string{
		engine.QuoteString(rep.ReleaseID),
		"CAST(" + engine.QuoteString(rep.CreatedAt.UTC().Format(time.RFC3339Nano)) + " AS TIMESTAMPTZ)",
		engine.QuoteString(rep.Source),
		strconv.FormatInt(rep.SnapshotID, 10),
		engine.QuoteString(rep.Destination),
		strconv.Itoa(rep.Rows),
		f(rep.Budget.Epsilon), f(rep.Budget.Delta), f(rep.Budget.Rho),
		f(rep.Fidelity.Score), f(rep.Privacy.Score), f(rep.Privacy.ExactCopyRate),
		task, target,
		opt(cls, tstr.Accuracy), opt(cls, trtr.Accuracy), opt(cls, tstr.AUC), opt(cls, trtr.AUC),
		opt(reg, tstr.R2), opt(reg, trtr.R2), opt(reg, tstr.RMSE), opt(reg, trtr.RMSE),
		f(rep.Thresholds.MinFidelity), f(rep.Thresholds.MinProtection),
		opt(rep.Thresholds.EpsilonBudget > 0, rep.Thresholds.EpsilonBudget),
		engine.QuoteString(string(body)),
	}
	if err := sess.Exec(ctx, "INSERT INTO "+LedgerTable+" VALUES ("+strings.Join(vals, ", ")+")"); err != nil {
		return fmt.Errorf("record the release in %s: %w", LedgerTable, err)
	}
	return nil
}
