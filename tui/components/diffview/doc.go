// Package diffview draws a proposed change to a cell as a coloured unified
// diff, and is the overlay where the user accepts or rejects a fix.
package diffview
