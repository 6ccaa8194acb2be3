package offline

import (
	"errors"
	"fmt"
	"strings"

	"github.com/floehq/floe/agent/schema"
)

// ErrNotUnderstood is the error for a question the planner cannot map onto
// the catalog with confidence. The *NotUnderstood errors it returns wrap it.
var ErrNotUnderstood = errors.New("the offline planner could not map the question")

// NotUnderstood says what the planner could not map.
type NotUnderstood struct {
	Question string
	// Unmapped lists the words of the question that match nothing in the
	// catalog.
	Unmapped []string
	// Reason says what else was missing or ambiguous.
	Reason string
	// Closest lists the nearest readings the planner can answer, such as
	// "sum of amount by region", or the columns nearest to an unmapped word.
	Closest []string
}

func (e *NotUnderstood) Error() string {
	var b strings.Builder
	b.WriteString("the offline planner could not answer this question")
	if len(e.Unmapped) > 0 {
		b.WriteString(": no table, column or value matches ")
		for i, w := range e.Unmapped {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(fmt.Sprintf("%q", w))
		}
	}
	if e.Reason != "" {
		if len(e.Unmapped) > 0 {
			b.WriteString("; ")
		} else {
			b.WriteString(": ")
		}
		b.WriteString(e.Reason)
	}
	if len(e.Closest) > 0 {
		b.WriteString("; closest: " + strings.Join(e.Closest, "; "))
	}
	return b.String()
}

// Unwrap returns ErrNotUnderstood.
func (e *NotUnderstood) Unwrap() error { return ErrNotUnderstood }

// Plan is the planner's answer to a question.
type Plan struct {
	// SQL is one read-only query.
	SQL string
	// Steps says what the query does, one step per line.
	Steps []string
	// Explanation says in one or two sentences how the question was read.
	Explanation string
	// Table is the table the question was mapped to.
	Table string
	// Joined is the table joined to Table on a shared key, or "".
	Joined string
	// Chart suggests how to draw the result, or is nil.
	Chart *Chart
	// Ignored lists the words of the question that matched nothing and
	// were ignored because every part of the query is grounded without
	// them (verbs and filler such as "placed" or "please").
	Ignored []string
}

// Chart is a declarative chart of a result: the kind (bar or line) and the
// result columns on each axis.
type Chart struct {
	Kind   string
	X, Y   string
	Series string
}

// Planner maps questions onto a set of profiled tables.
type Planner struct {
	tables  []*table
	roots   map[string]bool   // catalogRoots, computed on first use
	shorts  map[string]string // confirmedShorts, computed on first use
	vwords  map[string]bool   // valueWords, computed on first use
	nouns   map[string]bool   // rowNouns, computed on first use
	linked  *[]*table         // the joined tables, computed on first use
	chained *[]*table         // the two-hop joins (join2.go), computed on first use
}

// New returns a planner over the given table profiles.
func New(profiles []*schema.Profile) *Planner {
	p := &Planner{}
	for _, pr := range profiles {
		if pr != nil {
			p.tables = append(p.tables, newTable(pr))
		}
	}
	return p
}

// Plan maps a question onto the catalog. history holds the earlier
// questions of the conversation, oldest first: a question that only
// changes part of the previous one ("now only for 2024", "what about
// Boston?", "by region instead") is read as that change.
func (p *Planner) Plan(question string, history []string) (*Plan, error) {
	if len(p.tables) == 0 {
		return nil, &NotUnderstood{Question: question, Reason: "the catalog has no tables"}
	}
	var base *query
	for _, h := range history {
		q, err := p.read(h, base)
		if err == nil {
			base = q
		}
	}
	q, err := p.read(question, base)
	if err != nil {
		return nil, err
	}
	return q.plan(), nil
}

// read maps one question, as a follow-up of base when base is not nil and
// the question reads like one.
func (p *Planner) read(question string, base *query) (*query, error) {
	f := parseFrame(question)
	f.catalog = p.catalogRoots()
	f.shorts = p.confirmedShorts()
	f.valueWords = p.valueWords()
	f.rowNouns = p.rowNouns()
	f.tables = p.tables
	if base != nil && f.looksLikeFollowUp() {
		if q, err := p.readFollowUp(f, base); err == nil {
			return q, nil
		}
	}
	return p.readAlone(f)
}

