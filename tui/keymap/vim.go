package keymap

import "charm.land/bubbles/v2/key"

// VimBindings lists the keys of the editor's vim mode, for the help
// overlay; tui/vim implements them.
func VimBindings() []key.Binding {
	b := func(keys, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys), key.WithHelp(keys, desc))
	}
	return []key.Binding{
		b("i a I A", "insert: before, after, line start, line end"),
		b("o O", "insert on a new line below, above"),
		b("esc", "normal mode; in normal mode, stop editing (vim starts in normal mode)"),
		b("h j k l", "left, down, up, right"),
		b("w b e", "next word, previous word, end of word"),
		b("0 ^ $", "line start, first non-blank, line end"),
		b("gg G", "first line, last line (3G: line 3)"),
		b("x D", "delete a character, to the line end"),
		b("dd dw cw", "delete line, delete word, change word"),
		b("d c y", "delete, change, yank + any motion"),
		b("yy p P", "yank line, put after, put before"),
		b("v", "visual: select, then d x y c, or run it (ctrl+enter)"),
		b("u ctrl+r", "undo, redo (the cell's history, as ctrl+z)"),
		b("/ n N", "find in the cell, next match, previous"),
		b("1-9", "count: 3j, 2dd, d2w"),
	}
}
