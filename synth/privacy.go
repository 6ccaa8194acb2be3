package synth

import (
	"math"
	"runtime"
	"sort"
	"strings"
	"sync"
)

// Membership inference. A generator is trained on a random half of the
// source (the members); the attacker sees its synthetic rows and, for the
// stronger attacks, reference rows from the same population that were not
// in training. It scores member and non-member rows; the AUC of telling
// them apart is the attack's success, 0.5 being chance.

// Attack names, as reported.
const (
	attackDCR     = "distance to closest record"
	attackDCRRate = "closest-record ratio"
	attackDensity = "density ratio"
)

// maxAttackRows bounds the members and non-members scored by each attack.
const maxAttackRows = 1000

// points are rows as float32 vectors for mixed-type distances: categorical
// values as integer ids, numbers scaled by the reference range to about
// [0, 1], NULL as a value far from the rest. The distance is the sum over
// columns of min(1, |a-b|): a categorical mismatch or a NULL against a
// value costs 1, numbers their scaled difference (Gower's distance, times
// the number of columns).
type points struct {
	d    int
	vals []float32
}

const nullPoint = 1e6

// pointEncoder turns frames into points with shared category ids and
// numeric scales.
type pointEncoder struct {
	ids    []map[string]float32
	lo, hi []float64
	// order lays columns out so that the distance loop meets the columns
	// most likely to add a whole 1 first and stops early: categories from
	// the most values to the fewest, then numbers.
	order []int
}

func newPointEncoder(ref *frame) *pointEncoder {
	e := &pointEncoder{ids: make([]map[string]float32, len(ref.cols)), lo: make([]float64, len(ref.cols)), hi: make([]float64, len(ref.cols))}
	for j, c := range ref.cols {
		if c.class == Categorical {
			e.ids[j] = map[string]float32{}
			continue
		}
		lo, hi := math.Inf(1), math.Inf(-1)
		for i := range ref.n {
			if !c.null[i] {
				lo, hi = math.Min(lo, c.num[i]), math.Max(hi, c.num[i])
			}
		}
		if !(hi > lo) {
			lo, hi = 0, 1
		}
		e.lo[j], e.hi[j] = lo, hi
	}
	distinct := make([]int, len(ref.cols))
	for j, c := range ref.cols {
		e.order = append(e.order, j)
		if c.class == Numerical {
			distinct[j] = -1
			continue
		}
		vals, _ := categoryCounts(c, ref.n)
		distinct[j] = len(vals)
	}
	sort.SliceStable(e.order, func(a, b int) bool { return distinct[e.order[a]] > distinct[e.order[b]] })
	return e
}

func (e *pointEncoder) encode(f *frame) points {
	d := len(f.cols)
	p := points{d: d, vals: make([]float32, f.n*d)}
	for slot, j := range e.order {
		c := f.cols[j]
		for i := range f.n {
			var v float32
			switch {
			case c.null[i]:
				v = nullPoint
			case c.class == Categorical:
				id, ok := e.ids[j][c.str[i]]
				if !ok {
					id = float32(len(e.ids[j]))
					e.ids[j][c.str[i]] = id
				}
				v = id
			default:
				v = float32((c.num[i] - e.lo[j]) / (e.hi[j] - e.lo[j]))
			}
			p.vals[i*d+slot] = v
		}
	}
	return p
}

func (p points) n() int { return len(p.vals) / max(p.d, 1) }

// nearest returns, for each row of q, the distance to its closest row of
// s, computed in parallel.
func nearest(q, s points) []float64 {
	out := make([]float64, q.n())
	d := q.d
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	chunk := (q.n() + workers - 1) / workers
	for w := range workers {
		lo, hi := w*chunk, min((w+1)*chunk, q.n())
		if lo >= hi {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				x := q.vals[i*d : (i+1)*d]
				best := float32(math.MaxFloat32)
				for k := 0; k+d <= len(s.vals); k += d {
					y := s.vals[k : k+d]
					var dist float32
					for j, a := range x {
						diff := a - y[j]
						if diff < 0 {
							diff = -diff
						}
						if diff > 1 {
							diff = 1
						}
						dist += diff
						if dist >= best {
							break
						}
					}
					if dist < best {
						best = dist
						if best == 0 {
							break
						}
					}
				}
				out[i] = float64(best)
			}
		}()
	}
	wg.Wait()
	return out
}

// chowLiu is a tree-shaped density estimate over codes (Chow and Liu,
// 1968): the maximum-mutual-information spanning tree, with add-one
// smoothed conditionals. The density-ratio attack fits one to the
// synthetic rows and one to the reference rows.
type chowLiu struct {
	sizes  []int
	parent []int
	logp   [][]float64 // per variable: log P(x | parent), parent config slowest
}