func (p *Planner) readAlone(f *frame) (*query, error) {
	q, exact, err := p.readOne(f)
	if err == nil {
		if err := p.gate(f, q); err != nil {
			return nil, err
		}
		return p.checkSpelled(f, p.nameKeys(f, dateDims(f, q)))
	}
	jq, jerr := p.readJoined(f, exact)
	if jq != nil {
		if err := p.gate(f, jq); err != nil {
			return nil, err
		}
		return p.checkSpelled(f, dateDims(f, jq))
	}
	if aq, aerr := p.readAnti(f); aerr != nil || aq != nil {
		return aq, aerr
	}
	if dq, derr := p.readDuration(f); derr != nil || dq != nil {
		return dq, derr
	}
	if jerr != nil {
		return nil, jerr
	}
	return nil, err
}

// checkSpelled refuses a query that groups by a column named by the first
// words of a phrase that spells, whole, the name of a column the query's
// tables do not hold: "rent collected by property type" is not grouped by
// property_id when properties.property_type is out of reach.
func (p *Planner) checkSpelled(f *frame, q *query) (*query, error) {
	have := map[*column]bool{}
	for _, c := range q.t.cols {
		have[c] = true
	}
	for _, d := range q.dims {
		for _, t := range p.tables {
			for _, c := range t.cols {
				n := len(c.roots)
				if have[c] || n < 2 || d.pos+n > len(f.words) || allIn(setOf(d.col.roots), c.roots) {
					continue
				}
				spelled := true
				for k := 0; k < n; k++ {
					// A later word may be spelled out of a short form:
					// "crop group" spells crop_grp.
					if w := f.words[d.pos+k]; w.Root != c.roots[k] && !(k > 0 && !schema.IsStop(w.Lower) && schema.Abbreviates(c.roots[k], w.Root)) {
						spelled = false
						break
					}
				}
				if spelled {
					return nil, &NotUnderstood{Question: f.question, Reason: fmt.Sprintf(
						"%q is %s of %s, which %s does not reach (the offline planner joins one table on a key)",
						strings.TrimSpace(words(f.words, d.pos, d.pos+n)), c.Name, t.name, q.t.name)}
				}
			}
		}
	}
	return q, nil
}

// readOne maps a question onto the one table that reads it best. It also
// returns the spans of words that are exactly a value somewhere.
func (p *Planner) readOne(f *frame) (*query, map[[2]int]bool, error) {
	exact := p.exactSpans(f)
	q, err := p.readOneIn(f, exact)
	return q, exact, err
}

// exactSpans finds the spans of words that are exactly a value somewhere:
// partial value matches stay off them.
func (p *Planner) exactSpans(f *frame) map[[2]int]bool {
	exact := map[[2]int]bool{}
	for _, t := range p.tables {
		for k := range readTable(f, t, nil).exact {
			exact[k] = true
		}
	}
	return exact
}

func (p *Planner) readOneIn(f *frame, exact map[[2]int]bool) (*query, error) {
	var best, unsure *reading
	var read []*reading
	for _, t := range p.tables {
		r := readTable(f, t, exact)
		if r.score <= 0 {
			if len(r.ambiguous) > 0 && unsure == nil {
				unsure = r
			}
			continue
		}
		read = append(read, r)
		if best == nil || r.better(best) {
			best = r
		}
	}
	best = baseOf(best, read)
	if why := p.noMargin(f, best, read); why != nil {
		return nil, why
	}
	if best == nil && unsure != nil {
		return nil, &NotUnderstood{Question: f.question, Unmapped: without(unsure.unmapped, unsure.blocked), Reason: strings.Join(unsure.ambiguous, "; ")}
	}
	if best == nil {
		var near []string
		for i, t := range p.tables {
			if i == 3 {
				break
			}
			near = append(near, closest(&reading{t: t, words: f.words}, nil)...)
		}
		return nil, &NotUnderstood{Question: f.question, Unmapped: f.contentWords(),
			Reason: "no table or column is named", Closest: near}
	}
	for _, t := range p.tables {
		// Words another table reads two ways may not be settled by a
		// table that reads them one way: "engineers" is a department and
		// a job title in employees, so departments must not answer alone.
		if t == best.t {
			continue
		}
		r := readTable(f, t, exact)
		if r.contested > 0 && r.score+r.contested >= best.score {
			return nil, &NotUnderstood{Question: f.question, Reason: strings.Join(r.ambiguous, "; ") + " in " + t.name,
				Closest: []string{"the same words in " + best.t.name}}
		}
	}
	if len(best.unmapped) > 0 {
		unknown, elsewhere := splitKnown(f, without(best.unmapped, best.blocked))
		reasons := best.ambiguous
		if len(elsewhere) > 0 {
			reasons = append(reasons, fmt.Sprintf("%s name another table or its columns, which %s does not reach", quoteList(elsewhere), best.t.name))
		}
		return nil, &NotUnderstood{Question: f.question, Unmapped: unknown, Reason: strings.Join(reasons, "; "),
			Closest: closest(best, p.tables)}
	}
	q, err := build(f, best)
	if err != nil {
		var nu *NotUnderstood
		if errors.As(err, &nu) && len(nu.Closest) == 0 {
			nu.Closest = closest(best, p.tables)
		}
		return nil, err
	}
	if len(best.ignored) > 0 {
		q.ignored = best.ignored
		q.notes = append(q.notes, fmt.Sprintf("ignored %s: no column or value of %s matches", quoteList(best.ignored), q.t.name))
	}
	return q, nil
}

