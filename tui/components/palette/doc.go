// Package palette is the command palette: a filter line over a list of
// every action, each with what it does and its key, ranked fuzzily as the
// user types. The app gives it the items; choosing one sends SelectMsg.
package palette
