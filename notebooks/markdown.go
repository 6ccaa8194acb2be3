package notebooks

import (
	"errors"
	"slices"
	"strings"
	"unicode/utf8"
)

// The Markdown notebook format follows CommonMark fenced code blocks
// (https://spec.commonmark.org/0.31.2/#fenced-code-blocks): a fence is three
// or more backticks or tildes, indented at most three spaces; it is closed
// by a line of the same character, at least as long, with only spaces after.
//
// A fenced block is a code cell when its fence starts at the beginning of the
// line and the first word of its info string is sql, go or ask; the rest of
// the info string holds the cell's options. Every other fenced block (text,
// json, no language, or indented, as inside a list item) belongs to the
// prose around it, as does anything inside an HTML comment, so a cell can be
// commented out with <!-- -->. Prose between code cells is one markdown
// cell, without the blank lines that separate it from its neighbours: two
// markdown cells written next to each other read back as one.

// line is one line of a file.
type line struct {
	text string // without its line ending
	eol  string // "\n", "\r\n", or "" for a last line without one
	off  int    // byte offset of the line's start
}

func (l line) end() int { return l.off + len(l.text) + len(l.eol) }

func (l line) blank() bool { return strings.Trim(l.text, " \t\r") == "" }

func splitLines(s string) []line {
	var lines []line
	for off := 0; off < len(s); {
		i := strings.IndexByte(s[off:], '\n')
		if i < 0 {
			lines = append(lines, line{text: s[off:], off: off})
			break
		}
		text, eol := s[off:off+i], "\n"
		if strings.HasSuffix(text, "\r") {
			text, eol = text[:len(text)-1], "\r\n"
		}
		lines = append(lines, line{text: text, eol: eol, off: off})
		off += i + 1
	}
	return lines
}

// fence is an opening code fence.
type fence struct {
	indent int    // spaces before the fence
	char   byte   // '`' or '~'
	n      int    // length of the fence
	info   string // the info string, trimmed
}

// openFence parses text as an opening fence.
func openFence(text string) (fence, bool) {
	indent := len(text) - len(strings.TrimLeft(text, " "))
	if indent > 3 {
		return fence{}, false
	}
	rest := text[indent:]
	if rest == "" || (rest[0] != '`' && rest[0] != '~') {
		return fence{}, false
	}
	ch := rest[0]
	n := len(rest) - len(strings.TrimLeft(rest, string(ch)))
	if n < 3 {
		return fence{}, false
	}
	info := strings.TrimSpace(rest[n:])
	if ch == '`' && strings.Contains(info, "`") {
		return fence{}, false // inline code such as ```x```, not a fence
	}
	return fence{indent: indent, char: ch, n: n, info: info}, true
}

// closes reports whether text is a closing fence for f.
func (f fence) closes(text string) bool {
	indent := len(text) - len(strings.TrimLeft(text, " "))
	if indent > 3 {
		return false
	}
	rest := text[indent:]
	n := len(rest) - len(strings.TrimLeft(rest, string(f.char)))
	return n >= f.n && strings.Trim(rest[n:], " \t") == ""
}

// lang returns the fence's cell language, or "" if it is not a code cell.
func (f fence) lang() (lang, opts string) {
	if f.indent != 0 {
		return "", ""
	}
	word, rest, _ := strings.Cut(f.info, " ")
	if i := strings.IndexByte(word, '\t'); i >= 0 {
		word, rest = word[:i], word[i+1:]+" "+rest
	}
	word = strings.ToLower(word)
	if !slices.Contains(languages, word) {
		return "", ""
	}
	return word, strings.TrimSpace(rest)
}

// span is a code cell's lines: the opening fence, the closing fence, and the
// fence itself.
type span struct {
	open, close int
	f           fence
}

// lineError is a problem at a 0-based line index.
type lineError struct {
	line int
	err  error
}

func (e *lineError) Error() string { return e.err.Error() }

// unclosed is a fenced block or HTML comment that is never closed.
type unclosed struct {
	line    int   // 0-based line of the opening
	comment bool  // an HTML comment, else a fence
	f       fence // the fence
}

