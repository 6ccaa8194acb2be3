package synth

import (
	"math"
	"sort"
)

// A table over vars is a dense array of counts, row-major: the first
// variable varies slowest.

// tableSize is the number of cells of a table over vars.
func tableSize(sizes []int, vars []int) int {
	n := 1
	for _, v := range vars {
		n *= sizes[v]
	}
	return n
}

// strides returns each variable's stride in a table over vars.
func strides(sizes []int, vars []int) []int {
	s := make([]int, len(vars))
	acc := 1
	for i := len(vars) - 1; i >= 0; i-- {
		s[i] = acc
		acc *= sizes[vars[i]]
	}
	return s
}

// countTable counts the rows of codes in a table over vars.
func countTable(codes [][]int32, sizes []int, vars []int) []float64 {
	t := make([]float64, tableSize(sizes, vars))
	st := strides(sizes, vars)
	if len(codes) == 0 {
		return t
	}
	n := len(codes[vars[0]])
	switch len(vars) {
	case 1:
		a := codes[vars[0]]
		for i := range n {
			t[a[i]]++
		}
	case 2:
		a, b := codes[vars[0]], codes[vars[1]]
		for i := range n {
			t[int(a[i])*st[0]+int(b[i])]++
		}
	case 3:
		a, b, c := codes[vars[0]], codes[vars[1]], codes[vars[2]]
		for i := range n {
			t[int(a[i])*st[0]+int(b[i])*st[1]+int(c[i])]++
		}
	default:
		for i := range n {
			k := 0
			for j, v := range vars {
				k += int(codes[v][i]) * st[j]
			}
			t[k]++
		}
	}
	return t
}

// projection maps each cell of a table over vars to its cell in the table
// over keep (each of keep is in vars).
func projection(sizes []int, vars, keep []int) []int {
	n := tableSize(sizes, vars)
	kst := strides(sizes, keep)
	pos := make([]int, len(vars)) // where each var goes in keep, or -1
	for i, v := range vars {
		pos[i] = -1
		for j, k := range keep {
			if k == v {
				pos[i] = j
			}
		}
	}
	out := make([]int, n)
	idx := make([]int, len(vars))
	for cell := range n {
		k := 0
		for i := range vars {
			if pos[i] >= 0 {
				k += idx[i] * kst[pos[i]]
			}
		}
		out[cell] = k
		// Advance the multi-index, last variable fastest.
		for i := len(vars) - 1; i >= 0; i-- {
			idx[i]++
			if idx[i] < sizes[vars[i]] {
				break
			}
			idx[i] = 0
		}
	}
	return out
}

// project sums a table over vars onto keep.
func project(t []float64, sizes []int, vars, keep []int) []float64 {
	out := make([]float64, tableSize(sizes, keep))
	for cell, k := range projection(sizes, vars, keep) {
		out[k] += t[cell]
	}
	return out
}

// normSub is the Euclidean projection of noisy counts onto the counts that
// are non-negative and sum to total: subtract one constant from every cell
// and clip at zero ("norm-sub"). Cells whose true count is zero mostly end
// at zero, where plain clipping would leave half of them positive.
func normSub(y []float64, total float64) []float64 {
	out := make([]float64, len(y))
	if total <= 0 || len(y) == 0 {
		return out
	}
	s := append([]float64(nil), y...)
	sort.Sort(sort.Reverse(sort.Float64Slice(s)))
	// The constant is set by the largest k whose k-th largest value stays
	// above it (Duchi et al., "Efficient projections onto the l1-ball").
	var sum, c float64
	for k, v := range s {
		sum += v
		ck := (sum - total) / float64(k+1)
		if v <= ck {
			break
		}
		c = ck
	}
	for i, v := range y {
		out[i] = math.Max(0, v-c)
	}
	return out
}

// margin is a target for one projection of a table in ipf.
type margin struct {
	vars []int
	t    []float64
}

// ipf rescales t (over vars) in place, in turn, so that its projection on
// each margin matches it (iterative proportional fitting). Cells that are
// zero stay zero; a margin cell the table gives no mass is left unmatched.
func ipf(t []float64, sizes []int, vars []int, margins []margin, iters int) {
	maps := make([][]int, len(margins))
	for i, m := range margins {
		maps[i] = projection(sizes, vars, m.vars)
	}
	for range iters {
		for i, m := range margins {
			cur := make([]float64, len(m.t))
			for cell, k := range maps[i] {
				cur[k] += t[cell]
			}
			for cell, k := range maps[i] {
				if cur[k] > 0 {
					t[cell] *= m.t[k] / cur[k]
				}
			}
		}
	}
}
