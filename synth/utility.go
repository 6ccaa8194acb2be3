package synth

import (
	"math"
	"sort"
)

// Utility models: L2-regularised logistic regression (one-vs-rest for more
// than two classes) and ridge linear regression, fitted by Newton's method
// on one-hot and standardised features. Simple on purpose: the point is
// the gap between training on synthetic and on real rows, not the model.

const (
	maxOneHot   = 50  // most frequent values of a categorical feature
	maxClasses  = 20  // most frequent classes of a categorical target
	featureBins = 5   // quantile bins of a numerical feature, one-hot
	ridge       = 1.0 // L2 penalty on the weights (not the intercept)
)

// sparseRow is a feature vector: indices and values, intercept excluded.
type sparseRow struct {
	idx []int32
	val []float64
}

// featureSpec turns a frame's rows (target excluded) into feature vectors;
// it is learned from the training frame only.
type featureSpec struct {
	target int
	dim    int
	cols   []featureCol
}

type featureCol struct {
	j        int
	class    Class
	oneHot   map[catValue]int // Categorical: value -> feature
	base     int              // Numerical: z-score feature; base+1 null; base+2.. bins
	mean, sd float64
	edges    []float64
}

func newFeatureSpec(f *frame, target int) *featureSpec {
	s := &featureSpec{target: target}
	for j, c := range f.cols {
		if j == target {
			continue
		}
		fc := featureCol{j: j, class: c.class}
		if c.class == Categorical {
			vals, counts := categoryCounts(c, f.n)
			order := make([]int, len(vals))
			for i := range order {
				order[i] = i
			}
			sort.SliceStable(order, func(a, b int) bool { return counts[order[a]] > counts[order[b]] })
			fc.oneHot = map[catValue]int{}
			for _, i := range order[:min(len(order), maxOneHot)] {
				fc.oneHot[vals[i]] = s.dim
				s.dim++
			}
		} else {
			sorted := sortedValues(c, f.n)
			var sum, sq float64
			for _, v := range sorted {
				sum += v
			}
			if len(sorted) > 0 {
				fc.mean = sum / float64(len(sorted))
			}
			for _, v := range sorted {
				sq += (v - fc.mean) * (v - fc.mean)
			}
			fc.sd = 1
			if len(sorted) > 1 && sq > 0 {
				fc.sd = math.Sqrt(sq / float64(len(sorted)-1))
			}
			for b := 1; b < featureBins && len(sorted) > 0; b++ {
				fc.edges = append(fc.edges, sorted[len(sorted)*b/featureBins])
			}
			fc.edges = sortedUnique(fc.edges)
			fc.base = s.dim
			s.dim += 2 + len(fc.edges) + 1
		}
		s.cols = append(s.cols, fc)
	}
	return s
}

func (s *featureSpec) row(f *frame, i int) sparseRow {
	var r sparseRow
	for _, fc := range s.cols {
		c := f.cols[fc.j]
		if fc.class == Categorical {
			if k, ok := fc.oneHot[catValue{s: c.str[i], null: c.null[i]}]; ok {
				r.idx = append(r.idx, int32(k))
				r.val = append(r.val, 1)
			}
			continue
		}
		if c.null[i] {
			r.idx = append(r.idx, int32(fc.base+1))
			r.val = append(r.val, 1)
			continue
		}
		v := c.num[i]
		z := math.Max(-5, math.Min(5, (v-fc.mean)/fc.sd))
		b := sort.Search(len(fc.edges), func(k int) bool { return fc.edges[k] > v })
		r.idx = append(r.idx, int32(fc.base), int32(fc.base+2+b))
		r.val = append(r.val, z, 1)
	}
	return r
}

func (s *featureSpec) rows(f *frame, keep func(i int) bool) []sparseRow {
	var out []sparseRow
	for i := range f.n {
		if keep(i) {
			out = append(out, s.row(f, i))
		}
	}
	return out
}

