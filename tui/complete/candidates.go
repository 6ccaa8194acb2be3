package complete

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/floehq/floe/internal/sqltext"
)

// Table is a table or view the session can read, with its columns.
type Table struct {
	// Catalog is "lake" for the warehouse's tables, else DuckDB's
	// database: temp (named results), memory.
	Catalog string
	Schema  string
	Name    string
	Columns []string
}

// Names are the names completion offers besides the keywords.
type Names struct {
	Tables    []Table
	Functions []string
}

// Kind is what an item names.
type Kind int

// The kinds, in the order items of equal rank are listed.
const (
	KindColumn Kind = iota
	KindAlias
	KindTable
	KindSchema
	KindKeyword
	KindFunction
)

// String returns the kind as the popup shows it.
func (k Kind) String() string {
	return [...]string{"column", "alias", "table", "schema", "keyword", "function"}[k]
}

// Item is one completion.
type Item struct {
	Text   string // what replaces the word being typed
	Kind   Kind
	Detail string // the table of a column, the columns of a table
	name   string // the last part of Text, also matched
}

// maxItems bounds the list.
const maxItems = 100

// Candidates returns the items that fit the context, best first: those
// that start with the prefix (or whose last part does), then those that
// hold its letters in order (fuzzy, for prefixes of two letters or more).
func Candidates(ctx Context, n *Names) []Item {
	if n == nil {
		n = &Names{}
	}
	all := items(ctx, n)
	p := strings.ToLower(ctx.Prefix)
	type scored struct {
		Item
		score int
	}
	var prefix, fuzzy []scored
	seen := map[string]bool{}
	for _, it := range all {
		key := strings.ToLower(it.Text)
		if seen[key] {
			continue
		}
		lt, ln := key, strings.ToLower(it.name)
		switch {
		case strings.HasPrefix(lt, p) || strings.HasPrefix(ln, p):
			seen[key] = true
			prefix = append(prefix, scored{Item: it})
		case len(p) >= 2:
			if s := max(fuzzyScore(ln, p), fuzzyScore(lt, p)); s > 0 {
				seen[key] = true
				fuzzy = append(fuzzy, scored{Item: it, score: s})
			}
		}
	}
	slices.SortStableFunc(prefix, func(a, b scored) int {
		// An exact match first, then by kind; the order within a kind is
		// the order given (columns in table order) unless a prefix is typed.
		ea, eb := strings.EqualFold(a.name, p), strings.EqualFold(b.name, p)
		if ea != eb {
			if ea {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(a.Kind, b.Kind); c != 0 || p == "" {
			return c
		}
		return cmp.Compare(strings.ToLower(a.Text), strings.ToLower(b.Text))
	})
	slices.SortStableFunc(fuzzy, func(a, b scored) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Kind, b.Kind); c != 0 {
			return c
		}
		return cmp.Compare(strings.ToLower(a.Text), strings.ToLower(b.Text))
	})
	out := make([]Item, 0, min(len(prefix)+len(fuzzy), maxItems))
	for _, s := range append(prefix, fuzzy...) {
		if len(out) == maxItems {
			break
		}
		it := s.Item
		if it.Kind == KindKeyword {
			it.Text = keywordCase(it.Text, ctx.Prefix)
		}
		out = append(out, it)
	}
	return out
}

// items lists what the context admits, before matching.
func items(ctx Context, n *Names) []Item {
	var out []Item
	add := func(text string, k Kind, detail string) {
		name := text
		if i := strings.LastIndexByte(text, '.'); i >= 0 {
			name = text[i+1:]
		}
		out = append(out, Item{Text: text, Kind: k, Detail: detail, name: name})
	}
	q := ctx.Qualifier
	switch {
	case len(q) == 0:
		for _, r := range ctx.Refs {
			t := resolve(r.Parts, n)
			if t == nil {
				continue
			}
			for _, c := range t.Columns {
				add(Quote(c), KindColumn, t.Name)
			}
		}
		for _, r := range ctx.Refs {
			if r.Alias != "" {
				add(Quote(r.Alias), KindAlias, strings.Join(r.Parts, "."))
			}
		}
		for _, t := range n.Tables {
			if t.Catalog == "lake" {
				add("lake."+Quote(t.Schema)+"."+Quote(t.Name), KindTable, columnsDetail(t))
			} else {
				add(Quote(t.Name), KindTable, columnsDetail(t))
			}
		}
		add("lake", KindSchema, "the warehouse")
		for _, k := range Keywords {
			add(k, KindKeyword, "")
		}
		for _, f := range n.Functions {
			add(f, KindFunction, "")
		}
	case len(q) == 1 && strings.EqualFold(q[0], "lake"):
		seen := map[string]bool{}
		for _, t := range n.Tables {
			if t.Catalog == "lake" && !seen[t.Schema] {
				seen[t.Schema] = true
				add(Quote(t.Schema), KindSchema, "namespace")
			}
		}
		for _, t := range n.Tables {
			if t.Catalog == "lake" {
				add(Quote(t.Schema)+"."+Quote(t.Name), KindTable, columnsDetail(t))
			}
		}
	case len(q) == 2 && strings.EqualFold(q[0], "lake"):
		for _, t := range n.Tables {
			if t.Catalog == "lake" && t.Schema == q[1] {
				add(Quote(t.Name), KindTable, columnsDetail(t))
			}
		}
	default:
		if t := qualified(q, ctx.Refs, n); t != nil {
			for _, c := range t.Columns {
				add(Quote(c), KindColumn, t.Name)
			}
			return out
		}
		// A schema of the session: main.<table>.
		for _, t := range n.Tables {
			if t.Catalog != "lake" && len(q) == 1 && (strings.EqualFold(t.Schema, q[0]) || strings.EqualFold(t.Catalog, q[0])) {
				add(Quote(t.Name), KindTable, columnsDetail(t))
			}
		}
	}
	return out
}

