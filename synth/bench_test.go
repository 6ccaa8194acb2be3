package synth

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// BenchmarkRun50k measures a whole release of a 50,000 x 15 table: read,
// fit, sample, score (two fits, attacks, utility models) and write. The
// issue's budget is 30 s on 2 cores; the run also reports the time of a
// full read of the source, measured in the same process, as a baseline.
func BenchmarkRun50k(b *testing.B) {
	sess := newSession(b)
	ctx := context.Background()
	loadCSV(b, sess, "bench.adult", "adult.csv", "*", 0)
	if err := sess.Exec(ctx, `CREATE TABLE lake.bench.adult50k AS
		SELECT * FROM lake.bench.adult
		UNION ALL
		SELECT * REPLACE (fnlwgt + 1 AS fnlwgt) FROM (SELECT * FROM lake.bench.adult ORDER BY ALL LIMIT 17439)`); err != nil {
		b.Fatal(err)
	}
	scan := func() time.Duration {
		start := time.Now()
		rows, err := sess.Query(ctx, "SELECT * FROM lake.bench.adult50k")
		if err != nil {
			b.Fatal(err)
		}
		all, err := rows.All()
		if err != nil || len(all) != 50000 {
			b.Fatalf("scan: %d rows, %v", len(all), err)
		}
		return time.Since(start)
	}
	var base time.Duration
	var runs int
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		base += scan()
		b.StartTimer()
		rep, err := Run(ctx, sess, Options{From: "bench.adult50k", Into: "bench.adult50k_synth", Replace: true,
			Target: "income", Epsilon: 1, Seed: uint64(runs + 1)})
		if err != nil {
			b.Fatal(err)
		}
		if rep.Rows != 50000 || len(rep.Columns) != 15 {
			b.Fatalf("released %d rows x %d columns", rep.Rows, len(rep.Columns))
		}
		runs++
	}
	per := b.Elapsed().Seconds() / float64(runs)
	b.ReportMetric(per, "s/release")
	b.ReportMetric(per/30, "x30s-budget")
	b.ReportMetric(per/(base.Seconds()/float64(runs)), "x-scan")
}

// TestAdultFigures prints, for Adult at epsilon 0.3, 1 and 10, the figures
// the README quotes: fidelity, the largest 1-way total variation distance
// over the categorical columns and over the (target, column) pairs,
// privacy score, exact copies, TSTR vs TRTR accuracy and AUC for logistic
// regression and gradient-boosted trees, and the time of a release
// (evaluation included). It runs only with FLOE_SYNTH_REPORT=1 (it takes
// about a minute); seeds 1 to 3 are averaged.
func TestAdultFigures(t *testing.T) {
	if os.Getenv("FLOE_SYNTH_REPORT") != "1" {
		t.Skip("set FLOE_SYNTH_REPORT=1 to print the Adult figures")
	}
	sess := newSession(t)
	ctx := context.Background()
	loadCSV(t, sess, "fig.adult", "adult.csv", "*", 0)
	var b strings.Builder
	fmt.Fprintln(&b, "| epsilon | fidelity | worst 1-way TVD | worst target-pair TVD | privacy | exact copies | LR TSTR acc / AUC | LR TRTR acc / AUC | GBT TSTR acc / AUC | GBT TRTR acc / AUC | seconds |")
	fmt.Fprintln(&b, "|---|---|---|---|---|---|---|---|---|---|---|")
	const seeds = 3
	for _, eps := range []float64{0.3, 1, 10} {
		var fid, tvd1, tvd2, priv, copies, secs float64
		var lr, gb [2]Metrics
		for s := range seeds {
			start := time.Now()
			rep, err := Run(ctx, sess, Options{From: "fig.adult", Target: "income", Epsilon: eps, Seed: uint64(s + 1)})
			if err != nil {
				t.Fatal(err)
			}
			secs += time.Since(start).Seconds()
			fid += rep.Fidelity.Score
			tvd1 += worstCategoricalTVD(rep)
			tvd2 += rep.Fidelity.MaxTargetTVD
			priv += rep.Privacy.Score
			copies += rep.Privacy.ExactCopyRate
			u := rep.Utility
			for k, m := range []Metrics{u.TSTR, u.TRTR} {
				lr[k].Accuracy += m.Accuracy / seeds
				lr[k].AUC += m.AUC / seeds
			}
			for k, m := range []Metrics{u.Boosted.TSTR, u.Boosted.TRTR} {
				gb[k].Accuracy += m.Accuracy / seeds
				gb[k].AUC += m.AUC / seeds
			}
			if os.Getenv("FLOE_SYNTH_VERBOSE") == "1" {
				t.Logf("epsilon %g seed %d:\n%s", eps, s+1, rep.Summary())
				for _, c := range rep.Fidelity.Columns {
					t.Logf("  %-16s tvd %.3f target-tvd %.3f", c.Column, c.TVD, c.TargetTVD)
				}
			}
		}
		fmt.Fprintf(&b, "| %g | %.3f | %.3f | %.3f | %.3f | %.2f%% | %.3f / %.3f | %.3f / %.3f | %.3f / %.3f | %.3f / %.3f | %.1f |\n", eps,
			fid/seeds, tvd1/seeds, tvd2/seeds, priv/seeds, 100*copies/seeds,
			lr[0].Accuracy, lr[0].AUC, lr[1].Accuracy, lr[1].AUC, gb[0].Accuracy, gb[0].AUC, gb[1].Accuracy, gb[1].AUC, secs/seeds)
	}
	t.Log("Adult (32,561 rows, target income), mean of seeds 1-3:\n" + b.String())
}

// worstCategoricalTVD is the largest 1-way total variation distance of a
// categorical column in rep.
func worstCategoricalTVD(rep *Report) float64 {
	class := map[string]string{}
	for _, c := range rep.Columns {
		class[c.Name] = c.Class
	}
	var worst float64
	for _, c := range rep.Fidelity.Columns {
		if class[c.Column] == Categorical.String() {
			worst = max(worst, c.TVD)
		}
	}
	return worst
}
