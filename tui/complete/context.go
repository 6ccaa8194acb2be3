package complete

import (
	"strings"

	"github.com/floehq/floe/internal/sqltext"
)

// Context is what surrounds the cursor in a SQL cell.
type Context struct {
	// Start is the byte offset where the word being typed begins; a chosen
	// item replaces the text from Start to the cursor.
	Start int
	// Prefix is the part of the word before the cursor; "" right after a
	// dot or a space.
	Prefix string
	// Qualifier are the names before the word, dot-separated and without
	// quotes: ["lake"] in "lake.sa", ["x"] in "x.na".
	Qualifier []string
	// Refs are the tables the statement around the cursor names after
	// FROM, JOIN, UPDATE, INTO and USING, with their aliases.
	Refs []Ref
}

// Ref is a table named in a statement.
type Ref struct {
	Parts []string // the dotted name, without quotes: lake, sales, orders
	Alias string   // "" when it has none
}

// At returns the context of the cursor, a byte offset in src. It reports
// false when the cursor is inside a string, a quoted name or a comment,
// where there is nothing to complete.
func At(src string, cursor int) (Context, bool) {
	cursor = max(min(cursor, len(src)), 0)
	var toks []sqltext.Token // without white space and comments
	for _, t := range sqltext.Tokens(src) {
		switch t.Kind {
		case sqltext.Space:
			continue
		case sqltext.Comment:
			// Inside it, or at the end of one the text ends in.
			if cursor > t.Start && (cursor < t.End || cursor == len(src) && t.End == len(src) && (t.Open || strings.HasPrefix(t.Text, "--"))) {
				return Context{}, false
			}
			continue
		}
		toks = append(toks, t)
	}
	// The statement holding the cursor: between the semicolons around it.
	from, to := 0, len(toks)
	at := len(toks) // the first token at or after the cursor
	for i, t := range toks {
		if t.Start >= cursor && at == len(toks) {
			at = i
		}
		if t.IsPunct(";") {
			if t.End <= cursor {
				from = i + 1
			} else if to == len(toks) {
				to = i
			}
		}
		if (t.Kind == sqltext.String || t.Kind == sqltext.Quoted) && cursor > t.Start && (cursor < t.End || t.Open) {
			return Context{}, false
		}
	}
	to = max(to, from)
	stmt := toks[from:to]
	ctx := Context{Start: cursor, Refs: refs(stmt)}

	// The word under the cursor: a name that ends at the cursor or holds
	// it. k is the token before it.
	k, end := from-1, cursor
	for n := from; n < to && toks[n].Start < cursor; n++ {
		t := toks[n]
		if t.Kind == sqltext.Word && cursor <= t.End {
			ctx.Start, ctx.Prefix, end = t.Start, src[t.Start:cursor], t.Start
			break
		}
		k = n
	}
	// Names before a dot right before the word: a.b.<word>.
	for k-1 >= from && toks[k].IsPunct(".") && toks[k].End == end {
		n := toks[k-1]
		if !n.IsName() || n.End != toks[k].Start {
			break
		}
		ctx.Qualifier = append([]string{n.Ident()}, ctx.Qualifier...)
		end = n.Start
		k -= 2
	}
	return ctx, true
}

// tableKeywords introduce a table name.
var tableKeywords = map[string]bool{"FROM": true, "JOIN": true, "UPDATE": true, "INTO": true, "USING": true}

// notAlias are the words that may follow a table name and are no alias.
var notAlias = map[string]bool{
	"WHERE": true, "JOIN": true, "INNER": true, "LEFT": true, "RIGHT": true, "FULL": true, "OUTER": true,
	"CROSS": true, "NATURAL": true, "POSITIONAL": true, "ASOF": true, "ANTI": true, "SEMI": true, "LATERAL": true,
	"ON": true, "USING": true, "GROUP": true, "ORDER": true, "LIMIT": true, "OFFSET": true, "HAVING": true,
	"WINDOW": true, "QUALIFY": true, "UNION": true, "EXCEPT": true, "INTERSECT": true, "SET": true,
	"VALUES": true, "SELECT": true, "AT": true, "AS": true, "RETURNING": true, "FROM": true, "WHEN": true,
	"THEN": true, "SAMPLE": true, "TABLESAMPLE": true, "PIVOT": true, "UNPIVOT": true, "BY": true,
	"DEFAULT": true, "BY_NAME": true,
}

// refs finds the tables a statement names, with their aliases.
func refs(toks []sqltext.Token) []Ref {
	var out []Ref
	isKw := func(i int, kw string) bool {
		return i < len(toks) && toks[i].Is(kw)
	}
	isPunct := func(i int, p string) bool {
		return i < len(toks) && toks[i].IsPunct(p)
	}
	isName := func(i int) bool {
		return i < len(toks) && toks[i].IsName()
	}
	// skipParens returns the index after the parenthesis group at i.
	skipParens := func(i int) int {
		depth := 0
		for ; i < len(toks); i++ {
			switch {
			case isPunct(i, "("):
				depth++
			case isPunct(i, ")"):
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
		return i
	}
	for i := 0; i < len(toks); i++ {
		if toks[i].Kind != sqltext.Word || !tableKeywords[strings.ToUpper(toks[i].Text)] {
			continue
		}
		list := isKw(i, "FROM")
		j := i + 1
		for {
			var r Ref
			if isPunct(j, "(") {
				// A subquery or VALUES list: only its alias is known.
				j = skipParens(j)
			} else {
				if !isName(j) {
					break
				}
				r.Parts = append(r.Parts, toks[j].Ident())
				j++
				for isPunct(j, ".") && isName(j+1) {
					r.Parts = append(r.Parts, toks[j+1].Ident())
					j += 2
				}
				if isPunct(j, "(") { // a table function
					r.Parts = nil
					j = skipParens(j)
				}
			}
			if isKw(j, "AT") && isPunct(j+1, "(") { // time travel
				j = skipParens(j + 1)
			}
			if isKw(j, "AS") && isName(j+1) {
				r.Alias = toks[j+1].Ident()
				j += 2
			} else if isName(j) && !notAlias[strings.ToUpper(toks[j].Ident())] {
				r.Alias = toks[j].Ident()
				j++
			}
			if isPunct(j, "(") && r.Alias != "" { // column aliases: t(a, b)
				j = skipParens(j)
			}
			if len(r.Parts) > 0 || r.Alias != "" {
				out = append(out, r)
			}
			if !list || !isPunct(j, ",") {
				break
			}
			j++
		}
		i = j - 1
	}
	return out
}
