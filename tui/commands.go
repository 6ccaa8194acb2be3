package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/floehq/floe/tui/keymap"
	"github.com/floehq/floe/tui/notebook"
)

// Command is one action of the workbench. The command palette lists
// every command by name, with what it does and its key; the help overlay
// lists the keys (keymap.Groups) and a test checks that every action key
// there is a command here, so the three cannot drift apart.
//
// Adding an action is adding one entry to registry. A command with a key
// does what the key does: its Run calls the same method as the key's case
// in Model.key or in the component that handles the key.
type Command struct {
	// Name is what the palette lists and the filter matches: a verb first,
	// "Run cell", "Toggle the catalog".
	Name string
	// Help says what the command does, in a few words.
	Help string
	// Key returns the binding that does the same from the live key map;
	// nil for a command only the palette runs.
	Key func(*keymap.KeyMap) key.Binding
	// Enabled reports whether the command can run now; nil means always.
	// The palette lists disabled commands dimmed, after the others.
	Enabled func(*Model) bool
	// Run does it, from Update: slow work goes in the returned command.
	Run func(*Model) tea.Cmd
}

// enabled reports whether c can run now.
func (c Command) enabled(m *Model) bool { return c.Enabled == nil || c.Enabled(m) }

// keyHelp is the key the palette shows for c, "" for none.
func (c Command) keyHelp(m *Model) string {
	if c.Key == nil {
		return ""
	}
	return c.Key(m.common.KeyMap).Help().Key
}

