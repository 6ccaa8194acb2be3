package synth

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
	"time"
)

// expMech runs the exponential mechanism: it returns i with probability
// proportional to exp(eps*score[i]/(2*sens)). It samples with the Gumbel-max
// trick, which draws exactly from that distribution.
func expMech(r *rand.Rand, score []float64, eps, sens float64) int {
	best, bestV := -1, math.Inf(-1)
	for i, s := range score {
		u := r.Float64()
		for u == 0 {
			u = r.Float64()
		}
		v := eps*s/(2*sens) - math.Log(-math.Log(u))
		if v > bestV {
			best, bestV = i, v
		}
	}
	return best
}

// quantileScore is the exponential mechanism's utility of candidate c as the
// q-quantile of sorted: 0 when c's rank interval [#{v<c}, #{v<=c}] holds
// q*n, else minus the distance to it. Adding or removing one value moves it
// by at most 1.
func quantileScore(sorted []float64, c, q float64) float64 {
	target := q * float64(len(sorted))
	lt := float64(sort.SearchFloat64s(sorted, c))
	le := float64(sort.Search(len(sorted), func(i int) bool { return sorted[i] > c }))
	switch {
	case target < lt:
		return -(lt - target)
	case target > le:
		return -(target - le)
	}
	return 0
}

// dpQuantile picks the q-quantile of sorted among cands by the exponential
// mechanism with privacy eps. It returns false when cands is empty.
func dpQuantile(r *rand.Rand, sorted, cands []float64, q, eps float64) (float64, bool) {
	if len(cands) == 0 {
		return 0, false
	}
	score := make([]float64, len(cands))
	for i, c := range cands {
		score[i] = quantileScore(sorted, c, q)
	}
	return cands[expMech(r, score, eps, 1)], true
}

// rangeZ is the threshold of the range histogram in noise standard
// deviations: a bucket that noise alone pushes over it appears with
// probability about 3e-6.
const rangeZ = 4.5

// rangeExtendZ is the lower threshold for buckets next to the range.
const rangeExtendZ = 2

// dpRange finds, under rho-zCDP, a range [lo, hi] that holds the bulk of the
// non-null values sorted (ascending): a Gaussian histogram over the public
// buckets between consecutive grid points (each value falls in one bucket,
// so the histogram has L2 sensitivity 1) keeps the buckets whose noisy count
// passes rangeZ standard deviations, and the range spans the kept buckets.
// Sparse tails below the threshold fall outside and are clamped to the
// range. With no bucket kept, the range is the fullest bucket (report noisy
// max, also post-processing). The exponential mechanism cannot do this
// step: its utility for an extreme quantile differs between candidates by
// only q*n, too little to pick among thousands of candidates.
func dpRange(r *rand.Rand, sorted, grid []float64, rho float64) (lo, hi float64) {
	sigma := gaussianSigma(rho)
	// Bucket b holds [grid[b-1], grid[b]); buckets 0 and len(grid) are open
	// ended and are reported by their one finite edge.
	counts := make([]float64, len(grid)+1)
	for _, v := range sorted {
		counts[sort.Search(len(grid), func(i int) bool { return grid[i] > v })]++
	}
	noisy := make([]float64, len(counts))
	best := 0
	for b, c := range counts {
		noisy[b] = c + r.NormFloat64()*sigma
		if noisy[b] > noisy[best] {
			best = b
		}
	}
	// Lower thresholds only when nothing passes a higher one; the
	// fallback is the fullest bucket.
	first, last := best, best
	for _, z := range []float64{rangeZ, 3} {
		f, l := -1, -1
		for b, v := range noisy {
			if v >= z*sigma {
				if f < 0 {
					f = b
				}
				l = b
			}
		}
		if f >= 0 {
			first, last = f, l
			break
		}
	}
	// Grow the range into neighbouring buckets that clear a lower bar: a
	// false positive next to the bulk only widens the range by a factor
	// two, where one far away would ruin it.
	for first > 0 && noisy[first-1] >= rangeExtendZ*sigma {
		first--
	}
	for last+1 < len(noisy) && noisy[last+1] >= rangeExtendZ*sigma {
		last++
	}
	edge := func(i int) float64 { return grid[min(max(i, 0), len(grid)-1)] }
	return edge(first - 1), edge(last)
}

