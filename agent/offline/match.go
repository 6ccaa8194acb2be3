package offline

import (
	"fmt"
	"sort"
	"strings"

	"github.com/floehq/floe/agent/schema"
)

// mention is a run of words that names something in a table.
type mention struct {
	start, end int // word span
	kind       mentionKind
	col        *column
	value      string
	score      float64
	syn        bool // matched through a synonym only
}

type mentionKind int

const (
	mEntity mentionKind = iota // what a row is: "customers"
	mColumn
	mValue
)

// reading is a question read against one table.
type reading struct {
	t        *table
	words    []word
	mentions []mention // in question order
	score    float64
	unmapped []string
	// ambiguous says which words name more than one column.
	ambiguous []string
}

func (r *reading) better(o *reading) bool {
	if len(r.unmapped) != len(o.unmapped) {
		return len(r.unmapped) < len(o.unmapped)
	}
	return r.score > o.score
}

// partialStop words never pick a value on their own: "one" in "One year",
// "check" shared by two payment methods is caught by uniqueness anyway.
var partialStop = rootSet(`one two three four five high low new old big small best top good bad year month day
	week service method automatic card total plus pro max mini`)

// readTable finds the mentions of t in the question.
func readTable(f *frame, t *table) *reading {
	ws := make([]word, len(f.words))
	copy(ws, f.words)
	r := &reading{t: t, words: ws}
	var cands []mention

	// Values of text columns.
	type occ struct {
		i, n int
		c    *column
		v    string
	}
	var partial []occ
	for _, c := range t.cols {
		for _, v := range c.values {
			vw := v.words
			if len(vw) == 0 {
				continue
			}
			for i := range ws {
				// Full match: every word of the value, in order.
				n := 0
				for n < len(vw) && i+n < len(ws) && ws[i+n].free() && ws[i+n].Root == vw[n].Root {
					n++
				}
				if n == len(vw) {
					if len(vw) == 1 && (schema.IsStop(vw[0].Lower) || len(vw[0].Lower) <= 2) {
						// "US", "EU", "No": as spelled in the data, or
						// next to the column's own name ("no internet").
						if ws[i].Text == v.text && len(v.text) > 1 && v.text != "No" && v.text != "Yes" {
							cands = append(cands, mention{start: i, end: i + 1, kind: mValue, col: c, value: v.text, score: 3})
						} else if k := headRun(ws, i+1, c); k > i+1 {
							cands = append(cands, mention{start: i, end: k, kind: mValue, col: c, value: v.text, score: 3 + float64(k-i)})
						}
						continue
					}
					cands = append(cands, mention{start: i, end: i + n, kind: mValue, col: c, value: v.text, score: 3 + float64(n)})
					continue
				}
				// Partial: a distinctive run of the value's words.
				for s := range vw {
					n := 0
					for s+n < len(vw) && i+n < len(ws) && ws[i+n].free() && ws[i+n].Root == vw[s+n].Root {
						n++
					}
					if n == 0 || n == len(vw) {
						continue
					}
					ok := false
					for k := 0; k < n; k++ {
						w := vw[s+k]
						if !w.Num && !schema.IsStop(w.Lower) && !partialStop[w.Root] && len(w.Lower) > 2 {
							ok = true
						}
					}
					if ok {
						partial = append(partial, occ{i, n, c, v.text})
					}
				}
			}
		}
	}
	// A partial run counts only if it points at a single value of the
	// table and is not itself the name of a column.
	for _, p := range partial {
		same := 0
		for _, q := range partial {
			if q.i == p.i && q.n == p.n && q.v != p.v {
				same++
			}
		}
		if same > 0 || namesColumn(t, ws[p.i:p.i+p.n]) {
			continue
		}
		cands = append(cands, mention{start: p.i, end: p.i + p.n, kind: mValue, col: p.c, value: p.v, score: 1.5 + 0.5*float64(p.n)})
	}

	// Column names, directly or through synonyms.
	for _, c := range t.cols {
		for i := range ws {
			direct, syn, heads := 0, 0, map[string]bool{}
			j := i
			for j < len(ws) && j-i < 4 && ws[j].free() {
				r := ws[j].Root
				if contains(c.roots, r) {
					direct++
					if !schema.IsWeak(r) {
						heads[r] = true
					}
				} else if h := synonymOf(c, r); h != "" {
					syn++
					heads[h] = true
				} else {
					break
				}
				j++
			}
			if len(heads) == 0 {
				continue
			}
			s := float64(direct) + 0.8*float64(syn)
			if len(heads) == len(c.heads) {
				s += 0.5
			}
			// "customers" is the table, not customer_id.
			if c.id && len(c.heads) == 1 && contains(t.entity, c.heads[0]) {
				s -= 0.6
			}
			// "monthly" alone is a grain, not monthly_charges.
			if len(heads) < len(c.heads) && allGrain(ws[i:j]) {
				continue
			}
			cands = append(cands, mention{start: i, end: j, kind: mColumn, col: c, score: s, syn: direct == 0})
		}
	}

	// What a row is.
	for i := range ws {
		if !ws[i].free() {
			continue
		}
		for _, e := range t.entity {
			if ws[i].Root == e || contains(schema.Synonyms(ws[i].Root), e) {
				cands = append(cands, mention{start: i, end: i + 1, kind: mEntity, score: 1})
			}
		}
	}

	// Longest runs first, then the best score; entities win ties so that
	// "customers" is the table, not customer_id.
	sort.SliceStable(cands, func(a, b int) bool {
		la, lb := cands[a].end-cands[a].start, cands[b].end-cands[b].start
		if la != lb {
			return la > lb
		}
		if cands[a].score != cands[b].score {
			return cands[a].score > cands[b].score
		}
		return cands[a].kind < cands[b].kind
	})
	taken := make([]bool, len(ws))
	for _, m := range cands {
		free := true
		for k := m.start; k < m.end; k++ {
			free = free && !taken[k]
		}
		if !free {
			continue
		}
		// Two columns tie on the same words ("charges": monthly or total).
		if m.kind == mColumn {
			tie := false
			for _, o := range cands {
				if o.kind == mColumn && o.col != m.col && o.start == m.start && o.end == m.end && o.score == m.score {
					tie = true
				}
			}
			if tie {
				m.col = preferred(t, cands, m)
				if m.col == nil {
					// Ambiguous: keep the words from weaker readings and
					// report them.
					var names []string
					for _, o := range cands {
						if o.kind == mColumn && o.start == m.start && o.end == m.end && o.score == m.score {
							names = append(names, o.col.Name)
						}
					}
					r.ambiguous = append(r.ambiguous, fmt.Sprintf("%q could be %s", strings.TrimSpace(words(ws, m.start, m.end)), strings.Join(names, " or ")))
					for k := m.start; k < m.end; k++ {
						taken[k] = true
					}
					continue
				}
			}
		}
		for k := m.start; k < m.end; k++ {
			taken[k] = true
			ws[k].used = "mention"
		}
		r.mentions = append(r.mentions, m)
		r.score += m.score
	}
	sort.Slice(r.mentions, func(a, b int) bool { return r.mentions[a].start < r.mentions[b].start })
	// "two year contracts", "the EU region": a column named next to one of
	// its values only says what the value is.
	for k := 0; k < len(r.mentions); k++ {
		m := r.mentions[k]
		if m.kind != mColumn {
			continue
		}
		for _, d := range []int{-1, 1} {
			n := k + d
			if n < 0 || n >= len(r.mentions) {
				continue
			}
			v := r.mentions[n]
			if v.kind == mValue && v.col == m.col && (v.end == m.start || m.end == v.start) {
				if v.start > m.start {
					v.start = m.start
				} else {
					v.end = m.end
				}
				r.mentions[n] = v
				r.mentions = append(r.mentions[:k], r.mentions[k+1:]...)
				k--
				break
			}
		}
	}

	// A negation is read when it applies to a value or a boolean column
	// close after it.
	for _, p := range append(append([]int(nil), f.negs...), f.excludes...) {
		for _, m := range r.mentions {
			if m.start > p && m.start <= p+3 && (m.kind == mValue || m.kind == mColumn && m.col.Kind == schema.Bool) {
				ws[p].used = "neg"
			}
		}
	}

	// Date words mean nothing to a table without dates.
	if len(t.dateCols()) == 0 {
		for _, d := range f.dates {
			for k := d.start; k < d.end; k++ {
				ws[k].used = ""
			}
		}
		for _, g := range f.grains {
			if ws[g.pos].used == "grain" {
				ws[g.pos].used = ""
			}
		}
	} else {
		r.score += 0.5 * float64(len(f.dates))
	}
	fr := *f
	fr.words = ws
	r.unmapped = fr.contentWords()
	return r
}

