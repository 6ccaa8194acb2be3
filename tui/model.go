package tui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/floehq/floe/notebooks"
	"github.com/floehq/floe/tui/component"
	"github.com/floehq/floe/tui/components/catalog"
	"github.com/floehq/floe/tui/components/helpview"
	"github.com/floehq/floe/tui/components/pager"
	"github.com/floehq/floe/tui/components/statusbar"
	"github.com/floehq/floe/tui/notebook"
	"github.com/floehq/floe/tui/styles"
)

// focus is the pane that gets the keys.
type focus int

const (
	focusNotebook focus = iota
	focusResults
	focusCatalog
)

// dialog is a question over the screen.
type dialog int

const (
	dialogNone   dialog = iota
	dialogQuit          // unsaved changes: save, discard or stay
	dialogSaveAs        // a file name for a new notebook
)

// autosaveMsg is the autosave timer's tick.
type autosaveMsg struct{}

// recoveredMsg reports a written recovery copy.
type recoveredMsg struct {
	version int
	err     error
}

// diskState is shared by the commands that write the notebook and its
// recovery copy.
type diskState struct {
	mu    sync.Mutex
	saved int // the version last saved; -1 before the first save
}

// savedMsg reports a finished save.
type savedMsg struct {
	path     string
	version  int
	err      error
	outErr   error // writing the outputs beside a .md notebook failed
	thenQuit bool
}

// Model is the workbench: the notebook, the results pager and the catalog
// tree side by side, a status bar, the help overlay and dialogs.
type Model struct {
	common component.Common
	ctx    context.Context
	opts   Options
	path   string

	notebook  *notebook.Model
	pager     *pager.Model
	catalog   *catalog.Model
	statusbar *statusbar.Model
	help      *helpview.Model
	assist    *assistUI // fix with AI and the chat (assist.go)

	focus       focus
	showCatalog bool
	catalogSet  bool // the user toggled the catalog; keep their choice
	showHelp    bool
	dialog      dialog
	saveAs      textinput.Model
	quitAfter   bool // quit once the save-as dialog saved

	// recovered is the version last copied to the recovery file; -1 if
	// none was written.
	recovered int
	// disk orders the writes of the notebook and of its recovery copy,
	// which run in commands, so a late copy never outlives a save.
	disk *diskState

	popups  popups        // the command palette and the history browser (popups.go)
	history *queryHistory // the SQL run in every session (queryhistory.go)
	clicks  lastClick     // for double clicks (mouse.go)

	// outputsKept says the outputs beside a .md notebook hold the last
	// run; a run clears it (outputs.go).
	outputsKept bool

	message string
	isError bool
	width   int
	height  int
	darkSet bool
}

// New returns the workbench model for opts; cells run under ctx.
func New(ctx context.Context, c component.Common, opts Options) *Model {
	nb := opts.Notebook
	if nb == nil {
		nb = &notebooks.Notebook{Path: opts.Path}
	}
	ipynb := strings.EqualFold(filepath.Ext(opts.Path), ".ipynb")
	m := &Model{
		common:    c,
		ctx:       ctx,
		opts:      opts,
		path:      opts.Path,
		notebook:  notebook.New(ctx, c, opts.Kernel, nb, ipynb),
		pager:     pager.New(c),
		statusbar: statusbar.New(c),
		help:      helpview.New(c),
		assist:    newAssistUI(ctx, c, opts.Kernel),
	}
	if opts.Catalog != nil {
		m.catalog = catalog.New(ctx, c, opts.Catalog, "lake")
		m.catalog.Idle = func() bool { running, _ := m.notebook.Running(); return !running }
		m.catalog.PollEvery = opts.CatalogPoll
	}
	m.pager.SetKernel(ctx, opts.Kernel)
	m.notebook.SetVim(opts.Vim)
	// A new notebook opens ready to type.
	if opts.Notebook == nil || len(opts.Notebook.Cells) == 0 {
		m.notebook.StartEditing()
	}
	m.recovered = -1
	m.disk = &diskState{saved: -1}
	m.outputsKept = true
	if opts.Notice != "" {
		m.message, m.isError = opts.Notice, true
	}
	if opts.Path != "" {
		if _, err := os.Stat(RecoveryPath(opts.Path)); err == nil {
			m.message = "unsaved changes from an earlier session are in " + RecoveryPath(opts.Path)
		}
	}
	m.popups = newPopups(c)
	m.history = newQueryHistory(opts.History)
	m.saveAs = textinput.New()
	m.saveAs.Prompt = "file: "
	m.saveAs.Placeholder = "untitled.md"
	return m
}

