package complete

import "strings"

// tokKind is the kind of a SQL token.
type tokKind int

const (
	tokIdent  tokKind = iota // a bare name or keyword
	tokQuoted                // a "quoted" name
	tokString                // a 'string' (also E'', $$...$$)
	tokNumber
	tokPunct // one character: . , ( ) ; and operators
)

// token is one token of SQL text: [start, end) in bytes.
type token struct {
	kind       tokKind
	start, end int
	text       string // the name without quotes, the punctuation
	open       bool   // a string, quoted name or comment without its end
}

// lexed is SQL text cut into tokens; comments are left out, and noted in
// comments for telling whether the cursor is inside one.
type lexed struct {
	toks     []token
	comments [][2]int // [start, end) of each comment; end is len(src) if open
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isIdentChar(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' || c == '$' }

// lex cuts src into tokens. It never fails: an unterminated string, quoted
// name or comment runs to the end of src.
func lex(src string) lexed {
	var out lexed
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '-' && strings.HasPrefix(src[i:], "--"):
			end := strings.IndexByte(src[i:], '\n')
			if end < 0 {
				end = len(src)
			} else {
				end += i
			}
			out.comments = append(out.comments, [2]int{i, end})
			i = end
		case c == '/' && strings.HasPrefix(src[i:], "/*"):
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				end = len(src)
			} else {
				end += i + 4
			}
			out.comments = append(out.comments, [2]int{i, end})
			i = end
		case c == '\'' || c == '"':
			j, open := quoted(src, i, c)
			t := token{kind: tokString, start: i, end: j, open: open}
			if c == '"' {
				t.kind = tokQuoted
				body := src[i+1 : j]
				if !open {
					body = src[i+1 : j-1]
				}
				t.text = strings.ReplaceAll(body, `""`, `"`)
			}
			out.toks = append(out.toks, t)
			i = j
		case c == '$' && dollarTag(src[i:]) != "":
			// $$...$$ or $tag$...$tag$: a string whose body is not SQL.
			tag := dollarTag(src[i:])
			end := strings.Index(src[i+len(tag):], tag)
			t := token{kind: tokString, start: i, end: len(src), open: true}
			if end >= 0 {
				t.end, t.open = i+len(tag)+end+len(tag), false
			}
			out.toks = append(out.toks, t)
			i = t.end
		case c >= '0' && c <= '9':
			j := i
			for j < len(src) && (isIdentChar(src[j]) || src[j] == '.') {
				j++
			}
			out.toks = append(out.toks, token{kind: tokNumber, start: i, end: j, text: src[i:j]})
			i = j
		case isIdentStart(c):
			j := i
			for j < len(src) && isIdentChar(src[j]) {
				j++
			}
			// E'...' and similar prefixed strings.
			if j < len(src) && src[j] == '\'' && j-i == 1 {
				k, open := quoted(src, j, '\'')
				out.toks = append(out.toks, token{kind: tokString, start: i, end: k, open: open})
				i = k
				continue
			}
			out.toks = append(out.toks, token{kind: tokIdent, start: i, end: j, text: src[i:j]})
			i = j
		default:
			out.toks = append(out.toks, token{kind: tokPunct, start: i, end: i + 1, text: src[i : i+1]})
			i++
		}
	}
	return out
}

// quoted returns the end of the string or quoted name opening at i with
// quote q (a doubled quote stays inside), and whether it is left open.
func quoted(src string, i int, q byte) (int, bool) {
	j := i + 1
	for j < len(src) {
		if src[j] == q {
			if j+1 < len(src) && src[j+1] == q {
				j += 2
				continue
			}
			return j + 1, false
		}
		j++
	}
	return len(src), true
}

// dollarTag returns the $$ or $tag$ that s starts with, or "".
func dollarTag(s string) string {
	for j := 1; j < len(s); j++ {
		if s[j] == '$' {
			return s[:j+1]
		}
		if !isIdentChar(s[j]) || j == 1 && s[j] >= '0' && s[j] <= '9' {
			return ""
		}
	}
	return ""
}

// TokenKind is the kind of a Token.
type TokenKind int

// The kinds of Token.
const (
	Word    TokenKind = iota // a bare name or keyword
	Quoted                   // a "quoted" name
	String                   // a 'string', E'...', $$...$$ or $tag$...$tag$
	Number                   // a number
	Punct                    // one character of punctuation or an operator
	Comment                  // a -- or /* */ comment
)

// Token is one token of SQL text, comments included: Text is
// src[Start:End]. Open is set on a string, quoted name or comment that
// runs to the end of the text without its closing quote or */.
type Token struct {
	Kind       TokenKind
	Text       string
	Start, End int
	Open       bool
}

// Tokens cuts SQL into tokens, comments in their place, with the lexer
// completion uses; it never fails (see Token.Open).
func Tokens(src string) []Token {
	lx := lex(src)
	out := make([]Token, 0, len(lx.toks)+len(lx.comments))
	kinds := map[tokKind]TokenKind{tokIdent: Word, tokQuoted: Quoted, tokString: String, tokNumber: Number, tokPunct: Punct}
	ci := 0
	addComments := func(before int) {
		for ci < len(lx.comments) && lx.comments[ci][0] < before {
			c := lx.comments[ci]
			text := src[c[0]:c[1]]
			open := strings.HasPrefix(text, "/*") && (len(text) < 4 || !strings.HasSuffix(text, "*/"))
			out = append(out, Token{Kind: Comment, Text: text, Start: c[0], End: c[1], Open: open})
			ci++
		}
	}
	for _, t := range lx.toks {
		addComments(t.start)
		out = append(out, Token{Kind: kinds[t.kind], Text: src[t.start:t.end], Start: t.start, End: t.end, Open: t.open})
	}
	addComments(len(src) + 1)
	return out
}
