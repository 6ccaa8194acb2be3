package objcat_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/floehq/floe/engine/objcat"
	"github.com/floehq/floe/engine/vfs"
)

// TestLock: the lock object orders holders on catalogs that share only
// the storage (one Catalog each: machines): one holder at a time; a holder
// renews it past its TTL; a waiter gives up with ctx naming the holder; a
// lock a killed holder left expires and is taken over; a damaged lock
// object is taken over; release twice is harmless.
func TestLock(t *testing.T) {
	dir := t.TempDir()
	machine := func() *objcat.Catalog { return objcat.New(vfs.Local{}, vfs.Local{}, dir, nil) }
	ctx := context.Background()
	name := machine().LockName("budget")
	for _, tc := range []struct {
		name string
		run  func(t *testing.T)
	}{
		{"one holder at a time", func(t *testing.T) {
			var inside, maxInside, ran atomic.Int32
			var wg sync.WaitGroup
			for range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					c := machine()
					for range 3 {
						release, err := c.Lock(ctx, "budget", time.Second)
						if err != nil {
							t.Error(err)
							return
						}
						n := inside.Add(1)
						if n > maxInside.Load() {
							maxInside.Store(n)
						}
						time.Sleep(2 * time.Millisecond)
						inside.Add(-1)
						ran.Add(1)
						release()
					}
				}()
			}
			wg.Wait()
			if maxInside.Load() != 1 || ran.Load() != 12 {
				t.Errorf("%d holders at once (want 1), %d steps ran (want 12)", maxInside.Load(), ran.Load())
			}
		}},
		{"renewed while held, a waiter times out", func(t *testing.T) {
			release, err := machine().Lock(ctx, "budget", 600*time.Millisecond)
			if err != nil {
				t.Fatal(err)
			}
			defer release()
			wctx, cancel := context.WithTimeout(ctx, 1500*time.Millisecond)
			defer cancel()
			_, err = machine().Lock(wctx, "budget", 600*time.Millisecond)
			if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "budget") || !strings.Contains(err.Error(), fmt.Sprintf("pid %d", os.Getpid())) {
				t.Errorf("waiting past the holder's TTL: %v, want a timeout naming the lock and its holder", err)
			}
		}},
		{"a killed holder's lock expires", func(t *testing.T) {
			left := fmt.Sprintf(`{"key":"budget","owner":"dead","pid":1,"expires":%q}`, time.Now().Add(300*time.Millisecond).UTC().Format(time.RFC3339Nano))
			if err := os.WriteFile(name, []byte(left), 0o644); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			release, err := machine().Lock(ctx, "budget", time.Second)
			if err != nil {
				t.Fatal(err)
			}
			release()
			if waited := time.Since(start); waited < 250*time.Millisecond {
				t.Errorf("took a lock that had %v left after %v", 300*time.Millisecond, waited)
			}
		}},
		{"a damaged lock object is taken over", func(t *testing.T) {
			if err := os.WriteFile(name, []byte(`{"key":"bud`), 0o644); err != nil {
				t.Fatal(err)
			}
			release, err := machine().Lock(ctx, "budget", time.Second)
			if err != nil {
				t.Fatal(err)
			}
			release()
			release()
		}},
		{"released is free at once", func(t *testing.T) {
			// Without the release, b would wait out the minute's TTL.
			a, b := machine(), machine()
			wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			defer cancel()
			for range 3 {
				release, err := a.Lock(wctx, "budget", time.Minute)
				if err != nil {
					t.Fatal(err)
				}
				release()
				if release, err = b.Lock(wctx, "budget", time.Minute); err != nil {
					t.Fatalf("a released lock: %v", err)
				}
				release()
			}
		}},
	} {
		t.Run(tc.name, tc.run)
	}
	if _, err := os.Stat(filepath.Join(dir, objcat.Dir, "locks")); err != nil {
		t.Errorf("no lock objects under %s: %v", objcat.Dir, err)
	}
}