func fitChowLiu(codes [][]int32, sizes []int) *chowLiu {
	d := len(sizes)
	m := &chowLiu{sizes: sizes, parent: make([]int, d), logp: make([][]float64, d)}
	if d == 0 {
		return m
	}
	n := float64(len(codes[0]))
	one := make([][]float64, d)
	for j := range d {
		one[j] = countTable(codes, sizes, []int{j})
	}
	mi := make([][]float64, d)
	for a := range d {
		mi[a] = make([]float64, d)
	}
	for a := range d {
		for b := a + 1; b < d; b++ {
			t := countTable(codes, sizes, []int{a, b})
			kb := sizes[b]
			var s float64
			for i, x := range one[a] {
				for j, y := range one[b] {
					c := t[i*kb+j]
					if c > 0 {
						s += c / n * math.Log(c*n/(x*y))
					}
				}
			}
			mi[a][b], mi[b][a] = s, s
		}
	}
	// Prim's algorithm from variable 0.
	in := make([]bool, d)
	best := make([]float64, d)
	from := make([]int, d)
	for j := range d {
		best[j], from[j] = math.Inf(-1), -1
	}
	in[0] = true
	m.parent[0] = -1
	for j := 1; j < d; j++ {
		best[j], from[j] = mi[0][j], 0
	}
	for range d - 1 {
		pick := -1
		for j := range d {
			if !in[j] && (pick < 0 || best[j] > best[pick]) {
				pick = j
			}
		}
		in[pick] = true
		m.parent[pick] = from[pick]
		for j := range d {
			if !in[j] && mi[pick][j] > best[j] {
				best[j], from[j] = mi[pick][j], pick
			}
		}
	}
	for j := range d {
		k := sizes[j]
		var t []float64
		if p := m.parent[j]; p >= 0 {
			t = countTable(codes, sizes, []int{p, j})
		} else {
			t = one[j]
		}
		lp := make([]float64, len(t))
		for pc := 0; pc < len(t)/k; pc++ {
			row := t[pc*k : (pc+1)*k]
			total := sum(row) + float64(k)
			for a, c := range row {
				lp[pc*k+a] = math.Log((c + 1) / total)
			}
		}
		m.logp[j] = lp
	}
	return m
}

func (m *chowLiu) logProb(codes [][]int32, i int) float64 {
	var s float64
	for j, k := range m.sizes {
		pc := 0
		if p := m.parent[j]; p >= 0 {
			pc = int(codes[p][i])
		}
		s += m.logp[j][pc*k+int(codes[j][i])]
	}
	return s
}

// attackInput is what the membership-inference attacks need.
type attackInput struct {
	members, nonMembers, reference, synthetic *frame
	// The same rows in the evaluation model's codes.
	memberCodes, nonMemberCodes, referenceCodes, syntheticCodes [][]int32
	sizes                                                       []int
}

// attack runs every attack and returns the privacy report (copy rates are
// filled in by the caller).
func attack(in attackInput) Privacy {
	enc := newPointEncoder(in.reference)
	ref := enc.encode(in.reference)
	syn := enc.encode(in.synthetic)
	q := enc.encode(concatFrames(in.members, in.nonMembers))
	dSyn := nearest(q, syn)
	dRef := nearest(q, ref)
	m, nm := in.members.n, in.nonMembers.n
	pos := make([]bool, m+nm)
	for i := range m {
		pos[i] = true
	}
	dcr := make([]float64, m+nm)
	ratio := make([]float64, m+nm)
	for i := range dcr {
		dcr[i] = -dSyn[i]
		ratio[i] = math.Log((dRef[i] + 0.01) / (dSyn[i] + 0.01))
	}
	synModel := fitChowLiu(in.syntheticCodes, in.sizes)
	refModel := fitChowLiu(in.referenceCodes, in.sizes)
	density := make([]float64, 0, m+nm)
	for _, codes := range [][][]int32{in.memberCodes, in.nonMemberCodes} {
		for i := range len(codes[0]) {
			density = append(density, synModel.logProb(codes, i)-refModel.logProb(codes, i))
		}
	}
	p := Privacy{Score: 1, Members: m, NonMembers: nm}
	for _, a := range []struct {
		name  string
		score []float64
	}{{attackDCR, dcr}, {attackDCRRate, ratio}, {attackDensity, density}} {
		v := auc(a.score, pos)
		s := 1 - 2*math.Max(0, v-0.5)
		p.Attacks = append(p.Attacks, Attack{Name: a.name, AUC: v, Score: s})
		p.Score = math.Min(p.Score, s)
	}
	return p
}

func concatFrames(a, b *frame) *frame {
	out := a.emptyLike(a.n + b.n)
	for j, c := range out.cols {
		for k, src := range []*frame{a, b} {
			off := k * a.n
			sc := src.cols[j]
			copy(c.null[off:], sc.null)
			if c.class == Categorical {
				copy(c.str[off:], sc.str)
			} else {
				copy(c.num[off:], sc.num)
			}
		}
	}
	return out
}

// rowKeys returns every row of f as a string, for exact-match tests; values
// are rendered as they are written to the table.
func rowKeys(f *frame) []string {
	keys := make([]string, f.n)
	var b strings.Builder
	for i := range f.n {
		b.Reset()
		for _, c := range f.cols {
			if v, ok := c.format(i); ok {
				b.WriteByte('v')
				b.WriteString(v)
			} else {
				b.WriteByte('n')
			}
			b.WriteByte(0)
		}
		keys[i] = b.String()
	}
	return keys
}

// copyRate is the share of rows of syn equal to some row of real.
func copyRate(syn, real *frame) float64 {
	if syn.n == 0 {
		return 0
	}
	set := map[string]bool{}
	for _, k := range rowKeys(real) {
		set[k] = true
	}
	var c int
	for _, k := range rowKeys(syn) {
		if set[k] {
			c++
		}
	}
	return float64(c) / float64(syn.n)
}
