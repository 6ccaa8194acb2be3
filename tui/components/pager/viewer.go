package pager

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/tui/clipboard"
	"github.com/floehq/floe/tui/component"
)

// viewer is the value viewer: the selected value whole, wrapped to the
// box, JSON pretty-printed when it is JSON or a struct, list or map.
type viewer struct {
	title string
	text  string // what y copies: the value as shown, unwrapped
	lines []string
	width int // the width lines were wrapped at
	top   int
}

// Set is one result set of a cell, for [ and ]: a cell of several
// statements has one per statement that returned rows.
type Set struct {
	Table *kernel.Table
	Title string
}

// startView opens the value viewer on the selected value.
func (m *Model) startView() tea.Cmd {
	v, ok := m.value()
	if !ok {
		return nil
	}
	col := m.t.Columns[m.col]
	typ := ""
	if m.col < len(m.t.Types) {
		typ = strings.ToLower(m.t.Types[m.col])
	}
	text, pretty := ValueText(v)
	title := fmt.Sprintf("%s · row %s · %s · %s", col, Count(int64(m.row+1)), typ, clipboard.Bytes(len(kernel.FormatValue(v))))
	if pretty {
		title += " · JSON, pretty-printed"
	}
	m.modal = modal{kind: modalValue, view: viewer{title: title, text: text}}
	return nil
}

// ValueText is a value as the viewer shows it: JSON text, and lists,
// maps and structs, pretty-printed as JSON (pretty is true then); NULL as
// NULL; anything else as the grid formats it.
func ValueText(v any) (text string, pretty bool) {
	switch x := v.(type) {
	case nil:
		return "NULL", false
	case string:
		t := strings.TrimSpace(x)
		if (strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[")) && json.Valid([]byte(t)) {
			var b bytes.Buffer
			if json.Indent(&b, []byte(t), "", "  ") == nil {
				return b.String(), true
			}
		}
		return x, false
	case []any, map[string]any:
		if b, err := json.MarshalIndent(jsonable(x), "", "  "); err == nil {
			return string(b), true
		}
	default:
		// DuckDB's MAP scans as a map with keys of any type.
		if j := jsonable(v); j != nil {
			if _, isMap := j.(map[string]any); isMap {
				if b, err := json.MarshalIndent(j, "", "  "); err == nil {
					return string(b), true
				}
			}
		}
	}
	return kernel.FormatValue(v), false
}

// jsonable turns the driver's nested values into what encoding/json
// writes: maps with keys of any type get string keys, other scalars are
// formatted as the grid does when JSON has no form for them.
func jsonable(v any) any {
	switch x := v.(type) {
	case nil, bool, string, float64, float32, int, int8, int16, int32, int64, uint8, uint16, uint32, uint64:
		return x
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonable(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = jsonable(e)
		}
		return out
	}
	if m, ok := mapOfAny(v); ok {
		return m
	}
	return kernel.FormatValue(v)
}

// mapOfAny converts a map with keys of any type (DuckDB's MAP) to one
// with string keys.
func mapOfAny(v any) (map[string]any, bool) {
	type anyMap = map[any]any
	x, ok := v.(anyMap)
	if !ok {
		return nil, false
	}
	out := make(map[string]any, len(x))
	for k, e := range x {
		out[kernel.FormatValue(k)] = jsonable(e)
	}
	return out, true
}

// viewerSize is the box's text width and the lines it shows.
func (m *Model) viewerSize() (w, h int) {
	return component.Clamp(m.width-8, 20, 110), max(m.height-10, 3)
}

// wrapView wraps the viewer's text to the box, when the width changed.
func (m *Model) wrapView() {
	v := &m.modal.view
	w, _ := m.viewerSize()
	if v.width == w && v.lines != nil {
		return
	}
	v.width = w
	v.lines = v.lines[:0]
	for _, l := range strings.Split(strings.ReplaceAll(v.text, "\t", "    "), "\n") {
		v.lines = append(v.lines, strings.Split(ansi.Hardwrap(l, w, true), "\n")...)
	}
}

// viewerKey scrolls, copies and closes the viewer.
func (m *Model) viewerKey(msg tea.KeyPressMsg) tea.Cmd {
	km := m.common.KeyMap
	m.wrapView()
	v := &m.modal.view
	_, h := m.viewerSize()
	switch {
	case key.Matches(msg, km.Back), key.Matches(msg, km.ViewValue), msg.String() == "q", msg.String() == "ctrl+c":
		m.modal = modal{}
		return nil
	case key.Matches(msg, km.CopyCell), key.Matches(msg, km.CopyRow):
		return clipboard.Copy(fmt.Sprintf("%s of row %d", m.t.Columns[m.col], m.row+1), v.text)
	case key.Matches(msg, km.Up):
		v.top--
	case key.Matches(msg, km.Down):
		v.top++
	case key.Matches(msg, km.PageUp):
		v.top -= h
	case key.Matches(msg, km.PageDown):
		v.top += h
	case key.Matches(msg, km.Top):
		v.top = 0
	case key.Matches(msg, km.Bottom):
		v.top = len(v.lines)
	}
	v.top = component.Clamp(v.top, 0, len(v.lines)-h)
	return nil
}

// viewerBox draws the viewer's box.
func (m *Model) viewerBox() string {
	st := m.common.Styles
	m.wrapView()
	v := &m.modal.view
	w, h := m.viewerSize()
	end := min(v.top+h, len(v.lines))
	lines := []string{st.HelpGroup.Render(ansi.Truncate(v.title, w, "…")), ""}
	lines = append(lines, v.lines[v.top:end]...)
	where := fmt.Sprintf("lines %d–%d of %d", v.top+1, end, len(v.lines))
	if len(v.lines) <= h {
		where = Rows(int64(len(v.lines)))
		where = strings.Replace(where, "row", "line", 1)
	}
	lines = append(lines, "", st.Muted.Render(ansi.Truncate(where+" · ↑↓ pgup pgdn scroll · y copy · esc close", w, "…")))
	return st.Overlay.Render(strings.Join(lines, "\n"))
}

// SetSets gives the pager every result set of the shown cell, for [ and
// ]; the shown table is one of them.
func (m *Model) SetSets(sets []Set) { m.sets = sets }

// switchSet shows the result set d away from the shown one.
func (m *Model) switchSet(d int) tea.Cmd {
	if len(m.sets) < 2 {
		return status(false, "this cell has one result set; [ and ] switch between the results of a cell of several statements")
	}
	i := m.setIndex()
	i = (i + d + len(m.sets)) % len(m.sets)
	sets := m.sets
	m.SetTable(sets[i].Table, sets[i].Title)
	m.sets = sets
	return nil
}

// setIndex is the shown table's place among the sets, or 0.
func (m *Model) setIndex() int {
	for i, s := range m.sets {
		if s.Table == m.t {
			return i
		}
	}
	return 0
}
