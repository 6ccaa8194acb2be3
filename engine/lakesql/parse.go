package lakesql

import (
	"strings"

	"github.com/floehq/floe/internal/sqltext"
)

// The parser helpers the statements floe runs itself share (DDL, INSERT,
// DELETE/UPDATE, MERGE, COMMENT ON, CALL): a cursor over a statement's
// tokens, and splitting a parenthesised list.

// cursor walks a statement's tokens.
type cursor struct {
	toks []token
	src  string
	i    int
}

func (c *cursor) done() bool { return c.i >= len(c.toks) }

func (c *cursor) peek() token {
	if c.done() {
		return token{Kind: sqltext.Punct}
	}
	return c.toks[c.i]
}

// accept consumes the keywords kws if they come next.
func (c *cursor) accept(kws ...string) bool {
	for j, kw := range kws {
		if c.i+j >= len(c.toks) || !c.toks[c.i+j].Is(kw) {
			return false
		}
	}
	c.i += len(kws)
	return true
}

func (c *cursor) acceptPunct(p string) bool {
	if c.peek().IsPunct(p) {
		c.i++
		return true
	}
	return false
}

// lakeName reads lake.ns or lake.ns.name; parts says how many after lake.
func (c *cursor) lakeName(parts int) ([]string, bool) {
	if !isLakeAt(c.toks, c.i) {
		return nil, false
	}
	j := c.i + 1
	var out []string
	for k := 0; k < parts; k++ {
		if j+1 >= len(c.toks) || !c.toks[j].IsPunct(".") {
			return nil, false
		}
		t := c.toks[j+1]
		if t.Kind != sqltext.Word && t.Kind != sqltext.Quoted {
			return nil, false
		}
		name := t.Ident()
		if t.Kind == sqltext.Word {
			name = strings.ToLower(name)
		}
		out = append(out, name)
		j += 2
	}
	if j < len(c.toks) && c.toks[j].IsPunct(".") {
		return nil, false
	}
	c.i = j
	return out, true
}

// ident reads one identifier.
func (c *cursor) ident() (string, bool) {
	t := c.peek()
	if t.Kind == sqltext.Word {
		c.i++
		return t.Text, true
	}
	if t.Kind == sqltext.Quoted {
		c.i++
		return t.Ident(), true
	}
	return "", false
}

// group reads a parenthesised group and returns its inner text.
func (c *cursor) group() (string, bool) {
	if !c.peek().IsPunct("(") {
		return "", false
	}
	open := c.i
	depth := 0
	for ; c.i < len(c.toks); c.i++ {
		if c.toks[c.i].IsPunct("(") {
			depth++
		} else if c.toks[c.i].IsPunct(")") {
			depth--
			if depth == 0 {
				inner := c.src[c.toks[open].End:c.toks[c.i].Start]
				c.i++
				return inner, true
			}
		}
	}
	return "", false
}

// rest returns the source from the current token on.
func (c *cursor) rest() string {
	if c.done() {
		return ""
	}
	return c.src[c.toks[c.i].Start:]
}

// splitTop splits text at commas outside parentheses and quotes.
func splitTop(s string) []string {
	toks := sqltext.Code(s)
	var out []string
	depth, start := 0, 0
	for _, t := range toks {
		switch {
		case t.IsPunct("(") || t.IsPunct("["):
			depth++
		case t.IsPunct(")") || t.IsPunct("]"):
			depth--
		case t.IsPunct(",") && depth == 0:
			out = append(out, s[start:t.Start])
			start = t.End
		}
	}
	if strings.TrimSpace(s[start:]) != "" {
		out = append(out, s[start:])
	}
	return out
}

// isLakeAt reports whether toks[i] starts a name in the lake catalog:
// lake or "lake", then a dot.
func isLakeAt(toks []token, i int) bool {
	return i+2 < len(toks) && (toks[i].Is("lake") || toks[i].Kind == sqltext.Quoted && toks[i].Ident() == "lake") && toks[i+1].IsPunct(".")
}
