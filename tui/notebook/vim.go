package notebook

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/floehq/floe/tui/vim"
)

// vimState is the cell editor's optional vim mode (FLOE_KEYS=vim).
type vimState struct {
	on bool
	vm vim.Machine
}

// SetVim turns the editor's vim mode on or off. A cell being edited goes
// on in insert mode, so what is being typed is not taken for commands.
func (m *Model) SetVim(on bool) {
	m.vim.on = on
	m.common.KeyMap.Vim = on
	m.vim.vm.Reset(vim.Insert)
}

// Vim reports whether vim mode is on.
func (m *Model) Vim() bool { return m.vim.on }

// VimMode returns NORMAL or INSERT while a cell is edited in vim mode, and
// "" otherwise.
func (m *Model) VimMode() string {
	if !m.vim.on || !m.editing {
		return ""
	}
	return m.vim.vm.Mode.String()
}

// vimStart sets the mode a cell starts being edited in: normal, at the
// top of the text; insert for an empty cell.
func (m *Model) vimStart() {
	if !m.vim.on {
		return
	}
	if m.editor.Value() == "" {
		m.vim.vm.BeginInsert(m.buffer())
		return
	}
	m.vim.vm.Reset(vim.Normal)
	m.editor.MoveToBegin()
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
	b := m.buffer()
	r := m.vim.vm.Key(name, &b)
	switch {
	case r.Unhandled && key.Matches(msg, km.StopEditing):
		m.StopEditing()
	case r.Unhandled && key.Matches(msg, km.Split):
		return m.split(), true
	case r.Changed || r.Moved:
		m.apply(b, r.Changed)
	}
	return nil, true
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
