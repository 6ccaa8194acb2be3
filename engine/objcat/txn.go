package objcat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"

	"github.com/apache/iceberg-go/catalog"
	"github.com/apache/iceberg-go/table"
	"github.com/google/uuid"

	"github.com/floehq/floe/engine/vfs"
)

// A multi-table commit moves several pointers, each its own object, as one
// unit, in two phases decided by one conditional create:
//
//  1. each table's next metadata file is written, and its pointer swapped
//     to one that still names the current file but carries a pending move
//     to the new one, naming the commit's transaction object;
//  2. the transaction object _catalog/txn/<uuid>.json is created, with
//     If-None-Match, saying "committed": that create is the commit. Anyone
//     may instead create it saying "aborted", and whichever create lands
//     first decides;
//  3. the pointers are swapped to name their new files (anyone who finds a
//     committed move may finish it).
//
// Readers see a pending move as done when the transaction object says
// committed, and as not yet otherwise, so every reader sees all the tables
// moved or none. A writer that finds a pending move settles it first: it
// finishes a committed one, clears an aborted one, and aborts one whose
// committer has shown no sign of life for abortAfter (a process that died
// between the phases); a younger one makes the write fail with
// table.ErrCommitFailed, which callers retry. Transaction objects are kept:
// a reader may still be resolving a pointer it read before the move.

// abortAfter is how long a pending move may wait for its transaction
// before a writer aborts it. It is far longer than the phases take, and
// covers clock differences between machines.
var abortAfter = 30 * time.Second

// pending is a staged move of a pointer.
type pending struct {
	Txn   string    `json:"txn"`               // the transaction object's name
	To    string    `json:"metadata-location"` // the new metadata file
	Since time.Time `json:"since"`
}

const (
	txnCommitted = "committed"
	txnAborted   = "aborted"
)

type txnObject struct {
	State string `json:"state"`
}

func (c *Catalog) txnName(id string) string { return c.join("txn", id+".json") }

// txnState reads a transaction's state: committed, aborted, or "" while
// it is undecided.
func (c *Catalog) txnState(name string) (string, error) {
	b, _, err := c.sw.ReadVersion(name)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read transaction %s: %w", name, err)
	}
	var t txnObject
	if err := json.Unmarshal(b, &t); err != nil || (t.State != txnCommitted && t.State != txnAborted) {
		return "", fmt.Errorf("transaction %s: %w: %q", name, ErrCorrupt, b)
	}
	return t.State, nil
}

// decide creates a transaction object with state; ErrConflict means it
// was decided already.
func (c *Catalog) decide(name, state string) error {
	b, _ := json.Marshal(txnObject{State: state})
	_, err := c.sw.Swap(name, b, "")
	return err
}

// moved is p with its pending move done.
func moved(p pointer) pointer {
	p.PreviousMetadataLocation, p.MetadataLocation = p.MetadataLocation, p.Pending.To
	p.Pending = nil
	return p
}

// cleared is p with its pending move dropped.
func cleared(p pointer) pointer {
	p.Pending = nil
	return p
}

// pointerAt reads a table's pointer. A reader (write false) gets the
// view described above; a writer gets the pointer with any pending move
// settled, and its version.
func (c *Catalog) pointerAt(ident table.Identifier, write bool) (*pointer, string, error) {
	for range maxSwapAttempts {
		p, v, err := c.readRaw(ident)
		if err != nil || p == nil || p.Pending == nil {
			return p, v, err
		}
		state, err := c.txnState(p.Pending.Txn)
		if err != nil {
			return nil, "", fmt.Errorf("table %s: %w", identString(ident), err)
		}
		if !write {
			if state == txnCommitted {
				q := moved(*p)
				return &q, v, nil
			}
			q := cleared(*p)
			return &q, v, nil
		}
		switch {
		case state == txnCommitted:
			err = c.swapPointer(ident, moved(*p), v)
		case state == txnAborted:
			err = c.swapPointer(ident, cleared(*p), v)
		case time.Since(p.Pending.Since) < abortAfter:
			return nil, "", fmt.Errorf("table %s: %w: a multi-table commit (%s) is moving it", identString(ident), table.ErrCommitFailed, p.Pending.Txn)
		default:
			err = c.decide(p.Pending.Txn, txnAborted)
		}
		if err != nil && !errors.Is(err, vfs.ErrConflict) {
			return nil, "", fmt.Errorf("table %s: settle multi-table commit %s: %w", identString(ident), p.Pending.Txn, err)
		}
	}
	return nil, "", fmt.Errorf("table %s: %w: its pointer kept changing", identString(ident), table.ErrCommitFailed)
}

