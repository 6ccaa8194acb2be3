package sqltext

import "strings"

// Statement is one statement of a script.
type Statement struct {
	// Text is the statement without the semicolon that ends it and
	// without the white space and comments around it.
	Text string
	// Line is the 1-based line of the script its first token is on.
	Line int
	// Start is the byte offset of Text in the script, so an editor can
	// tell which statement a cursor is in.
	Start int
	// Tokens are Code(Text): its tokens without white space and comments,
	// with offsets into Text, so a caller need not scan it again.
	Tokens []Token
}

// Split cuts a script into statements at the semicolons that are
// punctuation: not those inside strings, quoted identifiers, dollar quotes
// or comments. Empty statements are dropped.
func Split(script string) []Statement {
	var out []Statement
	var toks []Token
	begin, line, lines := -1, 0, 1 // lines: the line the scan is on
	flush := func(end int) {
		if begin < 0 {
			return
		}
		// Trailing space and comments are left out, but not the end of an
		// open string or comment, which runs to the end of the script.
		text := strings.TrimRightFunc(script[begin:end], isSpaceRune)
		if last := toks[len(toks)-1].End - begin; last > len(text) {
			text = script[begin : begin+last]
		}
		for i := range toks {
			toks[i].Start -= begin
			toks[i].End -= begin
		}
		out = append(out, Statement{Text: text, Line: line, Start: begin, Tokens: toks})
		begin, toks = -1, nil
	}
	for i := 0; i < len(script); {
		t := next(script, i)
		i = t.End
		switch {
		case t.Kind == Space || t.Kind == Comment:
			lines += strings.Count(t.Text, "\n")
			continue
		case t.IsPunct(";"):
			flush(t.Start)
			continue
		case begin < 0:
			begin, line = t.Start, lines
		}
		if t.Kind == String || t.Kind == Quoted {
			lines += strings.Count(t.Text, "\n")
		}
		toks = append(toks, t)
	}
	flush(len(script))
	return out
}

func isSpaceRune(r rune) bool { return r < 0x80 && isSpace(byte(r)) }
