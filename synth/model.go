package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
)

// fitConfig says how to fit a model to a frame.
type fitConfig struct {
	target int  // the target's column in the frame, or -1
	tan    bool // target-augmented tree: the target is a parent of every column
	levels int  // rounds of recursive medians for bin edges: up to 2^levels bins
	// bounds are public bounds by column: two values bound the range, more
	// are the bin edges themselves.
	bounds map[int][]float64
	// targetWeight multiplies the selection score of pairs with the
	// target, in a plain tree.
	targetWeight float64
}

// measurement is a noisy marginal: counts of the cells of a table over vars
// plus Gaussian noise of scale sigma. mask, when set, says which cells were
// measured.
type measurement struct {
	vars  []int
	y     []float64
	sigma float64
	mask  []bool
}

// factor is one variable's conditional distribution given its parents:
// cum[pc] is the cumulative distribution over the child's codes for parent
// configuration pc (parents' codes, first parent slowest).
type factor struct {
	child   int
	parents []int
	cum     [][]float64
}

// model is a fitted generator: a Bayesian network whose factors come from
// noisy marginals, sampled in order.
type model struct {
	domains []*domain
	sizes   []int
	plan    plan
	tan     bool
	edges   [][2]int // the tree's edges, parent first
	order   []int
	factors []factor
	// sigmas of each phase's Gaussian noise, for the report.
	sigmaDomain, sigmaRound1, sigmaRound2 float64
	measurements                          int
}