// noMargin refuses a question two tables read equally well (the same
// words unmapped and ignored, the same score) into different queries:
// picking one would be a coin toss between two answers. A table whose
// rows refer to the other's (returns, each of an order) yields to it.
func (p *Planner) noMargin(f *frame, best *reading, read []*reading) error {
	if best == nil || len(best.unmapped) > 0 {
		return nil
	}
	for _, r := range read {
		if r == best || best.better(r) || r.better(best) || len(r.ignored) != len(best.ignored) || references(r.t, best.t) || derived(r.t, best.t) {
			continue // a table whose rows refer to best's rows (returns of orders) yields to it
		}
		a, errA := build(f, best)
		b, errB := build(f, r)
		if errA != nil || errB != nil || a.sql() == b.sql() {
			continue
		}
		return &NotUnderstood{Question: f.question, Reason: fmt.Sprintf("the question reads equally well over %s and %s", best.t.name, r.t.name),
			Closest: []string{a.describe() + " in " + best.t.name, b.describe() + " in " + r.t.name}}
	}
	return nil
}

// derived reports whether t's name is base's name with a suffix
// (customers_synth, orders_backup, sales_2024 for customers, orders,
// sales): a copy or a variant of base, which the question names only by
// the suffix.
func derived(t, base *table) bool {
	a, b := strings.ToLower(t.p.Table.ShortName()), strings.ToLower(base.p.Table.ShortName())
	return len(a) > len(b)+1 && strings.HasPrefix(a, b) && (a[len(b)] == '_' || a[len(b)] == '-')
}

// baseOf returns the reading of the table best derives from (see
// derived) when that table reads the question as well, else best.
func baseOf(best *reading, read []*reading) *reading {
	if best == nil {
		return nil
	}
	for _, r := range read {
		if r != best && derived(best.t, r.t) && !best.better(r) && !r.better(best) && len(r.ignored) == len(best.ignored) {
			return r
		}
	}
	return best
}

// references reports whether child holds the key that identifies the rows
// of parent (returns.order_id for orders).
func references(child, parent *table) bool {
	k := rowKey(parent)
	if k == nil {
		return false
	}
	for _, c := range child.cols {
		if strings.EqualFold(c.Name, k.Name) && c.Kind == k.Kind {
			return true
		}
	}
	return false
}

func quoteList(ws []string) string {
	q := make([]string, len(ws))
	for i, w := range ws {
		q[i] = fmt.Sprintf("%q", w)
	}
	return strings.Join(q, ", ")
}

func (p *Planner) readFollowUp(f *frame, base *query) (*query, error) {
	r := readTable(f, base.t, nil)
	if len(r.unmapped) > 0 {
		return nil, &NotUnderstood{Question: f.question, Unmapped: r.unmapped, Reason: strings.Join(r.ambiguous, "; ")}
	}
	delta, err := buildDelta(f, r)
	if err != nil {
		return nil, err
	}
	return base.merge(delta, f), nil
}

// without returns the words of ws that are not in drop: the words that
// fit several readings are named by the reason, not as unmapped.
func without(ws, drop []string) []string {
	var out []string
	for _, w := range ws {
		if !contains(drop, w) {
			out = append(out, w)
		}
	}
	return out
}

// confirmedShorts returns the short forms that the catalog confirms: the
// first word of a key (veh_id, stu_id) that starts the name of a table's
// rows (vehicles, students), three letters at least. Alone, a three-letter
// short form with a vowel is a word of its own ("cat", "age"); beside a
// table it starts, it is that table's name.
func (p *Planner) confirmedShorts() map[string]string {
	if p.shorts != nil {
		return p.shorts
	}
	p.shorts = map[string]string{}
	for _, t := range p.tables {
		for _, c := range t.cols {
			if !c.id || len(c.roots) < 2 {
				continue
			}
			s := c.roots[0]
			for _, o := range p.tables {
				for _, e := range o.entity {
					if len(s) >= 3 && len(e) > len(s) && strings.HasPrefix(e, s) {
						p.shorts[s] = e
					}
				}
			}
		}
	}
	return p.shorts
}

