// Package notebook is the notebook view: the cells of one notebook, a cell
// cursor, editing a cell in place, running cells on the kernel without
// blocking the screen, and each cell's results under it.
package notebook