// scan finds the code cells in lines, skipping other fenced blocks and HTML
// comments; u reports a fence or comment that is never closed, after which
// nothing was scanned.
func scan(lines []line) (spans []span, u *unclosed) {
	for i := 0; i < len(lines); i++ {
		text := lines[i].text
		if f, ok := openFence(text); ok {
			j := i + 1
			for j < len(lines) && !f.closes(lines[j].text) {
				j++
			}
			if j == len(lines) {
				return spans, &unclosed{line: i, f: f}
			}
			if lang, _ := f.lang(); lang != "" {
				spans = append(spans, span{open: i, close: j, f: f})
			}
			i = j
			continue
		}
		if trimmed := strings.TrimLeft(text, " "); len(text)-len(trimmed) <= 3 && strings.HasPrefix(trimmed, "<!--") {
			j := i
			rest := trimmed[len("<!--"):]
			for !commentEnds(rest, j == i) {
				if j++; j == len(lines) {
					return spans, &unclosed{line: i, comment: true}
				}
				rest = lines[j].text
			}
			i = j
		}
	}
	return spans, nil
}

// scanFences is scan, with an unclosed fence or comment as an error.
func scanFences(lines []line) ([]span, error) {
	spans, u := scan(lines)
	switch {
	case u == nil:
		return spans, nil
	case u.comment:
		return nil, &lineError{u.line, errorf("unclosed HTML comment: add --> to end it")}
	}
	fenceText := strings.Repeat(string(u.f.char), u.f.n)
	return nil, &lineError{u.line, errorf("unclosed code fence %s%s: add a line %s after the block", fenceText, u.f.info, fenceText)}
}

// commentEnds reports whether an HTML comment ends in text; first says text
// directly follows the <!-- (where <!--> and <!---> are whole comments).
func commentEnds(text string, first bool) bool {
	if first && (strings.HasPrefix(text, ">") || strings.HasPrefix(text, "->")) {
		return true
	}
	return strings.Contains(text, "-->")
}

// Parse reads a Markdown notebook. path names the notebook in errors and
// becomes its Path. All problems found are reported, as *Error values
// wrapping ErrSyntax, joined.
func Parse(path string, data []byte) (*Notebook, error) {
	s := string(data)
	lines := splitLines(s)
	nb := &Notebook{Path: path, eol: "\n", doc: &document{}}
	if len(lines) > 0 && lines[0].eol == "\r\n" {
		nb.eol = "\r\n"
	}
	for i, l := range lines {
		if !utf8.ValidString(l.text) {
			return nil, &Error{Path: path, Line: i + 1, Err: errorf("invalid UTF-8: notebooks are UTF-8 text")}
		}
	}
	spans, err := scanFences(lines)
	if err != nil {
		var le *lineError
		if errors.As(err, &le) {
			return nil, &Error{Path: path, Line: le.line + 1, Err: le.err}
		}
		return nil, &Error{Path: path, Err: err}
	}
	var (
		errs    []error
		pending strings.Builder // blank lines not yet given to a cell
		next    int             // first line not yet consumed
	)
	text := func(a, b int) string { // the bytes of lines [a, b)
		if a >= b {
			return ""
		}
		return s[lines[a].off:lines[b-1].end()]
	}
	add := func(c Cell, lead string, first, last int) {
		c.orig = &origin{
			doc: nb.doc, index: len(nb.Cells), markdown: true, lead: lead, raw: text(first, last+1),
			kind: c.Kind, lang: c.Lang, source: c.Source, options: c.Options,
		}
		if c.Kind == Code {
			c.orig.open, c.orig.close = text(first, first+1), text(last, last+1)
		}
		nb.Cells = append(nb.Cells, c)
	}
	addProse := func(a, b int) { // lines [a, b) between code cells
		k := a
		for k < b && lines[k].blank() {
			k++
		}
		if k == b {
			pending.WriteString(text(a, b))
			return
		}
		m := b - 1
		for lines[m].blank() {
			m--
		}
		lead := pending.String() + text(a, k)
		pending.Reset()
		add(Cell{Kind: Markdown, Source: joinLines(lines[k : m+1]), Line: k + 1}, lead, k, m)
		pending.WriteString(text(m+1, b))
	}
	for _, sp := range spans {
		addProse(next, sp.open)
		lang, opts := sp.f.lang()
		c := Cell{Kind: Code, Lang: lang, Source: joinLines(lines[sp.open+1 : sp.close]), Line: sp.open + 1}
		if c.Options, err = ParseOptions(opts); err != nil {
			errs = append(errs, &Error{Path: path, Line: c.Line, Err: err})
		}
		lead := pending.String()
		pending.Reset()
		add(c, lead, sp.open, sp.close)
		next = sp.close + 1
	}
	addProse(next, len(lines))
	nb.tail = pending.String()
	assignIDs(nb.Cells)
	errs = append(errs, nb.crossCheck(len(errs) == 0)...)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return nb, nil
}

