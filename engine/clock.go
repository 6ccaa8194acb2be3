package engine

import (
	"fmt"
	"os"
	"time"
)

// EnvNow is the environment variable that sets the clock maintenance
// reads (snapshot and file ages), as an RFC 3339 time, so tests and
// sample notebooks show age-based behaviour without waiting:
// FLOE_NOW=2027-03-01T00:00:00Z.
const EnvNow = "FLOE_NOW"

// Now returns the time every age-based decision of the engine is measured
// from: FLOE_NOW when it is set, else the system clock. A FLOE_NOW that is
// not RFC 3339 is an error naming it, never a silent fall back to the
// system clock (which would make an expiry delete what a test meant to
// keep).
func Now() (time.Time, error) {
	v, ok := os.LookupEnv(EnvNow)
	if !ok || v == "" {
		return time.Now(), nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s=%q is not an RFC 3339 time (like 2027-03-01T00:00:00Z): %w", EnvNow, v, err)
	}
	return t, nil
}
