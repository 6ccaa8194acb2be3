package notebook

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"

	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/notebooks"
	"github.com/floehq/floe/tui/component"
	"github.com/floehq/floe/tui/components/pager"
)

// Kernel runs cells; *kernel.Session is one. Run is called from a command's
// goroutine, one cell at a time, never two at once.
type Kernel interface {
	Run(ctx context.Context, c *notebooks.Cell) *kernel.Result
}

// StatusMsg is a message for the status bar.
type StatusMsg struct {
	Text  string
	Error bool
}

// OpenResultsMsg asks for a table to be shown in the results pager.
type OpenResultsMsg struct {
	Title string
	Table *kernel.Table
	// Name is a file name for the results, without extension: the cell's
	// name, "cell-3", or the previewed table's name.
	Name string // Sets are all the cell's result sets, one per statement that
	// returned rows; Table is one of them. Empty for a preview.
	Sets []pager.Set
}

// RunDoneMsg reports that a run finished; Cell is "" for a table preview.
type RunDoneMsg struct {
	Cell   string
	Result *kernel.Result
	Ran    notebooks.Cell // the cell as it ran: its source when the run started
}

func status(format string, args ...any) tea.Cmd {
	return func() tea.Msg { return StatusMsg{Text: fmt.Sprintf(format, args...)} }
}

func statusError(format string, args ...any) tea.Cmd {
	return func() tea.Msg { return StatusMsg{Text: fmt.Sprintf(format, args...), Error: true} }
}

// Model is the notebook view component.
type Model struct {
	common        component.Common
	width, height int
	ctx           context.Context
	k             Kernel
	nb            *notebooks.Notebook
	ipynb         bool // runs change what is saved

	focused bool
	cursor  int
	top     int // first line on screen
	editing bool
	editor  textarea.Model

	dirty         bool
	changes       int // bumped by every change that makes the notebook dirty
	pendingDelete bool

	results map[string]*kernel.Result // the last run of each cell, by id

	// clock counts edits and runs; editedAt and ranAt hold, by cell id,
	// the clock of the last edit and of the last finished run, so staleness
	// is found without timestamps.
	clock    int
	editedAt map[string]int
	ranAt    map[string]int
	graph    *kernel.Graph
	graphAt  int

	running *run
	queue   []*run
	last    *kernel.Result // the last finished run

	cache renderCache
	// lastPreview is the last table preview asked for, run again after an
	// edit of the table it shows.
	lastPreview *run
	spans       []span     // where the last View drew each cell, for clicks (mouse.go)
	ed          editView   // the edited cell's drawing (editview.go)
	comp        completion // SQL completion (complete.go)
	vim         vimState   // vim mode (vim.go)

	histories map[string]*history // undo and redo, by cell id (undo.go)
	restored  bool                // the key being handled was vim's u or ctrl+r
	bar       bar                 // the find and options bars (bar.go)
}

// New returns the view of nb, whose cells run on k under ctx. A notebook
// without cells gets one empty SQL cell.
func New(ctx context.Context, c component.Common, k Kernel, nb *notebooks.Notebook, ipynb bool) *Model {
	if len(nb.Cells) == 0 {
		_ = nb.Insert(0, notebooks.Cell{Kind: notebooks.Code, Lang: notebooks.LangSQL})
	}
	m := &Model{
		common: c, ctx: ctx, k: k, nb: nb, ipynb: ipynb, focused: true,
		results: map[string]*kernel.Result{}, editedAt: map[string]int{}, ranAt: map[string]int{},
		graphAt: -1,
	}
	m.editor = newEditor(c)
	return m
}

func newEditor(c component.Common) textarea.Model {
	e := textarea.New()
	e.Prompt = ""
	e.ShowLineNumbers = false
	e.DynamicHeight = true
	e.MinHeight = 1
	e.MaxContentHeight = 10000
	e.KeyMap = c.KeyMap.Editor
	e.Placeholder = "SELECT … FROM lake.… (ctrl+enter runs, esc stops editing)"
	e.SetStyles(editorStyles(c.Styles.NoColor, true))
	return e
}

