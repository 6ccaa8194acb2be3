// Package spinner is the workbench's one busy spinner: the frame to draw
// for the time a request or a cell has run, and how often to redraw it.
package spinner

import "time"

// Every is how often a spinner turns: the tick that redraws a running cell,
// a chat request or a pending fix comes this often.
const Every = 100 * time.Millisecond

var frames = [...]string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

// Frame returns the spinner's frame after elapsed: one step every Every.
func Frame(elapsed time.Duration) string {
	return frames[int(elapsed/Every)%len(frames)]
}
