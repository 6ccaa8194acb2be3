package kernel

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/floehq/floe/engine/lakesql"
	"github.com/floehq/floe/internal/sqltext"
)

// wrapped runs a user's query inside a statement of floe's own (CREATE
// TABLE ... AS, SELECT * FROM (...) LIMIT): the query starts on the
// second line, so that an error DuckDB places in it points at a line of
// the user's text. unwrapped marks the errors of such statements.
func wrapped(prefix, query, suffix string) string {
	// The newline after the query ends a trailing -- comment.
	return prefix + "\n" + query + "\n" + suffix
}

// wrappedStatement is wrapped for a statement Split returned: its tokens
// are the prefix's, the statement's own (moved along) and the suffix's, so
// the statement is not scanned again. A statement that ends inside an
// unclosed string or comment is scanned whole, as DuckDB will read it.
func wrappedStatement(prefix string, st lakesql.Statement, suffix string) lakesql.Statement {
	text := wrapped(prefix, st.Text, suffix)
	if openAtEnd(st) {
		return statementOf(text)
	}
	pre, suf := sqltext.Code(prefix), sqltext.Code(suffix)
	toks := make([]sqltext.Token, 0, len(pre)+len(st.Tokens)+len(suf))
	toks = append(toks, pre...)
	at := len(prefix) + 1
	for _, t := range st.Tokens {
		t.Start, t.End = t.Start+at, t.End+at
		toks = append(toks, t)
	}
	at += len(st.Text) + 1
	for _, t := range suf {
		t.Start, t.End = t.Start+at, t.End+at
		toks = append(toks, t)
	}
	return lakesql.Statement{Text: text, Line: 1, Tokens: toks}
}

// openAtEnd reports whether a statement ends inside an unclosed string,
// quoted name or comment. Only what follows its last code token (a
// comment, if anything) is scanned.
func openAtEnd(st lakesql.Statement) bool {
	end := 0
	if n := len(st.Tokens); n > 0 {
		if st.Tokens[n-1].Open {
			return true
		}
		end = st.Tokens[n-1].End
	}
	for _, t := range sqltext.Tokens(st.Text[end:]) {
		if t.Open {
			return true
		}
	}
	return false
}

// wrappedError is DuckDB's error for a statement built by wrapped.
type wrappedError struct{ err error }

func (e *wrappedError) Error() string { return e.err.Error() }
func (e *wrappedError) Unwrap() error { return e.err }

// unwrapped marks err as the error of a statement built by wrapped.
func unwrapped(err error) error {
	if err == nil {
		return nil
	}
	return &wrappedError{err}
}

// sqlError locates a statement's error at its line in the cell: line is
// where the statement starts, stmt its text. DuckDB's excerpt of the
// failing line ("LINE 1: ..." and a caret under it) is rewritten to show
// the user's line, numbered as in the cell, with the caret on the user's
// text, also when floe ran the statement inside one of its own.
func sqlError(err error, line int, stmt string) error {
	var ce *CellError
	if errors.As(err, &ce) {
		return ce
	}
	var we *wrappedError
	shift := 0 // lines floe put before the user's statement
	if errors.As(err, &we) {
		shift = 1
	}
	var se *lakesql.StatementError
	if errors.As(err, &se) {
		line += se.Line - 1
		err = se.Err
	}
	msg := err.Error()
	ex, ok := parseExcerpt(msg)
	if !ok {
		return &CellError{Kind: KindSQL, Line: line, Err: err}
	}
	n := ex.line - shift // the line of the statement
	lines := strings.Split(stmt, "\n")
	if n < 1 || n > len(lines) {
		// The error is in floe's own part of the statement: show no
		// excerpt of text the user never wrote.
		return &CellError{Kind: KindSQL, Line: line, Err: &excerptError{msg: ex.head, err: err}}
	}
	line += n - 1
	user := lines[n-1]
	col := caretColumn(ex, user)
	return &CellError{Kind: KindSQL, Line: line, Err: &excerptError{msg: ex.head + "\n\n" + renderExcerpt(line, user, col), err: err}}
}

// excerptError is a DuckDB error with its excerpt rewritten.
type excerptError struct {
	msg string
	err error
}

