package styles

import (
	"image/color"
	"os"

	"charm.land/lipgloss/v2"
)

// Styles are the styles of every part of the screen. Build them with New or
// Plain; components read them from the Common value they are given.
type Styles struct {
	// NoColor is set for Plain styles: components mark state with symbols
	// and attributes instead of colour.
	NoColor bool

	Muted  lipgloss.Style
	Accent lipgloss.Style
	Error  lipgloss.Style
	Warn   lipgloss.Style
	OK     lipgloss.Style

	// Cells of the notebook.
	Gutter        lipgloss.Style // the left bar of a cell
	GutterFocused lipgloss.Style // the left bar of the cell under the cursor
	GutterEditing lipgloss.Style // the left bar of the cell being edited
	CellHeader    lipgloss.Style
	CellLang      lipgloss.Style
	CellName      lipgloss.Style
	ExecCount     lipgloss.Style
	Stale         lipgloss.Style
	Output        lipgloss.Style

	// Syntax highlighting.
	Keyword  lipgloss.Style
	Builtin  lipgloss.Style
	String   lipgloss.Style
	Number   lipgloss.Style
	Comment  lipgloss.Style
	Operator lipgloss.Style
	TypeName lipgloss.Style

	// Markdown cells.
	Heading lipgloss.Style
	Bold    lipgloss.Style
	Italic  lipgloss.Style
	Code    lipgloss.Style
	Bullet  lipgloss.Style

	// The results grid.
	GridHeader   lipgloss.Style
	GridType     lipgloss.Style
	GridRule     lipgloss.Style
	GridNull     lipgloss.Style
	GridSelected lipgloss.Style // the selected cell
	GridRow      lipgloss.Style // the rest of the selected row
	GridFooter   lipgloss.Style

	// The catalog tree.
	TreeNamespace lipgloss.Style
	TreeTable     lipgloss.Style
	TreeColumn    lipgloss.Style
	TreeType      lipgloss.Style
	TreeSelected  lipgloss.Style

	// Panels and overlays.
	PanelTitle        lipgloss.Style
	PanelTitleFocused lipgloss.Style
	PanelRule         lipgloss.Style
	Overlay           lipgloss.Style
	HelpGroup         lipgloss.Style
	HelpKey           lipgloss.Style
	HelpDesc          lipgloss.Style

	// The status bar.
	StatusBar     lipgloss.Style
	StatusItem    lipgloss.Style
	StatusBrand   lipgloss.Style
	StatusDirty   lipgloss.Style
	StatusRunning lipgloss.Style
	StatusMessage lipgloss.Style
	StatusError   lipgloss.Style
}

// Default returns Plain when the NO_COLOR environment variable is set
// (https://no-color.org), and New(true) otherwise.
func Default() *Styles {
	if os.Getenv("NO_COLOR") != "" {
		return Plain()
	}
	return New(true)
}

// New returns coloured styles for a dark or a light terminal background.
func New(dark bool) *Styles {
	ld := lipgloss.LightDark(dark)
	c := func(light, darkc string) color.Color { return ld(lipgloss.Color(light), lipgloss.Color(darkc)) }
	var (
		fg      = c("235", "252")
		muted   = c("245", "243")
		accent  = c("25", "75")
		accent2 = c("91", "177")
		green   = c("28", "114")
		red     = c("160", "203")
		yellow  = c("136", "221")
		orange  = c("166", "215")
		barBG   = c("254", "236")
		selBG   = c("153", "24")
		rowBG   = c("255", "235")
	)
	s := base()
	s.Muted = s.Muted.Foreground(muted)
	s.Accent = s.Accent.Foreground(accent)
	s.Error = s.Error.Foreground(red)
	s.Warn = s.Warn.Foreground(yellow)
	s.OK = s.OK.Foreground(green)

	s.Gutter = lipgloss.NewStyle().Foreground(c("250", "238"))
	s.GutterFocused = lipgloss.NewStyle().Foreground(accent)
	s.GutterEditing = lipgloss.NewStyle().Foreground(green)
	s.CellHeader = lipgloss.NewStyle().Foreground(muted)
	s.CellLang = lipgloss.NewStyle().Foreground(accent2)
	s.CellName = lipgloss.NewStyle().Foreground(fg).Bold(true)
	s.ExecCount = lipgloss.NewStyle().Foreground(muted)
	s.Stale = lipgloss.NewStyle().Foreground(yellow)
	s.Output = lipgloss.NewStyle().Foreground(fg)

	s.Keyword = lipgloss.NewStyle().Foreground(c("90", "176")).Bold(true)
	s.Builtin = lipgloss.NewStyle().Foreground(c("24", "117"))
	s.String = lipgloss.NewStyle().Foreground(c("28", "150"))
	s.Number = lipgloss.NewStyle().Foreground(orange)
	s.Comment = lipgloss.NewStyle().Foreground(muted).Italic(true)
	s.Operator = lipgloss.NewStyle().Foreground(c("240", "250"))
	s.TypeName = lipgloss.NewStyle().Foreground(c("30", "80"))

	s.Heading = lipgloss.NewStyle().Foreground(accent).Bold(true)
	s.Code = lipgloss.NewStyle().Foreground(orange)
	s.Bullet = lipgloss.NewStyle().Foreground(accent)

	s.GridHeader = lipgloss.NewStyle().Foreground(fg).Bold(true)
	s.GridType = lipgloss.NewStyle().Foreground(muted)
	s.GridRule = lipgloss.NewStyle().Foreground(c("250", "238"))
	s.GridNull = lipgloss.NewStyle().Foreground(muted).Italic(true)
	s.GridSelected = lipgloss.NewStyle().Background(selBG).Foreground(c("16", "231"))
	s.GridRow = lipgloss.NewStyle().Background(rowBG)
	s.GridFooter = lipgloss.NewStyle().Foreground(muted)

	s.TreeNamespace = lipgloss.NewStyle().Foreground(accent).Bold(true)
	s.TreeTable = lipgloss.NewStyle().Foreground(fg)
	s.TreeColumn = lipgloss.NewStyle().Foreground(fg)
	s.TreeType = lipgloss.NewStyle().Foreground(muted)
	s.TreeSelected = lipgloss.NewStyle().Background(selBG).Foreground(c("16", "231"))

	s.PanelTitle = lipgloss.NewStyle().Foreground(muted).Bold(true)
	s.PanelTitleFocused = lipgloss.NewStyle().Foreground(accent).Bold(true)
	s.PanelRule = lipgloss.NewStyle().Foreground(c("250", "238"))
	s.Overlay = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(accent).Padding(0, 1)
	s.HelpGroup = lipgloss.NewStyle().Foreground(accent).Bold(true)
	s.HelpKey = lipgloss.NewStyle().Foreground(fg).Bold(true)
	s.HelpDesc = lipgloss.NewStyle().Foreground(muted)

	s.StatusBar = lipgloss.NewStyle().Background(barBG).Foreground(fg)
	s.StatusItem = lipgloss.NewStyle().Background(barBG).Foreground(fg)
	s.StatusBrand = lipgloss.NewStyle().Background(accent).Foreground(c("231", "16")).Bold(true)
	s.StatusDirty = lipgloss.NewStyle().Background(barBG).Foreground(yellow).Bold(true)
	s.StatusRunning = lipgloss.NewStyle().Background(barBG).Foreground(green).Bold(true)
	s.StatusMessage = lipgloss.NewStyle().Background(barBG).Foreground(muted)
	s.StatusError = lipgloss.NewStyle().Background(barBG).Foreground(red).Bold(true)
	return s
}