// fit fits a model to f under (eps, delta)-DP. It returns the model and f's
// codes in the model's domains.
func fit(r *rand.Rand, f *frame, cfg fitConfig, eps, delta float64) (*model, [][]int32, error) {
	d := len(f.cols)
	n := float64(f.n)
	t := cfg.target
	tan := cfg.tan && t >= 0 && d >= 2

	// Which phases run.
	costly, sparse := 0, 0
	needOneWay := false
	for j, c := range f.cols {
		switch {
		case c.class == Categorical && c.isBool:
			needOneWay = true
		case c.class == Categorical:
			costly++
			sparse++
		case len(cfg.bounds[j]) > 2:
			needOneWay = true
		default:
			costly++
			sparse++ // its point values are found by a sparse histogram
			needOneWay = true
		}
	}
	var round1, sel, round2 bool
	if tan {
		round1, sel, round2 = true, d-1 >= 3, d-1 >= 2
	} else {
		round1, sel, round2 = needOneWay, d >= 3, d >= 2
	}
	p, err := newPlan(eps, delta, sparse > 0, costly > 0, round1, sel, round2)
	if err != nil {
		return nil, nil, err
	}
	m := &model{plan: p, tan: tan, domains: make([]*domain, d), sizes: make([]int, d)}

	// Phase 1: domains. Private categories are found by a thresholded
	// Gaussian histogram, whose noisy counts also measure the 1-way
	// marginal; bin edges by DP quantiles.
	var ms []*measurement
	var domainRho, sigmaDom, tau float64
	if costly > 0 {
		domainRho = p.Domain / float64(costly)
		sigmaDom = gaussianSigma(domainRho)
		m.sigmaDomain = sigmaDom
	}
	if sparse > 0 {
		tau = 1 + sigmaDom*normalQuantileUpper(p.DeltaDomain/float64(sparse))
	}
	catMeasure := map[int][]float64{}
	for j, c := range f.cols {
		switch {
		case c.class == Categorical && c.isBool:
			m.domains[j] = boolDomain()
		case c.class == Categorical:
			vals, counts := categoryCounts(c, f.n)
			keep, noisy := sparseHistogram(r, counts, sigmaDom, tau)
			kept := make([]catValue, len(keep))
			for i, k := range keep {
				kept[i] = vals[k]
			}
			m.domains[j] = newCategoricalDomain(kept, true)
			catMeasure[j] = noisy
		case len(cfg.bounds[j]) > 2:
			m.domains[j] = newNumericalDomain(nil, sortedUnique(slices.Clone(cfg.bounds[j])))
		default:
			var b []float64
			if len(cfg.bounds[j]) == 2 {
				b = cfg.bounds[j]
			}
			points, edges := dpBins(r, sortedValues(c, f.n), c.kind, b, cfg.levels, domainRho, p.DeltaDomain/float64(sparse), f.n)
			m.domains[j] = newNumericalDomain(points, edges)
		}
		m.sizes[j] = m.domains[j].size()
	}
	codes := make([][]int32, d)
	for j, c := range f.cols {
		codes[j] = m.domains[j].encode(c, f.n)
	}
	for j := range d {
		if noisy, ok := catMeasure[j]; ok {
			y := make([]float64, m.sizes[j])
			mask := make([]bool, m.sizes[j])
			copy(y, noisy)
			for i := range noisy {
				mask[i] = true
			}
			ms = append(ms, &measurement{vars: []int{j}, y: y, sigma: sigmaDom, mask: mask})
		}
	}
	measure := func(vars []int, sigma float64) *measurement {
		y := countTable(codes, m.sizes, vars)
		for i := range y {
			y[i] += r.NormFloat64() * sigma
		}
		mm := &measurement{vars: vars, y: y, sigma: sigma}
		ms = append(ms, mm)
		m.measurements++
		return mm
	}

	// Phase 2: first measurements.
	var first [][]int
	for j, c := range f.cols {
		switch {
		case tan && j != t:
			first = append(first, []int{t, j})
		case !tan && (c.class == Numerical || c.isBool):
			first = append(first, []int{j})
		}
	}
	if len(first) > 0 {
		m.sigmaRound1 = gaussianSigma(p.Round1 / float64(len(first)))
		for _, vars := range first {
			measure(vars, m.sigmaRound1)
		}
	}
	est1 := make([][]float64, d)
	est2 := make([][]float64, d) // TAN: (target, j) tables
	estimate := func() {
		for j := range d {
			est1[j] = combine([]int{j}, m.sizes, ms, n)
		}
		if tan {
			for j := range d {
				if j != t {
					e := combine([]int{t, j}, m.sizes, ms, n)
					ipf(e, m.sizes, []int{t, j}, []margin{{[]int{t}, est1[t]}, {[]int{j}, est1[j]}}, 20)
					est2[j] = e
				}
			}
		}
	}
	estimate()

	// Phase 3: the tree, by the exponential mechanism on how badly the
	// current estimate explains each pair (MST's score, an L1 distance).
	var nodes []int
	for j := range d {
		if !tan || j != t {
			nodes = append(nodes, j)
		}
	}
	type cand struct {
		a, b  int
		score float64
	}
	var cands []cand
	sens := 1.0
	for x := 0; x < len(nodes); x++ {
		for y := x + 1; y < len(nodes); y++ {
			a, b := nodes[x], nodes[y]
			c := cand{a: a, b: b}
			if sel {
				if tan {
					c.score = tanScore(codes, m.sizes, t, a, b, est1[t], est2[a], est2[b])
				} else {
					c.score = treeScore(codes, m.sizes, a, b, est1[a], est1[b], n)
					if t >= 0 && (a == t || b == t) && cfg.targetWeight > 1 {
						c.score *= cfg.targetWeight
						sens = cfg.targetWeight
					}
				}
			}
			cands = append(cands, c)
		}
	}
	comp := make([]int, d)
	for j := range comp {
		comp[j] = j
	}
	find := func(x int) int {
		for comp[x] != x {
			comp[x] = comp[comp[x]]
			x = comp[x]
		}
		return x
	}
	var tree [][2]int
	rounds := len(nodes) - 1
	for range max(rounds, 0) {
		var ok []cand
		for _, c := range cands {
			if find(c.a) != find(c.b) {
				ok = append(ok, c)
			}
		}
		if len(ok) == 0 {
			break
		}
		pick := 0
		if sel {
			score := make([]float64, len(ok))
			for i, c := range ok {
				score[i] = c.score
			}
			pick = expMech(r, score, emEpsilon(p.Select, rounds), sens)
		}
		c := ok[pick]
		comp[find(c.a)] = find(c.b)
		tree = append(tree, [2]int{c.a, c.b})
	}

	// Orient the tree from a root, breadth first.
	root := -1
	if len(nodes) > 0 {
		root = nodes[0]
		if !tan && t >= 0 {
			root = t
		}
	}
	adj := map[int][]int{}
	for _, e := range tree {
		adj[e[0]] = append(adj[e[0]], e[1])
		adj[e[1]] = append(adj[e[1]], e[0])
	}
	for k := range adj {
		sort.Ints(adj[k])
	}
	parent := map[int]int{}
	var bfs []int
	if root >= 0 {
		seen := map[int]bool{root: true}
		queue := []int{root}
		for len(queue) > 0 {
			x := queue[0]
			queue = queue[1:]
			bfs = append(bfs, x)
			for _, y := range adj[x] {
				if !seen[y] {
					seen[y] = true
					parent[y] = x
					queue = append(queue, y)
					m.edges = append(m.edges, [2]int{x, y})
				}
			}
		}
	}

	// Phase 4: measure the chosen cliques.
	cliques := map[int]*measurement{}
	if len(m.edges) > 0 {
		m.sigmaRound2 = gaussianSigma(p.Round2 / float64(len(m.edges)))
		for _, e := range m.edges {
			vars := []int{e[0], e[1]}
			if tan {
				vars = []int{t, e[0], e[1]}
			}
			cliques[e[1]] = measure(vars, m.sigmaRound2)
		}
	}

	// The factors, from the measurements made consistent with each other.
	estimate()
	m.factors = make([]factor, d)
	addFactor := func(child int, parents []int, table []float64, fallback func(pc int) []float64) {
		m.order = append(m.order, child)
		m.factors[child] = conditional(child, parents, m.sizes, table, fallback)
	}
	oneWay := func(j int) func(int) []float64 { return func(int) []float64 { return est1[j] } }
	if tan {
		addFactor(t, nil, est1[t], nil)
	}
	for _, x := range bfs {
		pa, hasParent := parent[x]
		switch {
		case !hasParent && tan:
			addFactor(x, []int{t}, est2[x], oneWay(x))
		case !hasParent:
			addFactor(x, nil, est1[x], nil)
		case tan:
			mm := cliques[x]
			e := normSub(mm.y, n)
			ipf(e, m.sizes, mm.vars, []margin{{[]int{t, pa}, est2[pa]}, {[]int{t, x}, est2[x]}}, 20)
			kp, kx := m.sizes[pa], m.sizes[x]
			addFactor(x, []int{t, pa}, e, func(pc int) []float64 {
				y := pc / kp
				return est2[x][y*kx : (y+1)*kx]
			})
		default:
			mm := cliques[x]
			e := normSub(mm.y, n)
			ipf(e, m.sizes, mm.vars, []margin{{[]int{pa}, est1[pa]}, {[]int{x}, est1[x]}}, 20)
			addFactor(x, []int{pa}, e, oneWay(x))
		}
	}
	if len(m.order) != d {
		return nil, nil, fmt.Errorf("internal error: model covers %d of %d columns", len(m.order), d)
	}
	return m, codes, nil
}

