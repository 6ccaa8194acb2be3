package diffview

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"

	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/tui/component"
)

// contextLines is how many unchanged lines show around each change.
const contextLines = 3

// Model is the overlay of a proposed fix: the cell's diff, the agent's
// reason and who proposed it. The workbench asks it for its box and turns
// y, n and esc into accepting or rejecting the fix.
type Model struct {
	common        component.Common
	width, height int // the screen's size; the box fits inside
	fix           *kernel.Fix
	label         string // what users call the cell: "cell 3"
	diff          []Line
	top           int // first diff line shown
}

// New returns an empty overlay.
func New(c component.Common) *Model { return &Model{common: c} }

// SetFix shows fx, a fix of the cell users call label ("cell 3").
func (m *Model) SetFix(fx *kernel.Fix, label string) {
	m.fix, m.top, m.label = fx, 0, label
	m.diff = Unified(fx.Old, fx.Source, contextLines)
}

// Fix returns the fix shown, or nil.
func (m *Model) Fix() *kernel.Fix { return m.fix }

// Diff returns the diff shown.
func (m *Model) Diff() []Line { return m.diff }

// SetSize sets the size of the screen the box is drawn over.
func (m *Model) SetSize(width, height int) { m.width, m.height = width, height }

// Scroll moves the diff by d lines.
func (m *Model) Scroll(d int) {
	m.top = component.Clamp(m.top+d, 0, len(m.diff)-m.diffRows())
}

// boxWidth is the width inside the box's border and padding.
func (m *Model) boxWidth() int { return component.Clamp(m.width-8, 20, 100) }

// diffRows is how many diff lines fit.
func (m *Model) diffRows() int { return max(m.height-12, 3) }

// View draws the box: a title, the diff, the reason and the keys.
func (m *Model) View() string {
	if m.fix == nil {
		return ""
	}
	st := m.common.Styles
	w := m.boxWidth()
	fx := m.fix
	var lines []string
	check := "not run to check it"
	switch {
	case fx.Verified:
		check = "✓ ran without error"
	case fx.Lang == "go":
		check = "Go is never run by the agent"
	}
	lines = append(lines, st.HelpGroup.Render(cut(fmt.Sprintf("Fix with AI · %s · %s", m.label, fx.Lang), w)))
	lines = append(lines, st.Muted.Render(cut(fx.Provider+" · "+check+" · "+fx.Usage.String(), w)), "")
	rows := m.diffRows()
	end := min(m.top+rows, len(m.diff))
	if len(m.diff) == 0 {
		lines = append(lines, st.Muted.Render("the proposal is the cell as it is"))
	}
	for _, l := range m.diff[m.top:end] {
		lines = append(lines, m.line(l, w))
	}
	if len(m.diff) > rows {
		lines = append(lines, st.Muted.Render(fmt.Sprintf("lines %d-%d of %d · ↑/↓ scroll", m.top+1, end, len(m.diff))))
	}
	lines = append(lines, "")
	if fx.Explanation != "" {
		lines = append(lines, strings.Split(ansi.Wrap(fx.Explanation, w, ""), "\n")...)
	}
	for _, n := range fx.Notes {
		// Notes are the agent's reasons: whole, wrapped.
		for _, l := range strings.Split(ansi.Wrap("note: "+n, w, ""), "\n") {
			lines = append(lines, st.Warn.Render(l))
		}
	}
	lines = append(lines, "", keys(st.HelpKey.Render, st.HelpDesc.Render, m.common.KeyMap.Yes, key.NewBinding(key.WithHelp("n/esc", "keep the cell as it is"))))
	return st.Overlay.Render(strings.Join(lines, "\n"))
}

func (m *Model) line(l Line, w int) string {
	st := m.common.Styles
	switch l.Op {
	case Hunk:
		return st.Accent.Render(cut(l.Text, w))
	case Delete:
		return st.Error.Render(cut("-"+l.Text, w))
	case Insert:
		return st.OK.Render(cut("+"+l.Text, w))
	}
	return st.Muted.Render(cut(" "+l.Text, w))
}

func keys(k, d func(...string) string, bs ...key.Binding) string {
	var parts []string
	for _, b := range bs {
		desc := b.Help().Desc
		if b.Help().Key == "y" {
			desc = "replace the cell (it does not run)"
		}
		parts = append(parts, k(b.Help().Key)+" "+d(desc))
	}
	return strings.Join(parts, "  ")
}

func cut(s string, w int) string { return ansi.Truncate(strings.ReplaceAll(s, "\t", "    "), w, "…") }

// Pending draws the box shown while a fix of the cell called label ("cell
// 3") is asked for.
func Pending(c component.Common, label, elapsed, spin string) string {
	st := c.Styles
	body := st.HelpGroup.Render("Fix with AI · "+label) + "\n\n" +
		spin + " asking the data agent for a fix… " + elapsed + "\n\n" +
		st.HelpKey.Render("esc") + " " + st.HelpDesc.Render("cancel")
	return st.Overlay.Render(body)
}