// Init loads the catalog and asks the terminal for its background colour.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.notebook.Init(), tea.RequestBackgroundColor, m.autosaveTick(), m.history.load()}
	if m.catalog != nil {
		cmds = append(cmds, m.catalog.Init())
	}
	return tea.Batch(cmds...)
}

// Update routes messages: the kernel's replies and listings to their
// components, keys to dialogs, then global bindings, then the focused pane.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if cmd, ok := m.assistMsg(msg); ok {
		return m, cmd
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
		return m, nil
	case tea.BackgroundColorMsg:
		if !m.common.Styles.NoColor && !m.darkSet {
			m.darkSet = true
			*m.common.Styles = *styles.New(msg.IsDark())
			m.notebook.SetDark(msg.IsDark())
		}
		return m, nil
	case notebook.StatusMsg:
		m.message, m.isError = msg.Text, msg.Error
		return m, nil
	case pager.StatusMsg:
		m.message, m.isError = msg.Text, msg.Error
		return m, nil
	case pager.RerunMsg:
		// The pager's edit committed: the catalog reads what moved.
		poll := m.pollCatalog()
		switch msg.Cell {
		case m.notebook.CurrentID():
			return m, tea.Batch(poll, m.notebook.RunCurrent())
		case notebook.PreviewID:
			return m, tea.Batch(poll, m.notebook.RerunPreview())
		}
		return m, poll
	case notebook.OpenResultsMsg:
		m.pager.SetTable(msg.Table, msg.Title)
		m.pager.SetName(msg.Name)
		m.pager.SetSets(msg.Sets)
		m.setFocus(focusResults)
		return m, nil
	case notebook.RunDoneMsg:
		if m.focus == focusResults && msg.Cell != "" && msg.Cell == m.notebook.CurrentID() {
			// The pager shows the cell under the cursor, which ran again.
			if t, title := m.notebook.CurrentTable(); t != nil && t != m.pager.Table() {
				m.pager.SetTable(t, title)
				m.pager.SetName(m.notebook.CurrentName())
				m.pager.SetSets(m.notebook.CurrentSets())
			}
		}
		if msg.Cell != "" {
			m.outputsKept = false
		}
		cmd := m.recordRun(msg)
		if m.catalog != nil && msg.Cell != "" {
			// A cell may have made or dropped a table of the session.
			cmd = tea.Batch(cmd, m.catalog.RefreshLocal())
		}
		return m, tea.Batch(cmd, m.lakeChanged(msg.Result))
	case historyLoadedMsg:
		return m, m.historyLoaded(msg)
	case historyWrittenMsg:
		m.historyWritten(msg)
		return m, nil
	case tea.MouseClickMsg:
		return m, m.click(msg)
	case catalog.InsertMsg:
		m.setFocus(focusNotebook)
		return m, m.notebook.InsertText(msg.Text)
	case catalog.PreviewMsg:
		return m, m.notebook.Preview(msg.NS, msg.Table)
	case catalog.PreviewQueryMsg:
		return m, m.notebook.PreviewQuery(msg.Title, msg.SQL)
	case savedMsg:
		return m, m.saved(msg)
	case autosaveMsg:
		return m, tea.Batch(m.autosave(), m.autosaveTick())
	case recoveredMsg:
		if msg.err == nil {
			m.recovered = msg.version
		}
		return m, nil
	case tea.KeyPressMsg:
		return m, m.key(msg)
	case tea.PasteMsg:
		if m.popups.kind != popupNone {
			return m, m.popupUpdate(msg)
		}
		if m.focus == focusResults && m.pager.Capturing() {
			return m, m.pager.Update(msg)
		}
		if m.dialog == dialogSaveAs {
			var cmd tea.Cmd
			m.saveAs, cmd = m.saveAs.Update(msg)
			return m, cmd
		}
		return m, m.notebook.Update(msg)
	case tea.MouseWheelMsg:
		if m.popups.kind != popupNone {
			return m, m.popupUpdate(msg)
		}
		switch m.focus {
		case focusResults:
			return m, m.pager.Update(msg)
		case focusCatalog:
			return m, m.catalog.Update(msg)
		}
		return m, m.notebook.Update(msg)
	}
	if cmd, ok := m.popupMsg(msg); ok {
		return m, cmd
	}
	// Everything else (the kernel's replies, timers, listings) goes to
	// every component; each ignores what is not its own.
	cmds := []tea.Cmd{m.notebook.Update(msg), m.pager.Update(msg), m.popupUpdate(msg)}
	if m.catalog != nil {
		cmds = append(cmds, m.catalog.Update(msg))
	}
	return m, tea.Batch(cmds...)
}

