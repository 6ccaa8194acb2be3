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
	// public are Categorical columns' public domains: the values the
	// model uses, whatever the data holds (no budget spent on them).
	public map[int][]catValue
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
	info    []domainInfo
	// sigmas of each phase's Gaussian noise, for the report.
	sigmaDomain, sigmaRound1, sigmaRound2 float64
	measurements                          int
}

// domainInfo is how a column's domain was found, for the report.
type domainInfo struct {
	public     bool    // given: a public domain, or public bin edges
	rho        float64 // spent on finding it
	noise      float64 // a categorical column's first-pass noise
	residual   float64 // share of rows the first pass left unexplained
	secondPass bool
}

// boolValues are a BOOLEAN column's values that are public: the model
// always has them; NULL only if discovery releases it.
var boolValues = []catValue{{s: "false"}, {s: "true"}}

// fit fits a model to f under (eps, delta)-DP. It returns the model and f's
// codes in the model's domains.
func fit(r *rand.Rand, f *frame, cfg fitConfig, eps, delta float64) (*model, [][]int32, error) {
	d := len(f.cols)
	n := float64(f.n)
	t := cfg.target
	tan := cfg.tan && t >= 0 && d >= 2

	// Which phases run.
	var cats []catColumn
	costlyNums := 0
	for j, c := range f.cols {
		switch {
		case c.class == Categorical && cfg.public[j] != nil:
		case c.class == Categorical && c.isBool:
			cats = append(cats, catColumn{j: j, pinned: boolValues})
		case c.class == Categorical:
			cats = append(cats, catColumn{j: j})
		case len(cfg.bounds[j]) > 2:
		default:
			costlyNums++
		}
	}
	// Without a target-augmented tree, the first measurements are the
	// 1-way marginals discovery does not give.
	needOneWay := len(cats) < d
	var round1, sel, round2 bool
	if tan {
		round1, sel, round2 = true, d-1 >= 3, d-1 >= 2
	} else {
		round1, sel, round2 = needOneWay, d >= 3, d >= 2
	}
	p, err := newPlan(eps, delta, phaseUse{privateCats: len(cats), costlyNums: costlyNums, round1: round1, sel: sel, round2: round2})
	if err != nil {
		return nil, nil, err
	}
	m := &model{tan: tan, domains: make([]*domain, d), sizes: make([]int, d), info: make([]domainInfo, d)}

	// Phase 1: domains. Private categories are found by thresholded
	// Gaussian histograms, whose noisy counts also measure the 1-way
	// marginals; public ones are given; bin edges by DP quantiles.
	var ms []*measurement
	var deltaC float64
	if p.Sparse > 0 {
		deltaC = p.DeltaDomain / float64(p.Sparse)
	}
	disc, spent := discoverCategories(r, f, cats, p.Categories1, p.Categories2, deltaC)
	p.giveBack(p.Categories2 - spent)
	m.plan = p
	var binRho float64
	if costlyNums > 0 {
		binRho = p.Bins / float64(costlyNums)
		m.sigmaDomain = gaussianSigma(binRho / 3)
	}
	for j, c := range f.cols {
		switch {
		case c.class == Categorical && cfg.public[j] != nil:
			m.domains[j] = newCategoricalDomain(cfg.public[j], true)
			m.info[j].public = true
		case c.class == Categorical:
			dc := disc[j]
			m.domains[j] = dc.domain
			ms = append(ms, dc.ms...)
			m.info[j] = domainInfo{rho: dc.rho1 + dc.rho2, residual: dc.residual, secondPass: dc.rho2 > 0, noise: dc.sigma1}
			m.sigmaDomain = dc.sigma1
		case len(cfg.bounds[j]) > 2:
			// No budget is spent on this column's domain, so whether it
			// holds NULLs is not known: NULL stays a value to sample.
			m.domains[j] = newNumericalDomain(nil, sortedUnique(slices.Clone(cfg.bounds[j])))
			m.domains[j].nullable = true
			m.info[j].public = true
		default:
			var b []float64
			if len(cfg.bounds[j]) == 2 {
				b = cfg.bounds[j]
			}
			var limit []float64
			if lo, hi, ok := typeLimit(c.typ); ok {
				limit = []float64{lo, hi}
			}
			sorted := sortedValues(c, f.n)
			points, edges, nullable := dpBins(r, sorted, f.n-len(sorted), c.kind, b, limit, cfg.levels, binRho, deltaC, f.n)
			m.domains[j] = newNumericalDomain(points, edges)
			m.domains[j].nullable = nullable
			m.info[j].rho = binRho
		}
		m.sizes[j] = m.domains[j].size()
	}
	codes := make([][]int32, d)
	for j, c := range f.cols {
		codes[j] = m.domains[j].encode(c, f.n)
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
		case !tan && (c.class == Numerical || cfg.public[j] != nil):
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
					revive(e, m.sizes[t], m.sizes[j], est1[t], est1[j])
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
		m.factors[child] = conditional(child, parents, m.sizes, table, fallback, m.domains[child].excluded())
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
			kp, kx := m.sizes[pa], m.sizes[x]
			for y := range m.sizes[t] {
				revive(e[y*kp*kx:(y+1)*kp*kx], kp, kx, est2[pa][y*kp:(y+1)*kp], est2[x][y*kx:(y+1)*kx])
			}
			ipf(e, m.sizes, mm.vars, []margin{{[]int{t, pa}, est2[pa]}, {[]int{t, x}, est2[x]}}, 20)
			addFactor(x, []int{t, pa}, e, func(pc int) []float64 {
				y := pc / kp
				return est2[x][y*kx : (y+1)*kx]
			})
		default:
			mm := cliques[x]
			e := normSub(mm.y, n)
			revive(e, m.sizes[pa], m.sizes[x], est1[pa], est1[x])
			ipf(e, m.sizes, mm.vars, []margin{{[]int{pa}, est1[pa]}, {[]int{x}, est1[x]}}, 20)
			addFactor(x, []int{pa}, e, oneWay(x))
		}
	}
	if len(m.order) != d {
		return nil, nil, fmt.Errorf("internal error: model covers %d of %d columns", len(m.order), d)
	}
	return m, codes, nil
}