// newtonFit minimises the penalised loss of a generalised linear model by
// Newton's method. weight is the intercept followed by the features. link
// returns, for a row's linear predictor and label, the loss gradient and
// curvature with respect to the predictor.
func newtonFit(x []sparseRow, y []float64, dim int, link func(eta, y float64) (g, h float64), iters int) []float64 {
	p := dim + 1
	w := make([]float64, p)
	hess := make([]float64, p*p)
	grad := make([]float64, p)
	idx := make([]int, 0, 64)
	val := make([]float64, 0, 64)
	for range iters {
		clear(hess)
		clear(grad)
		for i, r := range x {
			eta := w[0]
			for k, j := range r.idx {
				eta += w[j+1] * r.val[k]
			}
			g, h := link(eta, y[i])
			idx = append(idx[:0], 0)
			val = append(val[:0], 1)
			for k, j := range r.idx {
				idx = append(idx, int(j)+1)
				val = append(val, r.val[k])
			}
			for a, ia := range idx {
				grad[ia] += g * val[a]
				if h == 0 {
					continue
				}
				row := hess[ia*p:]
				for b, ib := range idx {
					row[ib] += h * val[a] * val[b]
				}
			}
		}
		for j := 1; j < p; j++ {
			grad[j] += ridge * w[j]
			hess[j*p+j] += ridge
		}
		hess[0] += 1e-9
		step, ok := solveSPD(hess, grad, p)
		if !ok {
			break
		}
		var biggest float64
		for j := range w {
			w[j] -= step[j]
			biggest = math.Max(biggest, math.Abs(step[j]))
		}
		if biggest < 1e-6 {
			break
		}
	}
	return w
}

// solveSPD solves a x = b for a symmetric positive definite a (p×p) by
// Cholesky decomposition; a is overwritten.
func solveSPD(a, b []float64, p int) ([]float64, bool) {
	for j := range p {
		s := a[j*p+j]
		for k := range j {
			s -= a[j*p+k] * a[j*p+k]
		}
		if s <= 0 {
			return nil, false
		}
		d := math.Sqrt(s)
		a[j*p+j] = d
		for i := j + 1; i < p; i++ {
			s := a[i*p+j]
			for k := range j {
				s -= a[i*p+k] * a[j*p+k]
			}
			a[i*p+j] = s / d
		}
	}
	x := append([]float64(nil), b...)
	for i := range p {
		s := x[i]
		for k := range i {
			s -= a[i*p+k] * x[k]
		}
		x[i] = s / a[i*p+i]
	}
	for i := p - 1; i >= 0; i-- {
		s := x[i]
		for k := i + 1; k < p; k++ {
			s -= a[k*p+i] * x[k]
		}
		x[i] = s / a[i*p+i]
	}
	return x, true
}

func predict(w []float64, r sparseRow) float64 {
	eta := w[0]
	for k, j := range r.idx {
		eta += w[j+1] * r.val[k]
	}
	return eta
}

func logistic(eta, y float64) (float64, float64) {
	p := 1 / (1 + math.Exp(-eta))
	return p - y, math.Max(p*(1-p), 1e-10)
}

func squared(eta, y float64) (float64, float64) { return eta - y, 1 }

// utilityMetrics trains the linear model (ridge regression, or logistic
// regression one-vs-rest) on train and tests it on test, both with the
// target at column target, and returns the test metrics.
func utilityMetrics(train, test *frame, target int) Metrics {
	spec := newFeatureSpec(train, target)
	tc := train.cols[target]
	if tc.class == Numerical {
		keep := func(c *column) func(int) bool { return func(i int) bool { return !c.null[i] } }
		xs := spec.rows(train, keep(tc))
		ys := make([]float64, 0, len(xs))
		for i := range train.n {
			if !tc.null[i] {
				ys = append(ys, tc.num[i])
			}
		}
		var w []float64
		if len(xs) > 0 {
			w = newtonFit(xs, ys, spec.dim, squared, 2)
		} else {
			w = make([]float64, spec.dim+1)
		}
		pred := make([]float64, test.n)
		for i := range test.n {
			pred[i] = predict(w, spec.row(test, i))
		}
		return regressionMetrics(pred, test.cols[target])
	}

	// Classification, one-vs-rest over the training labels.
	classes := targetClasses(tc, train.n)
	xs := spec.rows(train, func(int) bool { return true })
	xt := spec.rows(test, func(int) bool { return true })
	scores := make([][]float64, len(classes)) // per class, per test row
	for k, cl := range classes {
		if len(classes) == 2 && k == 0 {
			continue // the binary case needs one model
		}
		ys := make([]float64, train.n)
		for i := range train.n {
			if label(tc, i) == cl {
				ys[i] = 1
			}
		}
		w := newtonFit(xs, ys, spec.dim, logistic, 25)
		scores[k] = make([]float64, test.n)
		for i, r := range xt {
			scores[k][i] = 1 / (1 + math.Exp(-predict(w, r)))
		}
	}
	if len(classes) == 2 {
		scores[0] = make([]float64, test.n)
		for i := range scores[0] {
			scores[0][i] = 1 - scores[1][i]
		}
	}
	return classificationMetrics(classes, scores, test.cols[target], test.n)
}

