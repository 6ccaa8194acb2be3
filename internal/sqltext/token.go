package sqltext

import (
	"strconv"
	"strings"
)

// Kind classifies a token.
type Kind uint8

const (
	Space   Kind = iota // white space
	Comment             // -- to the end of the line, or /* ... */ (nested)
	Word                // a bare identifier or keyword
	Quoted              // a "quoted identifier"
	String              // a 'string', E'string', B'..', X'..', N'..', or $tag$dollar quoted$tag$
	Number              // 42, 1_000, 3.5, .5, 1e-3
	Param               // ?, ?1, $1, $name
	Punct               // punctuation ( ) , ; . [ ] { } : and operators (::, =>, <=, ||, ->, ...)
)

var kindNames = [...]string{"space", "comment", "word", "quoted", "string", "number", "param", "punct"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Token is one lexical token: its kind and its text, the bytes
// src[Start:End] of the text it was cut from.
type Token struct {
	Kind       Kind
	Text       string
	Start, End int
	// Open says a string, quoted identifier or block comment runs to the
	// end of the text without its closing quote or */.
	Open bool
}

// Is reports whether t is the word kw, in any case.
func (t Token) Is(kw string) bool { return t.Kind == Word && strings.EqualFold(t.Text, kw) }

// IsPunct reports whether t is the punctuation or operator p.
func (t Token) IsPunct(p string) bool { return t.Kind == Punct && t.Text == p }

// IsName reports whether t is a word or a quoted identifier.
func (t Token) IsName() bool { return t.Kind == Word || t.Kind == Quoted }

// Ident returns the identifier a word or quoted identifier names: a word
// as written, a quoted identifier without its quotes and with "" read as ".
func (t Token) Ident() string {
	if t.Kind != Quoted {
		return t.Text
	}
	body := t.Text[1:]
	if !t.Open {
		body = body[:len(body)-1]
	}
	return strings.ReplaceAll(body, `""`, `"`)
}

// StringValue returns the value of a string literal: ” read as ', and in
// E” strings the backslash escapes decoded. A dollar-quoted string's value
// is its body as written. Hex and bit strings (X”, B”) give their digits.
func (t Token) StringValue() string {
	s := t.Text
	if t.Kind != String || s == "" {
		return ""
	}
	if s[0] == '$' {
		tag := s[:strings.IndexByte(s[1:], '$')+2]
		body := s[len(tag):]
		if !t.Open {
			body = body[:len(body)-len(tag)]
		}
		return body
	}
	escapes := false
	if s[0] != '\'' {
		escapes = s[0] == 'E' || s[0] == 'e'
		s = s[1:]
	}
	s = s[1:]
	if !t.Open {
		s = s[:len(s)-1]
	}
	if escapes {
		return unescape(s)
	}
	return strings.ReplaceAll(s, "''", "'")
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
