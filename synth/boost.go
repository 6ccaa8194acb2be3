package synth

import (
	"math"
	"sort"
)

// The non-linear utility model: gradient-boosted trees (Friedman, 2001)
// with second-order leaf values as in XGBoost, grown on binned features.
// Deterministic (no subsampling) and small: boostRounds trees of depth
// boostDepth, each split a set of a feature's bins (a prefix of a number's
// bins, any set of categories, found by ordering them by gradient ratio as
// LightGBM does).

const (
	boostRounds   = 100
	boostDepth    = 3
	boostRate     = 0.1
	boostLambda   = 1.0 // L2 penalty on leaf values
	boostMinRows  = 20  // fewest training rows in a leaf
	boostNumBins  = 32  // quantile bins of a numerical feature, plus NULL
	boostMaxTrees = 400 // trees in all: multi-class models get fewer rounds
)

// boostedName describes the model in reports.
const boostedName = "gradient-boosted trees (100 rounds, depth 3)"

// binner maps a frame's columns (the target excluded) to small bin codes,
// learned from the training frame: a categorical column's most frequent
// values (others share one bin), a numerical column's quantile bins and a
// bin for NULL.
type binner struct {
	cols []binCol
}

type binCol struct {
	j     int
	cat   bool
	codes map[catValue]uint8 // categorical: value -> bin; others get len(codes)
	edges []float64          // numerical: bin b holds [edges[b-1], edges[b]); NULL is len(edges)+1
	bins  int
}

func newBinner(f *frame, target int) *binner {
	b := &binner{}
	for j, c := range f.cols {
		if j == target {
			continue
		}
		bc := binCol{j: j, cat: c.class == Categorical}
		if bc.cat {
			vals, counts := categoryCounts(c, f.n)
			order := make([]int, len(vals))
			for i := range order {
				order[i] = i
			}
			sort.SliceStable(order, func(a, b int) bool { return counts[order[a]] > counts[order[b]] })
			bc.codes = map[catValue]uint8{}
			for _, i := range order[:min(len(order), maxOneHot)] {
				bc.codes[vals[i]] = uint8(len(bc.codes))
			}
			bc.bins = len(bc.codes) + 1
		} else {
			sorted := sortedValues(c, f.n)
			for k := 1; k < boostNumBins && len(sorted) > 0; k++ {
				bc.edges = append(bc.edges, sorted[len(sorted)*k/boostNumBins])
			}
			bc.edges = sortedUnique(bc.edges)
			bc.bins = len(bc.edges) + 2
		}
		b.cols = append(b.cols, bc)
	}
	return b
}

// binned is a frame's rows as bin codes, row-major: n rows of nf
// features, feature k having bins[k] bins, unordered when cat[k].
type binned struct {
	x    []uint8
	nf   int
	bins []int
	cat  []bool
}

func (d *binned) row(i int) []uint8 { return d.x[i*d.nf : (i+1)*d.nf] }

// bin returns the rows of f in b's bins.
func (b *binner) bin(f *frame) *binned {
	d := &binned{nf: len(b.cols)}
	for _, bc := range b.cols {
		d.bins = append(d.bins, bc.bins)
		d.cat = append(d.cat, bc.cat)
	}
	d.x = b.binRows(f)
	return d
}

// binRows returns the binned rows of f, row-major.
func (b *binner) binRows(f *frame) []uint8 {
	nf := len(b.cols)
	x := make([]uint8, f.n*nf)
	for k, bc := range b.cols {
		c := f.cols[bc.j]
		for i := range f.n {
			var v uint8
			switch {
			case bc.cat:
				code, ok := bc.codes[catValue{s: c.str[i], null: c.null[i]}]
				if !ok {
					code = uint8(len(bc.codes))
				}
				v = code
			case c.null[i]:
				v = uint8(len(bc.edges) + 1)
			default:
				v = uint8(sort.Search(len(bc.edges), func(e int) bool { return bc.edges[e] > c.num[i] }))
			}
			x[i*nf+k] = v
		}
	}
	return x
}

// boostTree is a binary tree in arrays: node i splits on feature feat[i],
// sending rows whose bin is in the set left[i] to child[i][0], or is a
// leaf of value value[i] (feat[i] < 0).
type boostTree struct {
	feat  []int
	left  []uint64
	child [][2]int
	value []float64
}

func (t *boostTree) predict(x []uint8) float64 {
	i := 0
	for t.feat[i] >= 0 {
		if t.left[i]&(1<<x[t.feat[i]]) != 0 {
			i = t.child[i][0]
		} else {
			i = t.child[i][1]
		}
	}
	return t.value[i]
}

