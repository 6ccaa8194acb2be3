package notebook

import (
	"fmt"
	"strings"
	"unicode"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/floehq/floe/notebooks"
)

// The bar is one line under the edited cell that takes the keys: find and
// replace in the cell (ctrl+f), or the cell's options (O).

// barKind is which bar is open.
type barKind int

const (
	barNone barKind = iota
	barFind
	barOptions
)

// bar is the state of the bars.
type bar struct {
	kind barKind
	// onReplace is whether the replace field of the find bar has the keys.
	onReplace     bool
	find, replace textinput.Model
	options       textinput.Model
	// last is the last text searched for, for n and N after the bar closed.
	last string
}

// match is one occurrence of the text searched for: n runes from col of
// line row.
type match struct{ row, col, n int }

func newInput(prompt string) textinput.Model {
	in := textinput.New()
	in.Prompt = prompt
	return in
}

// OpenFind opens the find bar on the edited cell, with the selection (on
// one line) or the last text searched for.
func (m *Model) OpenFind() tea.Cmd {
	if !m.editing {
		if cmd := m.StartEditing(); cmd == nil && !m.editing {
			return nil
		}
	}
	if m.bar.find.Prompt == "" {
		m.bar.find, m.bar.replace = newInput("find: "), newInput("replace: ")
	}
	text := m.bar.last
	if sel := m.editor.SelectedText(); sel != "" && !strings.Contains(sel, "\n") {
		text = sel
	}
	m.bar.kind, m.bar.onReplace = barFind, false
	m.bar.find.SetValue(text)
	m.bar.find.CursorEnd()
	m.bar.replace.Blur()
	m.editor.ClearSelection()
	return m.bar.find.Focus()
}

// EditOptions opens the options bar on the cell under the cursor: its
// option line (name=top chart=bar:x,y assert rows=20 timeout=30s), checked
// by the notebook's own parser when enter sets it.
func (m *Model) EditOptions() tea.Cmd {
	if len(m.nb.Cells) == 0 {
		return nil
	}
	c := m.nb.Cells[m.cursor]
	if c.Kind != notebooks.Code {
		return statusError("markdown cells have no options; make it a code cell first (1 sql, 2 go, 3 ask)")
	}
	var cmd tea.Cmd
	if !m.editing {
		cmd = m.StartEditing()
	}
	m.closePopup()
	if m.bar.options.Prompt == "" {
		m.bar.options = newInput("options: ")
		m.bar.options.Placeholder = strings.Join(notebooks.OptionNames(), "= ") + "="
	}
	m.bar.kind = barOptions
	m.bar.options.SetValue(c.Options.String())
	m.bar.options.CursorEnd()
	return tea.Batch(cmd, m.bar.options.Focus())
}

// barKey handles a key while a bar is open.
func (m *Model) barKey(msg tea.KeyPressMsg) tea.Cmd {
	km := m.common.KeyMap
	if key.Matches(msg, km.StopEditing) {
		m.bar.kind = barNone
		return nil
	}
	if m.bar.kind == barOptions {
		if key.Matches(msg, km.Editor.InsertNewline) {
			return m.setOptions(m.bar.options.Value())
		}
		var cmd tea.Cmd
		m.bar.options, cmd = m.bar.options.Update(msg)
		return cmd
	}
	switch {
	case key.Matches(msg, km.FindField):
		m.bar.onReplace = !m.bar.onReplace
		if m.bar.onReplace {
			m.bar.find.Blur()
			return m.bar.replace.Focus()
		}
		m.bar.replace.Blur()
		return m.bar.find.Focus()
	case m.bar.onReplace && key.Matches(msg, km.ReplaceAll):
		return m.ReplaceAll()
	case m.bar.onReplace && key.Matches(msg, km.ReplaceOne):
		return m.ReplaceOne()
	case key.Matches(msg, km.FindNext):
		return m.FindNext(1)
	case key.Matches(msg, km.FindPrev):
		return m.FindNext(-1)
	}
	var cmd tea.Cmd
	if m.bar.onReplace {
		m.bar.replace, cmd = m.bar.replace.Update(msg)
		return cmd
	}
	before := m.bar.find.Value()
	m.bar.find, cmd = m.bar.find.Update(msg)
	if q := m.bar.find.Value(); q != before {
		// Incremental: the first match from the start of the match the
		// cursor is on, or from the cursor.
		m.bar.last = q
		if ms := m.matches(q); len(ms) > 0 {
			row, col := m.editor.Line(), m.editor.Column()
			at := ms[0]
			for _, mt := range ms {
				if mt.row > row || mt.row == row && mt.col >= col {
					at = mt
					break
				}
			}
			m.moveTo(at.row, at.col)
		}
	}
	return cmd
}

// barUpdate passes a paste or the cursor's blink to the open bar.
func (m *Model) barUpdate(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch {
	case m.bar.kind == barOptions:
		m.bar.options, cmd = m.bar.options.Update(msg)
	case m.bar.onReplace:
		m.bar.replace, cmd = m.bar.replace.Update(msg)
	default:
		m.bar.find, cmd = m.bar.find.Update(msg)
	}
	return cmd
}

// setOptions sets the cell's options from an option line: a line the
// notebook's parser rejects changes nothing, and its error is shown.
func (m *Model) setOptions(line string) tea.Cmd {
	o, err := notebooks.ParseOptions(strings.TrimSpace(line))
	if err != nil {
		return statusError("options not set: %v", err)
	}
	c := &m.nb.Cells[m.cursor]
	m.bar.kind = barNone
	if c.Options.Equal(o) {
		return status("options unchanged")
	}
	c.Options = o
	m.edited(c.ID)
	if s := o.String(); s != "" {
		return status("options set: %s", s)
	}
	return status("options cleared")
}

