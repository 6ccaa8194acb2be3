// Package notebook is the notebook view: the cells of one notebook, a cell
// cursor, editing a cell in place (undo and redo per cell, find and
// replace, SQL formatting, vim mode, the cell's options), running cells,
// or the statement under the editor's cursor, on the kernel without
// blocking the screen, and each cell's results under it.
package notebook
