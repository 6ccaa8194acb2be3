package history

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"time"
)

// Entry is one run of an SQL cell, one line of the file.
type Entry struct {
	Time      time.Time `json:"time"`
	Warehouse string    `json:"warehouse"`
	Notebook  string    `json:"notebook"`
	Source    string    `json:"source"`
	OK        bool      `json:"ok"`
	Error     string    `json:"error,omitempty"`
	// Duration is how long the run took; it is written in seconds.
	Duration time.Duration `json:"-"`
	// Rows is the row count of the result's last table; 0 without one.
	Rows int64 `json:"rows"`
}

// entryJSON is Entry as written: the duration in seconds.
type entryJSON struct {
	Time      time.Time `json:"time"`
	Warehouse string    `json:"warehouse"`
	Notebook  string    `json:"notebook"`
	Source    string    `json:"source"`
	OK        bool      `json:"ok"`
	Error     string    `json:"error,omitempty"`
	Duration  float64   `json:"duration"`
	Rows      int64     `json:"rows"`
}

// MarshalJSON writes the entry with its duration in seconds.
func (e Entry) MarshalJSON() ([]byte, error) {
	return json.Marshal(entryJSON{e.Time, e.Warehouse, e.Notebook, e.Source, e.OK, e.Error, e.Duration.Seconds(), e.Rows})
}

// UnmarshalJSON reads an entry written by MarshalJSON.
func (e *Entry) UnmarshalJSON(data []byte) error {
	var j entryJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	*e = Entry{j.Time, j.Warehouse, j.Notebook, j.Source, j.OK, j.Error, time.Duration(j.Duration * float64(time.Second)), j.Rows}
	return nil
}

// DefaultLimit is how many entries a Store keeps when Limit is 0.
const DefaultLimit = 5000

// Store is the history file at Path. Its methods are safe to call from
// several goroutines and from several processes at once.
type Store struct {
	// Path is the history file; its directory is created on first append.
	Path string
	// Limit is how many of the newest entries are kept; 0 means
	// DefaultLimit. The file may hold a tenth more between trims.
	Limit int

	mu sync.Mutex // orders this process's appends and trims
}

// ErrNoPath is returned by a Store without a file.
var ErrNoPath = errors.New("history: no file")

func (s *Store) limit() int {
	if s.Limit > 0 {
		return s.Limit
	}
	return DefaultLimit
}

// minLineBytes is less than the shortest line an Entry marshals to: the
// keys and punctuation alone. Below limit*minLineBytes bytes the file
// cannot hold more than limit lines, so appends skip counting them.
const minLineBytes = 90

// Append adds e at the end of the file, as one write of one line under an
// exclusive lock, so lines from two sessions never interleave. When the
// file holds a tenth more than the limit, it is trimmed to the newest
// entries: written to a temporary file and renamed over the old one, so a
// crash leaves either the old file or the new, never half of one.
func (s *Store) Append(e Entry) error {
	if s.Path == "" {
		return ErrNoPath
	}
	line, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("history: encode entry: %w", err)
	}
	line = append(line, '\n')
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(s.Path), 0o755); err != nil {
		return fmt.Errorf("history: %w", err)
	}
	unlock, err := s.lock(syscall.LOCK_EX)
	if err != nil {
		return err
	}
	defer unlock()
	f, err := os.OpenFile(s.Path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	_, werr := f.Write(line)
	info, serr := f.Stat()
	if err := errors.Join(werr, serr, f.Close()); err != nil {
		return fmt.Errorf("history: append to %s: %w", s.Path, err)
	}
	if info.Size() <= int64(s.limit())*minLineBytes {
		return nil
	}
	return s.trim()
}

// trim rewrites the file with its newest entries when it holds a tenth
// more than the limit. The caller holds the lock.
func (s *Store) trim() error {
	data, err := os.ReadFile(s.Path)
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	limit := s.limit()
	if bytes.Count(data, []byte("\n")) <= limit+limit/10 {
		return nil
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	if n := len(lines); n > 0 && len(lines[n-1]) == 0 {
		lines = lines[:n-1]
	}
	lines = lines[len(lines)-limit:]
	tmp, err := os.CreateTemp(filepath.Dir(s.Path), "."+filepath.Base(s.Path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("history: trim %s: %w", s.Path, err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing to remove
	w := bufio.NewWriter(tmp)
	for _, l := range lines {
		w.Write(l)
	}
	err = errors.Join(w.Flush(), tmp.Sync(), tmp.Chmod(0o600), tmp.Close())
	if err == nil {
		err = os.Rename(tmp.Name(), s.Path)
	}
	if err != nil {
		return fmt.Errorf("history: trim %s: %w", s.Path, err)
	}
	return nil
}

// Load reads the newest entries, oldest first, at most the limit. Lines
// that are not an entry (a torn write, an edit by hand) are skipped and
// counted in skipped. A missing file is an empty history.
func (s *Store) Load() (entries []Entry, skipped int, err error) {
	if s.Path == "" {
		return nil, 0, ErrNoPath
	}
	unlock, err := s.lock(syscall.LOCK_SH)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	data, err := os.ReadFile(s.Path)
	unlock()
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("history: %w", err)
	}
	for line := range bytes.Lines(data) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		var e Entry
		if err := json.Unmarshal(line, &e); err != nil || e.Time.IsZero() {
			skipped++
			continue
		}
		entries = append(entries, e)
	}
	// Appends from several sessions land in the order their locks were
	// taken; order by time, keeping the file's order for equal times.
	slices.SortStableFunc(entries, func(a, b Entry) int { return cmp.Compare(a.Time.UnixNano(), b.Time.UnixNano()) })
	if n := len(entries) - s.limit(); n > 0 {
		entries = entries[n:]
	}
	return entries, skipped, nil
}

// lock takes an advisory lock on a file beside the history. The lock is
// not on the history itself because a trim replaces that file: a writer
// waiting on the old one would append to a file no longer there. The
// kernel drops the lock when the process dies. A shared lock on a
// history that does not exist returns an error satisfying fs.ErrNotExist.
func (s *Store) lock(how int) (func(), error) {
	flags := os.O_CREATE | os.O_RDWR
	if how == syscall.LOCK_SH {
		if _, err := os.Stat(s.Path); err != nil {
			return nil, err
		}
	}
	f, err := os.OpenFile(s.Path+".lock", flags, 0o600)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	for {
		err = syscall.Flock(int(f.Fd()), how)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("history: lock %s: %w", f.Name(), err)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