// rowNouns returns the head nouns (last words) of the catalog's table
// names, weak words aside: each names a table's rows.
func (p *Planner) rowNouns() map[string]bool {
	if p.nouns != nil {
		return p.nouns
	}
	p.nouns = map[string]bool{}
	for _, t := range p.tables {
		if len(t.entity) > 0 {
			p.nouns[t.entity[len(t.entity)-1]] = true
		}
	}
	return p.nouns
}

// catalogRoots returns the roots that name the rows of a table or a
// column of one, weak words aside.
func (p *Planner) catalogRoots() map[string]bool {
	if p.roots != nil {
		return p.roots
	}
	p.roots = map[string]bool{}
	for _, t := range p.tables {
		for _, e := range t.entity {
			p.roots[e] = true
		}
		for _, c := range t.cols {
			for _, h := range c.heads {
				if !schema.IsWeak(h) {
					p.roots[h] = true
				}
			}
		}
	}
	return p.roots
}

// splitKnown sorts words into those the catalog does not know and those
// that name something in it (another table's rows or columns).
func splitKnown(f *frame, ws []string) (unknown, elsewhere []string) {
	for _, w := range ws {
		if f.catalog[schema.Root(w)] {
			elsewhere = append(elsewhere, w)
		} else {
			unknown = append(unknown, w)
		}
	}
	return unknown, elsewhere
}

// nameKeys adds to a grouping by a key that identifies another table's
// rows (owner_id in properties, the rows of owners) that table's name
// column (owner_name), joined on the key: "which owner has the most
// properties" asks for an owner, which a number alone does not show. The
// groups stay the key's (two owners may share a name). It adds nothing
// when the question says "id", when the name may repeat, when the query
// already joins, or when the other table has no one name column (nor
// one first and one last name: nameColumns).
func (p *Planner) nameKeys(f *frame, q *query) *query {
	if q.t.join != nil || q.agg == "rows" {
		return q
	}
	for _, w := range f.words {
		if w.Lower == "id" || w.Lower == "ids" || w.Lower == "key" {
			return q
		}
	}
	if q.agg == "list" {
		return p.nameList(q)
	}
	for k, d := range q.dims {
		if d.grain != "" || !d.col.id && !p.leadingKeyNamed(d.col) {
			continue
		}
		if d.col == rowKey(q.t) {
			// The table's own key ("which station has the most docks"):
			// its name column shows which, no join needed.
			if names := besideKey(q.t); len(names) == 1 && !dimOn(q.dims, names[0]) {
				name := names[0]
				nq := *q
				nq.dims = append(append(append([]dim(nil), q.dims[:k+1]...), dim{col: name, pos: d.pos}), q.dims[k+1:]...)
				nq.notes = append(append([]string(nil), q.notes...), fmt.Sprintf("named each %s by %s", d.col.Name, name.Name))
				return &nq
			}
			continue
		}
		// The table whose row key is this column (links() would pair
		// every two tables of the catalog: too slow to build for every
		// question of a large one).
		for _, dt := range p.tables {
			if dt == q.t || strings.EqualFold(dt.p.Table.ShortName(), q.t.p.Table.ShortName()) {
				continue
			}
			key := rowKey(dt)
			if key == nil || !strings.EqualFold(key.Name, d.col.Name) || key.Kind != d.col.Kind {
				continue
			}
			names := besideKey(dt)
			if names == nil {
				continue
			}
			lt := joined(q.t, dt, d.col.Name)
			nq := *q
			nq.t = lt
			nq.dims = append([]dim(nil), q.dims[:k+1]...)
			var named []string
			for _, name := range names {
				nq.dims = append(nq.dims, dim{col: name, pos: d.pos})
				named = append(named, name.Name)
			}
			nq.dims = append(nq.dims, q.dims[k+1:]...)
			nq.notes = append(append([]string(nil), q.notes...), fmt.Sprintf("named each %s by %s of %s, joined on %s", d.col.Name, strings.Join(named, " and "), lt.join.dim.name, lt.join.key))
			return &nq
		}
	}
	return q
}