// editorStyles are the text area's styles without its cursor-line band,
// which would hide the cell's gutter colours.
func editorStyles(noColor, dark bool) textarea.Styles {
	if noColor {
		return plainEditorStyles()
	}
	s := textarea.DefaultStyles(dark)
	s.Focused.CursorLine = s.Focused.Text
	s.Blurred.CursorLine = s.Blurred.Text
	return s
}

// SetDark restyles the editor for a dark or light background; the other
// styles come from Common.
func (m *Model) SetDark(dark bool) {
	m.editor.SetStyles(editorStyles(m.common.Styles.NoColor, dark))
	m.cache = renderCache{}
	m.ed.hl = nil
}

func plainEditorStyles() textarea.Styles {
	s := textarea.DefaultStyles(true)
	for _, st := range []*textarea.StyleState{&s.Focused, &s.Blurred} {
		*st = textarea.StyleState{}
		st.Selection = st.Selection.Reverse(true)
	}
	return s
}

// Notebook returns the notebook, with the text being edited applied.
func (m *Model) Notebook() *notebooks.Notebook {
	m.commit()
	return m.nb
}

// Dirty reports whether the notebook has changes not yet saved.
func (m *Model) Dirty() bool { return m.dirty }

// Snapshot returns a copy of the notebook to write while editing goes on,
// and the version it holds, for MarkSaved.
func (m *Model) Snapshot() (*notebooks.Notebook, int) {
	m.commit()
	cp := *m.nb
	cp.Cells = slices.Clone(m.nb.Cells)
	return &cp, m.changes
}

// MarkSaved records that the given version was saved: the notebook is
// clean unless it changed since.
func (m *Model) MarkSaved(version int) {
	if version == m.changes {
		m.dirty = false
	}
}

// Wait cancels the running cell and waits until the kernel is done with
// it, so the session can be closed. A run whose command never started is
// abandoned.
func (m *Model) Wait() {
	r := m.running
	if r == nil {
		return
	}
	r.cancel()
	r.mu.Lock()
	started := r.started
	r.abandoned = !started
	r.mu.Unlock()
	if started {
		<-r.finished
	}
	m.waitNames()
}

func (m *Model) changed() {
	m.dirty = true
	m.changes++
}

// Editing reports whether a cell is being edited.
func (m *Model) Editing() bool { return m.editing }

// Cursor returns the index of the cell under the cursor.
func (m *Model) Cursor() int { return m.cursor }

// SetFocused says whether the notebook has the keyboard.
func (m *Model) SetFocused(f bool) {
	m.focused = f
	if !f && m.editing {
		m.editor.Blur()
	} else if f && m.editing {
		m.editor.Focus()
	}
}

// Init starts the editor's cursor when the notebook opens editing.
func (m *Model) Init() tea.Cmd {
	if m.editing {
		return tea.Batch(m.editor.Focus(), m.refreshNames())
	}
	return m.refreshNames()
}

// CurrentID returns the id of the cell under the cursor.
func (m *Model) CurrentID() string {
	if m.cursor >= len(m.nb.Cells) {
		return ""
	}
	return m.nb.Cells[m.cursor].ID
}

// SetSize sets the size the notebook draws.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	// The text area never wraps: editView wraps what it draws (wrapLine).
	m.editor.SetWidth(editorNoWrap)
	// The editor is drawn by editView, which fits it to the screen; the
	// text area's height only sizes its wrapping cache, which thrashes
	// (every line wrapped again on every key) when smaller than the text.
	m.editor.MaxHeight = editorCacheLines
	m.editor.SetHeight(m.editor.LineCount())
}

// Update handles keys, pastes and the kernel's replies.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case cellDoneMsg:
		return m.done(msg)
	case namesMsg:
		return m.gotNames(msg)
	case tickMsg:
		if m.running != nil && msg.run == m.running {
			return tick(m.running)
		}
		return nil
	case tea.PasteMsg:
		if m.editing {
			if m.bar.kind != barNone {
				return m.barUpdate(msg)
			}
			before := m.textState()
			var cmd tea.Cmd
			m.editor, cmd = m.editor.Update(msg)
			m.commit()
			m.record(before, editOther)
			return cmd
		}
	case tea.MouseWheelMsg:
		if m.editing {
			return nil
		}
		switch msg.Button {
		case tea.MouseWheelUp:
			m.move(-1)
		case tea.MouseWheelDown:
			m.move(1)
		}
	case tea.KeyPressMsg:
		if m.editing {
			return m.editKey(msg)
		}
		return m.commandKey(msg)
	default:
		if m.editing {
			// The editor's cursor blinks through its own messages.
			var cmd tea.Cmd
			m.editor, cmd = m.editor.Update(msg)
			return cmd
		}
	}
	return nil
}

