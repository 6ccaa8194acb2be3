package sqlformat

import (
	"fmt"
	"strings"

	"github.com/floehq/floe/internal/sqltext"
)

// Error says why SQL was left as it is: it does not tokenize cleanly.
type Error struct {
	Line int    // 1-based line of the token that does not end
	What string // "string", "quoted name", "comment"
}

func (e *Error) Error() string {
	return fmt.Sprintf("line %d: unterminated %s; the SQL is left as it is", e.Line, e.What)
}

// Format lays out SQL: keywords in upper case, each clause (SELECT, FROM,
// JOIN, WHERE, GROUP BY, ORDER BY, ...) on a line of its own, subqueries
// indented, AND and OR of a condition on lines of their own, one space
// between tokens. Comments, strings and quoted names are kept as they are,
// and so is every token but a keyword's case: only white space changes,
// so formatting never changes what the SQL means. Formatting formatted SQL
// gives it back unchanged. SQL with an unterminated string, quoted name or
// comment is returned as it is, with an *Error.
func Format(src string) (string, error) {
	var toks []sqltext.Token
	for _, t := range sqltext.Tokens(src) {
		if t.Kind != sqltext.Space {
			toks = append(toks, t)
		}
	}
	for _, t := range toks {
		if t.Open {
			what := map[sqltext.Kind]string{sqltext.String: "string", sqltext.Quoted: "quoted name", sqltext.Comment: "comment"}[t.Kind]
			return src, &Error{Line: 1 + strings.Count(src[:t.Start], "\n"), What: what}
		}
	}
	f := &formatter{src: src, toks: toks, frames: []frame{{breaks: true}}}
	for i := range toks {
		f.token(i)
	}
	return strings.TrimRight(f.b.String(), " \n"), nil
}

// frame is one level of parentheses; the statement is the outermost.
type frame struct {
	breaks   bool // a subquery (or the statement): its clauses break lines
	indent   int  // the indentation of its clauses
	cond     bool // in WHERE, HAVING, ON or QUALIFY: AND and OR break
	between  bool // after BETWEEN: the next AND is its own
	cases    int  // CASE ... END open: no breaks inside
	subquery bool
	close    int // a subquery's ")" goes on a line of this indentation
}

type formatter struct {
	src    string
	toks   []sqltext.Token
	frames []frame

	b         strings.Builder
	lineStart bool // only indentation is pending on the current line
	pending   int  // the indentation of the pending line
	indent    int  // the indentation of the current line
	started   bool // a token of the current statement was written
	stmtBreak bool // a statement ended: a blank line before the next
	prev      int  // the index of the last token written, -1 at first
	wrote     bool
}

func (f *formatter) top() *frame { return &f.frames[len(f.frames)-1] }

// newline ends the line (unless nothing is on it) and sets the next one's
// indentation.
func (f *formatter) newline(indent int) {
	if f.wrote && !f.lineStart {
		s := strings.TrimRight(f.b.String(), " ")
		f.b.Reset()
		f.b.WriteString(s)
		f.b.WriteByte('\n')
		f.lineStart = true
	}
	f.pending = indent
}

// blankLine ends the line and leaves one empty line after it.
func (f *formatter) blankLine() {
	f.newline(0)
	if f.wrote && !strings.HasSuffix(f.b.String(), "\n\n") {
		f.b.WriteByte('\n')
	}
	f.lineStart = true
}

func (f *formatter) write(text string, space bool) {
	switch {
	case f.lineStart || !f.wrote:
		f.b.WriteString(strings.Repeat(" ", f.pending))
		f.indent = f.pending
	case space:
		f.b.WriteByte(' ')
	}
	f.b.WriteString(text)
	f.lineStart, f.wrote = false, true
}

// next returns the index of the first token after i that is not a
// comment, or -1.
func (f *formatter) next(i int) int {
	for j := i + 1; j < len(f.toks); j++ {
		if f.toks[j].Kind != sqltext.Comment {
			return j
		}
	}
	return -1
}

// prevTok returns the index of the last token before i that is not a
// comment, or -1.
func (f *formatter) prevTok(i int) int {
	for j := i - 1; j >= 0; j-- {
		if f.toks[j].Kind != sqltext.Comment {
			return j
		}
	}
	return -1
}

// word returns token i in upper case if it is a word, else "".
func (f *formatter) word(i int) string {
	if i < 0 || f.toks[i].Kind != sqltext.Word {
		return ""
	}
	return strings.ToUpper(f.toks[i].Text)
}

func (f *formatter) punct(i int, p string) bool {
	return i >= 0 && f.toks[i].Kind == sqltext.Punct && f.toks[i].Text == p
}

// keyword reports whether word token i is a keyword: in the list, not
// part of a dotted name, and not a function's name (followed by "(").
func (f *formatter) keyword(i int) bool {
	w := f.word(i)
	if w == "" || !keywords[w] {
		return false
	}
	p, n := f.prevTok(i), f.next(i)
	if f.punct(p, ".") || f.punct(n, ".") {
		return false
	}
	if f.punct(n, "(") && !parenKeywords[w] {
		return false
	}
	return true
}

