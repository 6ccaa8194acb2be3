package sqltext

import "strings"

// Tokens cuts src into tokens, white space and comments included, so the
// tokens' texts put together are src again. It never fails: an
// unterminated string, quoted identifier or comment runs to the end of src
// (Token.Open), and a byte that starts no token is a Punct of its own;
// DuckDB reports the error when it parses the statement.
func Tokens(src string) []Token {
	toks := make([]Token, 0, len(src)/3)
	for i := 0; i < len(src); {
		t := next(src, i)
		toks = append(toks, t)
		i = t.End
	}
	return toks
}

// Code cuts src into tokens as Tokens does, leaving out white space and
// comments: the tokens a statement's meaning depends on.
func Code(src string) []Token {
	toks := make([]Token, 0, len(src)/5)
	for i := 0; i < len(src); {
		t := next(src, i)
		if t.Kind != Space && t.Kind != Comment {
			toks = append(toks, t)
		}
		i = t.End
	}
	return toks
}

// next scans the token that starts at src[i]; i < len(src).
func next(src string, i int) Token {
	c := src[i]
	end, kind, open := i+1, Punct, false
	switch {
	case isSpace(c):
		for end < len(src) && isSpace(src[end]) {
			end++
		}
		kind = Space
	case c == '-' && strings.HasPrefix(src[i+1:], "-"):
		end = strings.IndexByte(src[i:], '\n')
		if end < 0 {
			end = len(src)
		} else {
			end += i
		}
		kind = Comment
	case c == '/' && strings.HasPrefix(src[i+1:], "*"):
		end, open = blockComment(src, i)
		kind = Comment
	case c == '\'':
		end, open = quoted(src, i+1, '\'', false)
		kind = String
	case (c == 'E' || c == 'e') && strings.HasPrefix(src[i+1:], "'"):
		end, open = quoted(src, i+2, '\'', true)
		kind = String
	case (c == 'B' || c == 'b' || c == 'X' || c == 'x' || c == 'N' || c == 'n') && strings.HasPrefix(src[i+1:], "'"):
		end, open = quoted(src, i+2, '\'', false)
		kind = String
	case c == '"':
		end, open = quoted(src, i+1, '"', false)
		kind = Quoted
	case c == '$':
		if tag := dollarTag(src[i:]); tag != "" {
			body := strings.Index(src[i+len(tag):], tag)
			if body < 0 {
				end, open = len(src), true
			} else {
				end = i + len(tag) + body + len(tag)
			}
			kind = String
		} else if end < len(src) && (isDigit(src[end]) || isIdentStart(src[end])) {
			for end < len(src) && isIdentPart(src[end]) && src[end] != '$' {
				end++
			}
			kind = Param
		}
	case c == '?':
		for end < len(src) && isDigit(src[end]) {
			end++
		}
		kind = Param
	case isIdentStart(c):
		for end < len(src) && isIdentPart(src[end]) {
			end++
		}
		kind = Word
	case isDigit(c) || c == '.' && end < len(src) && isDigit(src[end]):
		end = number(src, i)
		kind = Number
	case c == ':':
		if end < len(src) && (src[end] == ':' || src[end] == '=') {
			end++
		}
	case isOpChar(c):
		end = operator(src, i)
	}
	return Token{Kind: kind, Text: src[i:end], Start: i, End: end, Open: open}
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isIdentPart(c byte) bool { return isIdentStart(c) || isDigit(c) || c == '$' }

// isOpChar reports the characters operators are made of, as in
// PostgreSQL's scanner, which DuckDB's is.
func isOpChar(c byte) bool { return strings.IndexByte("~!@#^&|`+-*/%<>=", c) >= 0 }

// blockComment returns the end of the comment opening at src[i:i+2]:
// comments nest, as in DuckDB, so /* a /* b */ c */ is one comment.
func blockComment(src string, i int) (int, bool) {
	depth := 0
	for j := i; j+1 < len(src); {
		switch {
		case src[j] == '/' && src[j+1] == '*':
			depth++
			j += 2
		case src[j] == '*' && src[j+1] == '/':
			depth--
			j += 2
			if depth == 0 {
				return j, false
			}
		default:
			j++
		}
	}
	return len(src), true
}

// quoted returns the end of a string or quoted identifier whose body starts
// at src[j] and which ends at the quote q; a doubled quote stays inside,
// and so does a quote after a backslash when backslash escapes.
func quoted(src string, j int, q byte, backslash bool) (int, bool) {
	for j < len(src) {
		switch src[j] {
		case q:
			if j+1 < len(src) && src[j+1] == q {
				j += 2
				continue
			}
			return j + 1, false
		case '\\':
			if backslash {
				j++
			}
		}
		j++
	}
	return len(src), true
}

// dollarTag returns the $tag$ or $$ that opens a dollar-quoted string at
// the start of s, or "". A tag is an identifier without $ that does not
// start with a digit, so $1 is a parameter.
func dollarTag(s string) string {
	for j := 1; j < len(s); j++ {
		switch {
		case s[j] == '$':
			return s[:j+1]
		case isIdentStart(s[j]), j > 1 && isDigit(s[j]):
		default:
			return ""
		}
	}
	return ""
}

// number returns the end of the number at src[i]: digits with single
// underscores between them, a fraction, an exponent.
func number(src string, i int) int {
	digits := func(j int) int {
		for j < len(src) && (isDigit(src[j]) || src[j] == '_' && j+1 < len(src) && isDigit(src[j+1]) && isDigit(src[j-1])) {
			j++
		}
		return j
	}
	j := digits(i)
	if j < len(src) && src[j] == '.' && !(j+1 < len(src) && src[j+1] == '.') {
		j = digits(j + 1)
	}
	if j < len(src) && (src[j] == 'e' || src[j] == 'E') {
		k := j + 1
		if k < len(src) && (src[k] == '+' || src[k] == '-') {
			k++
		}
		if k < len(src) && isDigit(src[k]) {
			j = digits(k)
		}
	}
	return j
}

// operator returns the end of the operator at src[i], by PostgreSQL's rule:
// the longest run of operator characters, cut before a -- or /* inside it,
// and without a trailing + or - unless the operator holds one of ~!@#^&|`%
// (so a=-1 is =, -, 1).
func operator(src string, i int) int {
	j := i
	for j < len(src) && isOpChar(src[j]) {
		if j > i && (src[j-1] == '-' && src[j] == '-' || src[j-1] == '/' && src[j] == '*') {
			j--
			break
		}
		j++
	}
	if j-i > 1 && !strings.ContainsAny(src[i:j], "~!@#^&|`%") {
		for j-i > 1 && (src[j-1] == '+' || src[j-1] == '-') {
			j--
		}
	}
	return j
}
