package synth

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
)

func TestCDPConversion(t *testing.T) {
	for _, tc := range []struct{ eps, delta float64 }{
		{0.3, 1e-9}, {1, 1e-9}, {1, 1e-6}, {10, 1e-9}, {0.1, 1e-5},
	} {
		rho := cdpRho(tc.eps, tc.delta)
		if got := cdpDelta(rho, tc.eps); got > tc.delta*(1+1e-9) {
			t.Errorf("eps %g delta %g: rho %g gives delta %g, over", tc.eps, tc.delta, rho, got)
		}
		if got := cdpDelta(rho*1.01, tc.eps); got <= tc.delta {
			t.Errorf("eps %g delta %g: rho %g is not the largest (1%% more still gives %g)", tc.eps, tc.delta, rho, got)
		}
		// The classic conversion eps = rho + 2 sqrt(rho log(1/delta))
		// is looser: at the same rho it needs at least this epsilon.
		if classic := rho + 2*math.Sqrt(rho*math.Log(1/tc.delta)); classic < tc.eps {
			t.Errorf("eps %g delta %g: rho %g beats the classic bound (%g), conversion too loose?", tc.eps, tc.delta, rho, classic)
		}
	}
	// A value to pin the conversion: epsilon 1, delta 1e-9.
	if rho := cdpRho(1, 1e-9); math.Abs(rho-0.01497) > 0.0001 {
		t.Errorf("cdpRho(1, 1e-9) = %g, want about 0.0150", rho)
	}
}

func TestPlanAddsUp(t *testing.T) {
	p, err := newPlan(1, 1e-9, phaseUse{privateCats: 3, costlyNums: 2, round1: true, sel: true, round2: true})
	if err != nil {
		t.Fatal(err)
	}
	if s := p.Categories1 + p.Categories2 + p.Bins + p.Round1 + p.Select + p.Round2; math.Abs(s-p.Rho) > 1e-12 || math.Abs(p.Domain-p.Categories1-p.Categories2-p.Bins) > 1e-12 {
		t.Errorf("phases sum to %g, rho is %g", s, p.Rho)
	}
	if p.DeltaDomain != 0.5e-9 || p.Sparse != 8 || cdpDelta(p.Rho, 1) > 0.5e-9*(1+1e-9) {
		t.Errorf("delta split wrong: %+v (conversion delta %g)", p, cdpDelta(p.Rho, 1))
	}
	// What the second discovery pass leaves goes to the measurements, in
	// proportion, and the total stays rho.
	r1, r2 := p.Round1, p.Round2
	p.giveBack(p.Categories2 / 2)
	if s := p.Categories1 + p.Categories2 + p.Bins + p.Round1 + p.Select + p.Round2; math.Abs(s-p.Rho) > 1e-12 || p.Round1 <= r1 || math.Abs(p.Round2/p.Round1-r2/r1) > 1e-9 {
		t.Errorf("after giving back: %+v", p)
	}
	q, _ := newPlan(1, 1e-9, phaseUse{round1: true, round2: true})
	if q.Domain != 0 || q.Select != 0 || math.Abs(q.Round1+q.Round2-q.Rho) > 1e-12 || q.DeltaDomain != 0 {
		t.Errorf("unused phases must cost nothing: %+v", q)
	}
}

func TestExpMechPrefersBest(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	score := []float64{0, -100, -200, 0.5, -50}
	hits := 0
	for range 1000 {
		if i := expMech(r, score, 1, 1); i == 3 || i == 0 {
			hits++
		}
	}
	if hits < 990 {
		t.Errorf("exponential mechanism picked a far-worse candidate %d times in 1000", 1000-hits)
	}
	// With eps near zero it is uniform.
	counts := make([]int, len(score))
	for range 5000 {
		counts[expMech(r, score, 1e-9, 1)]++
	}
	for i, c := range counts {
		if c < 800 || c > 1200 {
			t.Errorf("eps ~0: candidate %d picked %d times of 5000, want ~1000", i, c)
		}
	}
}

