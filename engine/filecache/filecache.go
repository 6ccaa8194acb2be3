// Package filecache is a local read-through cache of immutable warehouse
// files (data and delete files) for DuckDB, which reads
// local paths only. An entry is keyed by the file's location and size, so
// a different file at a reused location is a different entry; Iceberg never
// rewrites a file in place, so a cached copy is always correct. The cache
// is bounded in bytes and evicts the least recently used entries; entries
// are fetched to a temporary name and renamed into place, so a killed fetch
// leaves no partial file under an entry's name. Within a process the order
// is that of use; a cache opened anew starts from the order of fetching.
// (Deletion vectors are read through the warehouse's FS, not cached here.)
package filecache

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/floehq/floe/engine/vfs"
)

// DefaultMaxBytes bounds a cache made with maxBytes 0.
const DefaultMaxBytes = 8 << 30

// Cache is a directory of cached files. It is safe for concurrent use;
// several processes may share the directory (each keeps its own count of
// the bytes, from the directory at Open and its own fetches since).
type Cache struct {
	dir string
	max int64

	mu      sync.Mutex
	entries map[string]*entry // by file name in dir
	size    int64
	fetched int64 // bytes fetched since Open, for figures
}

type entry struct {
	size int64
	used time.Time
}

// Open opens (making it when missing) the cache in dir, bounded to
// maxBytes (DefaultMaxBytes when 0). Temporary files a killed fetch left
// are removed.
func Open(dir string, maxBytes int64) (*Cache, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("file cache %s: %w", dir, err)
	}
	c := &Cache{dir: dir, max: maxBytes, entries: map[string]*entry{}}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("file cache %s: %w", dir, err)
	}
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".tmp-") {
			// A fetch killed midway, or one running in another process
			// right now: only old ones are certainly dead.
			if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > time.Hour {
				os.Remove(filepath.Join(dir, e.Name()))
			}
			continue
		}
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		c.entries[e.Name()] = &entry{size: info.Size(), used: info.ModTime()}
		c.size += info.Size()
	}
	return c, nil
}

// Dir returns the cache's directory.
func (c *Cache) Dir() string { return c.dir }

// Size returns the bytes the cache holds, as this process counts them.
func (c *Cache) Size() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.size
}

// Fetched returns the bytes fetched from the FS since Open.
func (c *Cache) Fetched() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.fetched
}

// File is one file to cache: its location and its size (from the
// manifest). Size < 0 means unknown: the FS is asked.
type File struct {
	Location string
	Size     int64
}

// key names the entry of a file: a hash of its location, its size, and its
// extension (DuckDB picks readers by it).
func key(f File) string {
	h := sha256.Sum256([]byte(f.Location))
	return hex.EncodeToString(h[:16]) + "-" + strconv.FormatInt(f.Size, 10) + path.Ext(f.Location)
}

// Get returns local paths of files, fetching the missing ones from fsys
// with up to parallel fetches at once. The entries it returns are the most
// recently used, so a Get never evicts its own files; a Get whose files
// alone exceed the bound keeps them all (the bound is exceeded until the
// next Get).
func (c *Cache) Get(ctx context.Context, fsys vfs.FS, files []File, parallel int) (map[string]string, error) {
	if parallel <= 0 {
		parallel = 8
	}
	out := make(map[string]string, len(files))
	var mu sync.Mutex
	now := time.Now()
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(parallel)
	keep := map[string]bool{}
	seen := make(map[string]bool, len(files))
	for _, f := range files {
		if seen[f.Location] {
			continue
		}
		seen[f.Location] = true
		g.Go(func() error {
			if f.Size < 0 {
				info, err := fsys.Stat(f.Location)
				if err != nil {
					return err
				}
				f.Size = info.Size()
			}
			k := key(f)
			p := filepath.Join(c.dir, k)
			c.mu.Lock()
			e, hit := c.entries[k]
			if hit {
				e.used = now
			}
			keep[k] = true
			c.mu.Unlock()
			if hit {
				if _, err := os.Stat(p); err != nil {
					hit = false // another process evicted it
				}
			} else if info, err := os.Stat(p); err == nil && info.Size() == f.Size {
				hit = true // another process fetched it
				c.add(k, f.Size, now, false)
			}
			if !hit {
				if err := c.fetch(gctx, fsys, f, p); err != nil {
					return err
				}
				c.add(k, f.Size, now, true)
			}
			// A hit leaves the file's times alone: DuckDB keeps what it
			// read of a file while its modification time stays, and a
			// touched file would be read anew.
			mu.Lock()
			out[f.Location] = p
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	c.evict(keep)
	return out, nil
}

func (c *Cache) add(k string, size int64, used time.Time, fetched bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[k]; !ok {
		c.entries[k] = &entry{size: size, used: used}
		c.size += size
	}
	if fetched {
		c.fetched += size
	}
}

// fetch copies a file from fsys to p through a temporary file.
func (c *Cache) fetch(ctx context.Context, fsys vfs.FS, f File, p string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	src, err := fsys.Open(f.Location)
	if err != nil {
		return fmt.Errorf("cache %s: %w", f.Location, err)
	}
	defer src.Close()
	tmp, err := os.CreateTemp(c.dir, ".tmp-")
	if err != nil {
		return fmt.Errorf("cache %s: %w", f.Location, err)
	}
	n, err := io.Copy(tmp, src)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil && n != f.Size {
		err = fmt.Errorf("the file holds %d bytes, the table's metadata says %d", n, f.Size)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("cache %s: %w", f.Location, err)
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("cache %s: %w", f.Location, err)
	}
	return nil
}

// evict removes the least recently used entries, never those in keep,
// until the cache is within its bound.
func (c *Cache) evict(keep map[string]bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.size > c.max {
		var oldest string
		var at time.Time
		for k, e := range c.entries {
			if keep[k] {
				continue
			}
			if oldest == "" || e.used.Before(at) {
				oldest, at = k, e.used
			}
		}
		if oldest == "" {
			return
		}
		// A file DuckDB has open stays readable after the unlink.
		if err := os.Remove(filepath.Join(c.dir, oldest)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return
		}
		c.size -= c.entries[oldest].size
		delete(c.entries, oldest)
	}
}

// Stats describes a cache directory.
type Stats struct {
	Entries int   // cached files
	Bytes   int64 // their total size
	// Fetching counts the temporary files of fetches under way (or of
	// fetches killed midway, removed by the next Open after an hour).
	Fetching int
}

// StatDir reads what the cache directory dir holds; a missing directory
// is an empty cache.
func StatDir(dir string) (Stats, error) {
	var st Stats
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("file cache %s: %w", dir, err)
	}
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".tmp-") {
			st.Fetching++
			continue
		}
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		st.Entries++
		st.Bytes += info.Size()
	}
	return st, nil
}

// ClearDir removes every entry of the cache directory dir and returns what
// it removed. Processes using the cache meanwhile stay correct: a file
// DuckDB has open stays readable after the unlink, and a Get that finds
// its entry gone fetches it again. Fetches under way are left to finish.
func ClearDir(dir string) (Stats, error) {
	var st Stats
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("clear file cache %s: %w", dir, err)
	}
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".tmp-") {
			continue
		}
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return st, fmt.Errorf("clear file cache %s: %w", dir, err)
		}
		st.Entries++
		st.Bytes += info.Size()
	}
	return st, nil
}
