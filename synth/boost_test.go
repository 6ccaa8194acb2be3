package synth

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// interactionFrame is n rows of two categorical features a, b, a number x
// and targets that depend on their interaction: label (a XOR b, 5% of
// labels flipped) and y = x when a = b, -x otherwise (plus noise).
func interactionFrame(r *rand.Rand, n int) *frame {
	a := &column{name: "a", class: Categorical, str: make([]string, n), null: make([]bool, n)}
	b := &column{name: "b", class: Categorical, str: make([]string, n), null: make([]bool, n)}
	x := &column{name: "x", class: Numerical, kind: kindFloat, num: make([]float64, n), null: make([]bool, n)}
	label := &column{name: "label", class: Categorical, str: make([]string, n), null: make([]bool, n)}
	y := &column{name: "y", class: Numerical, kind: kindFloat, num: make([]float64, n), null: make([]bool, n)}
	for i := range n {
		ai, bi := r.IntN(2), r.IntN(2)
		a.str[i], b.str[i] = strconv.Itoa(ai), "v"+strconv.Itoa(bi)
		x.num[i] = r.Float64()*10 - 5
		l := ai ^ bi
		if r.Float64() < 0.05 {
			l = 1 - l
		}
		label.str[i] = []string{"no", "yes"}[l]
		sign := 1.0
		if ai != bi {
			sign = -1
		}
		y.num[i] = sign*x.num[i] + r.NormFloat64()*0.5
	}
	return &frame{cols: []*column{a, b, x, label, y}, n: n}
}

// TestBoostedTreesLearnInteractions: the gradient-boosted model finds what
// the linear one cannot (an XOR, a sign flip), and is deterministic.
func TestBoostedTreesLearnInteractions(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	train, test := interactionFrame(r, 4000), interactionFrame(r, 2000)
	const label, y = 3, 4
	lin, gbt := utilityMetrics(train, test, label), boostedMetrics(train, test, label)
	if gbt.Accuracy < 0.9 || gbt.AUC < 0.9 || lin.Accuracy > 0.6 {
		t.Errorf("XOR: boosted %+v, linear %+v; want the boosted model near 0.95 (greedy splits find an XOR late) and the linear near chance", gbt, lin)
	}
	if again := boostedMetrics(train, test, label); again != gbt {
		t.Errorf("boosted model not deterministic: %+v then %+v", gbt, again)
	}
	lin, gbt = utilityMetrics(train, test, y), boostedMetrics(train, test, y)
	if gbt.R2 < 0.7 || lin.R2 > 0.2 {
		t.Errorf("sign flip: boosted R² %.3f, linear %.3f", gbt.R2, lin.R2)
	}
	// More than two classes: softmax over three.
	for i := range train.n {
		if train.cols[2].num[i] > 2.5 {
			train.cols[label].str[i] = "high"
		}
	}
	for i := range test.n {
		if test.cols[2].num[i] > 2.5 {
			test.cols[label].str[i] = "high"
		}
	}
	if m := boostedMetrics(train, test, label); m.Accuracy < 0.9 || math.IsNaN(m.AUC) || m.AUC < 0.9 {
		t.Errorf("three classes: %+v", m)
	}
}
