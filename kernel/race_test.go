//go:build race

package kernel_test

// raceEnabled is true under the race detector. It cannot see that a
// cancelled Go cell has ended: the kernel learns it from the goroutine list
// (yaegi gives no other signal), which orders memory for real but not in
// the detector's model, so the tests of cancelled Go cells skip under it.
const raceEnabled = true
