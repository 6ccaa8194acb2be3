package lens

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/objcat"
)

// SmallFileBytes is the default size under which a data file counts as
// small: Storage Lens's smallest object-size bucket.
const SmallFileBytes = 128 << 10

// Options configure Collect.
type Options struct {
	// Now is the collect's time; its UTC date is the day partition
	// written. Zero means engine.Now (FLOE_NOW, else the clock).
	Now time.Time
	// Prices are request prices per storage class; nil means
	// DefaultPrices. Storage is priced by each table's tiering prices.
	Prices Prices
	// SmallFileBytes is the small-file threshold; 0 means SmallFileBytes.
	SmallFileBytes int64
	// Namespace is where the lens tables go; "" means Namespace
	// (floe_lens). A notebook that simulates history writes to its own,
	// so that dropping it leaves lake.floe_lens as it was. Neither is
	// measured.
	Namespace string
}

// Report says what a collect wrote.
type Report struct {
	Day     time.Time
	Tables  int            // user tables measured
	Objects int64          // objects counted in the warehouse
	Bytes   int64          // their bytes
	Rows    map[string]int // rows written per lens table
}

// Collect measures the warehouse and writes the day's partition of every
// lens table, one overwrite commit per table.
func Collect(ctx context.Context, w *engine.Warehouse, opts Options) (Report, error) {
	now := opts.Now
	if now.IsZero() {
		var err error
		if now, err = engine.Now(); err != nil {
			return Report{}, err
		}
	}
	now = now.UTC()
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if opts.Prices == nil {
		opts.Prices = DefaultPrices()
	}
	if opts.SmallFileBytes <= 0 {
		opts.SmallFileBytes = SmallFileBytes
	}
	if opts.Namespace == "" {
		opts.Namespace = Namespace
	}
	if err := engine.ValidateName("schema", opts.Namespace); err != nil {
		return Report{}, fmt.Errorf("lens collect: %w", err)
	}
	m, err := measure(ctx, w, day, now, opts)
	if err != nil {
		return Report{}, err
	}
	tables := m.tables(day, now, opts)
	rep := Report{Day: day, Tables: len(m.health), Objects: m.objects, Bytes: m.bytes, Rows: map[string]int{}}
	props := iceberg.Properties{"floe.operation": "lens_collect", "floe.lens.day": day.Format(time.DateOnly)}
	if err := commitDay(ctx, w, tables, day, props); err != nil {
		return rep, err
	}
	for _, lt := range tables {
		rep.Rows[lt.name] = len(lt.rows)
	}
	return rep, nil
}

