// Package statusbar is the line at the bottom of the screen: the
// warehouse, the notebook file and whether it has unsaved changes, what the
// kernel is doing, the last run's time and rows, and a message.
package statusbar
