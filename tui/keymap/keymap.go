package keymap

import (
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
)

// KeyMap is every binding of the terminal UI, grouped by where it works.
type KeyMap struct {
	// Everywhere, also while editing a cell.
	Quit    key.Binding
	Save    key.Binding
	Cancel  key.Binding
	RunCell key.Binding
	// RunStatement runs, while editing, the selection or else the
	// statement under the cursor; elsewhere it runs the cell.
	RunStatement  key.Binding
	RunAll        key.Binding
	Help          key.Binding
	ToggleCatalog key.Binding
	Chat          key.Binding
	Palette       key.Binding
	History       key.Binding
	// FullMessage shows the whole of a message cut to fit its line: the
	// status bar's, or the errors under the cell.
	FullMessage key.Binding

	// Moving around, in the notebook, the results and the catalog.
	Up       key.Binding
	Down     key.Binding
	Left     key.Binding
	Right    key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Top      key.Binding
	Bottom   key.Binding
	Focus    key.Binding
	Back     key.Binding

	// The notebook, when no cell is being edited.
	Edit        key.Binding
	AddAbove    key.Binding
	AddBelow    key.Binding
	Delete      key.Binding
	MoveUp      key.Binding
	MoveDown    key.Binding
	CycleType   key.Binding
	TypeSQL     key.Binding
	TypeGo      key.Binding
	TypeAsk     key.Binding
	TypeMD      key.Binding
	Options     key.Binding
	Merge       key.Binding
	Split       key.Binding
	RunAllAbove key.Binding
	Results     key.Binding
	FixWithAI   key.Binding

	// Editing a cell; Editor holds the text area's own bindings.
	StopEditing key.Binding
	Indent      key.Binding
	Undo        key.Binding
	Redo        key.Binding
	Find        key.Binding
	Format      key.Binding
	Editor      textarea.KeyMap

	// The find bar (ctrl+f while editing): FindNext and FindPrev move
	// between matches, FindField goes between the find and replace fields,
	// ReplaceOne (enter in the replace field) replaces the match at the
	// cursor and ReplaceAll every match.
	FindNext   key.Binding
	FindPrev   key.Binding
	FindField  key.Binding
	ReplaceOne key.Binding
	ReplaceAll key.Binding

	// Complete opens SQL completion in the editor (tui/notebook/complete.go);
	// in its popup the editor's line keys choose, Indent accepts and
	// StopEditing closes. Vim turns on the editor's vim mode
	// (FLOE_KEYS=vim), listed in the help.
	Complete key.Binding
	Vim      bool

	// The results pager.
	FirstColumn key.Binding
	LastColumn  key.Binding
	Sort        key.Binding
	CopyCell    key.Binding
	CopyRow     key.Binding
	Export      key.Binding
	EditValue   key.Binding
	ViewValue   key.Binding
	// SwitchResult shows the previous ([) or next (]) result set of a
	// cell of several statements.
	SwitchResult key.Binding

	// The catalog tree.
	Insert  key.Binding
	Expand  key.Binding
	Preview key.Binding
	Refresh key.Binding

	// The chat with the data agent.
	InsertAnswer key.Binding

	// Dialogs.
	Yes key.Binding
	No  key.Binding
}