func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	km := m.common.KeyMap
	if m.fullMessageKey(msg) {
		return m.openMessage() // before the key clears the message
	}
	m.message, m.isError = "", false
	if m.dialog != dialogNone {
		return m.dialogKey(msg)
	}
	if m.popups.kind != popupNone {
		return m.popupUpdate(msg)
	}
	if m.focus == focusResults && m.pager.Capturing() {
		return m.pager.Update(msg) // the pager's export or edit question
	}
	if m.showHelp {
		if key.Matches(msg, km.Help) || key.Matches(msg, km.Back) || msg.String() == "q" {
			m.showHelp = false
			return nil
		}
		return m.help.Update(msg)
	}
	// Printable keys type into the editor; only other keys are global
	// there, but for those the editor wants (vim's ctrl+r, the find bar).
	typing := m.focus == focusNotebook && m.notebook.Editing() && (msg.Text != "" || m.notebook.WantsKey(msg))
	if !typing {
		switch {
		case key.Matches(msg, km.Quit):
			return m.quit()
		case key.Matches(msg, km.Save):
			return m.save(false)
		case key.Matches(msg, km.Cancel):
			if m.notebook.Cancel() {
				m.message = "cancelling the running query…"
			} else {
				m.message = "nothing is running (ctrl+q quits)"
			}
			return nil
		case key.Matches(msg, km.RunCell):
			return m.runCell()
		case key.Matches(msg, km.RunStatement):
			if m.focus == focusCatalog {
				m.setFocus(focusNotebook)
			}
			return m.notebook.RunStatement()
		case key.Matches(msg, km.RunAll):
			return m.notebook.RunAll()
		case key.Matches(msg, km.Help):
			m.showHelp = true
			return nil
		case key.Matches(msg, km.ToggleCatalog):
			return m.toggleCatalog()
		case key.Matches(msg, km.Palette):
			return m.openPalette()
		case key.Matches(msg, km.History):
			return m.openHistory()
		}
	}
	editing := m.focus == focusNotebook && m.notebook.Editing()
	if !editing {
		switch {
		case key.Matches(msg, km.Focus):
			m.cycleFocus()
			return nil
		case key.Matches(msg, km.Back) && m.focus != focusNotebook:
			m.setFocus(focusNotebook)
			return nil
		}
	}
	switch m.focus {
	case focusResults:
		return m.pager.Update(msg)
	case focusCatalog:
		return m.catalog.Update(msg)
	}
	return m.notebook.Update(msg)
}