// combine estimates the table over vars from every measurement that covers
// it: each measurement is projected onto vars and the projections averaged
// cell by cell with inverse-variance weights; cells no measurement covers
// share what the others leave of n. The result is projected onto counts
// that sum to n.
func combine(vars []int, sizes []int, ms []*measurement, n float64) []float64 {
	k := tableSize(sizes, vars)
	num := make([]float64, k)
	den := make([]float64, k)
	for _, m := range ms {
		if !containsAll(m.vars, vars) {
			continue
		}
		p := project(m.y, sizes, m.vars, vars)
		w := 1 / (m.sigma * m.sigma * float64(len(m.y)) / float64(k))
		for a := range k {
			if m.mask == nil || m.mask[a] {
				num[a] += w * p[a]
				den[a] += w
			}
		}
	}
	est := make([]float64, k)
	var covered float64
	missing := 0
	for a := range k {
		if den[a] > 0 {
			est[a] = num[a] / den[a]
			covered += est[a]
		} else {
			missing++
		}
	}
	if missing > 0 {
		rest := math.Max(0, n-covered) / float64(missing)
		for a := range k {
			if den[a] == 0 {
				est[a] = rest
			}
		}
	}
	return normSub(est, n)
}

func containsAll(set, sub []int) bool {
	for _, v := range sub {
		if !slices.Contains(set, v) {
			return false
		}
	}
	return true
}

