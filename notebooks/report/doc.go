// Package report writes what a headless notebook run produced for people
// and CI: an HTML page per notebook and JUnit XML with a test case per cell.
package report
