// Package styles holds every lipgloss style the terminal UI draws with, in
// one value built for a dark or light background, or without colour when
// NO_COLOR is set.
package styles
