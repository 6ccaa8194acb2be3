// Package vim is the editing model of the cell editor's vim mode: normal
// and insert modes, motions (h j k l w b e 0 ^ $ gg G, with counts),
// operators (d c y with a motion, doubled for lines), x D p P, and one
// level of undo. It works on a Buffer of lines and knows nothing of the
// terminal; the notebook applies the result to its text area.
package vim