// CommitTables commits changes to several tables as one unit (see above):
// either every table moves to its new metadata or none does, and a reader
// never sees some moved and others not. Every table must exist. A table
// that changed meanwhile fails the whole commit with table.ErrCommitFailed
// and its new metadata files are removed.
func (c *Catalog) CommitTables(ctx context.Context, commits []table.TableCommit) error {
	if len(commits) == 0 {
		return catalog.ErrEmptyCommitList
	}
	commits = slices.Clone(commits)
	slices.SortFunc(commits, func(a, b table.TableCommit) int { return slices.Compare(a.Identifier, b.Identifier) })
	type staged struct {
		ident   table.Identifier
		p       pointer
		version string // the pointer's, then the pending one's
		newLoc  string
		marked  bool
	}
	var done []*staged
	removeNew := func() {
		for _, s := range done {
			c.fs.Remove(s.newLoc)
		}
	}
	for _, cm := range commits {
		ident := cm.Identifier
		if err := validTable(ident); err != nil {
			removeNew()
			return err
		}
		p, version, err := c.livePointer(ident, true)
		if err != nil {
			removeNew()
			return err
		}
		t, err := c.loadTableCached(ctx, ident, p.MetadataLocation, true)
		if err != nil {
			removeNew()
			return err
		}
		for _, r := range cm.Requirements {
			if err := r.Validate(t.Metadata()); err != nil {
				removeNew()
				return fmt.Errorf("commit %s: %w: %w", identString(ident), table.ErrCommitFailed, err)
			}
		}
		updated, err := table.UpdateTableMetadata(t.Metadata(), cm.Updates, p.MetadataLocation)
		if err != nil {
			removeNew()
			return fmt.Errorf("commit %s: %w", identString(ident), err)
		}
		if updated.Equals(t.Metadata()) {
			continue
		}
		next := metadataVersion(p.MetadataLocation) + 1
		if next == 0 {
			removeNew()
			return fmt.Errorf("commit %s: cannot tell the version of metadata file %s", identString(ident), p.MetadataLocation)
		}
		newLoc, err := c.writeNewMetadata(updated, next)
		if err != nil {
			removeNew()
			return fmt.Errorf("commit %s: %w", identString(ident), err)
		}
		done = append(done, &staged{ident: ident, p: *p, version: version, newLoc: newLoc})
	}
	if len(done) == 0 {
		return nil
	}

	txn := c.txnName(uuid.NewString())
	abort := func(cause error) error {
		if err := c.decide(txn, txnAborted); err != nil && !errors.Is(err, vfs.ErrConflict) {
			// Undecided: a writer will abort it after abortAfter.
			return fmt.Errorf("%w; abort transaction %s: %w", cause, txn, err)
		}
		for _, s := range done {
			if s.marked {
				c.swapPointer(s.ident, cleared(s.p), s.version) // or someone cleared it already
			}
		}
		removeNew()
		return cause
	}
	since := time.Now()
	var names []string
	for _, s := range done {
		names = append(names, identString(s.ident))
		mark := s.p
		mark.Pending = &pending{Txn: txn, To: s.newLoc, Since: since}
		v, err := c.swapPointerVersion(s.ident, mark, s.version)
		if errors.Is(err, vfs.ErrConflict) {
			return abort(fmt.Errorf("commit %s: %w: another writer moved its pointer first", identString(s.ident), table.ErrCommitFailed))
		}
		if err != nil {
			return abort(fmt.Errorf("commit %s: %w", identString(s.ident), err))
		}
		s.p, s.version, s.marked = mark, v, true
	}
	switch err := c.decide(txn, txnCommitted); {
	case errors.Is(err, vfs.ErrConflict):
		// Aborted by a writer that took us for dead.
		return abort(fmt.Errorf("multi-table commit of %s: %w: it was aborted while it waited", strings.Join(names, ", "), table.ErrCommitFailed))
	case err != nil:
		// Unknown whether it landed; the transaction object decides, and
		// readers and writers act on it.
		return fmt.Errorf("multi-table commit of %s: transaction %s: %w", strings.Join(names, ", "), txn, err)
	}
	for _, s := range done {
		// Finishing is a courtesy: readers already see the moves.
		c.swapPointer(s.ident, moved(s.p), s.version)
	}
	return nil
}
