package lens

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/floehq/floe/engine"
)

// Collected reports whether a whole collect of day (its UTC date) is in
// the warehouse's lens tables (Namespace): a collect commits every table
// at once (in order, over a remote catalog), each snapshot's summary
// naming its day, so the day's snapshot of the last one says every table
// has that day's rows. A collect killed part way leaves the day not
// collected.
func Collected(ctx context.Context, w *engine.Warehouse, day time.Time) (bool, error) {
	defs := definitions(Namespace)
	last := defs[len(defs)-1].name
	t, err := w.Table(ctx, Namespace, last)
	if errors.Is(err, engine.ErrNoSuchTable) || errors.Is(err, engine.ErrNoSuchNamespace) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("lake.%s.%s: %w", Namespace, last, err)
	}
	want := day.UTC().Format(time.DateOnly)
	for _, s := range t.Iceberg().Metadata().Snapshots() {
		if s.Summary != nil && s.Summary.Properties["floe.lens.day"] == want {
			return true, nil
		}
	}
	return false, nil
}

// CollectIfDue runs Collect unless the day of opts.Now (engine.Now when
// zero) was collected whole already: what a daily schedule runs at each
// check, so any number of checks a day, in any number of processes,
// collect the day once (and a second collect would only replace the
// day's rows). It reports whether it collected.
func CollectIfDue(ctx context.Context, w *engine.Warehouse, opts Options) (Report, bool, error) {
	if opts.Now.IsZero() {
		now, err := engine.Now()
		if err != nil {
			return Report{}, false, err
		}
		opts.Now = now
	}
	if opts.Namespace != "" && opts.Namespace != Namespace {
		return Report{}, false, fmt.Errorf("lens collect: a daily collect writes lake.%s, not lake.%s", Namespace, opts.Namespace)
	}
	done, err := Collected(ctx, w, opts.Now)
	if err != nil || done {
		return Report{}, false, err
	}
	rep, err := Collect(ctx, w, opts)
	return rep, err == nil, err
}
