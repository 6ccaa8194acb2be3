package fuzzy

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
)

// Scores of one matched rune; see Find.
const (
	scoreMatch       = 16
	bonusStart       = 18 // the first rune of the text
	bonusBoundary    = 16 // after a space, punctuation or a case change
	bonusConsecutive = 8  // right after the previous matched rune
	penaltyGapStart  = 6
	penaltyGap       = 1
)

// Match is where a pattern matched a text.
type Match struct {
	// Score orders matches: higher is better.
	Score int
	// Positions are the indexes of the matched runes of the text, in order.
	Positions []int
}

// Find matches pattern against text, ignoring case. The pattern is split
// into words at white space; each word must match as a subsequence of the
// text (its runes in order, gaps allowed). An empty pattern matches every
// text with score 0.
//
// Each word is placed where it scores best among the windows that start
// at one of its first rune's occurrences and end as early as possible, so
// "rac" finds "Run All Cells" by its word starts rather than the "ra" in
// "rather". The cost is linear in the text for each start tried.
func Find(pattern, text string) (Match, bool) {
	words := strings.Fields(pattern)
	if len(words) == 0 {
		return Match{}, true
	}
	t := []rune(text)
	lower := make([]rune, len(t))
	for i, r := range t {
		switch {
		case r >= 'A' && r <= 'Z':
			lower[i] = r + 'a' - 'A'
		case r < 128:
			lower[i] = r
		default:
			lower[i] = unicode.ToLower(r)
		}
	}
	var m Match
	for _, w := range words {
		p := []rune(strings.ToLower(w))
		score, pos, ok := bestWindow(p, t, lower)
		if !ok {
			return Match{}, false
		}
		m.Score += score
		m.Positions = append(m.Positions, pos...)
	}
	slices.Sort(m.Positions)
	m.Positions = slices.Compact(m.Positions)
	return m, true
}

// maxStarts bounds the starts tried for one word, and lookahead how far a
// rune looks for a later occurrence at a word start, so that a long text
// full of the pattern's letters costs a few linear passes, not a square.
const (
	maxStarts = 8
	lookahead = 24
)

func bestWindow(p, t, lower []rune) (int, []int, bool) {
	if !isSubsequence(p, lower, 0) {
		return 0, nil, false
	}
	best, bestPos, found := 0, []int(nil), false
	tried := 0
	for start := 0; start < len(t) && tried < maxStarts; start++ {
		if lower[start] != p[0] {
			continue
		}
		// After the first start, only those that earn a bonus.
		if found && bonusAt(t, start) == 0 {
			continue
		}
		tried++
		score, pos, ok := scoreFrom(p, t, lower, start)
		if !ok {
			break // no later start can match either
		}
		if !found || score > best {
			best, bestPos, found = score, pos, true
		}
	}
	return best, bestPos, found
}

// scoreFrom matches p greedily from start, preferring for each rune an
// occurrence at a word boundary before the next occurrence of the rune
// after it.
func scoreFrom(p, t, lower []rune, start int) (int, []int, bool) {
	pos := make([]int, 0, len(p))
	i := start
	for k, r := range p {
		// The first occurrence of r at or after i.
		j := i
		for j < len(t) && lower[j] != r {
			j++
		}
		if j == len(t) {
			return 0, nil, false
		}
		// A later occurrence at a word start beats a mid-word one, unless
		// the first continues a run.
		if k > 0 && j != pos[k-1]+1 && bonusAt(t, j) < bonusBoundary {
			for b := j + 1; b < min(len(t), j+lookahead); b++ {
				if lower[b] == r && bonusAt(t, b) >= bonusBoundary && isSubsequence(p[k+1:], lower, b+1) {
					j = b
					break
				}
			}
		}
		pos = append(pos, j)
		i = j + 1
	}
	// A run of matched runes scores each of them with the bonus of its
	// first, so "cat" in "the catalog" beats "Ca…t" split over two words.
	score, chunk := 0, 0
	for k, j := range pos {
		bonus := bonusAt(t, j)
		switch {
		case k > 0 && j == pos[k-1]+1:
			bonus = max(bonus, chunk, bonusConsecutive)
		case k > 0:
			score -= penaltyGapStart + penaltyGap*min(j-pos[k-1]-1, 20)
			chunk = bonus
		default:
			chunk = bonus
		}
		score += scoreMatch + bonus
	}
	// Shorter texts and earlier matches win ties.
	score -= min(start, 20) / 4
	return score, pos, true
}

