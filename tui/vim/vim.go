package vim

import (
	"slices"
	"strings"
	"unicode"
)

// Mode is the editor's mode.
type Mode int

// The modes.
const (
	Normal Mode = iota
	Insert
	// Visual selects characters from where v was pressed to the cursor.
	Visual
)

// String returns the mode as the status bar shows it.
func (m Mode) String() string {
	switch m {
	case Insert:
		return "INSERT"
	case Visual:
		return "VISUAL"
	}
	return "NORMAL"
}

// Pos is a place in a Buffer: a line and a rune column.
type Pos struct{ Row, Col int }

func (p Pos) before(q Pos) bool { return p.Row < q.Row || p.Row == q.Row && p.Col < q.Col }

// Buffer is the text being edited and the cursor: Col counts runes.
type Buffer struct {
	Lines    []string
	Row, Col int
}

// Result says what a key did.
type Result struct {
	Changed bool // the text changed
	Moved   bool // the cursor moved
	// Unhandled keys mean nothing in normal mode (esc, ctrl keys); the
	// caller may use them.
	Unhandled bool
	// Undo (u) and Redo (ctrl+r) ask the caller to step through its
	// history of the text: the machine keeps none.
	Undo, Redo bool
}

// Machine is the state of vim mode between keys.
type Machine struct {
	Mode Mode

	pending string // an operator (d c y) or g, waiting for the rest
	count   int    // the count typed so far
	opCount int    // the count typed before the operator

	reg      string // the register: yanked or deleted text
	regLines bool   // the register holds whole lines

	anchor Pos // where visual mode started

	// want is the column j and k aim for (vim's curswant), kept across
	// short lines while wantSet; any other key unsets it.
	want    int
	wantSet bool
}

// Reset returns to normal mode with nothing pending; the register is
// kept.
func (v *Machine) Reset(mode Mode) {
	v.Mode, v.pending, v.count, v.opCount = mode, "", 0, 0
}

// Escape leaves insert mode: the cursor steps back onto the last character
// typed, as in vim.
func (v *Machine) Escape(b *Buffer) {
	v.Reset(Normal)
	if b.Col > 0 {
		b.Col--
	}
	b.clamp(false)
}

// Selection returns the text visual mode selects, from the start to just
// after the end: the character under the cursor is in it, as in vim. It
// reports false outside visual mode.
func (v *Machine) Selection(b Buffer) (from, to Pos, ok bool) {
	if v.Mode != Visual {
		return Pos{}, Pos{}, false
	}
	from, to = v.anchor, Pos{b.Row, b.Col}
	if to.before(from) {
		from, to = to, from
	}
	to.Col++
	if to.Row < len(b.Lines) && to.Col > len([]rune(b.Lines[to.Row])) {
		// Past the end of the line: the line break is selected.
		if to.Row+1 < len(b.Lines) {
			to = Pos{to.Row + 1, 0}
		} else {
			to.Col--
		}
	}
	return from, to, true
}

