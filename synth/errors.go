package synth

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors callers branch on with errors.Is.
var (
	// ErrInvalidOptions reports options that cannot work: an unknown
	// column, an epsilon out of range, a column listed twice.
	ErrInvalidOptions = errors.New("invalid synthesis options")
	// ErrIdentifier reports an identifier-like column (unique per row, or
	// nearly) that the caller asked to keep.
	ErrIdentifier = fmt.Errorf("%w: identifier-like column", ErrInvalidOptions)
	// ErrBudgetExceeded reports a release whose epsilon would bring the
	// source's cumulative epsilon over its floe.privacy.epsilon-budget.
	// It is checked before any data is read.
	ErrBudgetExceeded = errors.New("privacy budget exceeded")
	// ErrNotReleased reports a synthetic table that missed a release
	// threshold; nothing was written. The error is a *ThresholdError.
	ErrNotReleased = errors.New("synthetic table not released")
	// ErrDestinationExists reports a destination table that already
	// exists (set Options.Replace to overwrite it).
	ErrDestinationExists = errors.New("destination table exists")
)

// ThresholdError is a release refused by the release rule. Report holds
// every score; nothing was written.
type ThresholdError struct {
	Report *Report
}

func (e *ThresholdError) Error() string {
	return fmt.Sprintf("%s: synthetic table not released, nothing written: %s",
		e.Report.Source, strings.Join(e.Report.Failures, "; "))
}

// Is makes errors.Is(err, ErrNotReleased) hold.
func (e *ThresholdError) Is(target error) bool { return target == ErrNotReleased }
