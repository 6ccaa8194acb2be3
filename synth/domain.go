package synth

import (
	"math"
	"math/rand/v2"
	"sort"
)

// catValue is a category: a value's text, or NULL.
type catValue struct {
	s    string
	null bool
}

// domain is the finite set of codes a column is modelled over.
//
// A Categorical column's codes are its released values (or its public
// domain), in order, then one code for "other": the values too rare to be
// released under DP, or outside the public domain. Sampling never draws
// "other" (see excluded).
//
// A Numerical column's codes are its point values (values common enough
// to get a code of their own, such as 0 in a column of mostly zeros), then
// its bins, then NULL, which is sampled only when nullable. Bin j holds [edges[j], edges[j+1]), the last bin
// also its upper edge; values outside [edges[0], edges[last]] fall in the
// end bins. One edge makes one bin that holds a single point.
type domain struct {
	class  Class
	values []catValue
	other  bool
	index  map[catValue]int32

	points []float64
	pindex map[float64]int32
	edges  []float64
	// nullable: NULL, a Numerical column's last code, may be sampled (the
	// column's NULLs were released by discovery, or are not known).
	nullable bool
}

func (d *domain) size() int {
	if d.class == Categorical {
		n := len(d.values)
		if d.other {
			n++
		}
		return n
	}
	return len(d.points) + d.bins() + 1
}

// excluded is the code sampling never draws, or -1: a Categorical
// column's "other" when any value was released, so that values too rare
// to release are drawn again among the released ones (given the row's
// parents in the model) rather than invented as NULL. With no value
// released, "other" is all there is and decodes as NULL.
//
// A Numerical column's NULL code is excluded unless nullable: NULLs too
// rare to release are drawn again among the bins.
func (d *domain) excluded() int {
	switch {
	case d.class == Categorical && d.other && len(d.values) > 0:
		return len(d.values)
	case d.class == Numerical && !d.nullable:
		return len(d.points) + d.bins()
	}
	return -1
}

func (d *domain) bins() int { return max(1, len(d.edges)-1) }

func newNumericalDomain(points, edges []float64) *domain {
	d := &domain{class: Numerical, points: points, edges: edges, pindex: map[float64]int32{}}
	for i, p := range points {
		d.pindex[p] = int32(i)
	}
	return d
}

func newCategoricalDomain(values []catValue, other bool) *domain {
	d := &domain{class: Categorical, values: values, other: other, index: map[catValue]int32{}}
	for i, v := range values {
		d.index[v] = int32(i)
	}
	return d
}

// encode maps every row of c to its code.
func (d *domain) encode(c *column, n int) []int32 {
	out := make([]int32, n)
	if d.class == Categorical {
		otherCode := int32(len(d.values))
		for i := range n {
			k, ok := d.index[catValue{s: c.str[i], null: c.null[i]}]
			if !ok {
				k = otherCode
			}
			out[i] = k
		}
		return out
	}
	np := int32(len(d.points))
	nullCode := np + int32(d.bins())
	for i := range n {
		switch {
		case c.null[i]:
			out[i] = nullCode
		default:
			if k, ok := d.pindex[c.num[i]]; ok {
				out[i] = k
			} else {
				out[i] = np + int32(d.bin(c.num[i]))
			}
		}
	}
	return out
}

// bin returns the bin of a non-null value.
func (d *domain) bin(v float64) int {
	// The first edge greater than v, minus one.
	j := sort.Search(len(d.edges), func(i int) bool { return d.edges[i] > v }) - 1
	return min(max(j, 0), d.bins()-1)
}

// decode writes the value of code k into row i of c, drawing Numerical
// values uniformly within their bin.
func (d *domain) decode(r *rand.Rand, k int32, c *column, i int) {
	if d.class == Categorical {
		if int(k) >= len(d.values) {
			c.null[i] = true
			return
		}
		v := d.values[k]
		c.str[i], c.null[i] = v.s, v.null
		return
	}
	np := int32(len(d.points))
	switch {
	case k < np:
		c.null[i], c.num[i] = false, d.points[k]
		return
	case int(k-np) >= d.bins():
		c.null[i] = true
		return
	}
	k -= np
	c.null[i] = false
	if len(d.edges) == 1 {
		c.num[i] = d.edges[0]
		return
	}
	a, b := d.edges[k], d.edges[k+1]
	last := int(k) == d.bins()-1
	switch c.kind {
	case kindInt, kindDate:
		lo := math.Ceil(a)
		hi := math.Ceil(b) - 1
		if last {
			hi = math.Floor(b)
		}
		if hi < lo {
			c.num[i] = math.Round(a)
			return
		}
		// Point values have codes of their own: draw again (a few times)
		// rather than return one from a bin.
		for try := 0; ; try++ {
			c.num[i] = lo + float64(r.IntN(int(hi-lo)+1))
			if _, isPoint := d.pindex[c.num[i]]; !isPoint || try == 8 {
				return
			}
		}
	case kindDecimal:
		p := math.Pow(10, float64(c.scale))
		c.num[i] = math.Round((a+(b-a)*r.Float64())*p) / p
	case kindTimestamp, kindTimestampTZ:
		c.num[i] = math.Round((a+(b-a)*r.Float64())*1e6) / 1e6
	default:
		c.num[i] = a + (b-a)*r.Float64()
	}
}

// categoryCounts counts a column's values in a deterministic order: by
// value, NULL first.
func categoryCounts(c *column, n int) ([]catValue, []float64) {
	m := map[catValue]float64{}
	for i := range n {
		m[catValue{s: c.str[i], null: c.null[i]}]++
	}
	vals := make([]catValue, 0, len(m))
	for v := range m {
		vals = append(vals, v)
	}
	sort.Slice(vals, func(i, j int) bool {
		if vals[i].null != vals[j].null {
			return vals[i].null
		}
		return vals[i].s < vals[j].s
	})
	counts := make([]float64, len(vals))
	for i, v := range vals {
		counts[i] = m[v]
	}
	return vals, counts
}

// sortedValues returns the non-null values of a Numerical column, sorted.
func sortedValues(c *column, n int) []float64 {
	out := make([]float64, 0, n)
	for i := range n {
		if !c.null[i] {
			out = append(out, c.num[i])
		}
	}
	sort.Float64s(out)
	return out
}