// besideKey returns the columns that name t's rows beside their key in a
// grouping: nameColumns, or else t's one column named as a name even when
// two rows share it (product_name 'Oak Lamp' for two SKUs): grouped with
// the key, each key stays one group.
func besideKey(t *table) []*column {
	if cs := nameColumns(t); cs != nil {
		return cs
	}
	var found *column
	for _, c := range t.cols {
		if c.Kind != schema.Text || len(c.roots) == 0 || !nameRoots[c.roots[len(c.roots)-1]] {
			continue
		}
		if found != nil {
			return nil
		}
		found = c
	}
	if found == nil {
		return nil
	}
	return []*column{found}
}

// leadingKeyNamed reports whether some table's rows are identified by a
// leading key (leadingKey) named and typed like c: sku in sales is the
// key of products.
func (p *Planner) leadingKeyNamed(c *column) bool {
	for _, t := range p.tables {
		if k := leadingKey(t); k != nil && strings.EqualFold(k.Name, c.Name) && k.Kind == c.Kind {
			return true
		}
	}
	return false
}

// nameList lists the names of the things a list of keys asks for: "which
// clubs have a pool" lists club_name, not club_id, when the key's table
// (the list's own or one joined on the key) has one name column the
// profile saw once per row.
func (p *Planner) nameList(q *query) *query {
	c := q.target
	if c == nil || !c.id {
		return q
	}
	if c == rowKey(q.t) {
		if name := nameColumn(q.t); name != nil {
			nq := *q
			nq.target = name
			nq.notes = append(append([]string(nil), q.notes...), fmt.Sprintf("named each %s by %s", c.Name, name.Name))
			return &nq
		}
		return q
	}
	for _, dt := range p.tables {
		if dt == q.t || strings.EqualFold(dt.p.Table.ShortName(), q.t.p.Table.ShortName()) {
			continue
		}
		key := rowKey(dt)
		if key == nil || !strings.EqualFold(key.Name, c.Name) || key.Kind != c.Kind {
			continue
		}
		name := nameColumn(dt)
		if name == nil || hasColumn(q.t, name.Name) {
			continue
		}
		nq := *q
		nq.t = joined(q.t, dt, c.Name)
		nq.target = name
		nq.notes = append(append([]string(nil), q.notes...), fmt.Sprintf("named each %s by %s of %s, joined on %s", c.Name, name.Name, dt.name, c.Name))
		return &nq
	}
	return q
}

// dateDims settles the groupings by a date: a grain of a date column
// ("per month") takes the column a "by" names ("by check-in date") rather
// than grouping by it twice, and a grain of a date that may be NULL keeps
// the rows where it is set ("cancellations per year": a NULL year is no
// cancellation).
func dateDims(f *frame, q *query) *query {
	asked := map[int]bool{}
	for _, g := range f.grains {
		asked[g.pos] = true
	}
	grained := map[*column]bool{}
	for _, d := range q.dims {
		if d.grain != "" && asked[d.pos] {
			grained[d.col] = true
		}
	}
	nq := *q
	nq.dims = nil
	for _, d := range q.dims {
		if grained[d.col] && !(d.grain != "" && asked[d.pos]) {
			continue // "by check-in date" names the date "per month" groups
		}
		nq.dims = append(nq.dims, d)
	}
	nq.conds = append([]cond(nil), q.conds...)
	for _, d := range nq.dims {
		if d.grain != "" && d.col.Nulls > 0 && !condOn(nq.conds, d.col) {
			nq.conds = append(nq.conds, nullCond(d.col, false, -1))
		}
	}
	return &nq
}

// dimOn reports whether one of ds groups by c.
func dimOn(ds []dim, c *column) bool {
	for _, d := range ds {
		if d.col == c {
			return true
		}
	}
	return false
}

// hasColumn reports whether t has a column called name.
func hasColumn(t *table, name string) bool {
	for _, c := range t.cols {
		if strings.EqualFold(c.Name, name) {
			return true
		}
	}
	return false
}

var nameRoots = rootSet("name nm")

// nameColumn returns the one text column of t named as a name (owner_name,
// full_name, dept_nm) that the profile saw once per row, or nil.
func nameColumn(t *table) *column {
	var found *column
	for _, c := range t.cols {
		if c.Kind != schema.Text || len(c.roots) == 0 {
			continue
		}
		if last := c.roots[len(c.roots)-1]; !nameRoots[last] {
			continue
		}
		if found != nil || t.p.Sampled || c.Distinct != t.p.Rows {
			return nil
		}
		found = c
	}
	return found
}

func setOf(xs []string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}