// isSubsequence reports whether p matches as a subsequence of lower from i.
func isSubsequence(p, lower []rune, i int) bool {
	for _, r := range p {
		for i < len(lower) && lower[i] != r {
			i++
		}
		if i == len(lower) {
			return false
		}
		i++
	}
	return true
}

// bonusAt is the bonus for matching the rune at i of t.
func bonusAt(t []rune, i int) int {
	if i == 0 {
		return bonusStart
	}
	prev, cur := t[i-1], t[i]
	switch {
	case isSeparator(prev) && !isSeparator(cur):
		return bonusBoundary
	case unicode.IsLower(prev) && unicode.IsUpper(cur):
		return bonusBoundary
	case unicode.IsLetter(prev) != unicode.IsLetter(cur) && !unicode.IsDigit(prev):
		return bonusBoundary / 2
	}
	return 0
}

func isSeparator(r rune) bool {
	if r < 128 {
		return asciiSeparator[r]
	}
	return unicode.IsSpace(r)
}

// asciiSeparator marks the ASCII runes after which a word starts.
var asciiSeparator = func() (t [128]bool) {
	for _, r := range " \t\n\r\v\f_-./:,;()[]{}'\"`+*=<>|" {
		t[r] = true
	}
	return t
}()

// Result is one matching item of Rank.
type Result struct {
	Index int
	Match
}

// Rank matches pattern against n texts and returns the matching ones, best
// first; of equal scores the shorter text comes first, then the items'
// order. An empty pattern keeps every item, in order.
func Rank(pattern string, n int, text func(i int) string) []Result {
	out := make([]Result, 0, n)
	lens := make([]int, 0, n)
	for i := range n {
		s := text(i)
		if m, ok := Find(pattern, s); ok {
			out = append(out, Result{Index: i, Match: m})
			lens = append(lens, utf8.RuneCountInString(s))
		}
	}
	if strings.TrimSpace(pattern) == "" {
		return out
	}
	order := make([]int, len(out))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if d := out[b].Score - out[a].Score; d != 0 {
			return d
		}
		return lens[a] - lens[b]
	})
	sorted := make([]Result, len(out))
	for i, k := range order {
		sorted[i] = out[k]
	}
	return sorted
}

// Highlight renders text with base, and the runes at positions with hi.
func Highlight(text string, positions []int, base, hi lipgloss.Style) string {
	if len(positions) == 0 {
		return base.Render(text)
	}
	var b strings.Builder
	var run strings.Builder
	inHi := false
	flush := func() {
		if run.Len() == 0 {
			return
		}
		if inHi {
			b.WriteString(hi.Render(run.String()))
		} else {
			b.WriteString(base.Render(run.String()))
		}
		run.Reset()
	}
	k := 0
	i := 0
	for _, r := range text {
		h := k < len(positions) && positions[k] == i
		if h {
			k++
		}
		if h != inHi {
			flush()
			inHi = h
		}
		run.WriteRune(r)
		i++
	}
	flush()
	return b.String()
}

// Shift moves positions by d runes, dropping those that fall outside
// [0, n): the positions of a match in a joined text, mapped onto one part.
func Shift(positions []int, d, n int) []int {
	var out []int
	for _, p := range positions {
		if q := p + d; q >= 0 && q < n {
			out = append(out, q)
		}
	}
	return out
}

// Len is the number of runes of s, the unit of Positions.
func Len(s string) int { return utf8.RuneCountInString(s) }