// editKey handles a key while editing; every change it makes is recorded
// for undo.
func (m *Model) editKey(msg tea.KeyPressMsg) tea.Cmd {
	if m.bar.kind != barNone {
		return m.barKey(msg)
	}
	km := m.common.KeyMap
	switch {
	case key.Matches(msg, km.Undo):
		m.closePopup()
		return m.Undo()
	case key.Matches(msg, km.Redo):
		m.closePopup()
		return m.Redo()
	case key.Matches(msg, km.Find):
		m.closePopup()
		return m.OpenFind()
	case key.Matches(msg, km.Format):
		m.closePopup()
		return m.Format()
	}
	id, before, kind := m.CurrentID(), m.textState(), m.kindOf(msg)
	m.restored = false
	cmd := m.editKeyText(msg)
	if m.CurrentID() == id {
		m.record(before, kind)
	}
	return cmd
}

func (m *Model) editKeyText(msg tea.KeyPressMsg) tea.Cmd {
	if cmd, ok := m.popupKey(msg); ok {
		return cmd
	}
	if cmd, ok := m.vimKey(msg); ok {
		return cmd
	}
	km := m.common.KeyMap
	switch {
	case key.Matches(msg, km.StopEditing):
		m.StopEditing()
		return nil
	case key.Matches(msg, km.Indent):
		m.editor.InsertString("    ")
		m.commit()
		return nil
	case key.Matches(msg, km.Split):
		return m.split()
	}
	cmd := m.updateEditor(msg)
	m.commit()
	m.typed(msg)
	return cmd
}

func (m *Model) commandKey(msg tea.KeyPressMsg) tea.Cmd {
	km := m.common.KeyMap
	if m.pendingDelete {
		m.pendingDelete = false
		if key.Matches(msg, km.Delete) {
			return m.deleteCell()
		}
		return status("delete cancelled")
	}
	switch {
	case key.Matches(msg, km.Up):
		m.move(-1)
	case key.Matches(msg, km.Down):
		m.move(1)
	case key.Matches(msg, km.PageUp):
		m.move(-5)
	case key.Matches(msg, km.PageDown):
		m.move(5)
	case key.Matches(msg, km.Top):
		m.cursor = 0
	case key.Matches(msg, km.Bottom):
		m.cursor = len(m.nb.Cells) - 1
	case key.Matches(msg, km.Edit):
		return m.StartEditing()
	case key.Matches(msg, km.AddAbove):
		return m.addCell(m.cursor)
	case key.Matches(msg, km.AddBelow):
		return m.addCell(m.cursor + 1)
	case key.Matches(msg, km.Delete):
		m.pendingDelete = true
		return status("press d again to delete this cell")
	case key.Matches(msg, km.MoveUp):
		return m.moveCell(-1)
	case key.Matches(msg, km.MoveDown):
		return m.moveCell(1)
	case key.Matches(msg, km.CycleType):
		return m.cycleType()
	case key.Matches(msg, km.TypeSQL):
		return m.setType(0)
	case key.Matches(msg, km.TypeGo):
		return m.setType(1)
	case key.Matches(msg, km.TypeAsk):
		return m.setType(2)
	case key.Matches(msg, km.TypeMD):
		return m.setType(3)
	case key.Matches(msg, km.Options):
		return m.EditOptions()
	case key.Matches(msg, km.Merge):
		return m.merge()
	case key.Matches(msg, km.Split):
		return status("split works while editing: enter, put the cursor on the first line of the new cell, then %s", km.Split.Help().Key)
	case key.Matches(msg, km.RunAllAbove):
		return m.RunAbove()
	case key.Matches(msg, km.Results):
		return m.openResults()
	case key.Matches(msg, km.FixWithAI):
		return statusError("fix with AI: this kernel has no data agent; the cell is unchanged")
	}
	return nil
}