func TestNormSub(t *testing.T) {
	for _, tc := range []struct {
		y     []float64
		total float64
	}{
		{[]float64{10, -3, 5, 0.5, -20}, 12},
		{[]float64{1, 2, 3}, 100},
		{[]float64{-1, -2, -3}, 6},
		{[]float64{5}, 5},
	} {
		got := normSub(tc.y, tc.total)
		if s := sum(got); math.Abs(s-tc.total) > 1e-9 {
			t.Errorf("normSub(%v, %g) sums to %g", tc.y, tc.total, s)
		}
		for i, v := range got {
			if v < 0 {
				t.Errorf("normSub(%v, %g)[%d] = %g < 0", tc.y, tc.total, i, v)
			}
		}
		// It preserves order: a larger noisy count never ends smaller.
		for i := range got {
			for j := range got {
				if tc.y[i] > tc.y[j] && got[i] < got[j] {
					t.Errorf("normSub(%v) reorders %d and %d: %v", tc.y, i, j, got)
				}
			}
		}
	}
	// The classic case: one large and several small noisy cells; the small
	// ones go to zero where clipping would keep them positive.
	got := normSub([]float64{100, 1, -2, 0.5, -1}, 100)
	if want := []float64{99.5, 0.5, 0, 0, 0}; !slices.Equal(got, want) {
		t.Errorf("normSub = %v, want %v", got, want)
	}
}

func TestIPFMatchesMargins(t *testing.T) {
	sizes := []int{2, 3}
	tab := []float64{1, 2, 3, 4, 5, 6}
	rows := []float64{10, 5}
	cols := []float64{3, 6, 6}
	ipf(tab, sizes, []int{0, 1}, []margin{{[]int{0}, rows}, {[]int{1}, cols}}, 50)
	for i, want := range rows {
		if got := tab[i*3] + tab[i*3+1] + tab[i*3+2]; math.Abs(got-want) > 1e-6 {
			t.Errorf("row %d sums to %g, want %g", i, got, want)
		}
	}
	for j, want := range cols {
		if got := tab[j] + tab[3+j]; math.Abs(got-want) > 1e-6 {
			t.Errorf("column %d sums to %g, want %g", j, got, want)
		}
	}
}

