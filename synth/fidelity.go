package synth

import "math"

// fidelitySmoothing is the pseudo-count added to every cell of a synthetic
// marginal before KL divergence is taken, so that a cell the synthetic
// table misses costs a finite amount.
const fidelitySmoothing = 0.5

// klDivergence is KL(P || Q) in nats for the real counts p and synthetic
// counts q of one marginal, with q smoothed by fidelitySmoothing.
func klDivergence(p, q []float64) float64 {
	np, nq := sum(p), sum(q)
	if np == 0 {
		return 0
	}
	nq += fidelitySmoothing * float64(len(q))
	var kl float64
	for i, x := range p {
		if x == 0 {
			continue
		}
		pi := x / np
		qi := (q[i] + fidelitySmoothing) / nq
		kl += pi * math.Log(pi/qi)
	}
	return math.Max(kl, 0)
}

// marginalScore maps a KL divergence to [0, 1]: exp(-KL), 1 for identical
// distributions, 0.37 at one nat.
func marginalScore(kl float64) float64 { return math.Exp(-kl) }

// tvd is the total variation distance between the distributions of the
// counts p and q: half the L1 distance of their shares.
func tvd(p, q []float64) float64 {
	np, nq := sum(p), sum(q)
	if np == 0 || nq == 0 {
		return 0
	}
	var d float64
	for i := range p {
		d += math.Abs(p[i]/np - q[i]/nq)
	}
	return d / 2
}

// fidelity compares the 1- and 2-way marginals of real and synthetic codes
// over the same domains. The score is the mean of the 1-way mean and the
// 2-way mean of exp(-KL), so both orders weigh the same however many
// columns there are. Total variation distances are reported beside it:
// every column's 1-way and, with a target (its column, or -1), its 2-way
// with the target.
func fidelity(names []string, sizes []int, real, syn [][]int32, target int) Fidelity {
	d := len(sizes)
	f := Fidelity{Columns: make([]ColumnFidelity, d)}
	var sum1, sum2 float64
	pairSum := make([]float64, d)
	pairs := 0
	for j := range d {
		p, q := countTable(real, sizes, []int{j}), countTable(syn, sizes, []int{j})
		kl := klDivergence(p, q)
		s := marginalScore(kl)
		f.Columns[j] = ColumnFidelity{Column: names[j], KL: kl, Score: s, TVD: tvd(p, q)}
		f.MaxTVD = math.Max(f.MaxTVD, f.Columns[j].TVD)
		sum1 += s
	}
	for a := range d {
		for b := a + 1; b < d; b++ {
			vars := []int{a, b}
			p, q := countTable(real, sizes, vars), countTable(syn, sizes, vars)
			kl := klDivergence(p, q)
			s := marginalScore(kl)
			if a == target || b == target {
				other := a + b - target
				f.Columns[other].TargetTVD = tvd(p, q)
				f.MaxTargetTVD = math.Max(f.MaxTargetTVD, f.Columns[other].TargetTVD)
			}
			sum2 += s
			pairSum[a] += s
			pairSum[b] += s
			pairs++
			if f.WorstPair == nil || s < f.WorstPair.Score {
				f.WorstPair = &PairFidelity{Columns: [2]string{names[a], names[b]}, KL: kl, Score: s}
			}
		}
	}
	f.OneWay = sum1 / float64(d)
	f.Score = f.OneWay
	if pairs > 0 {
		f.TwoWay = sum2 / float64(pairs)
		f.Score = (f.OneWay + f.TwoWay) / 2
		for j := range d {
			f.Columns[j].PairScore = pairSum[j] / float64(d-1)
		}
	}
	return f
}