// treeGrower fits trees to the gradients and curvatures of a binned
// training set, reusing its histograms.
type treeGrower struct {
	d       *binned
	maxBins int
	hg, hh  []float64
	hn      []int32
	order   []int
	all     []int32
}

func newTreeGrower(d *binned) *treeGrower {
	gr := &treeGrower{d: d}
	for _, b := range d.bins {
		gr.maxBins = max(gr.maxBins, b)
	}
	size := d.nf * gr.maxBins
	gr.hg, gr.hh, gr.hn = make([]float64, size), make([]float64, size), make([]int32, size)
	gr.order = make([]int, gr.maxBins)
	gr.all = make([]int32, len(d.x)/max(d.nf, 1))
	for i := range gr.all {
		gr.all[i] = int32(i)
	}
	return gr
}

// grow fits one tree, breadth first, to gradients g and curvatures h: each
// node takes the split of largest gain (GL²/(HL+λ) + GR²/(HR+λ) -
// G²/(H+λ)) that leaves at least boostMinRows rows on each side, and each
// leaf the shrunk Newton step -rate·G/(H+λ).
func (gr *treeGrower) grow(g, h []float64) *boostTree {
	d := gr.d
	nf, mb := d.nf, gr.maxBins
	t := &boostTree{}
	newNode := func() int {
		t.feat = append(t.feat, -1)
		t.left = append(t.left, 0)
		t.child = append(t.child, [2]int{})
		t.value = append(t.value, 0)
		return len(t.feat) - 1
	}
	type task struct {
		node, depth int
		rows        []int32
	}
	queue := []task{{newNode(), 0, gr.all}}
	for len(queue) > 0 {
		tk := queue[0]
		queue = queue[1:]
		var G, H float64
		for _, i := range tk.rows {
			G += g[i]
			H += h[i]
		}
		t.value[tk.node] = -boostRate * G / (H + boostLambda)
		if tk.depth == boostDepth || len(tk.rows) < 2*boostMinRows {
			continue
		}
		clear(gr.hg)
		clear(gr.hh)
		clear(gr.hn)
		for _, i := range tk.rows {
			gi, hi := g[i], h[i]
			for k, v := range d.row(int(i)) {
				c := k*mb + int(v)
				gr.hg[c] += gi
				gr.hh[c] += hi
				gr.hn[c]++
			}
		}
		parent := G * G / (H + boostLambda)
		bestGain, bestFeat := 1e-9, -1
		var bestSet uint64
		for k := range nf {
			hg, hh, hn := gr.hg[k*mb:k*mb+d.bins[k]], gr.hh[k*mb:k*mb+d.bins[k]], gr.hn[k*mb:k*mb+d.bins[k]]
			ord := gr.order[:d.bins[k]]
			for b := range ord {
				ord[b] = b
			}
			if d.cat[k] {
				sort.SliceStable(ord, func(a, b int) bool {
					return hg[ord[a]]/(hh[ord[a]]+boostLambda) < hg[ord[b]]/(hh[ord[b]]+boostLambda)
				})
			}
			var gl, hl float64
			var nl int32
			var set uint64
			for s := 0; s+1 < len(ord); s++ {
				b := ord[s]
				gl, hl, nl = gl+hg[b], hl+hh[b], nl+hn[b]
				set |= 1 << b
				if nl < boostMinRows || int32(len(tk.rows))-nl < boostMinRows {
					continue
				}
				gR, hR := G-gl, H-hl
				if gain := gl*gl/(hl+boostLambda) + gR*gR/(hR+boostLambda) - parent; gain > bestGain {
					bestGain, bestFeat, bestSet = gain, k, set
				}
			}
		}
		if bestFeat < 0 {
			continue
		}
		var l, r []int32
		for _, i := range tk.rows {
			if bestSet&(1<<d.x[int(i)*nf+bestFeat]) != 0 {
				l = append(l, i)
			} else {
				r = append(r, i)
			}
		}
		a, b := newNode(), newNode()
		t.feat[tk.node], t.left[tk.node], t.child[tk.node] = bestFeat, bestSet, [2]int{a, b}
		queue = append(queue, task{a, tk.depth + 1, l}, task{b, tk.depth + 1, r})
	}
	return t
}