// SetOptions sets the options of the cell under the cursor from an option
// line, as the options bar does.
func (m *Model) SetOptions(line string) tea.Cmd {
	if c := m.nb.Cells[m.cursor]; c.Kind != notebooks.Code {
		return statusError("markdown cells have no options")
	}
	return m.setOptions(line)
}

// matches finds q in the edited text, line by line: case-insensitively
// unless q has a capital letter (vim's smartcase).
func (m *Model) matches(q string) []match {
	return findAll(m.editor.Value(), q)
}

func findAll(text, q string) []match {
	if q == "" {
		return nil
	}
	fold := strings.IndexFunc(q, unicode.IsUpper) < 0
	needle := []rune(q)
	if fold {
		needle = []rune(strings.ToLower(q))
	}
	var out []match
	for row, line := range strings.Split(text, "\n") {
		rs := []rune(line)
		if fold {
			rs = []rune(strings.ToLower(line))
		}
		for col := 0; col+len(needle) <= len(rs); col++ {
			if string(rs[col:col+len(needle)]) == string(needle) {
				out = append(out, match{row, col, len(needle)})
				col += len(needle) - 1
			}
		}
	}
	return out
}

// FindNext moves the cursor to the next match of the text searched for
// (d < 0: the previous one), wrapping around the cell.
func (m *Model) FindNext(d int) tea.Cmd {
	q := m.bar.last
	if m.bar.kind == barFind {
		q = m.bar.find.Value()
	}
	if q == "" {
		return status("nothing to find: %s opens the find bar", m.common.KeyMap.Find.Help().Key)
	}
	ms := m.matches(q)
	if len(ms) == 0 {
		return statusError("no match for %q in this cell", q)
	}
	row, col := m.editor.Line(), m.editor.Column()
	i := -1
	if d > 0 {
		for k, mt := range ms {
			if mt.row > row || mt.row == row && mt.col > col {
				i = k
				break
			}
		}
		if i < 0 {
			i = 0
		}
	} else {
		for k := len(ms) - 1; k >= 0; k-- {
			if mt := ms[k]; mt.row < row || mt.row == row && mt.col < col {
				i = k
				break
			}
		}
		if i < 0 {
			i = len(ms) - 1
		}
	}
	m.moveTo(ms[i].row, ms[i].col)
	return status("match %d of %d for %q", i+1, len(ms), q)
}

// current returns the match the cursor is at the start of.
func (m *Model) current(ms []match) (match, bool) {
	row, col := m.editor.Line(), m.editor.Column()
	for _, mt := range ms {
		if mt.row == row && mt.col == col {
			return mt, true
		}
	}
	return match{}, false
}

// ReplaceOne replaces the match at the cursor (or, when the cursor is on
// none, goes to the next) and moves to the next match.
func (m *Model) ReplaceOne() tea.Cmd {
	q := m.bar.find.Value()
	ms := m.matches(q)
	mt, ok := m.current(ms)
	if !ok {
		return m.FindNext(1)
	}
	before := m.textState()
	lines := strings.Split(before.text, "\n")
	rs := []rune(lines[mt.row])
	with := m.bar.replace.Value()
	lines[mt.row] = string(rs[:mt.col]) + with + string(rs[mt.col+mt.n:])
	text := strings.Join(lines, "\n")
	m.setText(text, caretOffset(text, mt.row, mt.col+len([]rune(with))))
	m.commit()
	m.record(before, editOther)
	if len(ms) == 1 {
		return status("replaced the last match of %q", q)
	}
	return m.FindNext(1)
}

// ReplaceAll replaces every match in the cell, as one step of undo.
func (m *Model) ReplaceAll() tea.Cmd {
	q := m.bar.find.Value()
	ms := m.matches(q)
	if len(ms) == 0 {
		return statusError("no match for %q in this cell", q)
	}
	before := m.textState()
	with := []rune(m.bar.replace.Value())
	lines := strings.Split(before.text, "\n")
	for k := len(ms) - 1; k >= 0; k-- {
		mt := ms[k]
		rs := []rune(lines[mt.row])
		lines[mt.row] = string(rs[:mt.col]) + string(with) + string(rs[mt.col+mt.n:])
	}
	text := strings.Join(lines, "\n")
	m.setText(text, caretOffset(text, before.row, before.col))
	m.commit()
	m.record(before, editOther)
	return status("replaced %d match%s of %q", len(ms), es(len(ms)), q)
}

func es(n int) string {
	if n == 1 {
		return ""
	}
	return "es"
}

// moveTo puts the editor's cursor at a line and rune column.
func (m *Model) moveTo(row, col int) {
	m.editor.ClearSelection()
	m.editor.MoveToBegin()
	for range row {
		m.editor.CursorDown()
	}
	m.editor.SetCursorColumn(col)
}

// barLine draws the open bar in w columns.
func (m *Model) barLine(w int) string {
	st := m.common.Styles
	switch m.bar.kind {
	case barOptions:
		return fit(m.bar.options.View()+st.Muted.Render("  enter sets · esc cancels"), w)
	case barFind:
		q := m.bar.find.Value()
		count := ""
		if q != "" {
			ms := m.matches(q)
			if mt, ok := m.current(ms); ok {
				for i, x := range ms {
					if x == mt {
						count = fmt.Sprintf("%d/%d", i+1, len(ms))
					}
				}
			} else {
				count = fmt.Sprintf("%d matches", len(ms))
			}
		}
		hint := "enter next · tab replace · esc close"
		if m.bar.onReplace {
			hint = "enter replace · ctrl+a all · tab find · esc close"
		}
		return fit(m.bar.find.View()+"  "+m.bar.replace.View()+"  "+st.Muted.Render(count+"  "+hint), w)
	}
	return ""
}