// Default returns the default bindings. Ctrl+Enter and Shift+Enter need a
// terminal that reports them (kitty keyboard protocol or similar); Ctrl+J is
// what many other terminals send for Ctrl+Enter.
func Default() *KeyMap {
	b := func(keys []string, help, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	k := &KeyMap{
		Quit:          b([]string{"ctrl+q"}, "ctrl+q", "quit (asks to save changes)"),
		Save:          b([]string{"ctrl+s"}, "ctrl+s", "save the notebook"),
		Cancel:        b([]string{"ctrl+c"}, "ctrl+c", "cancel the running query"),
		RunCell:       b([]string{"shift+enter", "ctrl+j", "f5"}, "shift+enter", "run the whole cell (also ctrl+j, f5)"),
		RunStatement:  b([]string{"ctrl+enter", "alt+enter", "f6"}, "ctrl+enter", "run selection or statement at cursor (alt+enter, f6)"),
		RunAll:        b([]string{"ctrl+r"}, "ctrl+r", "run all cells"),
		Help:          b([]string{"f1", "?"}, "? / f1", "show or hide this help"),
		ToggleCatalog: b([]string{"ctrl+o"}, "ctrl+o", "show or hide the catalog"),
		Chat:          b([]string{"ctrl+l", "f3"}, "ctrl+l / f3", "open, focus or close the chat with the data agent"),
		Palette:       b([]string{"ctrl+x", ":"}, "ctrl+x / :", "command palette: every action by name (: outside the editor)"),
		History:       b([]string{"ctrl+y"}, "ctrl+y", "query history of every session"),
		FullMessage:   b([]string{"f2", "!"}, "! / f2", "the whole message or error (f2 in the editor)"),

		Up:       b([]string{"up", "k"}, "↑/k", "up"),
		Down:     b([]string{"down", "j"}, "↓/j", "down"),
		Left:     b([]string{"left", "h"}, "←/h", "left, collapse"),
		Right:    b([]string{"right", "l"}, "→/l", "right, expand"),
		PageUp:   b([]string{"pgup", "ctrl+b"}, "pgup", "page up"),
		PageDown: b([]string{"pgdown", "ctrl+f", "space"}, "pgdn", "page down"),
		Top:      b([]string{"home", "g"}, "home/g", "first"),
		Bottom:   b([]string{"end", "G"}, "end/G", "last"),
		Focus:    b([]string{"tab"}, "tab", "next pane (notebook, results, catalog)"),
		Back:     b([]string{"esc"}, "esc", "back to the notebook"),

		Edit:        b([]string{"enter", "i"}, "enter/i", "edit cell"),
		AddAbove:    b([]string{"a"}, "a", "add cell above"),
		AddBelow:    b([]string{"b"}, "b", "add cell below"),
		Delete:      b([]string{"d"}, "d d", "delete cell (press twice)"),
		MoveUp:      b([]string{"K", "alt+up"}, "K/alt+↑", "move cell up"),
		MoveDown:    b([]string{"J", "alt+down"}, "J/alt+↓", "move cell down"),
		CycleType:   b([]string{"t"}, "t", "change cell type (sql, go, ask, markdown)"),
		TypeSQL:     b([]string{"1"}, "1", "make the cell SQL"),
		TypeGo:      b([]string{"2"}, "2", "make the cell Go"),
		TypeAsk:     b([]string{"3"}, "3", "make the cell an ask cell"),
		TypeMD:      b([]string{"4"}, "4", "make the cell markdown"),
		Options:     b([]string{"O"}, "O", "edit the cell's options (name= chart= assert rows= timeout= ...)"),
		Merge:       b([]string{"M"}, "M", "merge with the cell below"),
		Split:       b([]string{"ctrl+\\"}, "ctrl+\\", "split the cell at the editor's line"),
		RunAllAbove: b([]string{"U"}, "U", "run all cells above"),
		Results:     b([]string{"o"}, "o", "open the cell's results"),
		FixWithAI:   b([]string{"F"}, "F", "fix the failed cell with AI"),

		StopEditing: b([]string{"esc"}, "esc", "stop editing (or close completions)"),
		Indent:      b([]string{"tab"}, "tab", "indent (or accept a completion)"),
		Undo:        b([]string{"ctrl+z"}, "ctrl+z", "undo (u in vim normal mode)"),
		Redo:        b([]string{"ctrl+shift+z", "alt+z"}, "alt+z", "redo (also ctrl+shift+z; ctrl+r in vim normal mode)"),
		Find:        b([]string{"ctrl+f"}, "ctrl+f", "find and replace in the cell (/ in vim normal mode)"),
		Format:      b([]string{"f4"}, "f4", "format the SQL cell"),

		FindNext:   b([]string{"enter", "down"}, "enter/↓", "find: next match (n in vim normal mode)"),
		FindPrev:   b([]string{"shift+enter", "up"}, "shift+enter/↑", "find: previous match (N in vim normal mode)"),
		FindField:  b([]string{"tab"}, "tab", "find: go between the find and replace fields"),
		ReplaceOne: b([]string{"enter"}, "enter", "replace: the match at the cursor, then go to the next"),
		ReplaceAll: b([]string{"ctrl+a"}, "ctrl+a", "replace: every match in the cell"),
		Editor:     textarea.DefaultKeyMap(),

		Complete: b([]string{"ctrl+space", "ctrl+@"}, "ctrl+space", "complete SQL (opens as you type)"),

		FirstColumn:  b([]string{"0", "ctrl+a"}, "0", "first column"),
		LastColumn:   b([]string{"$", "ctrl+e"}, "$", "last column"),
		Sort:         b([]string{"s"}, "s", "sort by column: ascending, descending, off"),
		CopyCell:     b([]string{"y"}, "y", "copy value"),
		CopyRow:      b([]string{"Y"}, "Y", "copy row (tab-separated)"),
		Export:       b([]string{"e"}, "e", "export the result (.csv .parquet .json)"),
		EditValue:    b([]string{"enter"}, "enter", "edit value as an UPDATE of the table"),
		ViewValue:    b([]string{"v"}, "v", "view the whole value (JSON pretty-printed)"),
		SwitchResult: b([]string{"[", "]"}, "[ ]", "previous, next result set of the cell"),

		Insert:  b([]string{"enter"}, "enter", "insert name into the cell"),
		Expand:  b([]string{"space", "right", "l"}, "space/→", "expand or collapse"),
		Preview: b([]string{"p"}, "p", "preview the table's first rows"),
		Refresh: b([]string{"r"}, "r", "reload the catalog"),

		InsertAnswer: b([]string{"i"}, "i", "in the chat: insert the answer's cells into the notebook"),

		Yes: b([]string{"y"}, "y", "yes"),
		No:  b([]string{"n"}, "n", "no"),
	}
	// ctrl+f finds; right arrow still moves forward.
	k.Editor.CharacterForward.SetKeys("right")
	k.Editor.LinePrevious.SetHelp("↑", "line up (or previous completion)")
	k.Editor.LineNext.SetHelp("↓", "line down (or next completion)")
	return k
}

// Group is a named set of bindings, one section of the help overlay.
type Group struct {
	Name     string
	Bindings []key.Binding
}

// Groups returns every binding, by where it works, in the order the help
// overlay lists them.
func (k *KeyMap) Groups() []Group {
	e := k.Editor
	groups := []Group{
		{"Everywhere", []key.Binding{k.RunStatement, k.RunCell, k.RunAll, k.Cancel, k.Save, k.Quit, k.Help, k.Palette, k.History, k.ToggleCatalog, k.Chat, k.InsertAnswer, k.FullMessage}},
		{"Notebook", []key.Binding{k.Up, k.Down, k.Top, k.Bottom, k.Edit, k.AddAbove, k.AddBelow, k.Delete, k.MoveUp, k.MoveDown, k.CycleType, k.TypeSQL, k.TypeGo, k.TypeAsk, k.TypeMD, k.Options, k.Merge, k.RunAllAbove, k.Results, k.FixWithAI, k.Focus}},
		{"Editing a cell", []key.Binding{k.StopEditing, k.Indent, k.Undo, k.Redo, k.Find, k.Format, k.Split, e.InsertNewline, e.LinePrevious, e.LineNext, e.WordForward, e.WordBackward, e.LineStart, e.LineEnd, e.InputBegin, e.InputEnd, e.DeleteWordBackward, e.DeleteAfterCursor, e.DeleteBeforeCursor, e.Paste, e.SelectAll, e.SelectCharacterForward, e.SelectLineDown, k.Complete}},
		{"Find and replace", []key.Binding{k.FindNext, k.FindPrev, k.FindField, k.ReplaceOne, k.ReplaceAll}},
		{"Results", []key.Binding{k.Up, k.Down, k.Left, k.Right, k.PageUp, k.PageDown, k.Top, k.Bottom, k.FirstColumn, k.LastColumn, k.Sort, k.CopyCell, k.CopyRow, k.Export, k.EditValue, k.ViewValue, k.SwitchResult, k.Back}},
		{"Catalog", []key.Binding{k.Up, k.Down, k.Expand, k.Insert, k.Preview, k.Refresh, k.Back}},
	}
	if k.Vim {
		groups = append(groups, Group{"Vim mode (FLOE_KEYS=vim)", VimBindings()})
	}
	return groups
}