// cycleFocus goes notebook → results (if the cell has a table) → catalog
// (if shown) → notebook.
func (m *Model) cycleFocus() {
	order := []focus{focusNotebook, focusResults, focusCatalog}
	i := 0
	for k, f := range order {
		if f == m.focus {
			i = k
		}
	}
	for n := 1; n <= len(order); n++ {
		f := order[(i+n)%len(order)]
		switch f {
		case focusResults:
			t, title := m.notebook.CurrentTable()
			if t == nil {
				continue
			}
			if t != m.pager.Table() {
				m.pager.SetTable(t, title)
				m.pager.SetName(m.notebook.CurrentName())
				m.pager.SetSets(m.notebook.CurrentSets())
			}
		case focusCatalog:
			if !m.catalogShown() {
				continue
			}
		}
		m.setFocus(f)
		return
	}
}

func (m *Model) setFocus(f focus) {
	m.focus = f
	m.notebook.SetFocused(f == focusNotebook)
	if m.catalog != nil {
		m.catalog.SetFocused(f == focusCatalog)
	}
	m.layout()
}

func (m *Model) toggleCatalog() tea.Cmd {
	if m.catalog == nil {
		m.message, m.isError = "no catalog: the workbench was opened without a warehouse", true
		return nil
	}
	m.catalogSet = true
	if m.catalogShown() && m.focus != focusCatalog {
		// Shown but not focused: focus it; only a focused catalog hides.
		m.setFocus(focusCatalog)
		return nil
	}
	m.showCatalog = !m.showCatalog
	if m.showCatalog && !m.catalogShown() {
		m.showCatalog = false
		m.message, m.isError = "the terminal is too narrow for the catalog", true
		return nil
	}
	if m.showCatalog {
		m.setFocus(focusCatalog)
	} else if m.focus == focusCatalog {
		m.setFocus(focusNotebook)
	}
	m.layout()
	return nil
}

// quit quits, first asking when there are unsaved changes.
func (m *Model) quit() tea.Cmd {
	if m.notebook.Dirty() {
		m.dialog = dialogQuit
		return nil
	}
	m.notebook.Cancel()
	return m.keepOutputsThenQuit()
}

// save writes the notebook atomically, in a command so the screen never
// waits for the disk. A notebook without a file asks for a name first.
func (m *Model) save(thenQuit bool) tea.Cmd {
	if m.path == "" {
		m.dialog = dialogSaveAs
		m.quitAfter = thenQuit
		m.saveAs.SetValue("")
		return m.saveAs.Focus()
	}
	nb, version := m.notebook.Snapshot()
	path, disk := m.path, m.disk
	m.message = "saving…"
	return func() tea.Msg {
		disk.mu.Lock()
		defer disk.mu.Unlock()
		err := nb.WriteFile(path)
		var outErr error
		if err == nil {
			disk.saved = max(disk.saved, version)
			os.Remove(RecoveryPath(path))
			outErr = keepOutputs(path, nb)
		}
		return savedMsg{path: path, version: version, err: err, outErr: outErr, thenQuit: thenQuit}
	}
}

func (m *Model) autosaveTick() tea.Cmd {
	every := m.opts.AutosaveEvery
	if every <= 0 {
		every = defaultAutosave
	}
	return tea.Tick(every, func(time.Time) tea.Msg { return autosaveMsg{} })
}

// autosave copies unsaved changes to the recovery file, when there are
// changes it does not hold yet.
func (m *Model) autosave() tea.Cmd {
	if m.path == "" || !m.notebook.Dirty() {
		return nil
	}
	nb, version := m.notebook.Snapshot()
	if version == m.recovered {
		return nil
	}
	path, disk := RecoveryPath(m.path), m.disk
	return func() tea.Msg {
		disk.mu.Lock()
		defer disk.mu.Unlock()
		if disk.saved >= version {
			return nil // saved meanwhile: nothing to recover
		}
		return recoveredMsg{version: version, err: nb.WriteFile(path)}
	}
}

// discard quits without saving; the recovery copy goes too.
func (m *Model) discard() tea.Cmd {
	m.notebook.Cancel()
	if m.path == "" {
		return tea.Quit
	}
	path, disk := RecoveryPath(m.path), m.disk
	return func() tea.Msg {
		disk.mu.Lock()
		defer disk.mu.Unlock()
		disk.saved = int(^uint(0) >> 1) // no copy after this
		os.Remove(path)
		return tea.Quit()
	}
}