func (m *Model) move(d int) {
	m.cursor = component.Clamp(m.cursor+d, 0, len(m.nb.Cells)-1)
}

// StartEditing edits the cell under the cursor.
func (m *Model) StartEditing() tea.Cmd {
	if len(m.nb.Cells) == 0 {
		return nil
	}
	c := &m.nb.Cells[m.cursor]
	m.editing = true
	m.editor.SetValue(c.Source)
	m.editor.SetHeight(m.editor.LineCount())
	m.editor.Placeholder = placeholder(*c)
	m.vimStart()
	m.startHistory()
	return m.editor.Focus()
}

// StopEditing keeps the edited text and leaves the editor.
func (m *Model) StopEditing() {
	if !m.editing {
		return
	}
	m.commit()
	m.editing = false
	m.editor.Blur()
	m.closePopup()
	m.bar.kind = barNone
}

// commit copies the editor's text into the cell being edited.
func (m *Model) commit() {
	if !m.editing || m.cursor >= len(m.nb.Cells) {
		return
	}
	c := &m.nb.Cells[m.cursor]
	if v := retab(m.editor.Value(), c.Source); v != c.Source {
		_ = m.nb.SetSource(m.cursor, v)
		m.edited(c.ID)
	}
}

// retab gives back the tab indentation of a cell whose source is indented
// with tabs (gofmt's Go): the text area turns each tab into four spaces,
// so editing such a cell would otherwise change every indented line.
func retab(value, source string) string {
	if !strings.HasPrefix(source, "\t") && !strings.Contains(source, "\n\t") {
		return value
	}
	lines := strings.Split(value, "\n")
	for i, l := range lines {
		n := 0
		for strings.HasPrefix(l[n*tabWidth:], "    ") {
			n++
		}
		if n > 0 {
			lines[i] = strings.Repeat("\t", n) + l[n*tabWidth:]
		}
	}
	return strings.Join(lines, "\n")
}

// edited records a change to the cell with the given id.
func (m *Model) edited(id string) {
	m.clock++
	m.editedAt[id] = m.clock
	m.changed()
}

// InsertText inserts text at the editor's cursor, editing the cell under
// the cursor if none is being edited.
func (m *Model) InsertText(text string) tea.Cmd {
	var cmd tea.Cmd
	if !m.editing {
		cmd = m.StartEditing()
	}
	before := m.textState()
	m.editor.InsertString(text)
	m.commit()
	m.record(before, editOther)
	return cmd
}

func (m *Model) addCell(at int) tea.Cmd {
	m.StopEditing()
	// A new cell is SQL, whatever the cell next to it; 1..4 change it.
	if err := m.nb.Insert(at, notebooks.Cell{Kind: notebooks.Code, Lang: notebooks.LangSQL}); err != nil {
		return statusError("%v", err)
	}
	m.cursor = at
	m.edited(m.nb.Cells[at].ID)
	return m.StartEditing()
}

func (m *Model) deleteCell() tea.Cmd {
	if len(m.nb.Cells) == 0 {
		return nil
	}
	id := m.nb.Cells[m.cursor].ID
	if err := m.nb.Delete(m.cursor); err != nil {
		return statusError("%v", err)
	}
	delete(m.results, id)
	m.clock++
	m.changed()
	if len(m.nb.Cells) == 0 {
		_ = m.nb.Insert(0, notebooks.Cell{Kind: notebooks.Code, Lang: notebooks.LangSQL})
	}
	m.move(0)
	return status("cell deleted")
}

func (m *Model) moveCell(d int) tea.Cmd {
	to := m.cursor + d
	if to < 0 || to >= len(m.nb.Cells) {
		return nil
	}
	if err := m.nb.Move(m.cursor, to); err != nil {
		return statusError("%v", err)
	}
	m.cursor = to
	m.clock++
	m.changed()
	return nil
}

