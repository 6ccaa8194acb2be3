package engine

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// lockTable takes an exclusive advisory lock on a table for the duration
// of a commit, so floe processes sharing a warehouse commit one after the
// other instead of racing and retrying. Over an object-storage catalog it
// orders only this machine's processes: correctness between machines comes
// from the pointer swap alone, and a loser re-plans and retries. The kernel drops the lock when
// the process dies, even by SIGKILL. Engines that do not take the lock
// are still kept safe by the catalog's compare-and-swap.
func (w *Warehouse) lockTable(ctx context.Context, ns, name string) (func(), error) {
	return w.lock(ctx, w.lockDir(), ns+"."+name, "lake."+ns+"."+name)
}

// LockStep takes the warehouse-wide advisory lock named key for a step
// that must not interleave with the same step in another floe process,
// such as checking a privacy budget and recording a release against it.
// The returned function releases it; the lock also goes when the process
// dies. Keys share no lock with table commits, so a step may commit while
// holding one. Over an object-storage catalog the lock is an object on the
// storage (objcat.Catalog.Lock), shared by every machine using it; a
// holder that dies leaves it to expire (objcat.DefaultLockTTL).
func (w *Warehouse) LockStep(ctx context.Context, key string) (func(), error) {
	if key == "" || key == "." || key == ".." {
		return nil, fmt.Errorf("lock %q: not a lock name", key)
	}
	if w.obj != nil {
		// A flock orders the processes of one machine only; machines
		// sharing the storage share a lock object on it instead.
		return w.obj.Lock(ctx, "step:"+key, 0)
	}
	return w.lock(ctx, filepath.Join(w.lockDir(), "steps"), url.PathEscape(key), key)
}

func (w *Warehouse) lockDir() string {
	if w.locks != "" {
		return w.locks
	}
	return filepath.Join(w.dir, ".locks")
}

// lock takes the flock of dir/file.lock; what names it in errors. Locks
// coordinate processes of this machine and are not warehouse files, so
// they stay on the local filesystem, outside vfs.FS.
func (w *Warehouse) lock(ctx context.Context, dir, file, what string) (func(), error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(filepath.Join(dir, file+".lock"), os.O_CREATE|os.O_RDWR, 0o644)
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
			return nil, fmt.Errorf("lock %s: %w", what, err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("wait for the lock on %s: %w", what, ctx.Err())
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
