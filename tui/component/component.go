package component

import (
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/floehq/floe/tui/keymap"
	"github.com/floehq/floe/tui/styles"
)

// Component is one part of the screen. Update changes the component in
// place and never blocks: slow work runs in the returned command. View
// renders exactly the size last given to SetSize.
type Component interface {
	Init() tea.Cmd
	Update(msg tea.Msg) tea.Cmd
	View() string
	SetSize(width, height int)
	// ShortHelp and FullHelp list the bindings the component uses now.
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
}

// Common is given to every component's constructor. Styles and KeyMap are
// pointers, so a change of theme reaches every component at once.
type Common struct {
	Width, Height int
	Styles        *styles.Styles
	KeyMap        *keymap.KeyMap
	// Now is the clock; tests set a fixed one so elapsed times are stable.
	Now func() time.Time
}

// NewCommon returns a Common with the default styles (honouring NO_COLOR),
// the default key map and the real clock.
func NewCommon() Common {
	return Common{Styles: styles.Default(), KeyMap: keymap.Default(), Now: time.Now}
}

// Clamp returns v limited to lo..hi, and lo when hi < lo (an empty list's
// cursor, a view taller than its content): the one bound of cursors and
// scroll offsets across the workbench.
func Clamp(v, lo, hi int) int { return max(min(v, hi), lo) }
