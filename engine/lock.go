package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// lockTable takes an exclusive advisory lock on a table for the duration
// of a commit, so floe processes sharing a warehouse commit one after the
// other instead of racing and retrying. The kernel drops the lock when
// the process dies, even by SIGKILL. Engines that do not take the lock
// are still kept safe by the catalog's compare-and-swap.
func (w *Warehouse) lockTable(ctx context.Context, ns, name string) (func(), error) {
	dir := filepath.Join(w.dir, ".locks")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(filepath.Join(dir, ns+"."+name+".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() {
				syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
				f.Close()
			}, nil
		}
		if err != syscall.EWOULDBLOCK {
			f.Close()
			return nil, fmt.Errorf("lock lake.%s.%s: %w", ns, name, err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("wait for the commit lock on lake.%s.%s: %w", ns, name, ctx.Err())
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// Modify runs fn with the table locked against other floe writers and
// loaded at its newest snapshot, so a row-level change planned inside fn
// commits against the snapshot it read (CommitRowDelta).
func (w *Warehouse) Modify(ctx context.Context, ns, name string, fn func(t *Table) error) error {
	unlock, err := w.lockTable(ctx, ns, name)
	if err != nil {
		return err
	}
	defer unlock()
	t, err := w.Table(ctx, ns, name)
	if err != nil {
		return err
	}
	if err := t.checkWritable(); err != nil {
		return err
	}
	return fn(t)
}