// numberGrid is the public bucket grid for the range of a number column:
// 0 and the powers of two from 2^-20 to 2^50, both signs. Buckets a factor
// two wide hold enough values to stand out of the noise in small tables,
// and bound the range within a factor two.
var numberGrid = sync.OnceValue(func() []float64 {
	c := []float64{0}
	for k := -20; k <= 50; k++ {
		v := math.Ldexp(1, k)
		c = append(c, v, -v)
	}
	return sortedUnique(c)
})

// yearGrid is the public bucket grid for the range of a date or timestamp
// column: every 1 January from 1900 to 2101, in days (scale 1) or seconds
// (scale 86400) since 1970-01-01.
func yearGrid(scale float64) []float64 {
	var c []float64
	for y := 1900; y <= 2101; y++ {
		days := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC).Unix() / 86400
		c = append(c, float64(days)*scale)
	}
	return c
}

func rangeGrid(kind valueKind) []float64 {
	switch kind {
	case kindDate:
		return yearGrid(1)
	case kindTimestamp, kindTimestampTZ:
		return yearGrid(86400)
	}
	return numberGrid()
}

// Point values: a value held by at least 1/pointShare of the rows (and
// released by the sparse histogram) gets a code of its own, up to
// maxPoints of them.
const (
	pointShare = 32
	maxPoints  = 8
)

// dpBins chooses the domain of a Numerical column from its non-null values
// sorted (ascending) and its number of NULLs, under deltaC-approximate
// rho-zCDP, n being the table's (public) row count. rho is split equally
// between the steps that run:
//
//  1. the range [lo, hi], by dpRange (skipped when bounds are public);
//  2. point values: a Gaussian sparse histogram of the values in the range
//     (threshold as for categories, and at least n/pointShare), so that a
//     column of mostly zeros keeps its zeros exact. NULL is a cell of the
//     same histogram (a row is one value or NULL: sensitivity still 1),
//     released by the categories' threshold alone: nullable says whether
//     the model may sample NULL;
//  3. bin edges for the other values: levels rounds of recursive medians,
//     fewer when points hold most rows. Each round splits every interval
//     at a DP median (exponential mechanism over the public candidates
//     inside the interval) of the values inside it; the intervals of one
//     round hold disjoint values, so a round costs one query (parallel
//     composition).
//
// A single edge means one bin holding that point. limit, when not nil, is
// the range the column's type can hold: [lo, hi] is clamped into it.
func dpBins(r *rand.Rand, sorted []float64, nulls int, kind valueKind, bounds, limit []float64, levels int, rho, deltaC float64, n int) (points, edges []float64, nullable bool) {
	parts := 3.0
	var lo, hi float64
	if bounds != nil {
		parts = 2
		lo, hi = bounds[0], bounds[1]
	} else {
		lo, hi = dpRange(r, sorted, rangeGrid(kind), rho/parts)
	}
	if limit != nil {
		// The type's own range (public): a false positive far from the
		// values must not stretch the range past what the column holds.
		lo = math.Min(math.Max(lo, limit[0]), limit[1])
		hi = math.Min(math.Max(hi, limit[0]), limit[1])
	}
	rho /= parts
	sigma := gaussianSigma(rho)
	tauNull := 1 + sigma*normalQuantileUpper(deltaC)
	if nulls > 0 {
		nullable = float64(nulls)+r.NormFloat64()*sigma >= tauNull
	}
	if hi <= lo {
		return nil, []float64{lo}, nullable
	}

	// Point values.
	var vals, counts []float64
	for i := 0; i < len(sorted); {
		j := i
		for j < len(sorted) && sorted[j] == sorted[i] {
			j++
		}
		if v := sorted[i]; v >= lo && v <= hi {
			vals, counts = append(vals, v), append(counts, float64(j-i))
		}
		i = j
	}
	tau := math.Max(tauNull, float64(n)/pointShare)
	keep, noisy := sparseHistogram(r, counts, sigma, tau)
	order := make([]int, len(keep))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return noisy[order[a]] > noisy[order[b]] })
	var held float64
	for _, i := range order[:min(len(order), maxPoints)] {
		points = append(points, vals[keep[i]])
		held += noisy[i]
	}
	sort.Float64s(points)

	// Bins for the rest, clamped into [lo, hi] (a projection, which
	// changes no sensitivity).
	rest := make([]float64, 0, len(sorted))
	for _, v := range sorted {
		if _, isPoint := slices.BinarySearch(points, v); !isPoint {
			rest = append(rest, math.Min(math.Max(v, lo), hi))
		}
	}
	if share := (float64(n) - held) / float64(max(n, 1)); share < 1 {
		levels = min(levels, max(0, levels+int(math.Round(math.Log2(math.Max(share, 1e-9))))))
	}
	cands := medianCandidates(kind, lo, hi)
	eps := emEpsilon(rho, max(levels, 1))
	edges = []float64{lo, hi}
	for range levels {
		next := []float64{edges[0]}
		for j := 0; j+1 < len(edges); j++ {
			a, b := edges[j], edges[j+1]
			// Values of the interval [a, b), or [a, b] for the last one.
			start := sort.SearchFloat64s(rest, a)
			end := sort.SearchFloat64s(rest, b)
			if j+2 == len(edges) {
				end = len(rest)
			}
			ci := sort.Search(len(cands), func(i int) bool { return cands[i] > a })
			cj := sort.SearchFloat64s(cands, b)
			if ci < cj {
				if m, ok := dpQuantile(r, rest[start:end], cands[ci:cj], 0.5, eps); ok {
					next = append(next, m)
				}
			}
			next = append(next, b)
		}
		edges = next
	}
	return points, edges, nullable
}