// Key handles one key of normal mode, named as bubbletea names keys
// ("x", "G", "esc", "ctrl+r"), on b.
func (v *Machine) Key(k string, b *Buffer) Result {
	if v.Mode == Insert {
		return Result{Unhandled: true}
	}
	b.clamp(v.Mode == Visual) // v$ leaves the cursor on the line break
	switch k {
	case "left":
		k = "h"
	case "right":
		k = "l"
	case "up":
		k = "k"
	case "down":
		k = "j"
	}
	if k == "ctrl+r" && v.Mode == Normal {
		v.Reset(Normal)
		return Result{Redo: true}
	}
	if len([]rune(k)) != 1 {
		if v.Mode == Visual && k == "esc" {
			v.Reset(Normal)
			return Result{Moved: true}
		}
		if v.Mode != Visual {
			v.Reset(Normal)
		}
		return Result{Unhandled: true}
	}
	c := []rune(k)[0]
	if c >= '1' && c <= '9' || c == '0' && v.count > 0 {
		v.count = v.count*10 + int(c-'0')
		return Result{}
	}
	count := v.count
	n := max(count, 1)
	if v.opCount > 0 {
		n *= v.opCount
	}
	v.count = 0
	if v.pending != "" {
		v.wantSet = false
	}

	switch v.pending {
	case "g":
		v.pending = ""
		if k == "g" {
			return v.move(b, func() { b.Row = 0; b.firstNonBlank() })
		}
		return Result{}
	case "d", "c", "y":
		op := v.pending
		v.pending, v.opCount = "", 0
		return v.operate(op, k, n, b)
	case "dg", "cg", "yg":
		op := v.pending[:1]
		v.pending, v.opCount = "", 0
		if k == "g" {
			return v.lines(op, 0, b.Row, b)
		}
		return Result{}
	}

	if v.Mode == Visual {
		switch k {
		case "v":
			v.Reset(Normal)
			return Result{Moved: true}
		case "d", "x", "y", "c":
			return v.visual(k, b)
		case "h", "j", "k", "l", "w", "b", "e", "0", "^", "$", "G", "g":
		default:
			return Result{}
		}
	}
	if k != "j" && k != "k" {
		v.wantSet = false
	} else if !v.wantSet {
		v.want, v.wantSet = b.Col, true
	}
	switch k {
	case "h":
		return v.move(b, func() { b.Col = max(b.Col-n, 0) })
	case "l":
		return v.move(b, func() { b.Col += n })
	case "j":
		return v.move(b, func() { b.Row, b.Col = min(b.Row+n, len(b.Lines)-1), v.want })
	case "k":
		return v.move(b, func() { b.Row, b.Col = max(b.Row-n, 0), v.want })
	case "w", "b", "e":
		return v.move(b, func() {
			for range n {
				b.Row, b.Col = wordMotion(b, k)
			}
		})
	case "0":
		return v.move(b, func() { b.Col = 0 })
	case "^":
		return v.move(b, b.firstNonBlank)
	case "$":
		v.want, v.wantSet = 1<<30, true
		r := v.move(b, func() { b.Row = min(b.Row+n-1, len(b.Lines)-1); b.Col = len([]rune(b.Lines[b.Row])) })
		if v.Mode == Visual {
			// v$ takes the line break too.
			b.Col = len([]rune(b.Lines[b.Row]))
		}
		return r
	case "G":
		return v.move(b, func() {
			if count > 0 {
				b.Row = min(count, len(b.Lines)) - 1
			} else {
				b.Row = len(b.Lines) - 1
			}
			b.firstNonBlank()
		})
	case "g", "d", "c", "y":
		v.pending = k
		v.opCount = max(n, 1)
		if k == "g" {
			v.opCount = 0
		}
		return Result{}
	case "i", "a", "I", "A", "o", "O":
		v.Mode = Insert
		switch k {
		case "a":
			if len([]rune(b.Lines[b.Row])) > 0 {
				b.Col++
			}
		case "I":
			b.firstNonBlank()
		case "A":
			b.Col = len([]rune(b.Lines[b.Row]))
		case "o", "O":
			at := b.Row + 1
			if k == "O" {
				at = b.Row
			}
			b.Lines = slices.Insert(b.Lines, at, "")
			b.Row, b.Col = at, 0
			b.clamp(true)
			return Result{Changed: true, Moved: true}
		}
		b.clamp(true)
		return Result{Moved: true}
	case "x":
		return v.operate("d", "l", n, b)
	case "D":
		return v.operate("d", "$", 1, b)
	case "p", "P":
		return v.put(k == "P", n, b)
	case "u":
		return Result{Undo: true}
	case "v":
		v.Mode, v.anchor = Visual, Pos{b.Row, b.Col}
		return Result{Moved: true}
	}
	return Result{}
}

// move runs a motion and keeps the cursor on the text.
func (v *Machine) move(b *Buffer, f func()) Result {
	f()
	b.clamp(false)
	return Result{Moved: true}
}