// boostedMetrics trains gradient-boosted trees on train and tests them on
// test, as utilityMetrics does the linear model.
func boostedMetrics(train, test *frame, target int) Metrics {
	b := newBinner(train, target)
	xtr, xte := b.bin(train), b.bin(test)
	tc := train.cols[target]
	if tc.class == Numerical {
		y := make([]float64, train.n)
		for i := range y {
			y[i] = tc.num[i]
			if tc.null[i] {
				y[i] = math.NaN()
			}
		}
		return regressionMetrics(boostRegression(xtr, y, xte), test.cols[target])
	}
	classes := targetClasses(tc, train.n)
	index := map[catValue]int{}
	for k, cl := range classes {
		index[cl] = k
	}
	labels := make([]int, train.n)
	for i := range labels {
		k, ok := index[label(tc, i)]
		if !ok {
			k = -1
		}
		labels[i] = k
	}
	if len(classes) < 2 {
		scores := [][]float64{make([]float64, test.n)}
		for i := range scores[0] {
			scores[0][i] = 1
		}
		return classificationMetrics(classes, scores, test.cols[target], test.n)
	}
	return classificationMetrics(classes, boostClassifier(xtr, labels, len(classes), xte), test.cols[target], test.n)
}

// label is row i of a categorical column as a class.
func label(c *column, i int) catValue { return catValue{s: c.str[i], null: c.null[i]} }

// targetClasses are the classes a model predicts: the target's values in
// the training rows, the maxClasses most frequent when there are more (the
// others are never predicted).
func targetClasses(tc *column, n int) []catValue {
	classes, counts := categoryCounts(tc, n)
	if len(classes) <= maxClasses {
		return classes
	}
	order := make([]int, len(classes))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return counts[order[a]] > counts[order[b]] })
	top := make([]catValue, maxClasses)
	for i := range top {
		top[i] = classes[order[i]]
	}
	return top
}

// regressionMetrics scores predictions pred of the test column ec (rows
// where it is NULL are left out): RMSE and R².
func regressionMetrics(pred []float64, ec *column) Metrics {
	var sse, sst, mean float64
	var cnt int
	for i := range pred {
		if !ec.null[i] {
			mean += ec.num[i]
			cnt++
		}
	}
	if cnt == 0 {
		return Metrics{}
	}
	mean /= float64(cnt)
	for i, p := range pred {
		if ec.null[i] {
			continue
		}
		e := p - ec.num[i]
		sse += e * e
		sst += (ec.num[i] - mean) * (ec.num[i] - mean)
	}
	m := Metrics{RMSE: math.Sqrt(sse / float64(cnt))}
	if sst > 0 {
		m.R2 = 1 - sse/sst
	}
	return m
}

// classificationMetrics scores per-class scores (scores[k][i] for class k
// and test row i) against the test column ec: the accuracy of the
// highest-scoring class and the AUC, the positive class's for two classes,
// else the mean one-vs-rest AUC over the classes with positives and
// negatives in test.
func classificationMetrics(classes []catValue, scores [][]float64, ec *column, n int) Metrics {
	var m Metrics
	correct := 0
	for i := range n {
		best, bestP := -1, -1.0
		for k := range classes {
			if scores[k][i] > bestP {
				best, bestP = k, scores[k][i]
			}
		}
		if best >= 0 && classes[best] == label(ec, i) {
			correct++
		}
	}
	if n > 0 {
		m.Accuracy = float64(correct) / float64(n)
	}
	var aucSum float64
	var aucN int
	for k, cl := range classes {
		if len(classes) == 2 && k == 0 {
			continue
		}
		pos := make([]bool, n)
		var np int
		for i := range n {
			pos[i] = label(ec, i) == cl
			if pos[i] {
				np++
			}
		}
		if np == 0 || np == n {
			continue
		}
		aucSum += auc(scores[k], pos)
		aucN++
	}
	m.AUC = 0.5
	if aucN > 0 {
		m.AUC = aucSum / float64(aucN)
	}
	return m
}

// auc is the area under the ROC curve of score for the positives pos: the
// Mann-Whitney statistic, ties counted half.
func auc(score []float64, pos []bool) float64 {
	idx := make([]int, len(score))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return score[idx[a]] < score[idx[b]] })
	var rankSum float64
	var np, nn float64
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && score[idx[j]] == score[idx[i]] {
			j++
		}
		rank := float64(i+j+1) / 2 // mean of ranks i+1..j
		for k := i; k < j; k++ {
			if pos[idx[k]] {
				rankSum += rank
			}
		}
		i = j
	}
	for _, p := range pos {
		if p {
			np++
		} else {
			nn++
		}
	}
	if np == 0 || nn == 0 {
		return 0.5
	}
	return (rankSum - np*(np+1)/2) / (np * nn)
}