// Plain returns styles without colour: emphasis by bold, italic, underline
// and reverse video only, for NO_COLOR terminals and golden tests.
func Plain() *Styles {
	s := base()
	s.NoColor = true
	s.Gutter = lipgloss.NewStyle()
	s.GutterFocused = lipgloss.NewStyle().Bold(true)
	s.GutterEditing = lipgloss.NewStyle().Bold(true)
	s.CellHeader = lipgloss.NewStyle()
	s.CellLang = lipgloss.NewStyle()
	s.CellName = lipgloss.NewStyle().Bold(true)
	s.ExecCount = lipgloss.NewStyle()
	s.Stale = lipgloss.NewStyle().Underline(true)
	s.Output = lipgloss.NewStyle()
	s.Keyword = lipgloss.NewStyle().Bold(true)
	s.Builtin = lipgloss.NewStyle()
	s.String = lipgloss.NewStyle()
	s.Number = lipgloss.NewStyle()
	s.Comment = lipgloss.NewStyle().Italic(true)
	s.Operator = lipgloss.NewStyle()
	s.TypeName = lipgloss.NewStyle()
	s.Heading = lipgloss.NewStyle().Bold(true).Underline(true)
	s.Code = lipgloss.NewStyle()
	s.Bullet = lipgloss.NewStyle()
	s.GridHeader = lipgloss.NewStyle().Bold(true)
	s.GridType = lipgloss.NewStyle().Italic(true)
	s.GridRule = lipgloss.NewStyle()
	s.GridNull = lipgloss.NewStyle().Italic(true)
	s.GridSelected = lipgloss.NewStyle().Reverse(true)
	s.GridRow = lipgloss.NewStyle().Underline(true)
	s.GridFooter = lipgloss.NewStyle()
	s.TreeNamespace = lipgloss.NewStyle().Bold(true)
	s.TreeTable = lipgloss.NewStyle()
	s.TreeColumn = lipgloss.NewStyle()
	s.TreeType = lipgloss.NewStyle().Italic(true)
	s.TreeSelected = lipgloss.NewStyle().Reverse(true)
	s.PanelTitle = lipgloss.NewStyle()
	s.PanelTitleFocused = lipgloss.NewStyle().Bold(true).Underline(true)
	s.PanelRule = lipgloss.NewStyle()
	s.Overlay = lipgloss.NewStyle().Border(lipgloss.NormalBorder()).Padding(0, 1)
	s.HelpGroup = lipgloss.NewStyle().Bold(true).Underline(true)
	s.HelpKey = lipgloss.NewStyle().Bold(true)
	s.HelpDesc = lipgloss.NewStyle()
	s.StatusBar = lipgloss.NewStyle().Reverse(true)
	s.StatusItem = lipgloss.NewStyle().Reverse(true)
	s.StatusBrand = lipgloss.NewStyle().Reverse(true).Bold(true)
	s.StatusDirty = lipgloss.NewStyle().Reverse(true).Bold(true)
	s.StatusRunning = lipgloss.NewStyle().Reverse(true).Bold(true)
	s.StatusMessage = lipgloss.NewStyle().Reverse(true)
	s.StatusError = lipgloss.NewStyle().Reverse(true).Bold(true)
	return s
}

func base() *Styles {
	n := lipgloss.NewStyle()
	return &Styles{
		Muted: n, Accent: n.Bold(true), Error: n.Bold(true), Warn: n.Bold(true), OK: n,
		Bold: n.Bold(true), Italic: n.Italic(true),
	}
}