func (e *excerptError) Error() string { return e.msg }
func (e *excerptError) Unwrap() error { return e.err }

// excerpt is the "LINE n: text" and caret DuckDB puts under a message.
type excerpt struct {
	head       string // the message above it
	line       int
	text       string // the excerpt of the line, without "..." marks
	cutStart   bool   // DuckDB cut the line's start ("...")
	caret      int    // the caret's rune offset in text; -1 if none
	hasExcerpt bool
}

// duckLine finds the "LINE 2: " DuckDB puts under a message.
var duckLine = regexp.MustCompile(`(?m)^LINE (\d+): `)

// parseExcerpt splits DuckDB's message into the message and its excerpt.
func parseExcerpt(msg string) (excerpt, bool) {
	locs := duckLine.FindAllStringSubmatchIndex(msg, -1)
	if len(locs) == 0 {
		return excerpt{}, false
	}
	loc := locs[len(locs)-1]
	ex := excerpt{head: strings.TrimRight(msg[:loc[0]], "\n"), caret: -1, hasExcerpt: true}
	ex.line, _ = strconv.Atoi(msg[loc[2]:loc[3]])
	rest := msg[loc[1]:]
	text, below, _ := strings.Cut(rest, "\n")
	prefix := utf8.RuneCountInString(msg[loc[0]:loc[1]])
	if strings.HasPrefix(text, "...") {
		ex.cutStart = true
		text = text[3:]
		prefix += 3
	}
	text = strings.TrimSuffix(text, "...")
	ex.text = text
	caretLine, _, _ := strings.Cut(below, "\n")
	if i := strings.IndexByte(caretLine, '^'); i >= 0 && strings.TrimSpace(caretLine) == "^" {
		ex.caret = utf8.RuneCountInString(caretLine[:i]) - prefix
	}
	return ex, true
}

// caretColumn finds the rune offset in the user's line that DuckDB's caret
// points at: where the excerpt's text is in the line, or, when floe
// rewrote the line before DuckDB saw it (lake table names), the word under
// the caret.
func caretColumn(ex excerpt, user string) int {
	if ex.caret < 0 {
		return -1
	}
	runes := []rune(ex.text)
	if ex.caret > len(runes) {
		return -1
	}
	if i := strings.Index(user, ex.text); i >= 0 && ex.text != "" {
		return utf8.RuneCountInString(user[:i]) + ex.caret
	}
	// The user's line is the end of the excerpt: floe's wrapper, or a
	// part the user did not write, comes before it.
	if !ex.cutStart && strings.HasSuffix(ex.text, user) {
		c := ex.caret - (len(runes) - utf8.RuneCountInString(user))
		if c >= 0 {
			return c
		}
	}
	// Find the word under the caret in the user's line.
	start, end := ex.caret, ex.caret
	for start > 0 && isWordRune(runes[start-1]) {
		start--
	}
	for end < len(runes) && isWordRune(runes[end]) {
		end++
	}
	if end > start {
		if i := strings.Index(user, string(runes[start:end])); i >= 0 {
			return utf8.RuneCountInString(user[:i]) + ex.caret - start
		}
	}
	return -1
}

func isWordRune(r rune) bool {
	return r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r >= 0x80
}

// maxExcerpt is how many runes of a long line the excerpt shows.
const maxExcerpt = 100

// renderExcerpt is "LINE n: text" and a caret under column col (none when
// col < 0), cut around the caret when the line is long.
func renderExcerpt(n int, text string, col int) string {
	runes := []rune(strings.ReplaceAll(text, "\t", " "))
	label := "LINE " + strconv.Itoa(n) + ": "
	start, end := 0, len(runes)
	pre, post := "", ""
	if len(runes) > maxExcerpt {
		c := max(col, 0)
		start = max(min(c-maxExcerpt/2, len(runes)-maxExcerpt), 0)
		end = start + maxExcerpt
		if start > 0 {
			pre = "..."
		}
		if end < len(runes) {
			post = "..."
		}
	}
	s := label + pre + string(runes[start:end]) + post
	if col < 0 || col > len(runes) {
		return s
	}
	return s + "\n" + strings.Repeat(" ", utf8.RuneCountInString(label+pre)+col-start) + "^"
}
