package notebook

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/floehq/floe/notebooks"
	"github.com/floehq/floe/tui/component"
	"github.com/floehq/floe/tui/highlight"
)

// editView draws the cell being edited itself, from the text area's value
// and cursor: the same highlighting as a cell not being edited, soft
// wrapped the way the text area wraps (so its up and down keys move
// through the lines drawn), scrolled to keep the cursor on screen, with
// the cursor (or the selection) in reverse video. The text area keeps the
// editing.
type editView struct {
	scroll int // the first visual line shown

	// hl highlights the lines shown, one at a time, from a cache.
	hl *highlight.Lines

	// wraps caches the soft wrapping of each line, for one width.
	width int
	wraps map[string][][]rune

	// caret is where the cursor was drawn: the line of the cell's drawing
	// and the column on screen.
	caretLine, caretCol int
	// shown is how many lines the editor drew last.
	shown int
}

// position maps a line and column of the last drawing of value (the
// first line drawn is 0) to the cell's line and rune column there: where
// a click puts the cursor. A column past the end of the text drawn goes
// to the end of that segment.
func (ev *editView) position(value string, row, col int) (int, int) {
	vl := 0
	lines := strings.Split(value, "\n")
	for i, l := range lines {
		start := 0
		segs := ev.wrap(l)
		for s, seg := range segs {
			if vl-ev.scroll == row {
				n, cols := 0, 0
				for n < len(seg) && cols+runeWidth(seg[n]) <= col {
					cols += runeWidth(seg[n])
					n++
				}
				if n == len(seg) && s+1 < len(segs) && n > 0 {
					n-- // the end of a wrapped segment is the next one's start
				}
				return i, start + n
			}
			start += len(seg)
			vl++
		}
	}
	last := len(lines) - 1
	return last, len([]rune(lines[last]))
}

// editorCacheLines is the text area's MaxHeight: the lines its wrapping
// cache holds (bubbles v2 sizes that cache by MaxHeight).
const editorCacheLines = 10000

// editorNoWrap is the text area's width: wider than any line, so that it
// keeps each of the cell's lines whole.
const editorNoWrap = 1 << 14

// maxWrapCache bounds the wrapping cache; it is emptied when full.
const maxWrapCache = 4096

var reverse = lipgloss.NewStyle().Reverse(true)

// editorLines draws the edited cell's text in width w, at most maxHeight
// lines, and returns the lines and the cursor's line and column in them.
func (m *Model) editorLines(c *notebooks.Cell, w int) ([]string, int, int) {
	ev := &m.ed
	value := m.editor.Value()
	if value == "" {
		// The placeholder, after the cursor.
		st := m.common.Styles
		out := []string{reverse.Render(" ") + st.Muted.Render(ansi.Truncate(m.editor.Placeholder, max(w-1, 0), "…"))}
		if m.bar.kind != barNone {
			out = append(out, m.barLine(w))
		}
		return out, 0, 0
	}
	if ev.width != w || ev.wraps == nil || len(ev.wraps) > maxWrapCache {
		ev.width, ev.wraps = w, map[string][][]rune{}
	}
	lang := c.Lang
	if c.Kind == notebooks.Markdown {
		lang = "markdown" // no lexer: plain
	}
	raw := strings.Split(value, "\n")
	if ev.hl == nil || ev.hl.Lang() != lang {
		ev.hl = highlight.NewLines(lang, m.common.Styles)
	}
	states := ev.hl.States(raw)

	row, col := m.editor.Line(), m.editor.Column()
	// The cursor's visual line, and the total.
	total, cursorLine, cursorSeg := 0, 0, 0
	for i, l := range raw {
		segs := ev.wrap(l)
		if i == row {
			cursorSeg = segmentOf(segs, col)
			cursorLine = total + cursorSeg
		}
		total += len(segs)
	}
	maxHeight := m.editorHeight()
	var found map[int][]match // the find bar's matches, by line
	if m.bar.kind != barNone {
		maxHeight = max(maxHeight-1, 1)
	}
	if q := m.bar.find.Value(); m.bar.kind == barFind && q != "" {
		found = map[int][]match{}
		for _, mt := range m.matches(q) {
			found[mt.row] = append(found[mt.row], mt)
		}
	}
	height := min(total, maxHeight)
	if cursorLine < ev.scroll {
		ev.scroll = cursorLine
	}
	if cursorLine >= ev.scroll+height {
		ev.scroll = cursorLine - height + 1
	}
	ev.scroll = component.Clamp(ev.scroll, 0, total-height)

	selFrom, selTo, selected := m.selection()
	out := make([]string, 0, height)
	caretLine, caretCol := 0, 0
	vl := 0
	for i, l := range raw {
		segs := ev.wrap(l)
		if vl+len(segs) <= ev.scroll {
			vl += len(segs)
			continue
		}
		runes := []rune(l)
		end := highlight.Plain
		if i+1 < len(states) {
			end = states[i+1]
		}
		hl := expandTabs(ev.hl.Line(l, states[i], end))
		start := 0 // rune index of the segment's first rune
		for s, seg := range segs {
			if vl >= ev.scroll && vl < ev.scroll+height {
				end := min(start+len(seg), len(runes))
				a, b := width(runes[:start]), width(runes[:end])
				// The spans marked: the find bar's matches, then in reverse
				// video the selection's part of this segment, or the cursor.
				var marks []mark
				for _, mt := range found[i] {
					if mt.col < end && mt.col+mt.n > start {
						marks = append(marks, mark{max(mt.col, start), min(mt.col+mt.n, end), matchStyle})
					}
				}
				r0, r1 := -1, -1
				switch {
				case selected:
					lo, hi := start, end
					if i == selFrom.Row {
						lo = max(lo, selFrom.Col)
					} else if i < selFrom.Row {
						lo = hi
					}
					if i == selTo.Row {
						hi = min(hi, selTo.Col)
					} else if i > selTo.Row {
						hi = lo
					}
					if lo < hi {
						r0, r1 = lo, hi
					}
				case i == row && s == cursorSeg:
					r0, r1 = col, col+1
					caretLine, caretCol = len(out), width(runes[start:min(col, len(runes))])
				}
				if r0 >= 0 {
					marks = append(marks, mark{r0, r1, reverse})
				}
				out = append(out, drawSegment(hl, runes, a, b, marks, w))
			}
			start += len(seg)
			vl++
		}
		if vl >= ev.scroll+height {
			break
		}
	}
	ev.caretLine, ev.caretCol, ev.shown = caretLine, caretCol, len(out)
	if m.bar.kind != barNone {
		out = append(out, m.barLine(w))
	}
	return out, caretLine, caretCol
}

