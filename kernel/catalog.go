package kernel

import (
	"cmp"
	"context"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/lens"
)

// LakeColumn is a column of a lake table as the catalog tree shows it.
type LakeColumn struct {
	Name    string
	Type    string // the DuckDB type name
	Comment string // the Iceberg field doc, "" when none
	NotNull bool
}

// LakeTableInfo describes a lake table for the workbench's catalog: its
// columns and what its current snapshot holds. The counts come from the
// snapshot summary Iceberg writers keep, so describing a table reads its
// metadata file only, never its manifests.
type LakeTableInfo struct {
	Namespace, Name string
	Columns         []LakeColumn
	FormatVersion   int
	// Partitioning is the current partition spec, such as
	// "day(sale_date), bucket(16, store_id)"; "" for an unpartitioned table.
	Partitioning string
	// Snapshots is the number of snapshots in the table's history.
	Snapshots int
	// SnapshotID, SnapshotAt and Operation describe the current snapshot;
	// SnapshotID is 0 for a table with no snapshot yet.
	SnapshotID int64
	SnapshotAt time.Time
	Operation  string
	// Rows, DataFiles, DeleteFiles and Bytes are the current snapshot's
	// totals; -1 when the writer left them out of the summary.
	Rows, DataFiles, DeleteFiles, Bytes int64
	// Health is the table's line of the latest storage metrics
	// (lake.floe_lens, floe lens collect); nil when none were collected.
	Health *LakeHealth
}

// LakeHealth is a table's figures from the latest day of storage metrics.
type LakeHealth struct {
	Day   time.Time
	Bytes int64 // every object of the table, old snapshots' and orphans' too
	// SmallFileRatio is the share of current data files under 128 KB,
	// DeletedShare the share of rows deletes remove; NaN when unknown.
	SmallFileRatio, DeletedShare float64
	Tiers                        []LakeTier // largest first
}

// LakeTier is a table's bytes in one storage class and tier.
type LakeTier struct {
	Class, Tier string
	Bytes       int64
}

// LakeNamespaces lists the warehouse's namespaces.
func (s *Session) LakeNamespaces(ctx context.Context) ([]string, error) {
	return s.sql.Warehouse().Namespaces(ctx)
}

// LakeTables lists the tables of namespace ns.
func (s *Session) LakeTables(ctx context.Context, ns string) ([]string, error) {
	return s.sql.Warehouse().Tables(ctx, ns)
}

// DescribeLakeTable returns the columns and the current-snapshot figures
// of lake table ns.name.
func (s *Session) DescribeLakeTable(ctx context.Context, ns, name string) (*LakeTableInfo, error) {
	t, err := s.sql.Warehouse().Table(ctx, ns, name)
	if err != nil {
		return nil, err
	}
	info := &LakeTableInfo{Namespace: ns, Name: name, FormatVersion: t.FormatVersion(),
		Snapshots: len(t.Snapshots()), Rows: -1, DataFiles: -1, DeleteFiles: -1, Bytes: -1}
	for _, f := range t.Schema().Fields() {
		info.Columns = append(info.Columns, LakeColumn{Name: f.Name, Type: engine.TypeName(f.Type), Comment: f.Doc, NotNull: f.Required})
	}
	info.Partitioning = t.PartitionText()
	if h, err := lens.Latest(ctx, s.sql.Warehouse(), ns, name); err == nil && h != nil {
		info.Health = &LakeHealth{Day: h.Day, Bytes: h.Bytes, SmallFileRatio: h.SmallFileRatio, DeletedShare: h.DeletedShare}
		for _, t := range h.Tiers {
			info.Health.Tiers = append(info.Health.Tiers, LakeTier(t))
		}
	} else if err != nil {
		// Unreadable metrics never hide the table itself.
		slog.Debug("storage lens metrics unreadable", "table", "lake."+ns+"."+name, "err", err)
	}
	snap := t.Iceberg().CurrentSnapshot()
	if snap == nil {
		info.Rows, info.DataFiles, info.DeleteFiles, info.Bytes = 0, 0, 0, 0
		return info, nil
	}
	info.SnapshotID = snap.SnapshotID
	info.SnapshotAt = time.UnixMilli(snap.TimestampMs)
	if snap.Summary != nil {
		info.Operation = string(snap.Summary.Operation)
		if op := snap.Summary.Properties["floe.operation"]; op != "" {
			info.Operation = op
		}
		total := func(k string) int64 {
			n, err := strconv.ParseInt(snap.Summary.Properties[k], 10, 64)
			if err != nil {
				return -1
			}
			return n
		}
		info.Rows = total("total-records")
		info.DataFiles = total("total-data-files")
		info.DeleteFiles = total("total-delete-files")
		info.Bytes = total("total-files-size")
		if pd, ed := total("total-position-deletes"), total("total-equality-deletes"); info.Rows >= 0 && pd >= 0 && ed == 0 {
			// total-records counts rows of data files; rows removed by
			// position deletes and deletion vectors are still in them.
			info.Rows -= pd
		}
	}
	return info, nil
}

// LakeState is what the warehouse's catalog holds at one moment: its
// namespaces, and its tables with the metadata file each pointer names. It
// is read in one query of the catalog database (Session.LakeState), so
// comparing two states is the cheap way to learn what changed.
type LakeState struct {
	Namespaces map[string]bool
	// Tables maps each table to its metadata location, which every
	// commit changes.
	Tables map[LakeName]string
}

