package lakesql

import (
	"strings"
)

// tokKind classifies a SQL token.
type tokKind int

const (
	tokWord   tokKind = iota // bare identifier or keyword
	tokQuoted                // "quoted identifier"
	tokString                // 'string literal' (also E'..', $$..$$)
	tokNumber
	tokPunct // one punctuation character, or => :: etc.
)

// token is one lexical token of a statement, with its byte span.
type token struct {
	kind       tokKind
	text       string // raw text
	start, end int
}

// ident returns the identifier a word or quoted token names.
func (t token) ident() string {
	if t.kind == tokQuoted {
		return strings.ReplaceAll(t.text[1:len(t.text)-1], `""`, `"`)
	}
	return t.text
}

// is reports whether t is the keyword kw (case-insensitive).
func (t token) is(kw string) bool { return t.kind == tokWord && strings.EqualFold(t.text, kw) }

// isPunct reports whether t is the punctuation p.
func (t token) isPunct(p string) bool { return t.kind == tokPunct && t.text == p }

// stringValue returns a string literal's value.
func (t token) stringValue() string {
	s := t.text
	if strings.HasPrefix(s, "$") {
		i := strings.Index(s[1:], "$") + 2
		return s[i : len(s)-i]
	}
	if s[0] == 'E' || s[0] == 'e' {
		return unescape(s[2 : len(s)-1])
	}
	return strings.ReplaceAll(s[1:len(s)-1], "''", "'")
}

// unescape decodes the body of an E'...' string: backslash escapes as in
// C, and a doubled quote for one quote.
func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\'' && i+1 < len(s) && s[i+1] == '\'':
			i++
		case c == '\\' && i+1 < len(s):
			i++
			switch c = s[i]; c {
			case 'n':
				c = '\n'
			case 't':
				c = '\t'
			case 'r':
				c = '\r'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

// tokenize splits SQL into tokens, skipping white space and comments. An
// unterminated string, identifier or comment runs to the end of the input;
// DuckDB reports the error when it parses the statement.
func tokenize(src string) []token {
	var toks []token
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			i++
		case c == '-' && i+1 < len(src) && src[i+1] == '-':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				i = len(src)
			} else {
				i += end + 4
			}
		case c == '\'' || ((c == 'E' || c == 'e') && i+1 < len(src) && src[i+1] == '\''):
			start := i
			if c != '\'' {
				i++
			}
			i++
			for i < len(src) {
				if src[i] == '\'' {
					if i+1 < len(src) && src[i+1] == '\'' {
						i += 2
						continue
					}
					i++
					break
				}
				if src[i] == '\\' && c != '\'' {
					i++
				}
				i++
			}
			toks = append(toks, token{tokString, src[start:min(i, len(src))], start, min(i, len(src))})
		case c == '"':
			start := i
			i++
			for i < len(src) {
				if src[i] == '"' {
					if i+1 < len(src) && src[i+1] == '"' {
						i += 2
						continue
					}
					i++
					break
				}
				i++
			}
			toks = append(toks, token{tokQuoted, src[start:min(i, len(src))], start, min(i, len(src))})
		case c == '$' && dollarTag(src[i:]) != "":
			tag := dollarTag(src[i:])
			start := i
			end := strings.Index(src[i+len(tag):], tag)
			if end < 0 {
				i = len(src)
			} else {
				i += len(tag) + end + len(tag)
			}
			toks = append(toks, token{tokString, src[start:i], start, i})
		case isIdentStart(c):
			start := i
			for i < len(src) && isIdentPart(src[i]) {
				i++
			}
			toks = append(toks, token{tokWord, src[start:i], start, i})
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9':
			start := i
			for i < len(src) && (src[i] >= '0' && src[i] <= '9' || src[i] == '.' || src[i] == '_' ||
				src[i] == 'e' || src[i] == 'E' || (src[i] == '-' || src[i] == '+') && (src[i-1] == 'e' || src[i-1] == 'E')) {
				i++
			}
			toks = append(toks, token{tokNumber, src[start:i], start, i})
		default:
			start := i
			i++
			if i < len(src) {
				two := src[start : i+1]
				if two == "=>" || two == "::" || two == "<=" || two == ">=" || two == "<>" || two == "!=" || two == "||" {
					i++
				}
			}
			toks = append(toks, token{tokPunct, src[start:i], start, i})
		}
	}
	return toks
}

func dollarTag(s string) string {
	// $$ or $tag$
	for j := 1; j < len(s); j++ {
		if s[j] == '$' {
			return s[:j+1]
		}
		if !isIdentPart(s[j]) {
			return ""
		}
	}
	return ""
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isIdentPart(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' || c == '$' }

// Statement is one statement of a script, with where it starts.
type Statement struct {
	Text string
	Line int // 1-based line of its first token in the script
}

// Split cuts a script into statements at semicolons outside strings,
// quoted identifiers and comments. Empty statements are dropped.
func Split(script string) []Statement {
	out, _ := split(script)
	return out
}

// Spans returns where each statement Split finds is in script: the byte
// offsets of its first token and of the end of its text (before the
// semicolon), so that an editor can tell which statement a cursor is in.
func Spans(script string) [][2]int {
	_, spans := split(script)
	return spans
}

func split(script string) ([]Statement, [][2]int) {
	toks := tokenize(script)
	var out []Statement
	var spans [][2]int
	begin := -1
	flush := func(end int) {
		if begin < 0 {
			return
		}
		text := strings.TrimSpace(script[begin:end])
		if text != "" {
			out = append(out, Statement{Text: text, Line: 1 + strings.Count(script[:begin], "\n")})
			spans = append(spans, [2]int{begin, begin + len(text)})
		}
		begin = -1
	}
	for _, t := range toks {
		if t.isPunct(";") {
			flush(t.start)
			continue
		}
		if begin < 0 {
			begin = t.start
		}
	}
	flush(len(script))
	return out, spans
}
