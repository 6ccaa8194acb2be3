package lakesql

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/floehq/floe/engine"
)

// rowChangeAttempts bounds how often a row-level statement (DELETE,
// UPDATE, MERGE, an applied change set) is planned again after its commit
// lost to another writer.
const rowChangeAttempts = 8

// modify runs fn under Warehouse.Modify and, when its commit loses to a
// concurrent writer (engine.ErrCommitConflict: another machine sharing an
// object-storage catalog, or another engine on the catalog, swapped the
// table's pointer first), runs it again against the table's new snapshot,
// as an INSERT's commit is retried. fn plans from the table it is given,
// so a retry re-plans: rows the winner added or changed are seen, and a
// row the winner deleted is not deleted twice. fn must remove what a
// failed attempt wrote (the row-level paths do, via buildDelta's cleanup).
// After rowChangeAttempts lost commits the last conflict is returned;
// nothing of the statement is committed then.
func (s *Session) modify(ctx context.Context, ns, name string, fn func(t *engine.Table) error) error {
	for attempt := 1; ; attempt++ {
		err := s.wh.Modify(ctx, ns, name, fn)
		if err == nil || !errors.Is(err, engine.ErrCommitConflict) {
			return err
		}
		s.invalidate(ns, name)
		if attempt == rowChangeAttempts {
			return fmt.Errorf("%w (gave up after %d attempts, each planned again on the newest snapshot)", err, attempt)
		}
		wait := time.Duration(5*(1<<min(attempt, 6))) * time.Millisecond
		wait += time.Duration(rand.Int64N(int64(wait)))
		select {
		case <-ctx.Done():
			return fmt.Errorf("lake.%s.%s: %w (after a lost commit: %v)", ns, name, ctx.Err(), err)
		case <-time.After(wait):
		}
	}
}