// clauseStart reports whether token i begins a clause.
func (f *formatter) clauseStart(i int) bool {
	if !f.keyword(i) {
		return false
	}
	w, p, n := f.word(i), f.prevTok(i), f.next(i)
	switch w {
	case "SELECT", "WHERE", "HAVING", "LIMIT", "OFFSET", "QUALIFY", "WINDOW", "VALUES",
		"SET", "RETURNING", "UNION", "INTERSECT", "EXCEPT", "WITH":
		if w == "WITH" && f.word(p) == "UNION" {
			return false
		}
		return true
	case "FROM":
		return f.word(p) != "DISTINCT" // IS DISTINCT FROM
	case "GROUP", "ORDER":
		return f.word(n) == "BY"
	case "JOIN":
		return !joinWords[f.word(p)] || !f.keyword(p)
	}
	if joinWords[w] && !joinWords[f.word(p)] {
		// LEFT OUTER JOIN and the like start at their first word.
		for j := n; j >= 0; j = f.next(j) {
			switch {
			case f.word(j) == "JOIN":
				return true
			case !joinWords[f.word(j)]:
				return false
			}
		}
	}
	return false
}

// space reports whether a space goes between tokens p and i, which had
// white space between them in the source when ws.
func (f *formatter) space(p, i int, ws bool) bool {
	if p < 0 {
		return false
	}
	pt, t := f.toks[p], f.toks[i]
	if t.Kind == sqltext.Comment || pt.Kind == sqltext.Comment {
		return true
	}
	switch {
	case f.punct(i, ",") || f.punct(i, ";") || f.punct(i, ")"):
		return false
	case f.punct(p, "("):
		return false
	case f.punct(p, ","):
		return true
	case f.punct(i, "("):
		switch pt.Kind {
		case sqltext.Word:
			return f.keyword(p) || ws
		case sqltext.Punct:
			return ws || pt.Text != ")" && pt.Text != "]"
		}
		return ws
	case pt.Kind == sqltext.Punct || t.Kind == sqltext.Punct:
		return ws // operators, dots, casts: as written
	}
	return true
}

func (f *formatter) token(i int) {
	t := f.toks[i]
	p := f.prev
	if !f.wrote {
		p = -1
	}
	gap := ""
	if p >= 0 {
		gap = f.src[f.toks[p].End:t.Start]
	} else {
		gap = f.src[:t.Start]
	}
	ws, nl := gap != "", strings.Contains(gap, "\n")
	fr := f.top()

	if t.Kind == sqltext.Comment {
		if f.stmtBreak && nl {
			f.blankLine()
			f.stmtBreak = false
		}
		indent := fr.indent
		if n := f.next(i); f.started && !(n >= 0 && fr.breaks && f.clauseStart(n)) {
			indent += 2
		}
		if nl {
			f.newline(indent)
		}
		if f.lineStart || !f.wrote {
			f.pending = indent
		}
		f.write(t.Text, f.space(p, i, ws))
		f.prev = i
		if strings.HasPrefix(t.Text, "--") {
			f.newline(indent)
		} else if n := i + 1; n < len(f.toks) && strings.Contains(f.src[t.End:f.toks[n].Start], "\n") {
			f.newline(indent)
		}
		return
	}

	if f.stmtBreak && !f.punct(i, ";") {
		f.blankLine()
		f.stmtBreak = false
	}
	text := t.Text
	kw := t.Kind == sqltext.Word && f.keyword(i)
	if kw {
		text = strings.ToUpper(text)
	}
	switch {
	case fr.breaks && fr.cases == 0 && f.clauseStart(i):
		if f.started {
			f.newline(fr.indent)
		}
		w := f.word(i)
		fr.cond = w == "WHERE" || w == "HAVING" || w == "QUALIFY"
		fr.between = false
	case kw && (text == "AND" || text == "OR") && fr.breaks && fr.cond && fr.cases == 0:
		if fr.between && text == "AND" {
			fr.between = false
		} else {
			f.newline(fr.indent + 2)
		}
	case f.punct(i, ")") && len(f.frames) > 1:
		if fr.subquery {
			f.newline(fr.close)
		}
	}
	if kw {
		switch text {
		case "ON":
			if fr.breaks && fr.cases == 0 {
				fr.cond = true
			}
		case "BETWEEN":
			fr.between = true
		case "CASE":
			fr.cases++
		case "END":
			fr.cases = max(fr.cases-1, 0)
		}
	}
	f.write(text, f.space(p, i, ws))
	f.prev = i
	f.started = true

	switch {
	case f.punct(i, "("):
		n := f.next(i)
		sub := subqueryWords[f.word(n)] && f.keyword(n)
		inner := frame{indent: fr.indent, subquery: sub, breaks: sub}
		if sub {
			// Indented from the line the subquery opens on.
			inner.indent, inner.close = f.indent+2, f.indent
		}
		f.frames = append(f.frames, inner)
		if sub {
			f.newline(inner.indent)
		}
	case f.punct(i, ")") && len(f.frames) > 1:
		f.frames = f.frames[:len(f.frames)-1]
	case f.punct(i, ";"):
		f.frames = f.frames[:1]
		f.frames[0] = frame{breaks: true}
		f.started = false
		f.stmtBreak = true
	}
}
