package highlight

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/floehq/floe/tui/styles"
)

// State is what a line of code starts inside of: nothing, a block comment
// or a string that began on an earlier line.
type State uint8

// The states.
const (
	Plain   State = iota
	Comment       // inside /* */
	String        // inside '...' (SQL) or `...` (Go)
)

// Lines highlights code one line at a time, for the editor, where the text
// changes with every key: a line is lexed again only when it or the state
// it starts in changed. It gives the same styles as Code, with a string or
// block comment that spans lines carried over by its State.
type Lines struct {
	lang  string
	st    *styles.Styles
	cache map[lineKey]string
}

type lineKey struct {
	line       string
	state, end State
}

// maxLineCache bounds the cache; it is emptied when full.
const maxLineCache = 8192

// NewLines returns a line highlighter for a cell language.
func NewLines(lang string, st *styles.Styles) *Lines {
	return &Lines{lang: lang, st: st, cache: map[lineKey]string{}}
}

// Lang returns the highlighter's language.
func (h *Lines) Lang() string { return h.lang }

// States returns the state each line starts in.
func (h *Lines) States(lines []string) []State {
	out := make([]State, len(lines))
	s := Plain
	quote := byte('\'')
	if h.lang == "go" {
		quote = '`'
	}
	for i, l := range lines {
		out[i] = s
		for j := 0; j < len(l); j++ {
			switch s {
			case Comment:
				if strings.HasPrefix(l[j:], "*/") {
					s = Plain
					j++
				}
			case String:
				if l[j] == quote {
					if h.lang != "go" && j+1 < len(l) && l[j+1] == quote {
						j++ // '' inside a SQL string
						continue
					}
					s = Plain
				}
			default:
				switch {
				case strings.HasPrefix(l[j:], "--") && h.lang != "go", strings.HasPrefix(l[j:], "//") && h.lang == "go":
					j = len(l)
				case strings.HasPrefix(l[j:], "/*"):
					s = Comment
					j++
				case l[j] == quote:
					s = String
				case l[j] == '"' || h.lang == "go" && l[j] == '\'':
					// A quoted name or a Go string: ends on its line.
					q := l[j]
					for j++; j < len(l) && l[j] != q; j++ {
						if l[j] == '\\' && h.lang == "go" {
							j++
						}
					}
				}
			}
		}
		// Go's interpreted strings and SQL's quoted names end at the line.
		if s == String && h.lang == "go" && quote != '`' {
			s = Plain
		}
	}
	return out
}

// Line returns one line highlighted, lexed as if it started in state and
// ended in end (the state the next line starts in): a string or comment
// left open at either edge is closed for the lexer, then cut off.
func (h *Lines) Line(line string, state, end State) string {
	k := lineKey{line, state, end}
	if s, ok := h.cache[k]; ok {
		return s
	}
	if len(h.cache) > maxLineCache {
		h.cache = map[lineKey]string{}
	}
	quote := "'"
	if h.lang == "go" {
		quote = "`"
	}
	var open, closer string
	switch state {
	case Comment:
		open = "/*"
	case String:
		open = quote
	}
	switch end {
	case Comment:
		closer = "*/"
	case String:
		closer = quote
	}
	s := Code(open+line+closer, h.lang, h.st)[0]
	if open != "" || closer != "" {
		s = ansi.Cut(s, len(open), len(open)+ansi.StringWidth(line))
	}
	h.cache[k] = s
	return s
}
