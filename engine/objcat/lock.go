package objcat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/floehq/floe/engine/vfs"
)

// DefaultLockTTL is how long a lock object stays valid without renewal.
// A holder renews it every third of that; a holder that dies (kill -9, a
// machine lost) leaves it to expire, and the next taker takes it over.
const DefaultLockTTL = 30 * time.Second

// lockObject is the body of a lock object (Dir/locks/<key>.json).
type lockObject struct {
	Key     string    `json:"key"`
	Owner   string    `json:"owner"` // a fresh id per acquisition
	Host    string    `json:"host,omitempty"`
	PID     int       `json:"pid,omitempty"`
	Expires time.Time `json:"expires"`
	// Released marks a lock its holder gave up: free, as if expired.
	Released bool `json:"released,omitempty"`
}

// LockName is the object that holds the lock named key.
func (c *Catalog) LockName(key string) string {
	return c.join("locks", escape(key)+".json")
}

// Lock takes the lock named key, shared by every machine that uses the
// catalog's storage, waiting (polling) until it is free or ctx ends. It
// is an object created with If-None-Match: * when absent; a lock object
// that is expired or released is taken over with If-Match on its ETag, so
// of two takers exactly one wins. While held it is renewed (If-Match)
// every ttl/3; the returned function stops renewing and marks it
// released (If-Match again, so it never frees a lock another holder has
// taken over). ttl <= 0 means DefaultLockTTL. Expiry compares wall
// clocks: machines sharing a lock must agree on the time to well within
// ttl. A holder that cannot renew in time (a pause longer than ttl) loses
// the lock to the next taker; that is logged.
func (c *Catalog) Lock(ctx context.Context, key string, ttl time.Duration) (func(), error) {
	if ttl <= 0 {
		ttl = DefaultLockTTL
	}
	name := c.LockName(key)
	host, _ := os.Hostname()
	lo := lockObject{Key: key, Owner: uuid.NewString(), Host: host, PID: os.Getpid()}
	body := func() ([]byte, error) {
		lo.Expires = time.Now().Add(ttl).UTC()
		return json.Marshal(lo)
	}
	wait := 20 * time.Millisecond
	for {
		b, err := body()
		if err != nil {
			return nil, err
		}
		version, err := c.sw.Swap(name, b, "")
		if err == nil {
			return c.holdLock(name, key, version, ttl, &lo, body), nil
		}
		if !errors.Is(err, vfs.ErrConflict) && !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("lock %s: create %s: %w", key, name, err)
		}
		// Held, or left expired or released.
		cur, curVersion, err := c.sw.ReadVersion(name)
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed meanwhile: create it again
		}
		if err != nil {
			return nil, fmt.Errorf("lock %s: read %s: %w", key, name, err)
		}
		var held lockObject
		if err := json.Unmarshal(cur, &held); err != nil {
			// A damaged lock object orders nothing; take it over like an
			// expired one, so a bad write cannot wedge the lock forever.
			held = lockObject{Released: true}
		}
		if held.Released || time.Now().After(held.Expires) {
			b, err := body()
			if err != nil {
				return nil, err
			}
			version, err := c.sw.Swap(name, b, curVersion)
			if err == nil {
				return c.holdLock(name, key, version, ttl, &lo, body), nil
			}
			if !errors.Is(err, vfs.ErrConflict) && !errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("lock %s: take over %s: %w", key, name, err)
			}
			continue // another taker won: look again
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("wait for the lock %s (held by %s pid %d until %s): %w",
				key, held.Host, held.PID, held.Expires.Format(time.RFC3339), ctx.Err())
		case <-time.After(wait):
		}
		wait = min(2*wait, 500*time.Millisecond)
	}
}

// holdLock renews the lock object at name (version) until the returned
// function releases it.
func (c *Catalog) holdLock(name, key, version string, ttl time.Duration, lo *lockObject, body func() ([]byte, error)) func() {
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(ttl / 3)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			b, err := body()
			if err != nil {
				continue
			}
			v, err := c.sw.Swap(name, b, version)
			if err != nil {
				if errors.Is(err, vfs.ErrConflict) || errors.Is(err, fs.ErrNotExist) {
					slog.Warn("lost a lock: another holder took it over after it expired", "lock", key, "object", name)
					return
				}
				continue // a transient failure: try again at the next tick
			}
			version = v
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			close(stop)
			<-done
			lo.Released = true
			b, err := json.Marshal(lo)
			if err != nil {
				return
			}
			// If-Match: a lock taken over meanwhile stays its new holder's.
			if _, err := c.sw.Swap(name, b, version); err != nil && !errors.Is(err, vfs.ErrConflict) {
				slog.Warn("release a lock: it stays until it expires", "lock", key, "object", name, "err", err)
			}
		})
	}
}
