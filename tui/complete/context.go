package complete

import "strings"

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
	lx := lex(src)
	for _, c := range lx.comments {
		if cursor > c[0] && (cursor < c[1] || c[1] == len(src) && cursor == len(src) && !strings.HasSuffix(src[c[0]:c[1]], "*/")) {
			return Context{}, false
		}
	}
	// The statement holding the cursor: between the semicolons around it.
	from, to := 0, len(lx.toks)
	at := len(lx.toks) // the first token at or after the cursor
	for i, t := range lx.toks {
		if t.start >= cursor && at == len(lx.toks) {
			at = i
		}
		if t.kind == tokPunct && t.text == ";" {
			if t.end <= cursor {
				from = i + 1
			} else if to == len(lx.toks) {
				to = i
			}
		}
		if (t.kind == tokString || t.kind == tokQuoted) && cursor > t.start && (cursor < t.end || t.open) {
			return Context{}, false
		}
	}
	to = max(to, from)
	stmt := lx.toks[from:to]
	ctx := Context{Start: cursor, Refs: refs(stmt)}

	// The word under the cursor: a name that ends at the cursor or holds
	// it. k is the token before it.
	k, end := from-1, cursor
	for n := from; n < to && lx.toks[n].start < cursor; n++ {
		t := lx.toks[n]
		if t.kind == tokIdent && cursor <= t.end {
			ctx.Start, ctx.Prefix, end = t.start, src[t.start:cursor], t.start
			break
		}
		k = n
	}
	// Names before a dot right before the word: a.b.<word>.
	for k-1 >= from && lx.toks[k].kind == tokPunct && lx.toks[k].text == "." && lx.toks[k].end == end {
		n := lx.toks[k-1]
		if (n.kind != tokIdent && n.kind != tokQuoted) || n.end != lx.toks[k].start {
			break
		}
		ctx.Qualifier = append([]string{n.text}, ctx.Qualifier...)
		end = n.start
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
func refs(toks []token) []Ref {
	var out []Ref
	isKw := func(i int, kw string) bool {
		return i < len(toks) && toks[i].kind == tokIdent && strings.EqualFold(toks[i].text, kw)
	}
	isPunct := func(i int, p string) bool {
		return i < len(toks) && toks[i].kind == tokPunct && toks[i].text == p
	}
	isName := func(i int) bool {
		return i < len(toks) && (toks[i].kind == tokIdent || toks[i].kind == tokQuoted)
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
		if toks[i].kind != tokIdent || !tableKeywords[strings.ToUpper(toks[i].text)] {
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
				r.Parts = append(r.Parts, toks[j].text)
				j++
				for isPunct(j, ".") && isName(j+1) {
					r.Parts = append(r.Parts, toks[j+1].text)
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
				r.Alias = toks[j+1].text
				j += 2
			} else if isName(j) && !notAlias[strings.ToUpper(toks[j].text)] {
				r.Alias = toks[j].text
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