// boostRegression fits squared loss to y (rows with a NaN label are left
// out) and returns the predictions for the rows of test.
func boostRegression(train *binned, y []float64, test *binned) []float64 {
	var keep []int
	for i, v := range y {
		if !math.IsNaN(v) {
			keep = append(keep, i)
		}
	}
	sub := &binned{nf: train.nf, bins: train.bins, cat: train.cat, x: make([]uint8, 0, len(keep)*train.nf)}
	ys := make([]float64, len(keep))
	var mean float64
	for k, i := range keep {
		sub.x = append(sub.x, train.row(i)...)
		ys[k] = y[i]
		mean += y[i]
	}
	if len(keep) > 0 {
		mean /= float64(len(keep))
	}
	f := make([]float64, len(keep))
	for i := range f {
		f[i] = mean
	}
	g, h := make([]float64, len(keep)), make([]float64, len(keep))
	for i := range h {
		h[i] = 1
	}
	gr := newTreeGrower(sub)
	var trees []*boostTree
	for range boostRounds {
		for i := range g {
			g[i] = f[i] - ys[i]
		}
		t := gr.grow(g, h)
		trees = append(trees, t)
		for i := range f {
			f[i] += t.predict(sub.row(i))
		}
	}
	n := len(test.x) / max(test.nf, 1)
	out := make([]float64, n)
	for i := range out {
		out[i] = mean
		for _, t := range trees {
			out[i] += t.predict(test.row(i))
		}
	}
	return out
}

// boostClassifier fits k classes (label[i] in [0, k), or -1 for a class
// outside them, which counts as a negative for every class) and returns,
// per class, the probabilities of the rows of test. Two classes fit one
// logistic model; more fit a softmax with one tree per class a round, and
// fewer rounds so as to grow at most boostMaxTrees trees.
func boostClassifier(train *binned, label []int, k int, test *binned) [][]float64 {
	n := len(label)
	nt := len(test.x) / max(test.nf, 1)
	gr := newTreeGrower(train)
	g, h := make([]float64, n), make([]float64, n)
	out := make([][]float64, k)
	if k == 2 {
		var pos float64
		for _, l := range label {
			if l == 1 {
				pos++
			}
		}
		p0 := math.Min(math.Max(pos/math.Max(float64(n), 1), 1e-6), 1-1e-6)
		base := math.Log(p0 / (1 - p0))
		f := make([]float64, n)
		for i := range f {
			f[i] = base
		}
		ft := make([]float64, nt)
		for i := range ft {
			ft[i] = base
		}
		for range boostRounds {
			for i := range g {
				p := 1 / (1 + math.Exp(-f[i]))
				y := 0.0
				if label[i] == 1 {
					y = 1
				}
				g[i], h[i] = p-y, math.Max(p*(1-p), 1e-6)
			}
			t := gr.grow(g, h)
			for i := range f {
				f[i] += t.predict(train.row(i))
			}
			for i := range ft {
				ft[i] += t.predict(test.row(i))
			}
		}
		out[0], out[1] = make([]float64, nt), make([]float64, nt)
		for i, v := range ft {
			out[1][i] = 1 / (1 + math.Exp(-v))
			out[0][i] = 1 - out[1][i]
		}
		return out
	}
	rounds := max(1, min(boostRounds, boostMaxTrees/max(k, 1)))
	f := make([][]float64, k)
	ft := make([][]float64, k)
	for c := range k {
		f[c], ft[c] = make([]float64, n), make([]float64, nt)
	}
	p := make([]float64, n*k)
	for range rounds {
		for i := range n {
			softmax(p[i*k:(i+1)*k], f, i)
		}
		for c := range k {
			for i := range n {
				y := 0.0
				if label[i] == c {
					y = 1
				}
				pc := p[i*k+c]
				g[i], h[i] = pc-y, math.Max(pc*(1-pc), 1e-6)
			}
			t := gr.grow(g, h)
			for i := range n {
				f[c][i] += t.predict(train.row(i))
			}
			for i := range nt {
				ft[c][i] += t.predict(test.row(i))
			}
		}
	}
	probs := make([]float64, k)
	for c := range k {
		out[c] = make([]float64, nt)
	}
	for i := range nt {
		softmax(probs, ft, i)
		for c := range k {
			out[c][i] = probs[c]
		}
	}
	return out
}

// softmax writes the class probabilities of row i of the scores f.
func softmax(out []float64, f [][]float64, i int) {
	top := math.Inf(-1)
	for c := range f {
		top = math.Max(top, f[c][i])
	}
	var z float64
	for c := range f {
		out[c] = math.Exp(f[c][i] - top)
		z += out[c]
	}
	for c := range out {
		out[c] /= z
	}
}
