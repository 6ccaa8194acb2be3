package lakesql

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/vfs/errorfs"
	"github.com/floehq/floe/engine/vfs/s3fs"
)

// TestS3ConcurrentRowChanges: two machines (two warehouses over one bucket
// prefix, each with its own home: its own locks, spool and cache) hammer
// one S3 table at once with INSERT, UPDATE, MERGE and DELETE. Their locks
// do not order them, so swaps of the table's pointer lose (every other
// swap waits for the other machine to finish a statement, so many surely
// do) and the losers re-plan and retry. At the end no row is lost, no change is
// applied twice (the counters UPDATE and MERGE increment equal the number
// of statements, each counter is one row) and every statement made one
// snapshot.
func TestS3ConcurrentRowChanges(t *testing.T) {
	const rounds = 3
	srv := s3Server(t)
	machines := []string{"a", "b"}
	// Every other swap of a machine waits (unless the other machine is
	// already waiting, or done) until the other has finished a statement,
	// so that swap surely loses: each kind of statement loses some.
	var waiting atomic.Bool
	finished := make([]atomic.Int32, len(machines)) // statements done, -1 when all
	swaps := make([]atomic.Int32, len(machines))
	fixtures := make([]*lakeFixture, len(machines))
	for m := range machines {
		inner, err := s3fs.New(context.Background(), s3Options(srv))
		if err != nil {
			t.Fatal(err)
		}
		fsys := errorfs.Wrap(inner, errorfs.InjectorFunc(func(op errorfs.Op, name string) error {
			if op != errorfs.OpSwap || !strings.HasSuffix(name, "/_catalog/tables/h/t.json") {
				return nil
			}
			other := &finished[1-m]
			if swaps[m].Add(1)%2 == 0 && other.Load() >= 0 && waiting.CompareAndSwap(false, true) {
				defer waiting.Store(false)
				for c0, deadline := other.Load(), time.Now().Add(10*time.Second); other.Load() == c0 && time.Now().Before(deadline); {
					time.Sleep(time.Millisecond)
				}
			}
			return nil
		}))
		fixtures[m] = openS3Lake(t, t.TempDir(), engine.WithFS(fsys))
	}
	seed := []string{"(0, 'counter', 0)", "(1, 'counter', 0)"}
	for m, who := range machines {
		for i := range rounds + 2 {
			seed = append(seed, fmt.Sprintf("(%d, 'seed-%s', 0)", 1000*(m+1)+i, who))
		}
	}
	fixtures[0].exec(`CREATE SCHEMA lake.h; CREATE TABLE lake.h.t (id INTEGER, who VARCHAR, v INTEGER) TBLPROPERTIES ('format-version'='3');
		INSERT INTO lake.h.t VALUES ` + strings.Join(seed, ", "))
	for m := range machines {
		swaps[m].Store(0)
	}
	// Both machines have the table loaded before the race starts.
	for _, f := range fixtures {
		f.one(`SELECT count(*) FROM lake.h.t`)
	}
	var wg sync.WaitGroup
	errs := make([]error, len(machines))
	for m, who := range machines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer finished[m].Store(-1)
			f := fixtures[m]
			for i := range rounds {
				for _, q := range []string{
					fmt.Sprintf(`INSERT INTO lake.h.t VALUES (%d, '%s', %d)`, 10000*(m+1)+i, who, i),
					`UPDATE lake.h.t SET v = v + 1 WHERE id = 0`,
					`MERGE INTO lake.h.t AS t USING (SELECT 1 AS id) AS s ON t.id = s.id WHEN MATCHED THEN UPDATE SET v = t.v + 1`,
					fmt.Sprintf(`DELETE FROM lake.h.t WHERE id = %d`, 1000*(m+1)+i),
				} {
					if err := f.s.Exec(f.ctx, q); err != nil {
						errs[m] = fmt.Errorf("machine %s, round %d: %s: %w", who, i, q, err)
						return
					}
					finished[m].Add(1)
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	want := [][]string{
		{"a", fmt.Sprint(rounds), fmt.Sprint(rounds * (rounds - 1) / 2), fmt.Sprint(rounds - 1)},
		{"b", fmt.Sprint(rounds), fmt.Sprint(rounds * (rounds - 1) / 2), fmt.Sprint(rounds - 1)},
		{"counter", "2", fmt.Sprint(2 * 2 * rounds), fmt.Sprint(2 * rounds)},
		{"seed-a", "2", "0", "0"},
		{"seed-b", "2", "0", "0"},
	}
	for _, f := range fixtures {
		diffRows(t, "rows of machine "+f.dir, want, f.strings(`SELECT who, count(*), sum(v), max(v) FROM lake.h.t GROUP BY who ORDER BY who`))
	}
	diffRows(t, "counters", [][]string{{"0", "1", fmt.Sprint(2 * rounds)}, {"1", "1", fmt.Sprint(2 * rounds)}},
		fixtures[1].strings(`SELECT id, count(*), max(v) FROM lake.h.t WHERE who = 'counter' GROUP BY id ORDER BY id`))
	diffRows(t, "surviving seeds", [][]string{{fmt.Sprint(1000 + rounds)}, {fmt.Sprint(1000 + rounds + 1)}, {fmt.Sprint(2000 + rounds)}, {fmt.Sprint(2000 + rounds + 1)}},
		fixtures[0].strings(`SELECT id FROM lake.h.t WHERE who LIKE 'seed-%' ORDER BY id`))
	statements := 2 * 4 * rounds
	if n := fixtures[0].snapshotCount("h", "t"); n != 1+statements {
		t.Errorf("%d snapshots, want %d (the seed and one per statement)", n, 1+statements)
	}
	total := int(swaps[0].Load() + swaps[1].Load())
	if lost := total - statements; lost < statements/4 {
		t.Errorf("%d swaps for %d statements: every other swap should have waited for the other machine and lost", total, statements)
	} else {
		t.Logf("%d of %d swaps lost and were retried", lost, total)
	}
}

// TestS3LockStep: Warehouse.LockStep over an S3 warehouse is a lock object
// in the bucket: while one machine holds a step's lock another waits (and
// gives up with its context), and takes it once released.
func TestS3LockStep(t *testing.T) {
	a := openS3Lake(t, t.TempDir())
	b := openS3Lake(t, t.TempDir())
	release, err := a.wh.LockStep(a.ctx, "budget")
	if err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(b.ctx, 300*time.Millisecond)
	defer cancel()
	if _, err := b.wh.LockStep(wctx, "budget"); !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "budget") {
		t.Errorf("LockStep on another machine while held: %v, want it to wait and name the lock", err)
	}
	other, err := b.wh.LockStep(b.ctx, "other")
	if err != nil {
		t.Fatalf("another step's lock: %v", err)
	}
	other()
	release()
	if release, err = b.wh.LockStep(b.ctx, "budget"); err != nil {
		t.Fatalf("LockStep after the release: %v", err)
	}
	release()
}