// updateEditor gives a key to the text area. Printable text is inserted
// directly: the text area's Update draws all of its text for a view this
// package does not use, which on a long cell costs more than the rest of
// the keystroke.
func (m *Model) updateEditor(msg tea.KeyPressMsg) tea.Cmd {
	if msg.Text != "" && !m.editor.HasSelection() && !key.Matches(msg, m.common.KeyMap.Editor.InsertNewline) {
		m.editor.InsertString(msg.Text)
		return nil
	}
	var cmd tea.Cmd
	m.editor, cmd = m.editor.Update(msg)
	return cmd
}

// editorHeight is the most lines the editor takes.
func (m *Model) editorHeight() int { return max(m.height-4, 3) }

// mark is a span of runes [from, to) drawn in a style of its own.
type mark struct {
	from, to int
	st       lipgloss.Style
}

// matchStyle marks the find bar's matches.
var matchStyle = lipgloss.NewStyle().Underline(true).Bold(true)

// drawSegment draws columns [a, b) of the highlighted line hl, whose text
// is runes, padded to w; each mark's runes are drawn in its style instead
// (a mark at the end of the line draws a space: the cursor). Marks are in
// the order drawn: a later one covers an earlier one.
func drawSegment(hl string, runes []rune, a, b int, marks []mark, w int) string {
	s := ansi.Cut(hl, a, b)
	for _, mk := range marks {
		c0 := width(runes[:min(mk.from, len(runes))])
		text := " "
		if mk.from < len(runes) {
			text = string(runes[mk.from:min(mk.to, len(runes))])
		}
		c1 := c0 + width([]rune(text))
		text = expandTabs(text)
		if mk.from >= len(runes) {
			c1 = c0 // the cursor past the end covers nothing of the line
		}
		c0, c1 = c0-a, c1-a // s starts at column a
		rest := ""
		if c1 < ansi.StringWidth(s) {
			rest = ansi.Cut(s, c1, ansi.StringWidth(s))
		}
		s = ansi.Cut(s, 0, c0) + mk.st.Render(text) + rest
	}
	if pad := w - ansi.StringWidth(s); pad > 0 {
		s += strings.Repeat(" ", pad)
	}
	if ansi.StringWidth(s) > w {
		s = ansi.Truncate(s, w, "")
	}
	return s
}

// tabWidth is how many columns a tab takes in a cell, edited or not.
const tabWidth = 4

// width is the columns runes take on screen, a tab taking tabWidth.
func width(r []rune) int {
	n := 0
	for _, c := range r {
		n += runeWidth(c)
	}
	return n
}

func runeWidth(c rune) int {
	switch {
	case c == '\t':
		return tabWidth
	case c < 0x80:
		return 1
	}
	return ansi.StringWidth(string(c))
}

// expandTabs draws each tab of s as tabWidth spaces; s may hold styles.
func expandTabs(s string) string { return strings.ReplaceAll(s, "\t", strings.Repeat(" ", tabWidth)) }

// segmentOf returns which wrapped segment holds rune col, as the text
// area's LineInfo decides: a cursor at the end of a segment that is not
// the last is at the start of the next.
func segmentOf(segs [][]rune, col int) int {
	n := 0
	for i, s := range segs {
		if n+len(s) == col && i+1 < len(segs) {
			return i + 1
		}
		if n+len(s) >= col {
			return i
		}
		n += len(s)
	}
	return len(segs) - 1
}

func (ev *editView) wrap(line string) [][]rune {
	if segs, ok := ev.wraps[line]; ok {
		return segs
	}
	segs := wrapLine([]rune(line), ev.width)
	ev.wraps[line] = segs
	return segs
}

// wrapLine soft-wraps a line to w columns: after the last space that
// fits, or where the width ends in a word longer than the line. The text
// area itself does not wrap (its width is editorNoWrap), so its up and
// down keys move by the cell's lines and this alone decides the drawing.
// A line that fills its last segment gets an empty one after it, where a
// cursor at its end is drawn.
func wrapLine(runes []rune, w int) [][]rune {
	w = max(w, 1)
	var segs [][]rune
	for {
		n, cols, brk := 0, 0, -1
		for n < len(runes) {
			cw := runeWidth(runes[n])
			if cols+cw > w {
				break
			}
			cols += cw
			if runes[n] == ' ' || runes[n] == '\t' {
				brk = n + 1
			}
			n++
		}
		if n == len(runes) {
			segs = append(segs, runes)
			if cols >= w {
				segs = append(segs, []rune{})
			}
			return segs
		}
		if brk > 0 {
			n = brk
		}
		n = max(n, 1)
		segs = append(segs, runes[:n])
		runes = runes[n:]
	}
}

// EditorCursor returns the editor's cursor: its line and rune column in
// the edited cell.
func (m *Model) EditorCursor() (row, col int) { return m.editor.Line(), m.editor.Column() }
