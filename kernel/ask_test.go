package kernel_test

import (
	"context"
	"testing"

	"github.com/floehq/floe/engine/lakesql"
	"github.com/floehq/floe/samples"

	"github.com/floehq/floe/kernel"
)

// TestAskCells answers ask cells with the offline planner: the generated
// SQL is shown and runs, a named ask cell is a result later cells read, a
// follow-up keeps the earlier question's context, and a question the
// planner cannot map fails with what it could not map.
func TestAskCells(t *testing.T) {
	t.Setenv("FLOE_LLM", "offline")
	wh := sampleWarehouse(t)
	tc := runCase{
		name: "ask",
		md: "~~~ask name=churn_by_contract\nchurn rate by contract\n~~~\n\n" +
			"~~~sql\nSELECT count(*) AS contracts FROM churn_by_contract\n~~~\n\n" +
			"~~~ask\nhow many customers are there?\n~~~\n\n" +
			"~~~ask\nHow many customers churned?\n~~~\n\n" +
			"~~~ask\nnow only in the EU\n~~~\n\n" +
			"~~~ask\nfrobnicate the quux\n~~~\n",
		cells: []cellCheck{
			{status: kernel.Passed, contains: []string{"Answered by offline", "```sql", "lake.samples.customers", "Month-to-month", "3 rows"}},
			{status: kernel.Passed, contains: []string{"3"}},
			{status: kernel.Passed, contains: []string{"7000"}},
			{status: kernel.Passed, contains: []string{"churned"}},
			{status: kernel.Passed, contains: []string{"churned", "'EU'"}},
			{status: kernel.Failed, kind: kernel.KindAsk},
		},
	}
	tc.run(t, openSession(t, wh, kernel.Options{}))
}

// TestSynthesizeFromGo releases a synthetic table from a Go cell and from
// a SQL cell through the same API as floe synth.
func TestSynthesizeFromGo(t *testing.T) {
	// Its own warehouse: a release adds the ledger schema, which other
	// tests sharing the sample warehouse would see.
	wh := emptyWarehouse(t)
	ls, err := lakesql.Open(context.Background(), wh)
	if err != nil {
		t.Fatal(err)
	}
	if err := samples.Load(context.Background(), ls, samples.DefaultSeed); err != nil {
		t.Fatal(err)
	}
	ls.Close()
	tc := runCase{
		name: "synthesize",
		md: "~~~go\nr, err := floe.Synthesize(floe.SynthOptions{From: \"samples.customers\", Into: \"samples.customers_go_synth\", Target: \"churned\", Epsilon: 1, Seed: 7})\n" +
			"if err != nil {\n\tpanic(err)\n}\nfmt.Printf(\"fidelity %.2f\\n\", r.Fidelity.Score)\n~~~\n\n" +
			"~~~sql\nSELECT count(*) > 0 AS rows_written FROM lake.samples.customers_go_synth\n~~~\n",
		cells: []cellCheck{
			{status: kernel.Passed, contains: []string{"fidelity 0."}},
			{status: kernel.Passed, contains: []string{"true"}},
		},
	}
	tc.run(t, openSession(t, wh, kernel.Options{}))
}

// TestLargeResultShownNotHeld checks a query cell larger than the display:
// the exact row count, the first rows, and a trailing comment that must
// not swallow the wrapper floe puts around the query.
func TestLargeResultShownNotHeld(t *testing.T) {
	tc := runCase{
		name: "large",
		md:   "~~~sql\nSELECT range AS i FROM range(5000000) -- five million\n~~~\n",
		cells: []cellCheck{
			{status: kernel.Passed, contains: []string{"of 5000000 rows"}},
		},
	}
	tc.run(t, openSession(t, emptyWarehouse(t), kernel.Options{}))
}