// qualified returns the table whose columns follow "q.": an alias of the
// statement, a table the statement names by its last part(s), or any
// table by its name.
func qualified(q []string, refs []Ref, n *Names) *Table {
	if len(q) == 1 {
		for _, r := range refs {
			if r.Alias != "" && strings.EqualFold(r.Alias, q[0]) {
				return resolve(r.Parts, n)
			}
		}
	}
	for _, r := range refs {
		if len(r.Parts) >= len(q) && r.Alias == "" && equalFold(r.Parts[len(r.Parts)-len(q):], q) {
			if t := resolve(r.Parts, n); t != nil {
				return t
			}
		}
	}
	return resolve(q, n)
}

// resolve finds the table a dotted name means: lake.ns.t, or a session
// table by [catalog.][schema.]name.
func resolve(parts []string, n *Names) *Table {
	if len(parts) == 0 {
		return nil
	}
	name := parts[len(parts)-1]
	if len(parts) == 3 && strings.EqualFold(parts[0], "lake") {
		for i, t := range n.Tables {
			if t.Catalog == "lake" && t.Schema == parts[1] && t.Name == name {
				return &n.Tables[i]
			}
		}
		return nil
	}
	for i, t := range n.Tables {
		if t.Catalog == "lake" || !strings.EqualFold(t.Name, name) {
			continue
		}
		switch len(parts) {
		case 1:
			return &n.Tables[i]
		case 2:
			if strings.EqualFold(t.Schema, parts[0]) || strings.EqualFold(t.Catalog, parts[0]) {
				return &n.Tables[i]
			}
		case 3:
			if strings.EqualFold(t.Catalog, parts[0]) && strings.EqualFold(t.Schema, parts[1]) {
				return &n.Tables[i]
			}
		}
	}
	return nil
}

func equalFold(a, b []string) bool {
	return slices.EqualFunc(a, b, strings.EqualFold)
}

func columnsDetail(t Table) string {
	switch len(t.Columns) {
	case 0:
		return ""
	case 1:
		return "1 column"
	}
	return strconv.Itoa(len(t.Columns)) + " columns"
}

// fuzzyScore is > 0 when s holds the letters of p in order, each one
// either right after the one before or at the start of a word (after _ or
// .): "dt" finds date_trunc but not date. Longer runs score more.
func fuzzyScore(s, p string) int {
	var best int
	var match func(i, j, prev, score int)
	match = func(i, j, prev, score int) {
		if j == len(p) {
			best = max(best, score)
			return
		}
		for ; i < len(s); i++ {
			if s[i] != p[j] {
				continue
			}
			switch {
			case i == prev+1 && j > 0:
				match(i+1, j+1, i, score+3)
			case i == 0 || s[i-1] == '_' || s[i-1] == '.':
				match(i+1, j+1, i, score+1)
			}
		}
	}
	match(0, 0, -2, 1)
	return best
}

// Quote returns a name as SQL writes it: bare when it is a plain
// lower-case name DuckDB reads as itself, else in double quotes
// (sqltext.QuoteIdent).
func Quote(name string) string { return sqltext.QuoteIdent(name) }

// keywordCase writes a keyword in lower case when the prefix typed is in
// lower case, else in upper case.
func keywordCase(kw, prefix string) string {
	if prefix != "" && prefix == strings.ToLower(prefix) {
		return strings.ToLower(kw)
	}
	return kw
}
