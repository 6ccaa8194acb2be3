// Package runner runs a notebook headless in a kernel session (Run) and
// writes what the run produced for people and CI: an HTML page per notebook
// (HTML) and JUnit XML with a test case per cell (JUnit). It sits above the
// kernel: notebooks (format) -> kernel (runs cells) -> runner.
package runner