func (m *Model) saved(msg savedMsg) tea.Cmd {
	if msg.err != nil {
		m.message, m.isError = "save failed: "+msg.err.Error(), true
		return nil
	}
	m.notebook.MarkSaved(msg.version)
	m.message = "saved " + msg.path
	if msg.outErr != nil {
		m.message, m.isError = "saved "+msg.path+", but its outputs were not kept: "+msg.outErr.Error(), true
	} else {
		m.outputsKept = true
	}
	if msg.thenQuit {
		m.notebook.Cancel()
		return tea.Quit
	}
	return nil
}

func (m *Model) dialogKey(msg tea.KeyPressMsg) tea.Cmd {
	km := m.common.KeyMap
	switch m.dialog {
	case dialogQuit:
		switch {
		case key.Matches(msg, km.Yes):
			m.dialog = dialogNone
			return m.save(true)
		case key.Matches(msg, km.No):
			m.dialog = dialogNone
			return m.discard()
		case key.Matches(msg, km.Back), key.Matches(msg, km.Quit), key.Matches(msg, km.Cancel):
			m.dialog = dialogNone
		}
		return nil
	case dialogSaveAs:
		switch msg.String() {
		case "esc", "ctrl+c":
			m.dialog = dialogNone
			m.saveAs.Blur()
			return nil
		case "enter":
			name := strings.TrimSpace(m.saveAs.Value())
			if name == "" {
				name = m.saveAs.Placeholder
			}
			if filepath.Ext(name) == "" {
				name += ".md"
			}
			m.dialog = dialogNone
			m.saveAs.Blur()
			m.path = name
			m.notebook.Notebook().Path = name
			return m.save(m.quitAfter)
		}
		var cmd tea.Cmd
		m.saveAs, cmd = m.saveAs.Update(msg)
		return cmd
	}
	return nil
}

// catalogShown reports whether the catalog panel is drawn: asked for, and
// leaving the notebook at least 30 columns.
func (m *Model) catalogShown() bool {
	return m.catalog != nil && m.showCatalog && m.width-m.catalogWidth()-1 >= 30
}

// catalogWidth is the width of the catalog panel when shown.
func (m *Model) catalogWidth() int { return component.Clamp(m.width/4, 22, 36) }

// layout sizes the components for the window and the panes shown.
func (m *Model) layout() {
	if m.catalog != nil && !m.catalogSet {
		m.showCatalog = m.width >= 100
	}
	mainH := max(m.height-1, 1)
	w := m.width
	if m.catalogShown() {
		cw := m.catalogWidth()
		m.catalog.SetSize(cw, mainH)
		w -= cw + 1
	}
	w, mainH = m.layoutChat(w, mainH)
	m.notebook.SetSize(w, mainH)
	m.pager.SetSize(w, mainH)
	m.statusbar.SetSize(m.width, 1)
	m.help.SetSize(m.width, m.height)
	m.popups.setSize(m.width, m.height)
	m.saveAs.SetWidth(min(50, m.width-12))
}

// View draws the panes side by side over the status bar, with the help or
// a dialog on top.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "floe · " + m.fileName()
	return v
}

// render draws the screen as text, exactly the terminal's size; View wraps
// it for the terminal.
func (m *Model) render() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	return clampFrame(m.frame(), m.width, m.height)
}

