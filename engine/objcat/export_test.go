package objcat

import "time"

// SetAbortAfter sets how long a pending move waits before a writer aborts
// it, until the returned function restores it.
func SetAbortAfter(d time.Duration) func() {
	old := abortAfter
	abortAfter = d
	return func() { abortAfter = old }
}
