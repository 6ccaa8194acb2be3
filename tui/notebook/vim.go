package notebook

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"

	"github.com/floehq/floe/tui/vim"
)

// vimState is the cell editor's optional vim mode (FLOE_KEYS=vim).
type vimState struct {
	on bool
	vm vim.Machine
}

// SetVim turns the editor's vim mode on or off. It starts in normal mode,
// as vim does: i inserts.
func (m *Model) SetVim(on bool) {
	m.vim.on = on
	m.common.KeyMap.Vim = on
	m.vim.vm.Reset(vim.Normal)
}

// Vim reports whether vim mode is on.
func (m *Model) Vim() bool { return m.vim.on }

// VimMode returns NORMAL, INSERT or VISUAL while a cell is edited in vim
// mode, and "" otherwise.
func (m *Model) VimMode() string {
	if !m.vim.on || !m.editing {
		return ""
	}
	return m.vim.vm.Mode.String()
}

// vimStart sets the mode a cell starts being edited in: normal, at the
// top of the text, also for an empty cell (i inserts), as vim does.
func (m *Model) vimStart() {
	if !m.vim.on {
		return
	}
	m.vim.vm.Reset(vim.Normal)
	m.editor.MoveToBegin()
}

// WantsKey reports whether the notebook takes a key that is otherwise the
// workbench's everywhere: ctrl+r is redo in vim's normal mode, and the
// find and options bars take every key but quit, save and cancel.
func (m *Model) WantsKey(msg tea.KeyPressMsg) bool {
	if !m.editing {
		return false
	}
	km := m.common.KeyMap
	if m.bar.kind != barNone {
		return !key.Matches(msg, km.Quit) && !key.Matches(msg, km.Save) && !key.Matches(msg, km.Cancel)
	}
	return m.vim.on && m.vim.vm.Mode == vim.Normal && msg.String() == "ctrl+r"
}

// vimKey handles a key in vim mode; it reports whether it used the key.
// In insert mode only esc is vim's; in normal mode every key is, and esc
// stops editing.
func (m *Model) vimKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	if !m.vim.on {
		return nil, false
	}
	km := m.common.KeyMap
	if m.vim.vm.Mode == vim.Insert {
		if !key.Matches(msg, km.StopEditing) {
			return nil, false
		}
		b := m.buffer()
		m.vim.vm.Escape(&b)
		m.apply(b, false)
		return nil, true
	}
	name := msg.Text
	if name == "" {
		name = msg.String()
	}
	if m.vim.vm.Mode == vim.Normal {
		switch name {
		case "/":
			return m.OpenFind(), true
		case "n":
			return m.FindNext(1), true
		case "N":
			return m.FindNext(-1), true
		}
	}
	b := m.buffer()
	r := m.vim.vm.Key(name, &b)
	switch {
	case r.Undo:
		m.restored = true
		return m.Undo(), true
	case r.Redo:
		m.restored = true
		return m.Redo(), true
	case r.Unhandled && key.Matches(msg, km.StopEditing):
		m.StopEditing()
	case r.Unhandled && key.Matches(msg, km.Split):
		return m.split(), true
	case r.Changed || r.Moved:
		m.apply(b, r.Changed)
	}
	return nil, true
}

// selection returns the selected text's range, from the text area's
// selection (shift and the arrows, the mouse) or vim's visual mode, the
// end just after the last character selected.
func (m *Model) selection() (from, to textarea.Position, ok bool) {
	if m.vim.on {
		if f, t, ok := m.vim.vm.Selection(m.buffer()); ok {
			return textarea.Position{Row: f.Row, Col: f.Col}, textarea.Position{Row: t.Row, Col: t.Col}, true
		}
	}
	return m.editor.Selection()
}

// buffer is the editor's text and cursor for the vim machine.
func (m *Model) buffer() vim.Buffer {
	return vim.Buffer{Lines: strings.Split(m.editor.Value(), "\n"), Row: m.editor.Line(), Col: m.editor.Column()}
}

// apply puts the machine's buffer back into the editor.
func (m *Model) apply(b vim.Buffer, changed bool) {
	v := strings.Join(b.Lines, "\n")
	m.setText(v, caretOffset(v, b.Row, b.Col))
	if changed {
		m.commit()
	}
}
