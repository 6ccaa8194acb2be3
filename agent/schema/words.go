package schema

import (
	"strings"
	"unicode"
)

// Words splits text into lower-case words: runs of letters and digits.
// Everything else (punctuation, underscores, hyphens) separates words, so
// "Month-to-month", "month_to_month" and "month to month" give the same
// words. A digit run keeps inner separators of numbers: "1,000.50" is one
// word "1000.50".
func Words(s string) []string {
	var out []string
	for _, t := range Tokens(s) {
		out = append(out, t.Lower)
	}
	return out
}

// Token is one word of a text with its original spelling.
type Token struct {
	Text  string // as written
	Lower string // lower case; numbers without thousands separators
	Root  string // Root(Lower)
	Num   bool   // a number
}

// Tokens splits text into words as Words does, keeping each word's
// original spelling.
func Tokens(s string) []Token {
	var out []Token
	rs := []rune(s)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsDigit(r):
			j := i
			var b strings.Builder
			for j < len(rs) {
				c := rs[j]
				if unicode.IsDigit(c) {
					b.WriteRune(c)
					j++
					continue
				}
				// 1,000 and 12.5 stay one number.
				if (c == ',' || c == '.') && j+1 < len(rs) && unicode.IsDigit(rs[j+1]) && b.Len() > 0 {
					if c == '.' {
						b.WriteRune(c)
					}
					j++
					continue
				}
				break
			}
			// A number glued to letters (12pack, 3rd) is one word.
			for j < len(rs) && unicode.IsLetter(rs[j]) {
				b.WriteRune(unicode.ToLower(rs[j]))
				j++
			}
			low := b.String()
			out = append(out, Token{Text: string(rs[i:j]), Lower: low, Root: low, Num: isNumber(low)})
			i = j
		case unicode.IsLetter(r):
			j := i
			for j < len(rs) && (unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j]) ||
				rs[j] == '\'' && j+1 < len(rs) && unicode.IsLetter(rs[j+1])) {
				j++
			}
			text := string(rs[i:j])
			low := strings.ToLower(text)
			out = append(out, Token{Text: text, Lower: low, Root: Root(low)})
			i = j
		default:
			i++
		}
	}
	return out
}

func isNumber(s string) bool {
	if s == "" {
		return false
	}
	dot := false
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
		case c == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return true
}

// Root reduces an English word to a crude root so that plural and
// inflected forms meet: "cities" and "city", "churned" and "churn",
// "billing" and "bill", "categories" and "category". It is not a
// linguistic stemmer; both sides of a comparison go through it, so it only
// has to be consistent. Abbreviations common in column names reduce to the
// root of the full word: "qty" and "quantities" meet.
func Root(w string) string {
	w = expand(strings.ToLower(w))
	if len(w) <= 3 {
		return w
	}
	switch {
	case strings.HasSuffix(w, "ies"):
		w = w[:len(w)-1]
	case strings.HasSuffix(w, "sses"), strings.HasSuffix(w, "ches"), strings.HasSuffix(w, "shes"), strings.HasSuffix(w, "xes"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		w = w[:len(w)-1]
	}
	switch {
	case strings.HasSuffix(w, "ing") && len(w)-3 >= 3:
		w = w[:len(w)-3]
	case strings.HasSuffix(w, "ed") && len(w)-2 >= 3:
		w = w[:len(w)-2]
	}
	if strings.HasSuffix(w, "e") && len(w) > 3 {
		w = w[:len(w)-1]
	}
	if strings.HasSuffix(w, "y") && len(w) > 3 {
		w = w[:len(w)-1] + "i"
	}
	return w
}

// Roots returns the roots of the words of s.
func Roots(s string) []string {
	ws := Words(s)
	for i, w := range ws {
		ws[i] = Root(w)
	}
	return ws
}

// stop words carry no meaning for matching questions to tables.
var stop = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an the of for in on at to by per is are was were be been being do does did
		have has had what which who whom how many much show me give list tell find get display please i we our my
		you your there their it its this that these those and or with from as all each every any some than then
		now only just also same instead again into over under about between within during across among not no
		can could would should will shall may might must let lets let's via vs versus whose where when why
		out up down off so such very more most less least what's who's where's how's it's that's there's here's
		let's whats`) {
		stop[w] = true
	}
}

// IsStop reports whether the lower-case word w is a stop word.
func IsStop(w string) bool { return stop[w] }
