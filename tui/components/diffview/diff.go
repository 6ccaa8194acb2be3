package diffview

import (
	"fmt"
	"strings"
)

// Op is what a diff line does: keep, delete or insert.
type Op byte

// The ops, as unified diffs mark them.
const (
	Keep   Op = ' '
	Delete Op = '-'
	Insert Op = '+'
	Hunk   Op = '@' // a hunk header, "@@ -a,b +c,d @@"
)

// Line is one line of a diff.
type Line struct {
	Op   Op
	Text string
}

// maxCells bounds the table of the line diff; larger inputs (cells of
// thousands of lines) are shown as all deleted, then all inserted.
const maxCells = 4_000_000

// Lines returns the line diff of old and new: a longest common
// subsequence, deletions before insertions where lines changed.
func Lines(old, new string) []Line {
	a, b := split(old), split(new)
	if len(a)*len(b) > maxCells {
		var out []Line
		for _, l := range a {
			out = append(out, Line{Delete, l})
		}
		for _, l := range b {
			out = append(out, Line{Insert, l})
		}
		return out
	}
	// lcs[i][j] is the LCS length of a[i:] and b[j:].
	lcs := make([][]int32, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int32, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []Line
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			out = append(out, Line{Keep, a[i]})
			i++
			j++
		case j >= len(b) || i < len(a) && lcs[i+1][j] >= lcs[i][j+1]:
			out = append(out, Line{Delete, a[i]})
			i++
		default:
			out = append(out, Line{Insert, b[j]})
			j++
		}
	}
	return out
}

func split(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// Unified returns the diff of old and new in hunks with context lines of
// unchanged text around each change, each hunk behind its "@@" header. It
// returns nil when old and new are the same.
func Unified(old, new string, context int) []Line {
	lines := Lines(old, new)
	changed := false
	for _, l := range lines {
		if l.Op != Keep {
			changed = true
			break
		}
	}
	if !changed {
		return nil
	}
	// Mark the lines within context of a change.
	show := make([]bool, len(lines))
	for k, l := range lines {
		if l.Op == Keep {
			continue
		}
		for d := max(k-context, 0); d <= min(k+context, len(lines)-1); d++ {
			show[d] = true
		}
	}
	var out []Line
	oldNo, newNo := 1, 1 // line numbers of lines[k] in old and new
	for k := 0; k < len(lines); {
		if !show[k] {
			oldNo, newNo = advance(lines[k], oldNo, newNo)
			k++
			continue
		}
		end := k
		for end < len(lines) && show[end] {
			end++
		}
		var oldN, newN int
		for _, l := range lines[k:end] {
			if l.Op != Insert {
				oldN++
			}
			if l.Op != Delete {
				newN++
			}
		}
		out = append(out, Line{Hunk, fmt.Sprintf("@@ -%s +%s @@", span(oldNo, oldN), span(newNo, newN))})
		for _, l := range lines[k:end] {
			out = append(out, l)
			oldNo, newNo = advance(l, oldNo, newNo)
		}
		k = end
	}
	return out
}

func advance(l Line, oldNo, newNo int) (int, int) {
	if l.Op != Insert {
		oldNo++
	}
	if l.Op != Delete {
		newNo++
	}
	return oldNo, newNo
}

// span formats a hunk range as unified diffs do: "3" for one line, "3,2"
// for two, "2,0" for none (the line before).
func span(start, n int) string {
	switch n {
	case 0:
		return fmt.Sprintf("%d,0", start-1)
	case 1:
		return fmt.Sprint(start)
	}
	return fmt.Sprintf("%d,%d", start, n)
}

// String formats lines as the text of a unified diff.
func String(lines []Line) string {
	var b strings.Builder
	for _, l := range lines {
		if l.Op == Hunk {
			b.WriteString(l.Text + "\n")
			continue
		}
		b.WriteString(string(l.Op) + l.Text + "\n")
	}
	return b.String()
}