// clampFrame cuts or pads s to height lines no wider than width, so that a
// tiny terminal never scrolls.
func clampFrame(s string, width, height int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > height {
		// Keep the status bar: it is the last line.
		lines = append(lines[:height-1], lines[len(lines)-1])
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > width {
			lines[i] = ansi.Truncate(l, width, "")
		}
	}
	for len(lines) < height {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

func (m *Model) frame() string {
	if m.showHelp {
		return m.help.View()
	}
	mainH := max(m.height-1, 1)
	var main string
	if m.focus == focusResults {
		main = m.pager.View()
	} else {
		main = m.notebook.View()
	}
	main = m.withChat(main, m.notebookWidth())
	if m.catalogShown() {
		main = sideBySide(m.catalog.View(), main, m.catalogWidth(), mainH, m.common.Styles.PanelRule.Render("│"))
	}
	m.fillStatus()
	screen := main + "\n" + m.statusbar.View()
	switch m.dialog {
	case dialogQuit:
		screen = overlay(screen, m.dialogBox(fmt.Sprintf("%s has unsaved changes.", m.fileName()),
			"y  save and quit", "n  quit without saving", "esc  keep working"), m.width, m.height)
	case dialogSaveAs:
		screen = overlay(screen, m.dialogBox("Save the notebook as", m.saveAs.View(), "enter  save   esc  cancel"), m.width, m.height)
	default:
		screen = m.withFix(screen)
	}
	if box, ok := m.popupBox(); ok && m.dialog == dialogNone {
		screen = overlay(screen, box, m.width, m.height)
	}
	if box := m.pager.Dialog(); box != "" && m.focus == focusResults {
		screen = overlay(screen, box, m.width, m.height)
	}
	return screen
}

func (m *Model) dialogBox(title string, lines ...string) string {
	st := m.common.Styles
	body := st.HelpGroup.Render(title) + "\n\n" + strings.Join(lines, "\n")
	return st.Overlay.Render(body)
}

func (m *Model) fileName() string {
	if m.path == "" {
		return "untitled"
	}
	return filepath.Base(m.path)
}

// fillStatus sets what the status bar shows from the components' state.
func (m *Model) fillStatus() {
	s := &m.statusbar.State
	s.Warehouse = displayPath(m.opts.Warehouse)
	s.File = m.fileName()
	if m.path == "" {
		s.File += " (not saved)"
	}
	s.Dirty = m.notebook.Dirty()
	switch {
	case m.showHelp:
		s.Mode = "HELP"
	case m.popups.kind != popupNone:
		s.Mode = m.popups.mode()
	case m.focus == focusResults:
		s.Mode = "RESULTS"
	case m.focus == focusCatalog:
		s.Mode = "CATALOG"
	case m.notebook.Editing():
		s.Mode = "EDIT"
	default:
		s.Mode = "NOTEBOOK"
	}
	m.assistStatus(s)
	if v := m.notebook.VimMode(); v != "" && s.Mode == "EDIT" {
		s.Mode = v
	}
	if running, since := m.notebook.Running(); running {
		el := m.common.Now().Sub(since)
		s.Kernel = "kernel running " + notebook.Duration(el)
		if q := m.notebook.Queued(); q > 0 {
			s.Kernel += fmt.Sprintf(" · %d queued", q)
		}
		s.Running = true
	} else {
		s.Kernel, s.Running = "kernel idle", false
	}
	s.Last = ""
	if r := m.notebook.LastRun(); r != nil {
		s.Last = "last " + notebook.Duration(r.Duration)
		for i := len(r.Outputs) - 1; i >= 0; i-- {
			if t := r.Outputs[i].Table; t != nil {
				s.Last += " · " + pager.Rows(t.Total)
				break
			}
		}
		if r.Err != nil {
			s.Last += " · failed"
		}
	}
	s.Message, s.IsError = m.message, m.isError
	s.Help, s.FullKey = "? help", "!"
	if m.notebook.Editing() && m.focus == focusNotebook {
		s.Help, s.FullKey = "f1 help", "f2"
	}
}

// overlay draws box in the middle of screen.
func overlay(screen, box string, width, height int) string {
	lines := strings.Split(screen, "\n")
	boxLines := strings.Split(box, "\n")
	bw := lipgloss.Width(box)
	x, y := boxOrigin(box, width, height)
	for i, bl := range boxLines {
		r := y + i
		if r >= len(lines) {
			break
		}
		base := lines[r]
		left := ansi.Cut(base, 0, x)
		if pad := x - ansi.StringWidth(left); pad > 0 {
			left += strings.Repeat(" ", pad)
		}
		lines[r] = left + bl + ansi.Cut(base, x+bw, width)
	}
	return strings.Join(lines, "\n")
}
