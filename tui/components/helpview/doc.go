// Package helpview is the help overlay. It lists every binding of the key
// map, by group, from the bindings themselves, so it cannot drift from what
// the keys do.
package helpview
