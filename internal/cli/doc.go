// Package cli wires floe's subcommands (sql, run, ...) to the packages that do
// the work; each command writes to injected writers so it can be tested.
package cli