// visual applies d (or x), y or c to the visual selection and leaves
// visual mode: in normal mode, or in insert mode after c.
func (v *Machine) visual(op string, b *Buffer) Result {
	from, to, _ := v.Selection(*b)
	v.Reset(Normal)
	text := strings.Join(b.Lines, "\n")
	lines := b.Lines
	off := func(p Pos) int {
		n := 0
		for _, l := range lines[:p.Row] {
			n += len(l) + 1
		}
		return n + len(string([]rune(lines[p.Row])[:min(p.Col, len([]rune(lines[p.Row])))]))
	}
	a, z := off(from), off(to)
	v.reg, v.regLines = text[a:z], false
	if op == "y" {
		b.Row, b.Col = from.Row, from.Col
		b.clamp(false)
		return Result{Moved: true}
	}
	b.Lines = strings.Split(text[:a]+text[z:], "\n")
	b.Row, b.Col = from.Row, from.Col
	if op == "c" {
		v.Mode = Insert
		b.clamp(true)
	} else {
		b.clamp(false)
	}
	return Result{Changed: true, Moved: true}
}

// operate applies operator op (d, c, y) over the motion k, n times.
func (v *Machine) operate(op, k string, n int, b *Buffer) Result {
	if k == op { // dd, cc, yy: whole lines
		return v.lines(op, b.Row, min(b.Row+n-1, len(b.Lines)-1), b)
	}
	switch k {
	case "j":
		return v.lines(op, b.Row, min(b.Row+n, len(b.Lines)-1), b)
	case "k":
		return v.lines(op, max(b.Row-n, 0), b.Row, b)
	case "G":
		return v.lines(op, b.Row, len(b.Lines)-1, b)
	case "g":
		// dg waits for the second g.
		v.pending, v.opCount = op+"g", n
		return Result{}
	}
	line := []rune(b.Lines[b.Row])
	from, to := b.Col, b.Col
	switch k {
	case "l":
		to = min(b.Col+n, len(line))
	case "h":
		from = max(b.Col-n, 0)
	case "$":
		to = len(line)
	case "0":
		from = 0
	case "^":
		t := *b
		t.firstNonBlank()
		from, to = min(t.Col, b.Col), max(t.Col, b.Col)
	case "w", "e":
		if op == "c" && k == "w" && b.Col < len(line) && !unicode.IsSpace(line[b.Col]) {
			k = "e" // cw changes to the end of the word, as in vim
		}
		t := *b
		for range n {
			t.Row, t.Col = wordMotion(&t, k)
		}
		if t.Row != b.Row {
			to = len(line) // the motion left the line: to its end
		} else {
			to = t.Col
		}
		if k == "e" && t.Row == b.Row {
			to = min(to+1, len(line)) // e includes the character it lands on
		}
	case "b":
		t := *b
		for range n {
			t.Row, t.Col = wordMotion(&t, k)
		}
		if t.Row == b.Row {
			from = t.Col
		} else {
			from = 0
		}
	default:
		return Result{}
	}
	if from >= to && op != "c" {
		return Result{}
	}
	v.reg, v.regLines = string(line[from:to]), false
	if op == "y" {
		return Result{}
	}
	b.Lines[b.Row] = string(line[:from]) + string(line[to:])
	b.Col = from
	if op == "c" {
		v.Mode = Insert
		b.clamp(true)
	} else {
		b.clamp(false)
	}
	return Result{Changed: true, Moved: true}
}

// lines applies an operator to the lines from..to.
func (v *Machine) lines(op string, from, to int, b *Buffer) Result {
	v.reg, v.regLines = strings.Join(b.Lines[from:to+1], "\n"), true
	switch op {
	case "y":
		return Result{}
	case "c":
		b.Lines = slices.Replace(b.Lines, from, to+1, "")
		b.Row, b.Col = from, 0
		v.Mode = Insert
		return Result{Changed: true, Moved: true}
	}
	b.Lines = slices.Delete(b.Lines, from, to+1)
	if len(b.Lines) == 0 {
		b.Lines = []string{""}
	}
	b.Row = min(from, len(b.Lines)-1)
	b.firstNonBlank()
	return Result{Changed: true, Moved: true}
}