func joinLines(lines []line) string {
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l.text)
	}
	return b.String()
}

// MarshalMarkdown writes the notebook as a Markdown file. Cells that were read
// from Markdown and not changed keep their bytes, and the blank lines around
// them; other cells are written in canonical form, a code cell as a fence
// whose info string is its language and Options.String. Outputs are not
// written. The notebook must pass Validate.
func (nb *Notebook) MarshalMarkdown() ([]byte, error) {
	if err := nb.Validate(); err != nil {
		return nil, err
	}
	eol := nb.eol
	if eol == "" {
		eol = "\n"
	}
	var b strings.Builder
	prev := -1 // file position of the previous cell written; -2 if it was new
	for i := range nb.Cells {
		c := &nb.Cells[i]
		o := nb.from(c)
		if o != nil && !o.markdown {
			o = nil
		}
		var body string
		if o != nil && c.unchanged() {
			body = o.raw
		} else {
			body = c.markdown(o, eol)
		}
		if body == "" {
			continue // blank markdown
		}
		// Keep the blank lines before a cell where it still follows the
		// cell it followed in the file (or still starts the file);
		// elsewhere start the file with the cell or put one blank line
		// before it.
		lead := eol
		switch {
		case o != nil && o.index == prev+1:
			lead = o.lead
		case b.Len() == 0:
			lead = ""
		}
		if b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") {
			b.WriteString(eol) // the previous cell was the file's last line
		}
		b.WriteString(lead)
		b.WriteString(body)
		prev = -2
		if o != nil {
			prev = o.index
		}
	}
	if nb.tail != "" && b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") {
		b.WriteString(eol)
	}
	b.WriteString(nb.tail)
	return []byte(b.String()), nil
}

// markdown renders a new or edited cell, reusing the fence lines of an edited
// code cell whose language and options are unchanged.
func (c *Cell) markdown(o *origin, eol string) string {
	src := normalizeEOL(c.Source)
	if c.Kind == Markdown {
		src = strings.Trim(src, "\n")
		if strings.TrimSpace(src) == "" {
			return ""
		}
		return strings.ReplaceAll(prose(src), "\n", eol) + eol
	}
	var lines []string
	if src != "" {
		lines = strings.Split(src, "\n")
	}
	open, close := "", ""
	if o != nil && o.open != "" && c.Lang == o.lang && c.Options.Equal(o.options) {
		if f, ok := openFence(strings.TrimRight(o.open, "\r\n")); ok && fenceFits(f, lines) {
			open, close = o.open, o.close
			if !strings.HasSuffix(close, "\n") {
				close += eol
			}
		}
	}
	if open == "" {
		info := c.Lang
		if opts := c.Options.String(); opts != "" {
			info += " " + opts
		}
		ch := byte('`')
		if strings.Contains(info, "`") {
			ch = '~'
		}
		n := 3
		for _, l := range lines {
			t := strings.TrimLeft(l, " ")
			if len(l)-len(t) <= 3 {
				n = max(n, len(t)-len(strings.TrimLeft(t, string(ch)))+1)
			}
		}
		fenceText := strings.Repeat(string(ch), n)
		open, close = fenceText+info+eol, fenceText+eol
	}
	var b strings.Builder
	b.WriteString(open)
	for _, l := range lines {
		b.WriteString(l)
		b.WriteString(eol)
	}
	b.WriteString(close)
	return b.String()
}

// prose makes markdown text read back as one markdown cell that renders the
// same: a fence or HTML comment left open (which a Jupyter markdown cell
// allows) is closed, and a fenced sql, go or ask block is indented by one
// space, which CommonMark renders the same but floe reads as prose.
func prose(src string) string {
	lines := splitLines(src)
	spans, u := scan(lines)
	if u != nil {
		if u.comment {
			src += "\n-->"
		} else {
			src += "\n" + strings.Repeat(string(u.f.char), u.f.n)
		}
		lines = splitLines(src)
		spans, _ = scan(lines)
	}
	if len(spans) == 0 {
		return src
	}
	var b strings.Builder
	k := 0
	for i, l := range lines {
		for k < len(spans) && spans[k].close < i {
			k++
		}
		if k < len(spans) && spans[k].open <= i && i < spans[k].close && l.text != "" {
			b.WriteByte(' ')
		}
		b.WriteString(l.text)
		b.WriteString(l.eol)
	}
	return b.String()
}

// fenceFits reports whether no line of the source would close f.
func fenceFits(f fence, lines []string) bool {
	for _, l := range lines {
		if f.closes(l) {
			return false
		}
	}
	return true
}