// treeScore is MST's selection score of the pair (a, b): the L1 distance
// between its true counts and what the independent 1-way estimates
// predict. Adding or removing a record moves it by at most 1.
func treeScore(codes [][]int32, sizes []int, a, b int, ea, eb []float64, n float64) float64 {
	truth := countTable(codes, sizes, []int{a, b})
	kb := sizes[b]
	var s float64
	for i, x := range ea {
		for j, y := range eb {
			s += math.Abs(truth[i*kb+j] - x*y/n)
		}
	}
	return s
}

// tanScore is the score of the pair (a, b) given the target t: the L1
// distance between the true counts of (t, a, b) and what the (t, a) and
// (t, b) estimates predict if a and b were independent given t.
func tanScore(codes [][]int32, sizes []int, t, a, b int, et, eta, etb []float64) float64 {
	truth := countTable(codes, sizes, []int{t, a, b})
	ka, kb := sizes[a], sizes[b]
	var s float64
	for y, ny := range et {
		for i := range ka {
			for j := range kb {
				pred := 0.0
				if ny > 0 {
					pred = eta[y*ka+i] * etb[y*kb+j] / ny
				}
				s += math.Abs(truth[(y*ka+i)*kb+j] - pred)
			}
		}
	}
	return s
}

// conditional turns a table over (parents..., child) into cumulative
// conditional distributions. A parent configuration the table gives no mass
// uses fallback(pc), then uniform.
func conditional(child int, parents []int, sizes []int, table []float64, fallback func(pc int) []float64) factor {
	k := sizes[child]
	configs := len(table) / k
	f := factor{child: child, parents: parents, cum: make([][]float64, configs)}
	for pc := range configs {
		row := table[pc*k : (pc+1)*k]
		if sum(row) <= 0 && fallback != nil {
			row = fallback(pc)
		}
		f.cum[pc] = cumulative(row)
	}
	return f
}

func sum(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s
}

// cumulative returns the normalised running sums of w (uniform when w has
// no mass).
func cumulative(w []float64) []float64 {
	out := make([]float64, len(w))
	total := sum(w)
	var acc float64
	for i, x := range w {
		if total > 0 {
			acc += math.Max(x, 0) / total
		} else {
			acc += 1 / float64(len(w))
		}
		out[i] = acc
	}
	if len(out) > 0 {
		out[len(out)-1] = 1
	}
	return out
}

// sample draws rows from the model, in codes.
func (m *model) sample(r *rand.Rand, rows int) [][]int32 {
	d := len(m.sizes)
	out := make([][]int32, d)
	for j := range out {
		out[j] = make([]int32, rows)
	}
	for _, v := range m.order {
		f := m.factors[v]
		st := strides(m.sizes, f.parents)
		col := out[v]
		for i := range rows {
			pc := 0
			for k, p := range f.parents {
				pc += int(out[p][i]) * st[k]
			}
			cum := f.cum[pc]
			u := r.Float64()
			col[i] = int32(min(sort.SearchFloat64s(cum, u), len(cum)-1))
		}
	}
	return out
}

// decode turns sampled codes into a frame shaped like like.
func (m *model) decode(r *rand.Rand, codes [][]int32, like *frame) *frame {
	rows := 0
	if len(codes) > 0 {
		rows = len(codes[0])
	}
	out := like.emptyLike(rows)
	for j, c := range out.cols {
		for i := range rows {
			m.domains[j].decode(r, codes[j][i], c, i)
		}
	}
	return out
}
