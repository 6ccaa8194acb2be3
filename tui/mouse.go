package tui

import (
	"time"

	tea "charm.land/bubbletea/v2"
)

// doubleClick is the longest time between the two clicks of a double
// click.
const doubleClick = 400 * time.Millisecond

// lastClick is the previous click, to recognise a double click.
type lastClick struct {
	at   time.Time
	x, y int
}

// click handles a left click, by what is drawn where it landed; the
// regions are those frame draws. An open dialog or the help take no
// clicks: a click outside them does nothing. Over a popup, a click in
// its box goes to it and one outside does nothing. Otherwise a click
// focuses the pane it lands in and goes to it: the catalog's rows, the
// notebook's cells, the results' values (its title goes back to the
// notebook). The status bar and the rule between panes take none.
func (m *Model) click(msg tea.MouseClickMsg) tea.Cmd {
	mo := msg.Mouse()
	if mo.Button != tea.MouseLeft {
		return nil
	}
	x, y := mo.X, mo.Y
	now := m.common.Now()
	prev := m.clicks
	double := !prev.at.IsZero() && now.Sub(prev.at) <= doubleClick && prev.y == y && abs(prev.x-x) <= 1
	m.clicks = lastClick{at: now, x: x, y: y}
	if double {
		m.clicks = lastClick{} // a third click starts again
	}
	switch {
	case m.dialog != dialogNone, m.showHelp:
		return nil
	case m.popups.kind != popupNone:
		box, _ := m.popupBox()
		bx, by := boxOrigin(box, m.width, m.height)
		switch m.popups.kind {
		case popupPalette:
			return m.popups.palette.Click(x-bx, y-by)
		case popupHistory:
			return m.popups.history.Click(x-bx, y-by)
		}
		return nil
	case y >= m.height-1 || y < 0:
		return nil // the status bar
	}
	m.message, m.isError = "", false
	if m.catalogShown() {
		cw := m.catalogWidth()
		switch {
		case x < cw:
			m.setFocus(focusCatalog)
			return m.catalog.Click(x, y, double)
		case x == cw:
			return nil // the rule
		}
		x -= cw + 1
	}
	if m.focus == focusResults {
		if m.pager.Click(x, y) {
			m.setFocus(focusNotebook)
		}
		return nil
	}
	m.setFocus(focusNotebook)
	return m.notebook.Click(x, y, double)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