func allGrain(ws []word) bool {
	for _, w := range ws {
		if w.used != "grain?" {
			return false
		}
	}
	return true
}

// headRun returns the end of the run of c's head words starting at i.
func headRun(ws []word, i int, c *column) int {
	for i < len(ws) && ws[i].free() && contains(c.roots, ws[i].Root) {
		i++
	}
	return i
}

// namesColumn reports whether the words are all words of some column's
// name: "store" is not a partial value of "Union Square store".
func namesColumn(t *table, ws []word) bool {
	for _, c := range t.cols {
		all := true
		for _, w := range ws {
			all = all && contains(c.roots, w.Root)
		}
		if all {
			return true
		}
	}
	return false
}

// synonymOf returns the head of c that root is a synonym of.
func synonymOf(c *column, root string) string {
	for _, s := range schema.Synonyms(root) {
		if contains(c.heads, s) {
			return s
		}
	}
	return ""
}

// preferred picks one of several columns named by the same words: a name
// over an id, text over numbers; nil when they stay equal.
func preferred(t *table, cands []mention, m mention) *column {
	var tied []*column
	for _, o := range cands {
		if o.kind == mColumn && o.start == m.start && o.end == m.end && o.score == m.score {
			tied = append(tied, o.col)
		}
	}
	var names []*column
	for _, c := range tied {
		if !c.id {
			names = append(names, c)
		}
	}
	if len(names) == 1 {
		return names[0]
	}
	return nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
