package tui

import (
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/floehq/floe/tui/component"
	"github.com/floehq/floe/tui/components/historyview"
	"github.com/floehq/floe/tui/components/palette"
)

// popup is the list open over the screen, if any.
type popup int

const (
	popupNone    popup = iota
	popupPalette       // the command palette
	popupHistory       // the query history browser
	popupMessage       // a message shown whole (message.go)
)

// popups are the command palette and the history browser: filter lists
// that take the keys while open and close on a choice or esc.
type popups struct {
	kind    popup
	palette *palette.Model
	history *historyview.Model
	// cmds are the commands the open palette lists, by its item index.
	cmds []Command
	// message is the message box's message.
	message messageView
}

func newPopups(c component.Common) popups {
	return popups{palette: palette.New(c), history: historyview.New(c)}
}

func (p *popups) setSize(w, h int) {
	p.palette.SetSize(w, h)
	p.history.SetSize(w, h)
}

// mode is the status bar's mode while a popup is open.
func (p *popups) mode() string {
	switch p.kind {
	case popupHistory:
		return "HISTORY"
	case popupMessage:
		return "MESSAGE"
	}
	return "COMMANDS"
}

// openPalette lists every command, from the registry, with its key from
// the live key map.
func (m *Model) openPalette() tea.Cmd {
	m.showHelp = false
	cmds := registry()
	items := make([]palette.Item, len(cmds))
	for i, c := range cmds {
		items[i] = palette.Item{Name: c.Name, Help: c.Help, Key: c.keyHelp(m), Disabled: !c.enabled(m)}
	}
	m.popups.cmds = cmds
	m.popups.kind = popupPalette
	return m.popups.palette.Open(items)
}

// openHistory shows the query history, newest first.
func (m *Model) openHistory() tea.Cmd {
	m.showHelp = false
	m.popups.kind = popupHistory
	h := m.history
	return m.popups.history.Open(h.entries, h.note(), m.common.Now())
}

// popupUpdate gives msg to the open popup: keys, pastes, the wheel and
// its input's cursor blinks.
func (m *Model) popupUpdate(msg tea.Msg) tea.Cmd {
	switch m.popups.kind {
	case popupPalette:
		return m.popups.palette.Update(msg)
	case popupHistory:
		return m.popups.history.Update(msg)
	case popupMessage:
		return m.messageKey(msg)
	}
	return nil
}

// popupMsg handles what the popups report: a command chosen, a statement
// to insert, a close.
func (m *Model) popupMsg(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case palette.SelectMsg:
		m.popups.kind = popupNone
		if msg.Index < 0 || msg.Index >= len(m.popups.cmds) {
			return nil, true
		}
		c := m.popups.cmds[msg.Index]
		if !c.enabled(m) {
			m.message, m.isError = c.Name+": not available now", true
			return nil, true
		}
		m.message, m.isError = "", false
		return c.Run(m), true
	case historyview.InsertMsg:
		m.popups.kind = popupNone
		m.setFocus(focusNotebook)
		m.message = "inserted from the history; " + m.common.KeyMap.RunCell.Help().Key + " runs it"
		return m.notebook.PutSQL(msg.Source), true
	case palette.CloseMsg, historyview.CloseMsg:
		m.popups.kind = popupNone
		return nil, true
	}
	return nil, false
}

// popupBox is the open popup's box, as drawn over the screen.
func (m *Model) popupBox() (string, bool) {
	switch m.popups.kind {
	case popupPalette:
		return m.popups.palette.View(), true
	case popupHistory:
		return m.popups.history.View(), true
	case popupMessage:
		return m.messageBox(), true
	}
	return "", false
}

// boxOrigin is where overlay draws box on a width × height screen: the
// column and line of its top-left corner.
func boxOrigin(box string, width, height int) (x, y int) {
	return max((width-lipgloss.Width(box))/2, 0), max((height-lipgloss.Height(box))/2, 0)
}
