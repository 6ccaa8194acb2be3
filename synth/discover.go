package synth

import (
	"math"
	"math/rand/v2"
	"slices"
)

// Category discovery: which values of a private categorical column the
// model may use. Two passes of Gaussian sparse histograms:
//
//  1. Every private categorical column gets an equal share of the first
//     pass's budget. Values whose noisy count passes the threshold are
//     released; the others are "other", too rare to release.
//  2. The first pass's noisy counts tell how many rows the released values
//     leave unexplained (n minus their sum: post-processing). The second
//     pass's budget goes to the columns where that residual is at least
//     minResidual of the rows, in proportion to it: columns with a long
//     tail of smaller values (countries, education levels) get a finer
//     second look, columns whose values were all found get nothing. Each
//     such column is measured again with fresh noise; values that pass its
//     threshold join the released ones.
//
// Both passes' noisy counts of the released values are 1-way measurements
// of the column. A value held by one row is released by a pass with
// probability at most the pass's delta; apart from that each pass is a
// Gaussian mechanism on the column's counts (sensitivity 1).
//
// Values that are always released (a BOOLEAN's false and true) are
// measured in both passes without a threshold; only other values (NULL)
// must pass it.

// minResidual is the least share of rows the first pass must leave
// unexplained for a column to get a second pass.
const minResidual = 0.005

// residualPower shapes the second pass's split: column j gets a share
// proportional to residual_j^residualPower, which favours the columns with
// the longest tails while leaving some budget to the others.
const residualPower = 0.75

// catColumn is a private categorical column to discover.
type catColumn struct {
	j      int
	pinned []catValue // released whatever their count
}

// discovered is what discovery found for one column, for the model and the
// report.
type discovered struct {
	domain        *domain
	ms            []*measurement
	sigma1        float64
	sigma2        float64 // 0 without a second pass
	rho1, rho2    float64
	residual      float64 // share of rows the first pass left unexplained (noisy)
	second, first int     // values released by each pass
}

// discoverCategories runs both passes over the columns cols of f, with
// rho1 for the first pass (split equally) and at most rho2 for the
// second, each histogram's threshold for a single row's value being passed
// with probability deltaC. It returns each column's result by column, and
// the rho the second pass spent.
func discoverCategories(r *rand.Rand, f *frame, cols []catColumn, rho1, rho2, deltaC float64) (map[int]*discovered, float64) {
	out := map[int]*discovered{}
	if len(cols) == 0 {
		return out, 0
	}
	n := float64(f.n)
	z := normalQuantileUpper(deltaC)
	type state struct {
		vals     []catValue
		counts   []float64
		pinned   []bool
		released []bool
		noisy1   []float64
		noisy2   []float64
	}
	states := make([]*state, len(cols))
	sigma1 := gaussianSigma(rho1 / float64(len(cols)))
	tau1 := 1 + sigma1*z
	for k, cc := range cols {
		vals, counts := categoryCounts(f.cols[cc.j], f.n)
		// Pinned values absent from the data are measured at count 0.
		for _, v := range cc.pinned {
			if !slices.Contains(vals, v) {
				vals, counts = append(vals, v), append(counts, 0)
			}
		}
		st := &state{vals: vals, counts: counts, pinned: make([]bool, len(vals)), released: make([]bool, len(vals)), noisy1: make([]float64, len(vals))}
		for i, v := range vals {
			st.pinned[i] = slices.Contains(cc.pinned, v)
		}
		var explained float64
		for i, c := range counts {
			st.noisy1[i] = c + r.NormFloat64()*sigma1
			if st.pinned[i] || st.noisy1[i] >= tau1 {
				st.released[i] = true
				explained += st.noisy1[i]
			}
		}
		states[k] = st
		out[cc.j] = &discovered{sigma1: sigma1, rho1: rho1 / float64(len(cols)), residual: math.Max(0, n-explained) / math.Max(n, 1)}
	}

	// The second pass, where the first left rows unexplained.
	weights := make([]float64, len(cols))
	var total float64
	for k, cc := range cols {
		if res := out[cc.j].residual; res >= minResidual {
			weights[k] = math.Pow(res, residualPower)
			total += weights[k]
		}
	}
	var spent float64
	for k, cc := range cols {
		if weights[k] == 0 || rho2 <= 0 {
			continue
		}
		d := out[cc.j]
		d.rho2 = rho2 * weights[k] / total
		spent += d.rho2
		d.sigma2 = gaussianSigma(d.rho2)
		tau2 := 1 + d.sigma2*z
		st := states[k]
		st.noisy2 = make([]float64, len(st.vals))
		for i, c := range st.counts {
			st.noisy2[i] = c + r.NormFloat64()*d.sigma2
			if !st.released[i] && st.noisy2[i] >= tau2 {
				st.released[i] = true
				d.second++
			}
		}
	}

	// Domains, in the values' order, and the passes' measurements of them.
	for k, cc := range cols {
		st, d := states[k], out[cc.j]
		var kept []catValue
		var y1, y2 []float64
		for i, v := range st.vals {
			if !st.released[i] {
				continue
			}
			kept = append(kept, v)
			y1 = append(y1, st.noisy1[i])
			if st.noisy2 != nil {
				y2 = append(y2, st.noisy2[i])
			}
		}
		d.first = len(kept) - d.second
		d.domain = newCategoricalDomain(kept, true)
		size := d.domain.size()
		add := func(noisy []float64, sigma float64) {
			y := make([]float64, size)
			mask := make([]bool, size)
			copy(y, noisy)
			for i := range noisy {
				mask[i] = true
			}
			d.ms = append(d.ms, &measurement{vars: []int{cc.j}, y: y, sigma: sigma, mask: mask})
		}
		add(y1, d.sigma1)
		if y2 != nil {
			add(y2, d.sigma2)
		}
	}
	return out, spent
}
