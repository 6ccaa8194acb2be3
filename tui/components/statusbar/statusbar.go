package statusbar

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/floehq/floe/tui/component"
)

// State is what the status bar shows; the app fills it before each frame.
type State struct {
	Warehouse string
	File      string
	Dirty     bool
	Mode      string // NORMAL, EDIT, RESULTS, CATALOG
	// Kernel is what the kernel does: "kernel idle", "kernel running 1.20s".
	Kernel  string
	Running bool
	// Last describes the last run: "12ms · 1,234 rows".
	Last    string
	Message string
	IsError bool
	Help    string // the key to press for help
	// FullKey is the key that shows a message cut to fit whole ("!"); a
	// cut message says so.
	FullKey string
}

// The compiler checks that Model is a screen component.
var _ component.Component = (*Model)(nil)

// Model is the status bar component.
type Model struct {
	common component.Common
	width  int
	State  State
}

// New returns a status bar.
func New(c component.Common) *Model { return &Model{common: c} }

// Init does nothing.
func (m *Model) Init() tea.Cmd { return nil }

// Update does nothing: the app sets State.
func (m *Model) Update(tea.Msg) tea.Cmd { return nil }

// SetSize sets the width; the bar is one line high.
func (m *Model) SetSize(width, _ int) { m.width = width }

// View draws the bar. When the line is too narrow the message goes first,
// then the warehouse, so the file, the kernel state and the help key stay.
func (m *Model) View() string {
	st := m.common.Styles
	s := m.State
	item := func(text string) string { return st.StatusItem.Render(" " + text + " ") }
	sepText := "│"
	left := []string{st.StatusBrand.Render(" " + s.Mode + " ")}
	file := s.File
	if s.Dirty {
		file += " ●"
		if st.NoColor {
			file += " modified"
		}
	}
	fileItem := item(file)
	if s.Dirty {
		fileItem = st.StatusDirty.Render(" " + file + " ")
	}
	left = append(left, fileItem)
	kernelItem := item(s.Kernel)
	if s.Running {
		kernelItem = st.StatusRunning.Render(" " + s.Kernel + " ")
	}
	left = append(left, kernelItem)
	if s.Last != "" {
		left = append(left, item(s.Last))
	}
	right := []string{}
	if s.Warehouse != "" {
		right = append(right, item(s.Warehouse))
	}
	right = append(right, item(s.Help))

	msg := ""
	if s.Message != "" {
		if s.IsError {
			msg = st.StatusError.Render(" " + s.Message + " ")
		} else {
			msg = st.StatusMessage.Render(" " + s.Message + " ")
		}
	}
	sep := st.StatusItem.Render(sepText)
	join := func(parts []string) string { return strings.Join(parts, sep) }
	// Drop what matters least until the rest fits: the warehouse, then
	// the last run, so that a message shows whole when it can; then cut
	// the message, saying which key shows it whole.
	for {
		l, r := join(left), join(right)
		room := m.width - ansi.StringWidth(l) - ansi.StringWidth(r)
		if msg != "" && ansi.StringWidth(msg) <= room-1 {
			l += sep + msg
			room -= 1 + ansi.StringWidth(msg)
			return l + st.StatusBar.Render(strings.Repeat(" ", room)) + r
		}
		if msg == "" && room >= 0 {
			return l + st.StatusBar.Render(strings.Repeat(" ", room)) + r
		}
		switch {
		case len(right) > 1:
			right = right[1:]
			continue
		case len(left) > 3:
			left = left[:len(left)-1]
			continue
		}
		if msg != "" && room >= 9 {
			style := st.StatusMessage
			if s.IsError {
				style = st.StatusError
			}
			tail := "…"
			if s.FullKey != "" {
				tail = "… (" + s.FullKey + " full) "
			}
			if ansi.StringWidth(tail) > room-1-4 {
				tail = "…"
			}
			mm := style.Render(ansi.Truncate(ansi.Strip(msg), room-1, tail))
			l += sep + mm
			room -= 1 + ansi.StringWidth(mm)
			return l + st.StatusBar.Render(strings.Repeat(" ", room)) + r
		}
		if msg != "" {
			msg = ""
			continue
		}
		return ansi.Truncate(l+r, m.width, "")
	}
}

// ShortHelp lists nothing: the bar has no keys.
func (m *Model) ShortHelp() []key.Binding { return nil }

// FullHelp lists nothing: the bar has no keys.
func (m *Model) FullHelp() [][]key.Binding { return nil }