// registry returns every command, in the order the palette lists them
// before anything is typed: running cells, the notebook's cells, the
// panes, the results, the catalog, the file.
func registry() []Command {
	return []Command{
		// Running.
		{Name: "Run cell", Help: "run the cell under the cursor",
			Key: func(k *keymap.KeyMap) key.Binding { return k.RunCell }, Run: (*Model).runCell},
		{Name: "Run all cells", Help: "run every code cell, top to bottom, stopping at a failure",
			Key: func(k *keymap.KeyMap) key.Binding { return k.RunAll }, Run: func(m *Model) tea.Cmd { return m.notebook.RunAll() }},
		{Name: "Run all cells above", Help: "run the code cells above the cursor",
			Key:     func(k *keymap.KeyMap) key.Binding { return k.RunAllAbove },
			Enabled: func(m *Model) bool { return m.notebook.Cursor() > 0 },
			Run:     func(m *Model) tea.Cmd { return m.inNotebook(m.notebook.RunAbove()) }},
		{Name: "Run statement", Help: "run the selection, or the SQL statement under the cursor (the cell when not editing)",
			Key: func(k *keymap.KeyMap) key.Binding { return k.RunStatement },
			Run: func(m *Model) tea.Cmd { return m.inNotebook(m.notebook.RunStatement()) }},
		{Name: "Cancel the running query", Help: "interrupt the running cell and drop the queued ones",
			Key:     func(k *keymap.KeyMap) key.Binding { return k.Cancel },
			Enabled: func(m *Model) bool { r, _ := m.notebook.Running(); return r },
			Run: func(m *Model) tea.Cmd {
				if m.notebook.Cancel() {
					m.message = "cancelling the running query…"
				}
				return nil
			}},
		{Name: "Clear all outputs", Help: "drop every cell's results and execution counts",
			Run: func(m *Model) tea.Cmd { return m.notebook.ClearOutputs() }},

		// Cells.
		{Name: "Edit cell", Help: "edit the cell under the cursor",
			Key: func(k *keymap.KeyMap) key.Binding { return k.Edit },
			Run: func(m *Model) tea.Cmd { m.setFocus(focusNotebook); return m.notebook.StartEditing() }},
		{Name: "Stop editing", Help: "keep the text and leave the editor",
			Key:     func(k *keymap.KeyMap) key.Binding { return k.StopEditing },
			Enabled: func(m *Model) bool { return m.notebook.Editing() },
			Run:     func(m *Model) tea.Cmd { m.notebook.StopEditing(); return nil }},
		{Name: "Add cell above", Help: "insert a cell above the cursor and edit it",
			Key: func(k *keymap.KeyMap) key.Binding { return k.AddAbove },
			Run: func(m *Model) tea.Cmd { return m.inNotebook(m.notebook.AddCell(false)) }},
		{Name: "Add cell below", Help: "insert a cell below the cursor and edit it",
			Key: func(k *keymap.KeyMap) key.Binding { return k.AddBelow },
			Run: func(m *Model) tea.Cmd { return m.inNotebook(m.notebook.AddCell(true)) }},
		{Name: "Delete cell", Help: "delete the cell under the cursor",
			Key: func(k *keymap.KeyMap) key.Binding { return k.Delete },
			Run: func(m *Model) tea.Cmd { return m.inNotebook(m.notebook.DeleteCell()) }},
		{Name: "Move cell up", Help: "swap the cell with the one above",
			Key: func(k *keymap.KeyMap) key.Binding { return k.MoveUp },
			Run: func(m *Model) tea.Cmd { return m.inNotebook(m.notebook.MoveCell(-1)) }},
		{Name: "Move cell down", Help: "swap the cell with the one below",
			Key: func(k *keymap.KeyMap) key.Binding { return k.MoveDown },
			Run: func(m *Model) tea.Cmd { return m.inNotebook(m.notebook.MoveCell(1)) }},
		{Name: "Change cell type", Help: "cycle the cell through sql, go, ask and markdown",
			Key: func(k *keymap.KeyMap) key.Binding { return k.CycleType },
			Run: func(m *Model) tea.Cmd { return m.inNotebook(m.notebook.CycleType()) }},
		{Name: "Make cell SQL", Help: "change the cell's type to SQL",
			Key: func(k *keymap.KeyMap) key.Binding { return k.TypeSQL },
			Run: func(m *Model) tea.Cmd { return m.inNotebook(m.notebook.SetType(notebook.TypeSQL)) }},
		{Name: "Make cell Go", Help: "change the cell's type to Go",
			Key: func(k *keymap.KeyMap) key.Binding { return k.TypeGo },
			Run: func(m *Model) tea.Cmd { return m.inNotebook(m.notebook.SetType(notebook.TypeGo)) }},
		{Name: "Make cell ask", Help: "change the cell's type to a question for the data agent",
			Key: func(k *keymap.KeyMap) key.Binding { return k.TypeAsk },
			Run: func(m *Model) tea.Cmd { return m.inNotebook(m.notebook.SetType(notebook.TypeAsk)) }},
		{Name: "Make cell markdown", Help: "change the cell's type to markdown text",
			Key: func(k *keymap.KeyMap) key.Binding { return k.TypeMD },
			Run: func(m *Model) tea.Cmd { return m.inNotebook(m.notebook.SetType(notebook.TypeMarkdown)) }},
		{Name: "Set cell options…", Help: "edit the option line: name= chart= assert rows= timeout= ...",
			Key: func(k *keymap.KeyMap) key.Binding { return k.Options },
			Run: func(m *Model) tea.Cmd { return m.inNotebook(m.notebook.EditOptions()) }},
		{Name: "Name the cell's result…", Help: "set name= so later cells can query the result by name",
			Run: func(m *Model) tea.Cmd { return m.inNotebook(m.notebook.EditOption("name")) }},
		{Name: "Chart the cell's result…", Help: "set chart=bar|line|scatter|hist:x,y",
			Run: func(m *Model) tea.Cmd { return m.inNotebook(m.notebook.EditOption("chart")) }},
		{Name: "Assert the cell returns no rows", Help: "toggle assert: the cell fails when its query returns rows",
			Run: func(m *Model) tea.Cmd { return m.inNotebook(m.notebook.ToggleAssert()) }},
		{Name: "Undo", Help: "undo the last change to the edited cell",
			Key:     func(k *keymap.KeyMap) key.Binding { return k.Undo },
			Enabled: func(m *Model) bool { return m.notebook.Editing() },
			Run:     func(m *Model) tea.Cmd { return m.inNotebook(m.notebook.Undo()) }},
		{Name: "Redo", Help: "redo the change undone last in the edited cell",
			Key:     func(k *keymap.KeyMap) key.Binding { return k.Redo },
			Enabled: func(m *Model) bool { return m.notebook.Editing() },
			Run:     func(m *Model) tea.Cmd { return m.inNotebook(m.notebook.Redo()) }},
		{Name: "Find and replace", Help: "find text in the cell, replace one match or all",
			Key: func(k *keymap.KeyMap) key.Binding { return k.Find },
			Run: func(m *Model) tea.Cmd { return m.inNotebook(m.notebook.OpenFind()) }},
		{Name: "Format SQL", Help: "lay out the SQL cell: keywords in capitals, a clause a line",
			Key: func(k *keymap.KeyMap) key.Binding { return k.Format },
			Run: func(m *Model) tea.Cmd { return m.inNotebook(m.notebook.Format()) }},
		{Name: "Merge with the cell below", Help: "append the next cell to this one",
			Key:     func(k *keymap.KeyMap) key.Binding { return k.Merge },
			Enabled: func(m *Model) bool { return m.notebook.Cursor()+1 < len(m.notebook.Notebook().Cells) },
			Run:     func(m *Model) tea.Cmd { return m.inNotebook(m.notebook.Merge()) }},
		{Name: "Split cell", Help: "split the edited cell at the editor's line",
			Key:     func(k *keymap.KeyMap) key.Binding { return k.Split },
			Enabled: func(m *Model) bool { return m.notebook.Editing() },
			Run:     func(m *Model) tea.Cmd { return m.inNotebook(m.notebook.Split()) }},
		{Name: "Query history", Help: "SQL run in every session; enter inserts a statement",
			Key: func(k *keymap.KeyMap) key.Binding { return k.History }, Run: (*Model).openHistory},

		// Panes.
		{Name: "Open the results", Help: "page through the table of the cell under the cursor",
			Key:     func(k *keymap.KeyMap) key.Binding { return k.Results },
			Enabled: func(m *Model) bool { t, _ := m.notebook.CurrentTable(); return t != nil },
			Run:     func(m *Model) tea.Cmd { m.notebook.StopEditing(); return m.notebook.OpenResults() }},
		{Name: "Focus the next pane", Help: "notebook, results, catalog in turn",
			Key: func(k *keymap.KeyMap) key.Binding { return k.Focus }, Run: func(m *Model) tea.Cmd { m.cycleFocus(); return nil }},
		{Name: "Focus the notebook", Help: "back to the cells",
			Key: func(k *keymap.KeyMap) key.Binding { return k.Back }, Run: func(m *Model) tea.Cmd { m.setFocus(focusNotebook); return nil }},
		{Name: "Toggle the catalog", Help: "show or hide the warehouse's tables",
			Key:     func(k *keymap.KeyMap) key.Binding { return k.ToggleCatalog },
			Enabled: func(m *Model) bool { return m.catalog != nil }, Run: (*Model).toggleCatalog},
		{Name: "Focus the catalog", Help: "show the catalog if hidden and move to it",
			Enabled: func(m *Model) bool { return m.catalog != nil },
			Run: func(m *Model) tea.Cmd {
				if m.catalogShown() {
					m.setFocus(focusCatalog)
					return nil
				}
				return m.toggleCatalog()
			}},
		{Name: "Refresh the catalog", Help: "list the warehouse's namespaces and tables again",
			Key:     func(k *keymap.KeyMap) key.Binding { return k.Refresh },
			Enabled: func(m *Model) bool { return m.catalog != nil },
			Run:     func(m *Model) tea.Cmd { return m.catalog.Init() }},
		{Name: "Show help", Help: "every key, from the live key map",
			Key: func(k *keymap.KeyMap) key.Binding { return k.Help }, Run: func(m *Model) tea.Cmd { m.showHelp = true; return nil }},

		// Results.
		{Name: "Sort by column", Help: "sort the results by the selected column: up, down, off",
			Key: func(k *keymap.KeyMap) key.Binding { return k.Sort }, Enabled: inResults,
			Run: func(m *Model) tea.Cmd { return m.pager.Sort() }},
		{Name: "Copy value", Help: "copy the selected value of the results",
			Key: func(k *keymap.KeyMap) key.Binding { return k.CopyCell }, Enabled: inResults,
			Run: func(m *Model) tea.Cmd { return m.pager.CopyValue() }},
		{Name: "Copy row", Help: "copy the selected row, tab-separated",
			Key: func(k *keymap.KeyMap) key.Binding { return k.CopyRow }, Enabled: inResults,
			Run: func(m *Model) tea.Cmd { return m.pager.CopyRow() }},
		{Name: "Export results", Help: "write the whole result to a .csv, .parquet or .json file",
			Key: func(k *keymap.KeyMap) key.Binding { return k.Export }, Enabled: inResults,
			Run: func(m *Model) tea.Cmd { return m.pager.Export() }},
		{Name: "Edit value", Help: "change the selected value: proposes the UPDATE of the lake table",
			Key: func(k *keymap.KeyMap) key.Binding { return k.EditValue }, Enabled: inResults,
			Run: func(m *Model) tea.Cmd { return m.pager.EditValue() }},
		{Name: "View value", Help: "the selected value whole: wrapped, JSON pretty-printed, y copies it",
			Key: func(k *keymap.KeyMap) key.Binding { return k.ViewValue }, Enabled: inResults,
			Run: func(m *Model) tea.Cmd { return m.pager.ViewValue() }},
		{Name: "Next result set", Help: "the next result of a cell of several statements ([ goes back)",
			Key: func(k *keymap.KeyMap) key.Binding { return k.SwitchResult }, Enabled: inResults,
			Run: func(m *Model) tea.Cmd { return m.pager.NextSet() }},
		{Name: "Show the whole message", Help: "the status bar's message, the catalog note or the cell's error, wrapped",
			Key: func(k *keymap.KeyMap) key.Binding { return k.FullMessage },
			Run: func(m *Model) tea.Cmd { return m.openMessage() }},

		// The data agent.
		{Name: "Fix cell with AI", Help: "ask the data agent to fix the failed cell; shows the change as a diff",
			Key:     func(k *keymap.KeyMap) key.Binding { return k.FixWithAI },
			Enabled: func(m *Model) bool { return m.assist.a != nil && m.focus == focusNotebook && !m.notebook.Editing() },
			Run:     func(m *Model) tea.Cmd { return m.startFix() }},
		{Name: "New chat", Help: "start a new conversation: earlier questions no longer give context",
			Enabled: func(m *Model) bool { return m.assist.chat != nil && !m.assist.chat.Busy() },
			Run: func(m *Model) tea.Cmd {
				m.message, m.isError = "new chat: earlier questions are forgotten", false
				return m.assist.chat.Reset()
			}},
		{Name: "Chat with the data agent", Help: "open, focus or close the chat: questions in plain words",
			Key: func(k *keymap.KeyMap) key.Binding { return k.Chat }, Run: func(m *Model) tea.Cmd { return m.toggleChat() }},

		// The file.
		{Name: "Save", Help: "write the notebook to its file",
			Key: func(k *keymap.KeyMap) key.Binding { return k.Save }, Run: func(m *Model) tea.Cmd { return m.save(false) }},
		{Name: "Save as…", Help: "write the notebook to a new file and keep editing that one",
			Run: (*Model).saveAsDialog},
		{Name: "Quit", Help: "leave floe, asking first if there are unsaved changes",
			Key: func(k *keymap.KeyMap) key.Binding { return k.Quit }, Run: (*Model).quit},
	}
}

// inResults reports whether the results pager is shown with a table.
func inResults(m *Model) bool { return m.focus == focusResults && m.pager.Table() != nil }

// runCell is what the run key does: run the cell under the cursor, from
// the catalog going back to the notebook.
func (m *Model) runCell() tea.Cmd {
	if m.focus == focusCatalog {
		m.setFocus(focusNotebook)
	}
	return m.notebook.RunCurrent()
}

// inNotebook moves the focus to the notebook, where a cell action just
// happened, and passes its command on.
func (m *Model) inNotebook(cmd tea.Cmd) tea.Cmd {
	m.setFocus(focusNotebook)
	return cmd
}

// saveAsDialog asks for a new file name, proposing the current one; the
// notebook is saved there and edited there from then on.
func (m *Model) saveAsDialog() tea.Cmd {
	m.dialog = dialogSaveAs
	m.quitAfter = false
	m.saveAs.SetValue(m.path)
	m.saveAs.CursorEnd()
	return m.saveAs.Focus()
}
