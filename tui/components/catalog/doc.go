// Package catalog is the catalog tree: the warehouse's namespaces, their
// tables and the tables' columns with types, loaded lazily as they are
// expanded. Enter asks for a name to be inserted into the cell being edited.
//
// The tree is live (live.go): the workbench tells it what a cell's run
// changed (kernel.Result.Changed), and it polls a Watcher source every
// couple of seconds while no cell runs, reading the catalog's table
// pointers in one query, so commits by other processes show too. Only the
// namespaces and tables that moved are listed again, in commands, never in
// Update.
package catalog
