// Package component defines the contract every part of the terminal UI
// meets, and Common, the values they all share: size, styles, key map and
// clock.
package component
