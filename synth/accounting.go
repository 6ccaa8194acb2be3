package synth

import (
	"fmt"
	"math"
)

// defaultMaxDelta caps the default delta: min(defaultMaxDelta, 1/n²).
const defaultMaxDelta = 1e-9

// defaultDelta is the delta used when the caller gives none: 1e-9 or 1/n²,
// whichever is smaller, so that delta stays well below 1/n for any table.
func defaultDelta(n int) float64 {
	d := defaultMaxDelta
	if n > 0 {
		d = math.Min(d, 1/(float64(n)*float64(n)))
	}
	return d
}

// cdpDelta is the smallest delta for which rho-zCDP implies
// (eps, delta)-DP, by the conversion of Canonne, Kamath and Steinke,
// "The Discrete Gaussian for Differential Privacy" (2020), Proposition 12:
//
//	delta = inf_{a>1} exp((a-1)(a*rho-eps)) / (a-1) * (1-1/a)^a
//
// Any a gives a valid bound, so an inexact search only makes delta larger.
func cdpDelta(rho, eps float64) float64 {
	if rho <= 0 {
		return 0
	}
	amin, amax := 1.01, (eps+1)/(2*rho)+2
	var a float64
	for range 200 {
		a = (amin + amax) / 2
		// The derivative of the exponent in a; the optimum is its root.
		if (2*a-1)*rho-eps+math.Log1p(-1/a) < 0 {
			amin = a
		} else {
			amax = a
		}
	}
	d := math.Exp((a-1)*(a*rho-eps)+a*math.Log1p(-1/a)) / (a - 1)
	return math.Min(d, 1)
}

// cdpRho is the largest rho for which rho-zCDP implies (eps, delta)-DP.
func cdpRho(eps, delta float64) float64 {
	if delta >= 1 {
		return math.Inf(1)
	}
	lo, hi := 0.0, eps+1
	for range 200 {
		mid := (lo + hi) / 2
		if cdpDelta(mid, eps) <= delta {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}

// normalQuantileUpper returns z with P(N(0,1) >= z) = p.
func normalQuantileUpper(p float64) float64 { return math.Sqrt2 * math.Erfcinv(2*p) }

// plan is the privacy budget of one model fit and how it is spent. Every
// mechanism that reads private data draws from one of the phases, and the
// phases add up to Rho (zCDP composes by adding rho).
type plan struct {
	Epsilon, Delta float64
	// DeltaDomain is the part of Delta spent by the thresholds of sparse
	// histograms (approximate zCDP); the rest converts Rho to epsilon.
	DeltaDomain float64
	// Sparse is the number of sparse histograms DeltaDomain is split
	// over: two per private categorical column, one per numerical column
	// whose point values are found under DP.
	Sparse int
	Rho    float64
	// Categories1 is the first pass of category discovery (equally per
	// private categorical column), Categories2 the second (by the mass
	// the first left unexplained); Bins the numerical columns' ranges,
	// points and bin edges. Domain is their sum.
	Categories1, Categories2, Bins, Domain float64
	Round1                                 float64 // first measurements: 1-way marginals, or target pairs
	Select                                 float64 // choice of the tree's edges (exponential mechanism)
	Round2                                 float64 // measurements of the chosen cliques
}

// phase weights, before normalising over the phases a model uses. The
// numerical columns' share of the domain phase is weightBins times their
// part of the columns whose domain costs budget (as when every such column
// had an equal share of one domain phase).
const (
	weightCategories1 = 0.40
	weightCategories2 = 0.40
	weightBins        = 0.15
	weightRound1      = 0.15
	weightSelect      = 0.05
	weightRound2      = 0.30
)

// phaseUse says which phases a model runs.
type phaseUse struct {
	privateCats, costlyNums int // columns whose categories, or bins, are found under DP
	round1, sel, round2     bool
}

// newPlan splits (eps, delta) into the phases a model uses.
func newPlan(eps, delta float64, u phaseUse) (plan, error) {
	p := plan{Epsilon: eps, Delta: delta, Sparse: 2*u.privateCats + u.costlyNums}
	convDelta := delta
	if p.Sparse > 0 {
		p.DeltaDomain = delta / 2
		convDelta = delta - p.DeltaDomain
	}
	p.Rho = cdpRho(eps, convDelta)
	if !(p.Rho > 0) || math.IsInf(p.Rho, 0) {
		return p, fmt.Errorf("epsilon %g with delta %g leaves no usable budget", eps, delta)
	}
	w := func(use bool, x float64) float64 {
		if use {
			return x
		}
		return 0
	}
	var wb float64
	if u.costlyNums > 0 {
		wb = weightBins * float64(u.costlyNums) / float64(u.costlyNums+u.privateCats)
	}
	cats := u.privateCats > 0
	wc1, wc2 := w(cats, weightCategories1), w(cats, weightCategories2)
	w1, ws, w2 := w(u.round1, weightRound1), w(u.sel, weightSelect), w(u.round2, weightRound2)
	total := wc1 + wc2 + wb + w1 + ws + w2
	if total == 0 {
		return p, nil
	}
	p.Categories1 = p.Rho * wc1 / total
	p.Categories2 = p.Rho * wc2 / total
	p.Bins = p.Rho * wb / total
	p.Domain = p.Categories1 + p.Categories2 + p.Bins
	p.Round1 = p.Rho * w1 / total
	p.Select = p.Rho * ws / total
	p.Round2 = p.Rho * w2 / total
	return p, nil
}

// giveBack moves rho that the second discovery pass left unspent to the
// measurement phases, in proportion to their shares. The amount depends on
// the first pass's noisy output, which is allowed: zCDP composes with
// adaptively chosen budgets as long as their sum never exceeds Rho (a
// Rényi filter: Feldman and Zrnic, 2021; Whitehouse, Ramdas, Rogers and
// Wu, 2023).
func (p *plan) giveBack(unspent float64) {
	if unspent <= 0 {
		return
	}
	m := p.Round1 + p.Select + p.Round2
	if m == 0 {
		return
	}
	p.Categories2 -= unspent
	p.Domain -= unspent
	p.Round1 += unspent * p.Round1 / m
	p.Select += unspent * p.Select / m
	p.Round2 += unspent * p.Round2 / m
}

// gaussianSigma is the noise scale of a Gaussian mechanism with L2
// sensitivity 1 that satisfies rho-zCDP.
func gaussianSigma(rho float64) float64 { return math.Sqrt(1 / (2 * rho)) }

// emEpsilon is the epsilon of each of k exponential-mechanism runs that
// together satisfy rho-zCDP: the exponential mechanism is eps²/8-zCDP
// (Cesar and Rogers, "Bounding, Concentrating, and Truncating", 2021).
func emEpsilon(rho float64, k int) float64 { return math.Sqrt(8 * rho / float64(k)) }
