// Package keymap holds every key binding of the terminal UI. The help
// overlay is generated from these bindings, so what it lists is what the
// keys do.
package keymap
