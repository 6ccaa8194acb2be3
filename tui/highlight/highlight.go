package highlight

import (
	"strings"
	"sync"

	"charm.land/lipgloss/v2"
	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"

	"github.com/floehq/floe/tui/styles"
)

var (
	lexerMu sync.Mutex
	lexerOf = map[string]chroma.Lexer{}
)

// lexer returns the chroma lexer for a cell language, or nil.
func lexer(lang string) chroma.Lexer {
	name := map[string]string{"sql": "sql", "go": "go"}[lang]
	if name == "" {
		return nil
	}
	lexerMu.Lock()
	defer lexerMu.Unlock()
	l, ok := lexerOf[name]
	if !ok {
		if l = lexers.Get(name); l != nil {
			l = chroma.Coalesce(l)
		}
		lexerOf[name] = l
	}
	return l
}

// Code returns src as styled lines, one per line of src. Languages without
// a lexer (ask cells) come back unstyled.
func Code(src, lang string, st *styles.Styles) []string {
	l := lexer(lang)
	if l == nil {
		return strings.Split(src, "\n")
	}
	it, err := l.Tokenise(nil, src)
	if err != nil {
		return strings.Split(src, "\n")
	}
	lines := []string{}
	var cur strings.Builder
	for _, tok := range it.Tokens() {
		style, styled := tokenStyle(tok.Type, st)
		parts := strings.Split(tok.Value, "\n")
		for i, p := range parts {
			if i > 0 {
				lines = append(lines, cur.String())
				cur.Reset()
			}
			if p == "" {
				continue
			}
			if styled {
				cur.WriteString(style.Render(p))
			} else {
				cur.WriteString(p)
			}
		}
	}
	lines = append(lines, cur.String())
	// chroma ends its token stream with a newline the source may not have.
	if want := strings.Count(src, "\n") + 1; len(lines) > want {
		lines = lines[:want]
	}
	return lines
}

func tokenStyle(t chroma.TokenType, st *styles.Styles) (lipgloss.Style, bool) {
	switch {
	case t == chroma.KeywordType:
		return st.TypeName, true
	case t.InCategory(chroma.Keyword):
		return st.Keyword, true
	case t == chroma.NameBuiltin || t == chroma.NameFunction:
		return st.Builtin, true
	case t.InCategory(chroma.LiteralString):
		return st.String, true
	case t.InCategory(chroma.LiteralNumber):
		return st.Number, true
	case t.InCategory(chroma.Comment):
		return st.Comment, true
	case t.InCategory(chroma.Operator):
		return st.Operator, true
	}
	return lipgloss.Style{}, false
}

// Markdown renders a markdown cell's text as styled lines no wider than
// width: headings without their marks, bullets, **bold**, *italic* and
// `code`, fenced blocks as they are. Long lines wrap at word boundaries.
func Markdown(src string, width int, st *styles.Styles) []string {
	var out []string
	fenced := false
	for _, line := range strings.Split(src, "\n") {
		trim := strings.TrimSpace(line)
		if strings.HasPrefix(trim, "```") || strings.HasPrefix(trim, "~~~") {
			fenced = !fenced
			continue
		}
		if fenced {
			out = append(out, st.Code.Render(line))
			continue
		}
		switch {
		case strings.HasPrefix(trim, "#"):
			level := len(trim) - len(strings.TrimLeft(trim, "#"))
			text := strings.TrimSpace(trim[level:])
			if level <= 6 && (text == "" || trim[level] == ' ') {
				out = append(out, wrap(st.Heading.Render(text), width)...)
				continue
			}
		case strings.HasPrefix(trim, "- ") || strings.HasPrefix(trim, "* ") || strings.HasPrefix(trim, "+ "):
			indent := line[:len(line)-len(strings.TrimLeft(line, " \t"))]
			out = append(out, wrap(indent+st.Bullet.Render("•")+" "+inline(trim[2:], st), width)...)
			continue
		case strings.HasPrefix(trim, "> "):
			out = append(out, wrap(st.Muted.Render("│ ")+st.Italic.Render(trim[2:]), width)...)
			continue
		}
		out = append(out, wrap(inline(line, st), width)...)
	}
	return out
}

// inline styles **bold**, *italic* and `code` spans. Underscores are left
// alone: they are far more often part of a name than emphasis.
func inline(s string, st *styles.Styles) string {
	var b strings.Builder
	for len(s) > 0 {
		var mark string
		var style lipgloss.Style
		switch {
		case strings.HasPrefix(s, "**"):
			mark, style = "**", st.Bold
		case strings.HasPrefix(s, "`"):
			mark, style = "`", st.Code
		case strings.HasPrefix(s, "*"):
			mark, style = "*", st.Italic
		}
		if mark != "" {
			if end := strings.Index(s[len(mark):], mark); end > 0 {
				b.WriteString(style.Render(s[len(mark) : len(mark)+end]))
				s = s[2*len(mark)+end:]
				continue
			}
		}
		b.WriteByte(s[0])
		s = s[1:]
	}
	return b.String()
}

func wrap(s string, width int) []string {
	if width <= 0 || lipgloss.Width(s) <= width {
		return []string{s}
	}
	return strings.Split(lipgloss.Wrap(s, width, " "), "\n")
}
