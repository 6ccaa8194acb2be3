package notebook

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"

	"github.com/floehq/floe/tui/vim"
)

// Undo and redo keep, for each cell, the states of its text before each
// change: the text and the cursor. Every change made in the editor is
// recorded the same way, whatever made it (a key, vim, a paste, a
// completion, a find-and-replace, the formatter), by comparing the text
// before and after; runs of typing are grouped into one step per word, or
// until a pause, as editors do.

// textState is the editor's text and cursor (a line and a rune column).
type textState struct {
	text     string
	row, col int
}

// editKind is what made a change, for grouping typing into steps.
type editKind int

const (
	editOther  editKind = iota // one step on its own: paste, ctrl+u, vim, ...
	editTyping                 // a character typed
	editErase                  // a character erased with backspace or delete
)

// undoPause ends a group of typing: a key after it starts a new step.
const undoPause = time.Second

// maxUndo bounds the steps kept per cell; the oldest go first.
const maxUndo = 500

// history is one cell's undo and redo stacks.
type history struct {
	undo, redo []textState
	// last is the state after the last change recorded, kind what made it
	// and at when: typing continues a group only from there.
	last textState
	kind editKind
	at   time.Time
}

// textState returns the editor's text and cursor.
func (m *Model) textState() textState {
	return textState{text: m.editor.Value(), row: m.editor.Line(), col: m.editor.Column()}
}

// history returns the history of the cell being edited, made on first use.
func (m *Model) history() *history {
	if m.histories == nil {
		m.histories = map[string]*history{}
	}
	id := m.nb.Cells[m.cursor].ID
	h := m.histories[id]
	if h == nil {
		h = &history{}
		m.histories[id] = h
	}
	return h
}

// startHistory is called when a cell starts being edited: if its text
// changed since the history last saw it (a merge, a split, text put in
// from the history browser), that change becomes a step of its own, so
// undo never skips over it.
func (m *Model) startHistory() {
	h := m.history()
	now := m.textState()
	if len(h.undo) > 0 || len(h.redo) > 0 {
		if h.last.text != now.text {
			h.push(h.last)
			h.redo = nil
		}
	}
	h.last, h.kind = now, editOther
}

func (h *history) push(s textState) {
	h.undo = append(h.undo, s)
	if len(h.undo) > maxUndo {
		h.undo = h.undo[len(h.undo)-maxUndo:]
	}
}

// record notes a change from before to the editor's present state, made
// by kind. Typing goes on in the step of the typing before it when it
// continues from where that left off, within undoPause, and does not start
// a new word; anything else is a new step.
func (m *Model) record(before textState, kind editKind) {
	if !m.editing {
		return
	}
	after := m.textState()
	h := m.history()
	if m.restored {
		// vim's u or ctrl+r: already in the history.
		m.restored = false
		return
	}
	if after.text == before.text {
		h.last = after // a move: typing after it starts a new step
		h.kind = editOther
		return
	}
	now := m.now()
	group := kind != editOther && kind == h.kind && before == h.last &&
		now.Sub(h.at) < undoPause && !(kind == editTyping && startsWord(before, after))
	if !group {
		h.push(before)
	}
	h.redo = nil
	h.last, h.kind, h.at = after, kind, now
}

// startsWord reports whether the character typed from before to after
// begins a word: a letter or digit after a space or the start of a line.
func startsWord(before, after textState) bool {
	if after.row != before.row || after.col != before.col+1 {
		return true // not one character typed on the line
	}
	line := lineOf(after.text, after.row)
	typed, prev := runeAt(line, after.col-1), runeAt(line, after.col-2)
	return !unicode.IsSpace(typed) && (prev == 0 || unicode.IsSpace(prev))
}

// lineOf returns line row of text.
func lineOf(text string, row int) string {
	for range row {
		i := strings.IndexByte(text, '\n')
		if i < 0 {
			return ""
		}
		text = text[i+1:]
	}
	if i := strings.IndexByte(text, '\n'); i >= 0 {
		return text[:i]
	}
	return text
}

// runeAt returns rune i of s, or 0 outside it.
func runeAt(s string, i int) rune {
	if i < 0 {
		return 0
	}
	for _, r := range s {
		if i == 0 {
			return r
		}
		i--
	}
	return 0
}

// kindOf says what kind of change a key makes, for grouping.
func (m *Model) kindOf(msg tea.KeyPressMsg) editKind {
	e := m.common.KeyMap.Editor
	switch {
	case m.vim.on && m.vim.vm.Mode != vim.Insert: // vim's normal and visual commands
		return editOther
	case msg.Text != "" && utf8.RuneCountInString(msg.Text) == 1 && msg.Text != "\n":
		return editTyping
	case keyIn(msg, e.DeleteCharacterBackward.Keys()), keyIn(msg, e.DeleteCharacterForward.Keys()):
		return editErase
	}
	return editOther
}

func keyIn(msg tea.KeyPressMsg, keys []string) bool {
	s := msg.String()
	for _, k := range keys {
		if k == s {
			return true
		}
	}
	return false
}

// Undo goes back one step in the edited cell, the cursor where it was.
func (m *Model) Undo() tea.Cmd {
	if !m.editing {
		return status("undo works while editing a cell: enter, then %s", m.common.KeyMap.Undo.Help().Key)
	}
	h := m.history()
	if len(h.undo) == 0 {
		return status("nothing to undo in this cell")
	}
	s := h.undo[len(h.undo)-1]
	h.undo = h.undo[:len(h.undo)-1]
	h.redo = append(h.redo, m.textState())
	m.restore(s)
	return status("undone (%d more step%s)", len(h.undo), plural(len(h.undo)))
}

// Redo goes forward one step undone.
func (m *Model) Redo() tea.Cmd {
	if !m.editing {
		return status("redo works while editing a cell")
	}
	h := m.history()
	if len(h.redo) == 0 {
		return status("nothing to redo in this cell")
	}
	s := h.redo[len(h.redo)-1]
	h.redo = h.redo[:len(h.redo)-1]
	h.push(m.textState())
	m.restore(s)
	return status("redone (%d more step%s)", len(h.redo), plural(len(h.redo)))
}

// restore puts a state in the editor and the cell.
func (m *Model) restore(s textState) {
	m.editor.ClearSelection()
	m.setText(s.text, caretOffset(s.text, s.row, s.col))
	m.commit()
	h := m.history()
	h.last, h.kind = m.textState(), editOther
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
