// Package fuzzy ranks strings against what the user typed, the way the
// command palette and the history browser filter their lists: every word
// typed must appear in order, letters need not be adjacent, and matches at
// word starts and in runs rank first.
package fuzzy