// revive gives back to a table over (parent, child), kp by kx, the child
// values its margin ex has but the table lost: norm-sub zeroes small noisy
// cells, and a value held by few rows can lose every cell of a large
// table, which proportional fitting cannot restore. Such a value's column
// gets the parent margin ep times its share, as if independent of the
// parent; fitting then scales it to ex. Post-processing: no privacy cost.
func revive(e []float64, kp, kx int, ep, ex []float64) {
	total := sum(ep)
	if total <= 0 {
		return
	}
	for c := range kx {
		if ex[c] <= 0 {
			continue
		}
		var s float64
		for p := range kp {
			s += e[p*kx+c]
		}
		if s > 0 {
			continue
		}
		for p := range kp {
			e[p*kx+c] = ep[p] * ex[c] / total
		}
	}
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
// uses fallback(pc), then uniform. The child's code exclude (-1 for none)
// is never drawn: its mass goes to the other codes in proportion, which is
// drawing again among them given the parents.
func conditional(child int, parents []int, sizes []int, table []float64, fallback func(pc int) []float64, exclude int) factor {
	k := sizes[child]
	configs := len(table) / k
	f := factor{child: child, parents: parents, cum: make([][]float64, configs)}
	row := make([]float64, k)
	for pc := range configs {
		copy(row, table[pc*k:(pc+1)*k])
		if exclude >= 0 {
			row[exclude] = 0
		}
		if sum(row) <= 0 && fallback != nil {
			copy(row, fallback(pc))
			if exclude >= 0 {
				row[exclude] = 0
			}
		}
		if sum(row) <= 0 && exclude >= 0 {
			// Uniform over the codes that may be drawn.
			for i := range row {
				row[i] = 1
			}
			row[exclude] = 0
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
// no mass). The entry of the last code with positive weight, and every one
// after it, is exactly 1, so that drawing the first entry above a uniform
// u in [0, 1) never picks a code of zero weight.
func cumulative(w []float64) []float64 {
	out := make([]float64, len(w))
	total := sum(w)
	last := len(w) - 1
	for total > 0 && last > 0 && w[last] <= 0 {
		last--
	}
	var acc float64
	for i, x := range w {
		if total > 0 {
			acc += math.Max(x, 0) / total
		} else {
			acc += 1 / float64(len(w))
		}
		out[i] = acc
	}
	for i := max(last, 0); i < len(out); i++ {
		out[i] = 1
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
			col[i] = draw(f.cum[pc], r.Float64())
		}
	}
	return out
}

// draw returns the code of a cumulative distribution that u, uniform in
// [0, 1), falls on: the first whose running sum exceeds u, so codes of
// zero weight are never drawn.
func draw(cum []float64, u float64) int32 {
	i := sort.Search(len(cum), func(i int) bool { return cum[i] > u })
	return int32(min(i, len(cum)-1))
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