// LakeName names a lake table: lake.Namespace.Name.
type LakeName struct{ Namespace, Name string }

// String returns lake.ns.name, quoted where SQL needs it.
func (n LakeName) String() string { return "lake." + QuoteName(n.Namespace) + "." + QuoteName(n.Name) }

// ChangeKind says how a namespace or table changed.
type ChangeKind int

// The kinds of change.
const (
	Created   ChangeKind = iota + 1 // the namespace or table is new
	Dropped                         // it is gone
	Committed                       // the table has a new snapshot or new metadata
)

// String returns the change in words: "created", "dropped", "committed".
func (k ChangeKind) String() string {
	switch k {
	case Created:
		return "created"
	case Dropped:
		return "dropped"
	case Committed:
		return "committed"
	}
	return "ChangeKind(" + strconv.Itoa(int(k)) + ")"
}

// LakeChange is one namespace or table that differs between two states.
// Name is "" for a namespace.
type LakeChange struct {
	Namespace, Name string
	Kind            ChangeKind
	// Location is the table's metadata file after the change; "" for a
	// namespace or a dropped table.
	Location string
}

// String returns "created lake.ns.t", "dropped schema lake.ns" ...
func (c LakeChange) String() string {
	if c.Name == "" {
		return c.Kind.String() + " schema lake." + QuoteName(c.Namespace)
	}
	return c.Kind.String() + " " + LakeName{c.Namespace, c.Name}.String()
}

// LakeState reads the catalog's namespaces and table pointers in one query
// of the catalog database; it reads no metadata file and does not wait for
// a running cell.
func (s *Session) LakeState(ctx context.Context) (LakeState, error) {
	return ReadLakeState(ctx, s.sql.Warehouse())
}

// ReadLakeState reads the state of the catalog of wh.
func ReadLakeState(ctx context.Context, wh *engine.Warehouse) (LakeState, error) {
	nss, tables, err := wh.Pointers(ctx)
	if err != nil {
		return LakeState{}, err
	}
	st := LakeState{Namespaces: make(map[string]bool, len(nss)), Tables: make(map[LakeName]string, len(tables))}
	for _, ns := range nss {
		st.Namespaces[ns] = true
	}
	for _, t := range tables {
		st.Tables[LakeName{t.Namespace, t.Name}] = t.MetadataLocation
	}
	return st, nil
}

// Diff lists what changed from old to s: namespaces first, then tables,
// each sorted by name. A zero old state (never read) gives no changes.
func (s LakeState) Diff(old LakeState) []LakeChange {
	if old.Namespaces == nil || s.Namespaces == nil {
		return nil
	}
	var out []LakeChange
	for ns := range s.Namespaces {
		if !old.Namespaces[ns] {
			out = append(out, LakeChange{Namespace: ns, Kind: Created})
		}
	}
	for ns := range old.Namespaces {
		if !s.Namespaces[ns] {
			out = append(out, LakeChange{Namespace: ns, Kind: Dropped})
		}
	}
	for n, loc := range s.Tables {
		was, ok := old.Tables[n]
		switch {
		case !ok:
			out = append(out, LakeChange{Namespace: n.Namespace, Name: n.Name, Kind: Created, Location: loc})
		case was != loc:
			out = append(out, LakeChange{Namespace: n.Namespace, Name: n.Name, Kind: Committed, Location: loc})
		}
	}
	for n := range old.Tables {
		if _, ok := s.Tables[n]; !ok {
			out = append(out, LakeChange{Namespace: n.Namespace, Name: n.Name, Kind: Dropped})
		}
	}
	slices.SortFunc(out, func(a, b LakeChange) int {
		if (a.Name == "") != (b.Name == "") {
			if a.Name == "" {
				return -1
			}
			return 1
		}
		return cmp.Or(strings.Compare(a.Namespace, b.Namespace), strings.Compare(a.Name, b.Name))
	})
	return out
}

// Apply returns s with the changes made: the state a reader of s would
// see after them, so that changes already known are not found again.
func (s LakeState) Apply(changes []LakeChange) LakeState {
	if s.Namespaces == nil {
		return s
	}
	out := LakeState{Namespaces: maps.Clone(s.Namespaces), Tables: maps.Clone(s.Tables)}
	for _, c := range changes {
		switch {
		case c.Name == "" && c.Kind == Dropped:
			delete(out.Namespaces, c.Namespace)
		case c.Name == "":
			out.Namespaces[c.Namespace] = true
		case c.Kind == Dropped:
			delete(out.Tables, LakeName{c.Namespace, c.Name})
		default:
			out.Namespaces[c.Namespace] = true
			out.Tables[LakeName{c.Namespace, c.Name}] = c.Location
		}
	}
	return out
}

// lakeStateAround reads the catalog's state before or after a cell, even
// when the cell was interrupted; a state that cannot be read is the zero
// state, which Diff treats as unknown.
func (s *Session) lakeStateAround(ctx context.Context) LakeState {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	st, err := s.LakeState(ctx)
	if err != nil {
		return LakeState{}
	}
	return st
}
