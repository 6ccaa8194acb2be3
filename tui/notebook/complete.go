package notebook

import (
	"context"
	"log/slog"
	"strings"
	"sync"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/notebooks"
	"github.com/floehq/floe/tui/complete"
)

// Completer is a kernel that lists what SQL cells can name, for the
// completion popup; *kernel.Session is one. Names is called from a
// command, never while the kernel runs a cell.
type Completer interface {
	Names(ctx context.Context) (*kernel.Names, error)
}

// namesMsg carries the kernel's names back to Update.
type namesMsg struct {
	names *complete.Names
	err   error
}

// completion is the state of SQL completion in the editor.
type completion struct {
	// kernelMu is held while the kernel runs a cell or lists names: the
	// session runs one thing at a time.
	kernelMu sync.Mutex

	names   *complete.Names
	loading bool
	again   bool // a run finished while names were listed: list again

	open     bool
	forced   bool // opened with ctrl+space: stays open with nothing typed
	ctx      complete.Context
	items    []complete.Item
	sel, top int
}

// popupRows is how many items the popup shows at once.
const popupRows = 8

// refreshNames lists the kernel's names in a command, if it can list them.
func (m *Model) refreshNames() tea.Cmd {
	c, ok := m.k.(Completer)
	if !ok {
		return nil
	}
	if m.comp.loading {
		m.comp.again = true
		return nil
	}
	m.comp.loading = true
	ctx, mu := m.ctx, &m.comp.kernelMu
	return func() tea.Msg {
		mu.Lock()
		defer mu.Unlock()
		n, err := c.Names(ctx)
		if err != nil {
			return namesMsg{err: err}
		}
		return namesMsg{names: completeNames(n)}
	}
}

// waitNames waits for a listing of names in flight, which ends soon once
// the context is cancelled, so the session can be closed.
func (m *Model) waitNames() {
	m.comp.kernelMu.Lock()
	defer m.comp.kernelMu.Unlock()
	m.comp.loading = false
}

// gotNames keeps the names listed; the open popup follows them.
func (m *Model) gotNames(msg namesMsg) tea.Cmd {
	m.comp.loading = false
	if msg.err != nil {
		slog.Debug("list names for completion", "err", msg.err)
	} else {
		m.comp.names = msg.names
		if m.comp.open {
			m.openPopup(m.comp.forced)
		}
	}
	if m.comp.again {
		m.comp.again = false
		return m.refreshNames()
	}
	return nil
}

// completeNames turns the kernel's names into completion's.
func completeNames(n *kernel.Names) *complete.Names {
	out := &complete.Names{Functions: n.Functions}
	add := func(rs []kernel.Relation, catalog string) {
		for _, r := range rs {
			t := complete.Table{Catalog: r.Catalog, Schema: r.Schema, Name: r.Name}
			if catalog != "" {
				t.Catalog = catalog
			}
			for _, c := range r.Columns {
				t.Columns = append(t.Columns, c.Name)
			}
			out.Tables = append(out.Tables, t)
		}
	}
	add(n.Tables, "")
	add(n.Lake, "lake")
	return out
}

// Completions returns the items of the open completion popup, or nil when
// it is closed.
func (m *Model) Completions() []complete.Item {
	if !m.comp.open {
		return nil
	}
	return m.comp.items
}

// HasNames reports whether the kernel's names have been listed.
func (m *Model) HasNames() bool { return m.comp.names != nil }

// popupKey handles ctrl+space and the keys of the open popup; it reports
// whether it used the key.
func (m *Model) popupKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	km := m.common.KeyMap
	if key.Matches(msg, km.Complete) {
		if !m.sqlCell() {
			return status("completion works in SQL cells"), true
		}
		m.openPopup(true)
		if !m.comp.open {
			return status("nothing to complete here"), true
		}
		return nil, true
	}
	if !m.comp.open {
		return nil, false
	}
	n := len(m.comp.items)
	switch {
	case key.Matches(msg, km.Editor.LineNext):
		m.comp.sel = (m.comp.sel + 1) % n
	case key.Matches(msg, km.Editor.LinePrevious):
		m.comp.sel = (m.comp.sel - 1 + n) % n
	case key.Matches(msg, km.Indent):
		m.accept()
	case key.Matches(msg, km.StopEditing):
		m.closePopup()
		if m.vim.on {
			// In vim mode esc also leaves insert mode, as with vim's
			// own completion menu.
			return nil, false
		}
	default:
		return nil, false
	}
	return nil, true
}

// typed opens, narrows or closes the popup after a key reached the editor:
// typing a name or a dot opens it, deleting narrows it, anything else
// closes it.
func (m *Model) typed(msg tea.KeyPressMsg) {
	switch {
	case !m.sqlCell():
		m.closePopup()
	case msg.Text == "." || msg.Text != "" && isNameText(msg.Text):
		m.openPopup(m.comp.open && m.comp.forced)
	case m.comp.open && key.Matches(msg, m.common.KeyMap.Editor.DeleteCharacterBackward):
		m.openPopup(m.comp.forced)
	default:
		m.closePopup()
	}
}

func isNameText(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80) {
			return false
		}
	}
	return true
}

func (m *Model) sqlCell() bool {
	if !m.editing || m.cursor >= len(m.nb.Cells) {
		return false
	}
	c := m.nb.Cells[m.cursor]
	return c.Kind == notebooks.Code && c.Lang == notebooks.LangSQL
}

// openPopup lists the items for the text at the cursor. Unless forced, it
// stays closed with nothing typed, and when the one item is what is typed.
func (m *Model) openPopup(forced bool) {
	src := m.editor.Value()
	ctx, ok := complete.At(src, caretOffset(src, m.editor.Line(), m.editor.Column()))
	if !ok || !forced && ctx.Prefix == "" && len(ctx.Qualifier) == 0 {
		m.closePopup()
		return
	}
	items := complete.Candidates(ctx, m.comp.names)
	if len(items) == 0 || !forced && len(items) == 1 && items[0].Text == ctx.Prefix {
		m.closePopup()
		return
	}
	m.comp.open, m.comp.forced, m.comp.ctx, m.comp.items = true, forced, ctx, items
	m.comp.sel, m.comp.top = 0, 0
}

func (m *Model) closePopup() {
	m.comp.open, m.comp.forced, m.comp.items = false, false, nil
}

// accept replaces the word being typed with the chosen item.
func (m *Model) accept() {
	it := m.comp.items[m.comp.sel]
	src := m.editor.Value()
	cur := caretOffset(src, m.editor.Line(), m.editor.Column())
	start := min(m.comp.ctx.Start, cur)
	m.setText(src[:start]+it.Text+src[cur:], start+len(it.Text))
	m.commit()
	m.closePopup()
}

// setText puts value in the editor with the cursor at byte offset at.
func (m *Model) setText(value string, at int) {
	// The text area puts the cursor after what it inserts: the text after
	// the cursor goes in first, then the text before it at the beginning.
	m.editor.SetValue(value[at:])
	m.editor.MoveToBegin()
	m.editor.InsertString(value[:at])
}

// caretOffset is the byte offset in src of the cursor at row and rune col.
func caretOffset(src string, row, col int) int {
	off := 0
	for i := 0; i < row; i++ {
		nl := strings.IndexByte(src[off:], '\n')
		if nl < 0 {
			return len(src)
		}
		off += nl + 1
	}
	line := src[off:]
	if nl := strings.IndexByte(line, '\n'); nl >= 0 {
		line = line[:nl]
	}
	for i := range line {
		if col == 0 {
			return off + i
		}
		col--
	}
	return off + len(line)
}
