package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/floehq/floe/engine/lakesql"
	"github.com/floehq/floe/synth"
)

type synthFlags struct {
	from, to, target, report, ledger, format string
	epsilon, delta                           float64
	minFidelity, minProtection               float64
	categorical, numerical, drop, bounds     []string
	public                                   []string
	rows, bins                               int
	seed                                     uint64
	replace, dryRun                          bool
}

func newSynthCmd(g *globals) *cobra.Command {
	var f synthFlags
	cmd := &cobra.Command{
		Use:   "synth --from TABLE --epsilon E --to TABLE [flags]",
		Short: "Release a differentially private synthetic copy of a table",
		Long: `Fit a differentially private model of a lake table, sample a synthetic table
with the same schema, score it, and write it only if it meets the thresholds:

  floe synth --from lake.crm.customers --target churned --epsilon 1 \
      --min-protection 0.8 --to lake.crm.customers_synth --report report.json

The budget (--epsilon, --delta) covers everything that reads the rows: bin
edges, category discovery, the model's structure and its measurements (see
the synth package documentation for the accounting). Scores: fidelity from
the KL divergence of 1- and 2-way marginals, privacy from membership-inference
attacks on a model trained on half the rows (1 - 2*max(0, AUC-0.5)), and with
--target, logistic or linear regression trained on synthetic vs real rows.

If fidelity is below --min-fidelity, privacy below --min-protection, or the
source's table property floe.privacy.epsilon-budget would be exceeded by the
releases in the ledger plus this one, nothing is written and the command
fails with the scores and thresholds. Each release is recorded in
lake.floe_privacy.ledger; --ledger TABLE lists a source's releases.

--public education,country declares that those columns' sets of values are
public knowledge (levels, countries, enums): the model uses them as they are
and spends no budget finding them, so rare values are kept. The values are
the table property floe.synth.public-domain.COLUMN (a JSON array) when set,
else the column's distinct values: listing a column is your assertion that
they are public. Without it, values too rare to release under DP are left
out and their rows drawn again among the released values.

Identifier-like columns (unique per row, such as customer ids or emails) are
dropped with a note on standard error. --seed makes a run repeatable; keep a
seed secret, since it determines the noise.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return g.synth(cmd, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.from, "from", "", "source table, lake.ns.table")
	fl.StringVar(&f.to, "to", "", "destination table, lake.ns.table")
	fl.StringVar(&f.target, "target", "", "column a model will predict (shapes the model and the utility report)")
	fl.Float64Var(&f.epsilon, "epsilon", 0, "differential-privacy epsilon of the release")
	fl.Float64Var(&f.delta, "delta", 0, "differential-privacy delta (default min(1e-9, 1/rows²))")
	fl.Float64Var(&f.minFidelity, "min-fidelity", 0, "least fidelity score in [0, 1] to release")
	fl.Float64Var(&f.minProtection, "min-protection", 0, "least privacy score in [0, 1] to release")
	fl.StringSliceVar(&f.categorical, "categorical", nil, "columns to model as categories (comma-separated)")
	fl.StringSliceVar(&f.numerical, "numerical", nil, "columns to model as numbers (comma-separated)")
	fl.StringSliceVar(&f.drop, "drop", nil, "columns to leave out (comma-separated)")
	fl.StringSliceVar(&f.public, "public", nil, "categorical columns whose set of values is public knowledge (comma-separated): no budget is spent finding them")
	fl.StringArrayVar(&f.bounds, "bounds", nil, "public bounds of a numerical column: col=LOW:HIGH, or col=E1:E2:...:En bin edges (repeatable)")
	fl.IntVar(&f.bins, "bins", 0, "most bins per numerical column (default 16)")
	fl.IntVar(&f.rows, "rows", 0, "synthetic rows (default: as many as the source)")
	fl.Uint64Var(&f.seed, "seed", 0, "seed for a repeatable run (0: random)")
	fl.StringVar(&f.report, "report", "", "write the full report as JSON to this file")
	fl.BoolVar(&f.replace, "replace", false, "overwrite the destination table if it exists")
	fl.BoolVar(&f.dryRun, "dry-run", false, "score only; write no table and no ledger row")
	fl.StringVar(&f.ledger, "ledger", "", "list the releases of this source table and stop")
	fl.StringVar(&f.format, "format", "table", "output format: table, csv or json")
	return cmd
}

func (g *globals) synth(cmd *cobra.Command, f synthFlags) error {
	ctx := cmd.Context()
	format, err := parseFormat(f.format)
	if err != nil {
		return err
	}
	if f.ledger != "" {
		if f.from != "" || f.to != "" {
			return errors.New("--ledger lists releases; give it alone, without --from or --to")
		}
		sess, closeAll, err := g.openSession(ctx)
		if err != nil {
			return err
		}
		defer closeAll()
		return g.synthLedger(ctx, sess, f.ledger, format)
	}
	switch {
	case f.from == "":
		return errors.New("no source: floe synth --from lake.ns.table --epsilon 1 --to lake.ns.table_synth (or --ledger lake.ns.table)")
	case f.to == "" && !f.dryRun:
		return errors.New("no destination: give --to lake.ns.table, or --dry-run to score without writing")
	case f.to != "" && f.dryRun:
		return errors.New("--dry-run writes nothing; drop --to")
	case !cmd.Flags().Changed("epsilon"):
		return errors.New("no privacy budget: give --epsilon (for example --epsilon 1)")
	}
	for _, c := range []struct {
		flag string
		v    int
	}{{"bins", f.bins}, {"rows", f.rows}} {
		if cmd.Flags().Changed(c.flag) {
			if err := synth.CheckGiven(c.flag, c.v); err != nil {
				return fmt.Errorf("--%s: %w", c.flag, err)
			}
		}
	}
	bounds, err := parseBounds(f.bounds)
	if err != nil {
		return err
	}
	o := synth.Options{
		From: f.from, Into: f.to, Replace: f.replace, Target: f.target,
		Epsilon: f.epsilon, Delta: f.delta, MinFidelity: f.minFidelity, MinProtection: f.minProtection,
		Categorical: f.categorical, Numerical: f.numerical, Drop: f.drop, Public: f.public, Bounds: bounds,
		Bins: f.bins, Rows: f.rows, Seed: f.seed,
	}
	sess, closeAll, err := g.openSession(ctx)
	if err != nil {
		return err
	}
	defer closeAll()
	rep, runErr := synth.Run(ctx, sess, o)
	if rep != nil {
		for _, d := range rep.Dropped {
			fmt.Fprintf(g.stderr, "floe synth: dropped column %s: %s\n", d.Name, d.Reason)
		}
		if f.report != "" {
			if err := rep.WriteJSON(f.report); err != nil {
				return errors.Join(runErr, err)
			}
			fmt.Fprintf(g.stderr, "wrote %s\n", f.report)
		}
	}
	if runErr != nil {
		return runErr
	}
	cols, types, row := synth.ResultRow(rep)
	return writeRows(g.stdout, lakesql.NewRows(cols, types, [][]any{row}), format)
}

func (g *globals) synthLedger(ctx context.Context, sess *lakesql.Session, table string, format outputFormat) error {
	l, err := synth.Ledger(ctx, sess, table)
	if err != nil {
		return err
	}
	cols := []string{"released_at", "release_id", "destination", "source_snapshot_id", "rows", "epsilon", "delta", "fidelity", "privacy", "exact_copy_rate"}
	types := []string{"TIMESTAMP WITH TIME ZONE", "VARCHAR", "VARCHAR", "BIGINT", "BIGINT", "DOUBLE", "DOUBLE", "DOUBLE", "DOUBLE", "DOUBLE"}
	var data [][]any
	for _, r := range l.Releases {
		data = append(data, []any{r.ReleasedAt, r.ReleaseID, r.Destination, r.SnapshotID, r.Rows, r.Epsilon, r.Delta, r.Fidelity, r.Privacy, r.ExactCopyRate})
	}
	if err := writeRows(g.stdout, lakesql.NewRows(cols, types, data), format); err != nil {
		return err
	}
	releases := "releases"
	if len(l.Releases) == 1 {
		releases = "release"
	}
	line := fmt.Sprintf("%s: %d %s, cumulative epsilon %g", l.Source, len(l.Releases), releases, l.Spent)
	if l.Budget > 0 {
		line += fmt.Sprintf(" of budget %g (%s), %g left", l.Budget, synth.BudgetProperty, max(0, l.Budget-l.Spent))
	} else {
		line += fmt.Sprintf(" (no %s set)", synth.BudgetProperty)
	}
	fmt.Fprintln(g.stderr, line)
	return nil
}

// parseBounds reads --bounds col=LOW:HIGH or col=E1:E2:...:En.
func parseBounds(specs []string) (map[string][]float64, error) {
	if len(specs) == 0 {
		return nil, nil
	}
	out := map[string][]float64{}
	for _, s := range specs {
		name, vals, ok := strings.Cut(s, "=")
		if !ok || strings.TrimSpace(name) == "" {
			return nil, fmt.Errorf("--bounds %q: write it as column=LOW:HIGH", s)
		}
		var nums []float64
		for _, v := range strings.Split(vals, ":") {
			x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				return nil, fmt.Errorf("--bounds %q: %q is not a number", s, v)
			}
			nums = append(nums, x)
		}
		out[strings.TrimSpace(name)] = nums
	}
	return out, nil
}