// medianCandidates are the public candidate edges inside [lo, hi]: every
// day for dates and timestamps; for numbers, the integers within 1000 of
// zero (for integer and decimal columns), 100 log-spaced points a decade
// (rounded for integer columns) and, for non-integer columns, 256 equal
// steps.
func medianCandidates(kind valueKind, lo, hi float64) []float64 {
	var c []float64
	switch kind {
	case kindDate, kindTimestamp, kindTimestampTZ:
		scale := 1.0
		if kind != kindDate {
			scale = 86400
		}
		for d := math.Ceil(lo / scale); d*scale <= hi; d++ {
			c = append(c, d*scale)
		}
		return c
	case kindInt, kindDecimal:
		for v := math.Max(math.Ceil(lo), -1000); v <= math.Min(hi, 1000); v++ {
			c = append(c, v)
		}
	}
	integer := kind == kindInt
	for k := -600; k <= 1500; k++ {
		v := math.Pow(10, float64(k)/100)
		if integer {
			v = math.Round(v)
		}
		for _, x := range []float64{v, -v} {
			if x >= lo && x <= hi {
				c = append(c, x)
			}
		}
	}
	if !integer {
		for i := 0; i <= 256; i++ {
			c = append(c, lo+(hi-lo)*float64(i)/256)
		}
	}
	return sortedUnique(c)
}

func sortedUnique(c []float64) []float64 {
	slices.Sort(c)
	return slices.Compact(c)
}

// sparseHistogram releases the counts of the values a column holds, with
// Gaussian noise of scale sigma, keeping only values whose noisy count
// reaches threshold. A value held by a single record is released only if its
// noise exceeds threshold-1, which happens with probability deltaC; apart
// from that event the output is a Gaussian mechanism's (approximate zCDP,
// the "Gaussian sparse histogram" of Wilkins, Kifer, Zhang and Karrer,
// 2024). counts must be in a deterministic order.
func sparseHistogram(r *rand.Rand, counts []float64, sigma, threshold float64) (keep []int, noisy []float64) {
	for i, c := range counts {
		v := c + r.NormFloat64()*sigma
		if v >= threshold {
			keep = append(keep, i)
			noisy = append(noisy, v)
		}
	}
	return keep, noisy
}