// commitDay replaces the day's partition of every lens table in one
// multi-table commit: a reader, or a collect killed midway, sees all the
// tables at the day's new rows or all at the old ones. A commit that loses
// to another writer of the lens tables is staged again (the files of the
// lost attempt are orphans maintenance removes). A warehouse over a remote
// catalog has no multi-table commit here: there each table commits alone.
func commitDay(ctx context.Context, w *engine.Warehouse, tables []*lensTable, day time.Time, props iceberg.Properties) error {
	for _, lt := range tables {
		if _, err := lt.ensure(ctx, w); err != nil {
			return fmt.Errorf("lens table lake.%s.%s: %w", lt.ns, lt.name, err)
		}
	}
	if w.Remote() {
		for _, lt := range tables {
			if err := lt.replaceDay(ctx, w, day, props); err != nil {
				return err
			}
		}
		return nil
	}
	const attempts = 3
	var err error
	for range attempts {
		commits := make([]table.TableCommit, 0, len(tables))
		for _, lt := range tables {
			t, err := w.Table(ctx, lt.ns, lt.name)
			if err != nil {
				return fmt.Errorf("lens table lake.%s.%s: %w", lt.ns, lt.name, err)
			}
			tc, err := lt.stageDay(ctx, t, day, props)
			if err != nil {
				return err
			}
			commits = append(commits, tc)
		}
		err = w.CommitTables(ctx, commits)
		if err == nil || !errors.Is(err, table.ErrCommitFailed) {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("commit lake.%s for %s: %w", tables[0].ns, day.Format(time.DateOnly), err)
	}
	return nil
}

// Kinds and states of an object, as storage_daily splits bytes.
type kind uint8

const (
	kindData kind = iota
	kindDelete
	kindMetadata
)

type state uint8

const (
	stateCurrent    state = iota // reached from the current snapshot or metadata file
	stateNoncurrent              // reached only from older snapshots or metadata files
	stateOrphan                  // reached from no metadata at all
)

// object is one stored object.
type object struct {
	rel   string // relative to the warehouse root
	size  int64
	kind  kind
	state state
	class string
	tier  string
	table int // index into measurement.health; -1 for no table
}

// tableInfo is what one table's metadata says.
type tableInfo struct {
	ns, name string
	loc      string // local path of the table location, cleaned
	reached  map[string]reach
	health   health
	current  []int64 // sizes of the current data files, from the manifests
	// deleteObjs are the current delete files whose bytes are counted.
	deleteObjs map[string]bool
	tiering    tiering
}

type reach struct {
	kind    kind
	current bool
}

type health struct {
	formatVersion                    int
	snapshots, manifests             int64
	dataFiles, dataBytes             int64
	deleteFiles, deleteBytes         int64
	posDeleteFiles, eqDeleteFiles    int64
	dvs                              int64
	rows, deletedRows, dvDeletedRows int64
	lastCompaction                   *time.Time
	partitions                       int64
}

// measurement is everything one collect learnt before writing.
type measurement struct {
	root     string
	health   []*tableInfo
	objects  int64
	bytes    int64
	objs     []object
	tiering  tiering // of objects of no table: the warehouse's
	activity map[[2]string]*tableActivity
	procs    map[[2]string]map[string]bool
}

func measure(ctx context.Context, w *engine.Warehouse, day, now time.Time, opts Options) (*measurement, error) {
	m := &measurement{root: warehouseRoot(w)}
	var err error
	if m.tiering, err = warehouseTiering(ctx, w); err != nil {
		return nil, err
	}
	nss, err := w.Namespaces(ctx)
	if err != nil {
		return nil, err
	}
	skip := map[string]bool{
		join(m.root, ActivityPrefix):  true,
		join(m.root, ".locks"):        true,
		join(m.root, Namespace+".db"): true,
	}
	byLoc := map[string]int{}
	for _, ns := range nss {
		names, err := w.Tables(ctx, ns)
		if err != nil {
			return nil, err
		}
		for _, name := range names {
			t, err := w.Table(ctx, ns, name)
			if err != nil {
				return nil, err
			}
			if ns == Namespace || ns == opts.Namespace {
				skip[clean(t.Location())] = true
				continue
			}
			ti, err := readTable(ctx, t)
			if err != nil {
				return nil, err
			}
			if ti.tiering, err = tableTiering(ctx, w, t, now); err != nil {
				return nil, err
			}
			byLoc[ti.loc] = len(m.health)
			m.health = append(m.health, ti)
		}
	}
	// walk counts the objects under base; a file at base/x is counted as
	// if at <root>/x (a cold path keeps the warehouse's layout).
	walk := func(base string) error {
		return w.FS().Walk(base, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			p = clean(p)
			if d.IsDir() {
				if skip[p] {
					return fs.SkipDir
				}
				return nil
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			at := m.root + strings.TrimPrefix(p, base)
			rel := strings.TrimPrefix(at, m.root+"/")
			o := object{rel: rel, size: info.Size(), table: -1}
			for dir := parent(at); len(dir) > len(m.root); dir = parent(dir) {
				if i, ok := byLoc[dir]; ok {
					o.table = i
					break
				}
			}
			listed := reportedClass(d)
			if listed == "" {
				listed = reportedClass(info)
			}
			tg := m.tiering
			if o.table >= 0 {
				tg = m.health[o.table].tiering
			}
			o.class, o.tier = tg.of(p, listed)
			o.kind, o.state = classify(p, rel, o.table, m.health)
			m.objs = append(m.objs, o)
			m.objects++
			m.bytes += o.size
			return nil
		})
	}
	if err := walk(m.root); err != nil {
		return nil, fmt.Errorf("walk warehouse %s: %w", m.root, err)
	}
	// The cold paths of a local warehouse's tiered tables hold files
	// moved out of it; they are counted under the prefixes they keep.
	colds := map[string]bool{}
	for _, ti := range m.health {
		if c := ti.tiering.coldPath; c != "" && !w.ObjectStore() && !within(clean(c), m.root) && !within(m.root, clean(c)) {
			colds[clean(c)] = true
		}
	}
	for _, c := range slices.Sorted(maps.Keys(colds)) {
		if _, err := w.FS().Stat(c); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err := walk(c); err != nil {
			return nil, fmt.Errorf("walk cold path %s: %w", c, err)
		}
	}
	if err := m.readActivity(w, day); err != nil {
		return nil, err
	}
	return m, nil
}

// warehouseRoot is where the warehouse's objects are: its s3:// URI on
// object storage, else its directory.
func warehouseRoot(w *engine.Warehouse) string {
	if w.ObjectStore() {
		return strings.TrimSuffix(w.Root(), "/")
	}
	return clean(w.Dir())
}

// join joins path elements to root, a directory or an s3:// URI (whose
// double slash path.Join would fold).
func join(root string, elem ...string) string {
	return root + "/" + path.Join(elem...)
}

// parent is path.Dir of a cleaned name that may be an s3:// URI.
func parent(p string) string {
	i := strings.LastIndex(p, "/")
	if i <= 0 {
		return path.Dir(p)
	}
	return p[:i]
}

// classify says what an object is and whether metadata reaches it. The
// warehouse's own catalog files are current metadata; anything else no
// table's metadata reaches is an orphan (kept as metadata when it lies in
// a metadata directory, else as data).
func classify(p, rel string, table int, tables []*tableInfo) (kind, state) {
	if table >= 0 {
		if r, ok := tables[table].reached[p]; ok {
			if r.current {
				return r.kind, stateCurrent
			}
			return r.kind, stateNoncurrent
		}
	}
	if !strings.Contains(rel, "/") && strings.HasPrefix(rel, engine.CatalogFile) || strings.HasPrefix(rel, objcat.Dir+"/") {
		return kindMetadata, stateCurrent // the catalog: SQLite's file, or objects on the storage
	}
	if strings.Contains("/"+rel, "/metadata/") {
		return kindMetadata, stateOrphan
	}
	return kindData, stateOrphan
}

// readTable reads a table's metadata and every manifest its snapshots
// reach, once each.
func readTable(ctx context.Context, t *engine.Table) (*tableInfo, error) {
	md := t.Iceberg().Metadata()
	ti := &tableInfo{ns: t.NS, name: t.Name, loc: clean(t.Location()), reached: map[string]reach{}}
	ti.health.formatVersion = md.Version()
	add := func(loc string, k kind, current bool) {
		if loc == "" {
			return
		}
		p := clean(loc)
		if r, ok := ti.reached[p]; ok && (r.current || !current) {
			return
		}
		ti.reached[p] = reach{k, current}
	}
	add(t.MetadataLocation(), kindMetadata, true)
	for e := range md.PreviousFiles() {
		add(e.MetadataFile, kindMetadata, false)
	}
	for sf := range md.Statistics() {
		add(sf.StatisticsPath, kindMetadata, true)
	}
	for sf := range md.PartitionStatistics() {
		add(sf.StatisticsPath, kindMetadata, true)
	}
	snaps := md.Snapshots()
	ti.health.snapshots = int64(len(snaps))
	for _, s := range snaps {
		if compaction(s.Summary) {
			ts := time.UnixMilli(s.TimestampMs).UTC()
			if ti.health.lastCompaction == nil || ts.After(*ti.health.lastCompaction) {
				ti.health.lastCompaction = &ts
			}
		}
	}
	if len(snaps) == 0 {
		return ti, nil
	}
	fsys, err := t.Iceberg().FS(ctx)
	if err != nil {
		return nil, err
	}
	cur := md.CurrentSnapshot()
	// The current snapshot first, so what it reaches is marked current
	// before older snapshots share the same manifests.
	order := make([]table.Snapshot, 0, len(snaps))
	if cur != nil {
		order = append(order, *cur)
	}
	for _, s := range snaps {
		if cur == nil || s.SnapshotID != cur.SnapshotID {
			order = append(order, s)
		}
	}
	seen := map[string]bool{}
	partitions := map[string]bool{}
	for i, s := range order {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		current := cur != nil && i == 0
		add(s.ManifestList, kindMetadata, current)
		if s.ManifestList == "" {
			continue
		}
		mfs, err := s.Manifests(fsys)
		if err != nil {
			return nil, fmt.Errorf("%s: snapshot %d: read manifest list %s: %w", t.Ident(), s.SnapshotID, s.ManifestList, err)
		}
		if current {
			ti.health.manifests = int64(len(mfs))
		}
		for _, mf := range mfs {
			add(mf.FilePath(), kindMetadata, current)
			if seen[mf.FilePath()] {
				continue
			}
			seen[mf.FilePath()] = true
			for e, err := range mf.Entries(fsys, true) {
				if err != nil {
					return nil, fmt.Errorf("%s: read manifest %s: %w", t.Ident(), mf.FilePath(), err)
				}
				df := e.DataFile()
				k := kindData
				if df.ContentType() != iceberg.EntryContentData {
					k = kindDelete
				}
				add(strings.Clone(df.FilePath()), k, current)
				if current {
					ti.countCurrent(df, partitions)
				}
			}
		}
	}
	ti.health.partitions = int64(len(partitions))
	return ti, nil
}

// compaction reports a snapshot that compacted the table: floe's
// rewrite_data_files (CALL or maintenance) commits a replace, or an
// overwrite when it drops deletes, and names itself; a replace that is a
// tier move is not one.
func compaction(s *table.Summary) bool {
	if s == nil {
		return false
	}
	switch s.Properties["floe.operation"] {
	case "rewrite_data_files":
		return true
	case "tier_move":
		return false
	}
	return s.Operation == table.OpReplace
}

// countCurrent adds a live file of the current snapshot to the health
// counts. Delete bytes count each file once: a Puffin file holds the
// deletion vectors of several data files, one manifest entry each, and a
// scan reads it once.
func (ti *tableInfo) countCurrent(df iceberg.DataFile, partitions map[string]bool) {
	h := &ti.health
	if df.ContentType() != iceberg.EntryContentData {
		if ti.deleteObjs == nil {
			ti.deleteObjs = map[string]bool{}
		}
		if !ti.deleteObjs[df.FilePath()] {
			ti.deleteObjs[strings.Clone(df.FilePath())] = true
			h.deleteBytes += df.FileSizeBytes()
		}
	}
	switch df.ContentType() {
	case iceberg.EntryContentData:
		h.dataFiles++
		h.dataBytes += df.FileSizeBytes()
		h.rows += df.Count()
		ti.current = append(ti.current, df.FileSizeBytes())
		partitions[partitionKey(df)] = true
	case iceberg.EntryContentPosDeletes:
		h.deleteFiles++
		h.deletedRows += df.Count()
		if df.FileFormat() == iceberg.PuffinFile {
			h.dvs++
			h.dvDeletedRows += df.Count()
		} else {
			h.posDeleteFiles++
		}
	case iceberg.EntryContentEqDeletes:
		h.deleteFiles++
		h.eqDeleteFiles++
	}
}

func partitionKey(df iceberg.DataFile) string {
	p := df.Partition()
	keys := make([]int, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	var b strings.Builder
	fmt.Fprintf(&b, "%d", df.SpecID())
	for _, k := range keys {
		fmt.Fprintf(&b, "|%d=%v", k, p[k])
	}
	return b.String()
}