// split ends the edited cell before the editor's line; that line and the
// ones after it become a new cell of the same type below, being edited.
func (m *Model) split() tea.Cmd {
	m.commit()
	c := m.nb.Cells[m.cursor]
	lines := strings.Split(c.Source, "\n")
	at := m.editor.Line()
	if at <= 0 || at >= len(lines) {
		return status("put the cursor on a line after the first to split the cell there")
	}
	_ = m.nb.SetSource(m.cursor, strings.Join(lines[:at], "\n"))
	m.edited(c.ID)
	if err := m.nb.Insert(m.cursor+1, notebooks.Cell{Kind: c.Kind, Lang: c.Lang, Source: strings.Join(lines[at:], "\n")}); err != nil {
		return statusError("%v", err)
	}
	m.cursor++
	m.edited(m.nb.Cells[m.cursor].ID)
	cmd := m.StartEditing()
	m.editor.MoveToBegin()
	return cmd
}

// merge appends the cell below to the one under the cursor, which keeps
// its type and options.
func (m *Model) merge() tea.Cmd {
	if m.cursor+1 >= len(m.nb.Cells) {
		return status("no cell below to merge with")
	}
	c, next := m.nb.Cells[m.cursor], m.nb.Cells[m.cursor+1]
	src := c.Source
	if next.Source != "" {
		if src != "" {
			src += "\n"
		}
		src += next.Source
	}
	_ = m.nb.SetSource(m.cursor, src)
	if err := m.nb.Delete(m.cursor + 1); err != nil {
		return statusError("%v", err)
	}
	delete(m.results, next.ID)
	m.edited(c.ID)
	return status("merged the cell below into this one")
}

// cellTypes is the order t cycles through.
var cellTypes = []struct {
	kind notebooks.Kind
	lang string
}{
	{notebooks.Code, notebooks.LangSQL},
	{notebooks.Code, notebooks.LangGo},
	{notebooks.Code, notebooks.LangAsk},
	{notebooks.Markdown, ""},
}

func (m *Model) cycleType() tea.Cmd {
	c := &m.nb.Cells[m.cursor]
	next := 0
	for i, t := range cellTypes {
		if t.kind == c.Kind && t.lang == c.Lang {
			next = (i + 1) % len(cellTypes)
		}
	}
	return m.setType(next)
}

// setType makes the cell under the cursor cellTypes[i].
func (m *Model) setType(i int) tea.Cmd {
	m.StopEditing()
	c := &m.nb.Cells[m.cursor]
	t := cellTypes[i]
	if t.kind == c.Kind && t.lang == c.Lang {
		return status("cell is already %s", typeName(t.lang))
	}
	c.Kind, c.Lang = t.kind, t.lang
	var dropped string
	if t.kind == notebooks.Markdown {
		if o := c.Options.String(); o != "" {
			dropped = o
		}
		c.Options = notebooks.Options{}
		if t.kind == notebooks.Markdown {
			c.Outputs, c.Execution = nil, notebooks.Execution{}
			delete(m.results, c.ID)
		}
	}
	m.edited(c.ID)
	name := typeName(t.lang)
	if dropped != "" {
		return status("cell is now %s (its options %q were dropped: markdown cells have none)", name, dropped)
	}
	return status("cell is now %s", name)
}

// typeName names a cell type by its language, "markdown" for none.
func typeName(lang string) string {
	if lang == "" {
		return "markdown"
	}
	return lang
}

// placeholder is what an empty cell of c's type shows while edited: an
// example of what it takes.
func placeholder(c notebooks.Cell) string {
	switch {
	case c.Kind == notebooks.Markdown:
		return "# A heading, then notes in markdown (esc stops editing)"
	case c.Lang == notebooks.LangGo:
		return `n := 6 * 7; fmt.Println(n)  (Go; ctrl+enter runs)`
	case c.Lang == notebooks.LangAsk:
		return "a question in plain words: top 5 customers by revenue (ctrl+enter asks)"
	}
	return "SELECT … FROM lake.… (ctrl+enter runs, esc stops editing)"
}

func (m *Model) openResults() tea.Cmd {
	c := m.nb.Cells[m.cursor]
	if t := m.table(c.ID); t != nil {
		title, name, sets := m.resultsTitle(c, t), m.CurrentName(), m.CurrentSets()
		return func() tea.Msg { return OpenResultsMsg{Title: title, Table: t, Name: name, Sets: sets} }
	}
	return status("this cell has no table to page through; run it first (ctrl+enter)")
}

