// Package tui is floe's terminal workbench: a notebook of SQL, Go and
// Markdown cells run on a kernel session, a results pager, a catalog tree
// and a status bar, built with Bubble Tea. It talks to the kernel and the
// notebooks package only; the catalog tree reads the warehouse through the
// kernel session (see SessionCatalog).
package tui
