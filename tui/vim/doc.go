// Package vim is the editing model of the cell editor's vim mode: normal,
// insert and visual (v) modes, motions (h j k l w b e 0 ^ $ gg G, with
// counts), operators (d c y with a motion, doubled for lines, or on a
// visual selection), x D p P. Undo (u) and redo (ctrl+r) are reported to
// the caller, whose history covers every way of editing. It works on a
// Buffer of lines and knows nothing of the terminal; the notebook applies
// the result to its text area.
package vim