// CurrentTable returns the table the cell under the cursor returned, or nil.
func (m *Model) CurrentTable() (*kernel.Table, string) {
	if len(m.nb.Cells) == 0 {
		return nil, ""
	}
	c := m.nb.Cells[m.cursor]
	t := m.table(c.ID)
	if t == nil {
		return nil, ""
	}
	return t, m.resultsTitle(c, t)
}

func (m *Model) resultsTitle(c notebooks.Cell, t *kernel.Table) string {
	name := c.Options.Name
	if name == "" {
		name = kernel.CellLabel(m.nb, m.nb.Index(c.ID))
	}
	return fmt.Sprintf("Results of %s · %s · esc back to the notebook", name, columns(len(t.Columns)))
}

// CurrentSets returns every result set of the cell under the cursor, in
// order: the results of its statements, then the cell's table.
func (m *Model) CurrentSets() []pager.Set {
	if len(m.nb.Cells) == 0 {
		return nil
	}
	c := m.nb.Cells[m.cursor]
	r := m.results[c.ID]
	if r == nil {
		return nil
	}
	var sets []pager.Set
	for _, o := range r.Outputs {
		switch {
		case o.Kind == kernel.OutputStatement && o.Statement.Result != nil:
			st := o.Statement
			name := c.Options.Name
			if name == "" {
				name = kernel.CellLabel(m.nb, m.cursor)
			}
			title := fmt.Sprintf("Results of %s, line %d (%s) · %s · not held: first %s · esc back", name, st.Line, st.Verb, columns(len(st.Result.Columns)), pager.Rows(int64(len(st.Result.Rows))))
			sets = append(sets, pager.Set{Table: st.Result, Title: title})
		case o.Kind == kernel.OutputTable && o.Table != nil:
			sets = append(sets, pager.Set{Table: o.Table, Title: m.resultsTitle(c, o.Table)})
		}
	}
	return sets
}

// CurrentName is a file name for the results of the cell under the
// cursor, without extension: the cell's name, else "cell-3".
func (m *Model) CurrentName() string {
	if len(m.nb.Cells) == 0 {
		return ""
	}
	if n := m.nb.Cells[m.cursor].Options.Name; n != "" {
		return n
	}
	return fmt.Sprintf("cell-%d", m.cursor+1)
}

// table returns the last table output of a cell's last run.
func (m *Model) table(id string) *kernel.Table {
	r := m.results[id]
	if r == nil {
		return nil
	}
	for i := len(r.Outputs) - 1; i >= 0; i-- {
		if r.Outputs[i].Kind == kernel.OutputTable && r.Outputs[i].Table != nil {
			return r.Outputs[i].Table
		}
	}
	// A cell whose last statement made no rows: its last statement that
	// did.
	for i := len(r.Outputs) - 1; i >= 0; i-- {
		if o := r.Outputs[i]; o.Kind == kernel.OutputStatement && o.Statement.Result != nil {
			return o.Statement.Result
		}
	}
	return nil
}

// ShortHelp lists the main notebook keys.
func (m *Model) ShortHelp() []key.Binding {
	km := m.common.KeyMap
	if m.editing {
		return []key.Binding{km.RunStatement, km.StopEditing, km.Undo, km.Save}
	}
	return []key.Binding{km.Edit, km.RunCell, km.AddBelow, km.Delete, km.Results}
}

// FullHelp lists every notebook key.
func (m *Model) FullHelp() [][]key.Binding {
	km := m.common.KeyMap
	return [][]key.Binding{
		{km.Up, km.Down, km.Top, km.Bottom, km.Edit},
		{km.AddAbove, km.AddBelow, km.Delete, km.MoveUp, km.MoveDown, km.CycleType, km.TypeSQL, km.TypeGo, km.TypeAsk, km.TypeMD, km.Options, km.Merge, km.Split},
		{km.Undo, km.Redo, km.Find, km.Format},
		{km.RunStatement, km.RunCell, km.RunAll, km.RunAllAbove, km.Results, km.FixWithAI},
	}
}

// now is the component's clock.
func (m *Model) now() time.Time {
	if m.common.Now != nil {
		return m.common.Now()
	}
	return time.Now()
}
