package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/floehq/floe/notebooks"
	"github.com/floehq/floe/tui/clipboard"
	"github.com/floehq/floe/tui/component"
)

// messageView is the box that shows a message whole: the status bar's,
// a catalog note, or the error of the cell under the cursor, wrapped and
// scrolled.
type messageView struct {
	title string
	text  string
	err   bool
	top   int
}

// fullMessageKey reports whether msg asks for the whole message: f2
// anywhere, ! where it does not type a character.
func (m *Model) fullMessageKey(msg tea.KeyPressMsg) bool {
	if !key.Matches(msg, m.common.KeyMap.FullMessage) || m.dialog != dialogNone || m.popups.kind != popupNone {
		return false
	}
	typing := msg.Text != "" && (m.focus == focusNotebook && m.notebook.Editing() || m.focus == focusResults && m.pager.Capturing())
	return !typing
}

// openMessage shows the message the user most likely means: the status
// bar's, else the selected catalog note, else the cell's error.
func (m *Model) openMessage() tea.Cmd {
	v := messageView{}
	switch {
	case m.message != "":
		v.title, v.text, v.err = "Message", m.message, m.isError
	case m.focus == focusCatalog && m.catalog != nil && m.catalog.SelectedNote() != "":
		v.title, v.text = "Catalog", m.catalog.SelectedNote()
	default:
		if c, ok := m.notebook.CurrentCell(); ok {
			for _, o := range c.Outputs {
				if o.Type != notebooks.OutputError {
					continue
				}
				text := o.EName + ": " + o.EValue
				if len(o.Traceback) > 0 {
					text = strings.Join(o.Traceback, "\n")
				}
				v.title, v.text, v.err = "Error of the cell", text, true
			}
		}
	}
	if v.text == "" {
		m.message, m.isError = "no message to show: the status bar is empty and the cell has no error", false
		return nil
	}
	m.showHelp = false
	m.popups.kind = popupMessage
	m.popups.message = v
	return nil
}

// messageSize is the box's text width and the lines it shows.
func (m *Model) messageSize() (w, h int) {
	return component.Clamp(m.width-8, 20, 110), max(m.height-8, 3)
}

func (m *Model) messageLines() []string {
	w, _ := m.messageSize()
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(m.popups.message.text, "\t", "    "), "\n") {
		out = append(out, strings.Split(ansi.Wrap(l, w, ""), "\n")...)
	}
	return out
}

// messageKey scrolls, copies and closes the message box.
func (m *Model) messageKey(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	km := m.common.KeyMap
	v := &m.popups.message
	lines := m.messageLines()
	_, h := m.messageSize()
	switch {
	case key.Matches(k, km.Back), key.Matches(k, km.FullMessage), k.String() == "q", k.String() == "enter", k.String() == "ctrl+c":
		m.popups.kind = popupNone
		return nil
	case key.Matches(k, km.CopyCell):
		return clipboard.Copy("the message", v.text)
	case key.Matches(k, km.Up):
		v.top--
	case key.Matches(k, km.Down):
		v.top++
	case key.Matches(k, km.PageUp):
		v.top -= h
	case key.Matches(k, km.PageDown):
		v.top += h
	}
	v.top = component.Clamp(v.top, 0, len(lines)-h)
	return nil
}

// messageBox draws the message box.
func (m *Model) messageBox() string {
	st := m.common.Styles
	v := m.popups.message
	lines := m.messageLines()
	w, h := m.messageSize()
	end := min(v.top+h, len(lines))
	body := []string{st.HelpGroup.Render(v.title), ""}
	for _, l := range lines[v.top:end] {
		if v.err {
			l = st.Error.Render(l)
		}
		body = append(body, l)
	}
	foot := "y copy · esc close"
	if len(lines) > h {
		foot = "↑↓ scroll · " + foot
	}
	body = append(body, "", st.Muted.Render(ansi.Truncate(foot, w, "…")))
	return st.Overlay.Render(strings.Join(body, "\n"))
}