func TestProject(t *testing.T) {
	sizes := []int{2, 3, 2}
	tab := make([]float64, 12)
	for i := range tab {
		tab[i] = float64(i)
	}
	// Onto (2, 0): cell [c, a] sums over b.
	got := project(tab, sizes, []int{0, 1, 2}, []int{2, 0})
	want := make([]float64, 4)
	for a := range 2 {
		for b := range 3 {
			for c := range 2 {
				want[c*2+a] += tab[(a*3+b)*2+c]
			}
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("project = %v, want %v", got, want)
	}
}

func TestDPBins(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	// 92% zeros and a long positive tail, like Adult's capital_gain; a
	// plain integer column like age; hours with a strong mode at 40.
	var gain, age, hours []float64
	for i := range 30000 {
		if i%25 < 23 {
			gain = append(gain, 0)
		} else {
			gain = append(gain, float64(1000+r.IntN(20000)))
		}
		age = append(age, float64(17+r.IntN(74)))
		if i%2 == 0 {
			hours = append(hours, 40)
		} else {
			hours = append(hours, float64(1+r.IntN(99)))
		}
	}
	sort.Float64s(gain)
	sort.Float64s(age)
	sort.Float64s(hours)
	const rho, deltaC = 2e-4, 1e-11 // a column's share at epsilon 1
	points, edges, _ := dpBins(r, gain, 0, kindInt, nil, nil, 4, rho, deltaC, len(gain))
	if !slices.Equal(points, []float64{0}) || len(edges) < 2 || edges[0] > 1000 {
		t.Errorf("capital-gain-like: points %v, edges %v: want 0 as a point and bins over the tail", points, edges)
	}
	if last := edges[len(edges)-1]; last < 16384 || last > 65536 {
		t.Errorf("capital-gain-like upper edge %g, want within a factor two of the data's", last)
	}
	points, edges, _ = dpBins(r, age, 0, kindInt, nil, nil, 4, rho, deltaC, len(age))
	if len(points) != 0 || len(edges) < 12 || edges[0] < 8 || edges[0] > 17 || edges[len(edges)-1] < 90 || edges[len(edges)-1] > 128 {
		t.Errorf("age-like: points %v, edges %v: want about 16 bins over [17, 90]", points, edges)
	}
	if mid := edges[len(edges)/2]; mid < 45 || mid > 63 {
		t.Errorf("age-like middle edge %g, want near the median 54", mid)
	}
	points, edges, _ = dpBins(r, hours, 0, kindInt, nil, nil, 4, rho, deltaC, len(hours))
	if !slices.Equal(points, []float64{40}) || len(edges) < 6 || len(edges) > 10 {
		t.Errorf("hours-like: points %v, edges %v: want 40 as a point and about 8 bins for the other half", points, edges)
	}
	// NULL is a value to sample only when the histogram releases it: a
	// column with one NULL (almost) never, one with many always.
	if _, _, nullable := dpBins(r, age, 1, kindInt, nil, nil, 4, rho, deltaC, len(age)+1); nullable {
		t.Error("a single NULL was released")
	}
	if _, _, nullable := dpBins(r, age, 3000, kindInt, nil, nil, 4, rho, deltaC, len(age)+3000); !nullable {
		t.Error("3,000 NULLs in 33,000 rows were not released")
	}
	// Public bounds are used as given.
	_, edges, _ = dpBins(r, age, 0, kindInt, []float64{0, 100}, nil, 2, rho, deltaC, len(age))
	if edges[0] != 0 || edges[len(edges)-1] != 100 || len(edges) != 5 {
		t.Errorf("bounded edges %v: want 4 bins over [0, 100]", edges)
	}
	// The type's range clamps even a range far beyond it (as a noisy
	// false positive in a far bucket gives): no sampled value overflows.
	_, edges, _ = dpBins(r, age, 0, kindDecimal, []float64{0, 1 << 34}, []float64{-99.99, 99.99}, 2, rho, deltaC, len(age))
	if edges[0] != 0 || edges[len(edges)-1] != 99.99 {
		t.Errorf("edges %v clamped to DECIMAL(4,2): want [0, 99.99]", edges)
	}
	// Decoding keeps points exact and other values inside their bins.
	d := newNumericalDomain([]float64{0}, []float64{0, 10, 100})
	c := &column{class: Numerical, kind: kindInt, num: make([]float64, 1), null: make([]bool, 1)}
	for code, want := range map[int32][2]float64{0: {0, 0}, 1: {1, 9}, 2: {10, 100}} {
		for range 50 {
			d.decode(r, code, c, 0)
			if v := c.num[0]; c.null[0] || v < want[0] || v > want[1] {
				t.Fatalf("code %d decoded to %v, want in %v", code, v, want)
			}
		}
	}
	d.decode(r, 3, c, 0)
	if !c.null[0] {
		t.Error("the last code is NULL")
	}
}

func TestSparseHistogramHidesRareValues(t *testing.T) {
	// A value held by one record must (almost) never be released; one held
	// by many always is.
	r := rand.New(rand.NewPCG(5, 6))
	sigma := gaussianSigma(1e-4)
	tau := 1 + sigma*normalQuantileUpper(1e-10)
	released := 0
	for range 20000 {
		keep, _ := sparseHistogram(r, []float64{1, 5000}, sigma, tau)
		if !slices.Contains(keep, 1) {
			t.Fatalf("the common value was not released: %v", keep)
		}
		if slices.Contains(keep, 0) {
			released++
		}
	}
	if released > 0 {
		t.Errorf("a single-record value was released %d times in 20000", released)
	}
}

func TestAUC(t *testing.T) {
	for _, tc := range []struct {
		score []float64
		pos   []bool
		want  float64
	}{
		{[]float64{1, 2, 3, 4}, []bool{false, false, true, true}, 1},
		{[]float64{1, 2, 3, 4}, []bool{true, true, false, false}, 0},
		{[]float64{1, 1, 1, 1}, []bool{true, false, true, false}, 0.5},
		{[]float64{1, 2, 3, 4}, []bool{false, true, false, true}, 0.75},
	} {
		if got := auc(tc.score, tc.pos); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("auc(%v, %v) = %g, want %g", tc.score, tc.pos, got, tc.want)
		}
	}
}

func TestTypeLimit(t *testing.T) {
	tests := []struct {
		typ    string
		lo, hi float64
		ok     bool
	}{
		{"DECIMAL(10,2)", -99999999.99, 99999999.99, true},
		{"decimal(4, 1)", -999.9, 999.9, true},
		{"DECIMAL(5)", -99999, 99999, true},
		{"DECIMAL", -999999999999999.999, 999999999999999.999, true},
		{"SMALLINT", -32768, 32767, true},
		{"UTINYINT", 0, 255, true},
		{"BIGINT", 0, 0, false},
		{"DOUBLE", 0, 0, false},
		{"DATE", 0, 0, false},
		{"DECIMAL(x,2)", 0, 0, false},
	}
	for _, tt := range tests {
		lo, hi, ok := typeLimit(tt.typ)
		if ok != tt.ok || math.Abs(lo-tt.lo) > 1e-9*math.Abs(tt.lo) || math.Abs(hi-tt.hi) > 1e-9*math.Abs(tt.hi) {
			t.Errorf("typeLimit(%q) = %v, %v, %v; want %v, %v, %v", tt.typ, lo, hi, ok, tt.lo, tt.hi, tt.ok)
		}
	}
}