// put inserts the register after the cursor (before with P), n times.
func (v *Machine) put(before bool, n int, b *Buffer) Result {
	if v.reg == "" && !v.regLines {
		return Result{}
	}
	if v.regLines {
		add := strings.Split(strings.Repeat(v.reg+"\n", n), "\n")
		add = add[:len(add)-1]
		at := b.Row + 1
		if before {
			at = b.Row
		}
		b.Lines = slices.Insert(b.Lines, at, add...)
		b.Row = at
		b.firstNonBlank()
		return Result{Changed: true, Moved: true}
	}
	line := []rune(b.Lines[b.Row])
	at := b.Col
	if !before && len(line) > 0 {
		at++
	}
	text := []rune(strings.Repeat(v.reg, n))
	parts := strings.Split(string(line[:at])+string(text)+string(line[at:]), "\n")
	b.Lines = slices.Replace(b.Lines, b.Row, b.Row+1, parts...)
	// The cursor ends on the last character put.
	end := at + len(text) - 1
	for _, p := range parts[:len(parts)-1] {
		end -= len([]rune(p)) + 1
		b.Row++
	}
	b.Col = max(end, 0)
	b.clamp(false)
	return Result{Changed: true, Moved: true}
}

// clamp keeps the cursor on the text: on a character in normal mode, and
// up to just after the last one in insert mode.
func (b *Buffer) clamp(insert bool) {
	if len(b.Lines) == 0 {
		b.Lines = []string{""}
	}
	b.Row = max(min(b.Row, len(b.Lines)-1), 0)
	n := len([]rune(b.Lines[b.Row]))
	last := n - 1
	if insert {
		last = n
	}
	b.Col = max(min(b.Col, last), 0)
}

func (b *Buffer) firstNonBlank() {
	b.Col = 0
	for _, r := range b.Lines[b.Row] {
		if !unicode.IsSpace(r) {
			return
		}
		b.Col++
	}
	b.clamp(false)
}

// class is a character's class for word motions: blank, a word character
// (letters, digits, _), or other punctuation.
func class(r rune) int {
	switch {
	case unicode.IsSpace(r):
		return 0
	case r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
		return 1
	}
	return 2
}

// wordMotion returns where w, b or e moves the cursor, across lines; an
// empty line counts as a word.
func wordMotion(b *Buffer, k string) (int, int) {
	type pos struct{ row, col int }
	lines := make(map[int][]rune)
	at := func(p pos) ([]rune, bool) {
		l, ok := lines[p.row]
		if !ok {
			l = []rune(b.Lines[p.row])
			lines[p.row] = l
		}
		return l, p.col < len(l)
	}
	// cls is the class at p: the end of a line counts as a blank, an empty
	// line as a word of its own (-1).
	cls := func(p pos) int {
		l, ok := at(p)
		if len(l) == 0 {
			return -1
		}
		if !ok {
			return 0
		}
		return class(l[p.col])
	}
	next := func(p pos) (pos, bool) {
		l, _ := at(p)
		if p.col+1 < len(l) {
			return pos{p.row, p.col + 1}, true
		}
		if p.row+1 < len(b.Lines) {
			if p.col < len(l) {
				return pos{p.row, len(l)}, true // the line's end, a blank
			}
			return pos{p.row + 1, 0}, true
		}
		return p, false
	}
	prev := func(p pos) (pos, bool) {
		if p.col > 0 {
			return pos{p.row, p.col - 1}, true
		}
		if p.row > 0 {
			l, _ := at(pos{p.row - 1, 0})
			return pos{p.row - 1, max(len(l)-1, 0)}, true
		}
		return p, false
	}
	p := pos{b.Row, b.Col}
	switch k {
	case "w":
		start := cls(p)
		q, ok := next(p)
		// Leave the word the cursor is on, then the blanks after it.
		for ok && start > 0 && cls(q) == start && q.row == p.row {
			q, ok = next(q)
		}
		for ok && cls(q) == 0 {
			q, ok = next(q)
		}
		if !ok {
			l, _ := at(q)
			return q.row, max(len(l)-1, 0)
		}
		return q.row, q.col
	case "e":
		q, ok := next(p)
		for ok && cls(q) == 0 {
			q, ok = next(q)
		}
		c := cls(q)
		for ok {
			r, ok2 := next(q)
			if !ok2 || cls(r) != c || r.row != q.row || c == -1 {
				break
			}
			q = r
		}
		return q.row, q.col
	default: // b
		q, ok := prev(p)
		for ok && cls(q) == 0 {
			q, ok = prev(q)
		}
		c := cls(q)
		for ok {
			r, ok2 := prev(q)
			if !ok2 || cls(r) != c || r.row != q.row || c == -1 {
				break
			}
			q = r
		}
		return q.row, q.col
	}
}
