package lens

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/vfs"
)

// gib is the unit prices are per.
const gib = 1 << 30

// storageKey groups storage_daily rows.
type storageKey struct {
	level, ns, table, prefix string
	depth                    int
	class, tier              string
}

type storageSums struct {
	bytes, objects              int64
	data, deletes, metadata     int64
	current, noncurrent, orphan int64
}

func (s *storageSums) add(o object) {
	s.bytes += o.size
	s.objects++
	switch o.kind {
	case kindData:
		s.data += o.size
	case kindDelete:
		s.deletes += o.size
	case kindMetadata:
		s.metadata += o.size
	}
	switch o.state {
	case stateCurrent:
		s.current += o.size
	case stateNoncurrent:
		s.noncurrent += o.size
	case stateOrphan:
		s.orphan += o.size
	}
}

// sizeBuckets are Storage Lens's object-size buckets' upper bounds.
var sizeBuckets = []int64{128 << 10, 1 << 20, 8 << 20, 64 << 20, 512 << 20}

func sizeBucket(n int64) int {
	for i, b := range sizeBuckets {
		if n < b {
			return i
		}
	}
	return len(sizeBuckets)
}

// owner returns the namespace and table an object is counted under.
func (m *measurement) owner(o object) (string, string) {
	if o.table >= 0 {
		t := m.health[o.table]
		return t.ns, t.name
	}
	first, _, _ := strings.Cut(o.rel, "/")
	if ns, ok := strings.CutSuffix(first, ".db"); ok && strings.Contains(o.rel, "/") {
		return ns, ""
	}
	return "", ""
}

// tables turns the measurement into the rows of every lens table.
func (m *measurement) tables(day, now time.Time, opts Options) []*lensTable {
	defs := definitions(opts.Namespace)
	storage, sizes, healthT, activity, cost := defs[0], defs[1], defs[2], defs[3], defs[4]

	// storage_daily: the warehouse, each namespace, each table, and every
	// directory at any depth.
	sums := map[storageKey]*storageSums{}
	addTo := func(k storageKey, o object) {
		s := sums[k]
		if s == nil {
			s = &storageSums{}
			sums[k] = s
		}
		s.add(o)
	}
	type tableKey struct{ ns, table, class, tier string }
	perTable := map[tableKey]*storageSums{}
	objsByTable := map[[2]string][]int64{}
	for _, o := range m.objs {
		ns, tbl := m.owner(o)
		addTo(storageKey{level: "warehouse", class: o.class, tier: o.tier}, o)
		if ns != "" {
			addTo(storageKey{level: "namespace", ns: ns, class: o.class, tier: o.tier}, o)
		}
		if tbl != "" {
			addTo(storageKey{level: "table", ns: ns, table: tbl, class: o.class, tier: o.tier}, o)
			k := tableKey{ns, tbl, o.class, o.tier}
			if perTable[k] == nil {
				perTable[k] = &storageSums{}
			}
			perTable[k].add(o)
			objsByTable[[2]string{ns, tbl}] = append(objsByTable[[2]string{ns, tbl}], o.size)
		}
		dir := path.Dir(o.rel)
		for depth := strings.Count(dir, "/") + 1; dir != "." && dir != "/"; depth-- {
			pns, ptbl := ns, tbl
			if o.table >= 0 {
				t := m.health[o.table]
				if !within(m.root+"/"+dir, t.loc) {
					ptbl = ""
				}
			}
			addTo(storageKey{level: "prefix", ns: pns, table: ptbl, prefix: dir + "/", depth: depth, class: o.class, tier: o.tier}, o)
			dir = path.Dir(dir)
		}
	}
	keys := make([]storageKey, 0, len(sums))
	for k := range sums {
		keys = append(keys, k)
	}
	levelOrder := map[string]int{"warehouse": 0, "namespace": 1, "table": 2, "prefix": 3}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.level != b.level {
			return levelOrder[a.level] < levelOrder[b.level]
		}
		return fmt.Sprint(a) < fmt.Sprint(b)
	})
	for _, k := range keys {
		s := sums[k]
		storage.rows = append(storage.rows, []any{day, k.level, k.ns, k.table, k.prefix, int32(k.depth), k.class, k.tier,
			s.bytes, s.objects, s.data, s.deletes, s.metadata, s.current, s.noncurrent, s.orphan, now})
	}

	// activity_daily, needed for requests' cost.
	reqs := map[[2]string]*tableActivity{}
	actKeys := make([][2]string, 0, len(m.activity))
	for k := range m.activity {
		actKeys = append(actKeys, k)
	}
	sort.Slice(actKeys, func(i, j int) bool { return actKeys[i][0]+"."+actKeys[i][1] < actKeys[j][0]+"."+actKeys[j][1] })
	for _, k := range actKeys {
		a := m.activity[k]
		reqs[k] = a
		objects := len(objsByTable[k])
		var pct any
		if objects > 0 {
			// Files read today may be gone by the collect: never past 100%.
			pct = min(100, 100*float64(len(a.Files))/float64(objects))
		}
		activity.rows = append(activity.rows, []any{day, k[0], k[1], int64(len(m.procs[k])),
			a.ReadRequests, a.WriteRequests, a.BytesRead, a.BytesWritten,
			ratio(a.BytesRead, a.ReadRequests), ratio(a.BytesWritten, a.WriteRequests),
			int64(len(a.Files)), pct, a.Commits, a.Conflicts,
			percentile(a.FirstByte, 0.5), percentile(a.FirstByte, 0.99),
			percentile(a.Total, 0.5), percentile(a.Total, 0.99), now})
	}

	// object_sizes_daily and table_health_daily, per table.
	for _, t := range m.health {
		k := [2]string{t.ns, t.name}
		var counts [6]int64
		var bytes int64
		for _, n := range objsByTable[k] {
			counts[sizeBucket(n)]++
			bytes += n
		}
		var small int64
		for _, n := range t.current {
			if n < opts.SmallFileBytes {
				small++
			}
		}
		var smallRatio any
		if len(t.current) > 0 {
			smallRatio = float64(small) / float64(len(t.current))
		}
		sizes.rows = append(sizes.rows, []any{day, t.ns, t.name, t.tiering.class, int64(len(objsByTable[k])), bytes,
			counts[0], counts[1], counts[2], counts[3], counts[4], counts[5],
			int64(len(t.current)), small, smallRatio, now})

		h := t.health
		var avg, share, dvShare, amp any
		if h.dataFiles > 0 {
			avg = float64(h.dataBytes) / float64(h.dataFiles)
		}
		if h.rows > 0 {
			s := math.Min(1, float64(h.deletedRows)/float64(h.rows))
			share = s
			dvShare = math.Min(1, float64(h.dvDeletedRows)/float64(h.rows))
			if s < 1 && h.dataBytes > 0 {
				// Bytes a full scan reads per byte of live rows: every data
				// and delete file, over the data bytes that still hold rows.
				amp = float64(h.dataBytes+h.deleteBytes) / (float64(h.dataBytes) * (1 - s))
			}
		}
		var last, days any
		if h.lastCompaction != nil {
			last = *h.lastCompaction
			// Commits carry the clock's time while --now or FLOE_NOW may
			// be earlier (simulated history): never fewer than 0 days.
			days = int32(max(0, now.Sub(*h.lastCompaction).Hours()/24))
		}
		healthT.rows = append(healthT.rows, []any{day, t.ns, t.name, int32(h.formatVersion), h.snapshots, h.manifests,
			h.dataFiles, h.dataBytes, avg, h.deleteFiles, h.posDeleteFiles, h.eqDeleteFiles, h.dvs,
			h.rows, h.deletedRows, h.dvDeletedRows, share, dvShare, last, days, h.partitions, amp, now})
	}

	// cost_daily, per table and class/tier: storage at the table's
	// tiering price of the tier (the engine's, as t$tier_costs), and the
	// day's requests, as a month of such days, on the table's warmest row
	// (a read makes a file FREQUENT, so requests are its warm tier's).
	byTable := map[[2]string]*tableInfo{}
	for _, t := range m.health {
		byTable[[2]string{t.ns, t.name}] = t
	}
	tks := make([]tableKey, 0, len(perTable))
	for k := range perTable {
		tks = append(tks, k)
	}
	warmth := func(k tableKey) int {
		switch k.tier {
		case TierStandard, engine.TierFrequent:
			return 0
		case engine.TierInfrequent:
			return 1
		}
		return 2
	}
	sort.Slice(tks, func(i, j int) bool {
		a, b := tks[i], tks[j]
		if a.ns != b.ns || a.table != b.table {
			return a.ns+"."+a.table < b.ns+"."+b.table
		}
		if warmth(a) != warmth(b) {
			return warmth(a) < warmth(b)
		}
		return a.class+"/"+a.tier < b.class+"/"+b.tier
	})
	billed := map[[2]string]bool{}
	for _, k := range tks {
		s := perTable[k]
		tg := m.tiering
		if t := byTable[[2]string{k.ns, k.table}]; t != nil {
			tg = t.tiering
		}
		gb := float64(s.bytes) / gib
		st := math.NaN()
		if p, err := tg.price(k.tier); err == nil {
			st = gb * p
		}
		var rq float64
		if a := reqs[[2]string{k.ns, k.table}]; a != nil && !billed[[2]string{k.ns, k.table}] {
			billed[[2]string{k.ns, k.table}] = true
			pr, err := opts.Prices.price(k.class)
			if err != nil {
				pr = Price{Per1000Reads: math.NaN(), Per1000Writes: math.NaN()}
			}
			rq = 30 * (float64(a.ReadRequests)*pr.Per1000Reads + float64(a.WriteRequests)*pr.Per1000Writes) / 1000
		}
		cost.rows = append(cost.rows, []any{day, k.ns, k.table, k.class, k.tier, s.bytes, gb, st, rq, st + rq, now})
	}
	return defs
}

func ratio(a, b int64) any {
	if b == 0 {
		return nil
	}
	return float64(a) / float64(b)
}

// percentile returns the upper bound, in milliseconds, of the histogram
// bucket holding quantile q; nil for an empty histogram.
func percentile(h [latencyBuckets]int64, q float64) any {
	var n int64
	for _, c := range h {
		n += c
	}
	if n == 0 {
		return nil
	}
	rank := int64(math.Ceil(q * float64(n)))
	var seen int64
	for i, c := range h {
		seen += c
		if seen >= rank {
			return float64(int64(1)<<i) / 1000
		}
	}
	return float64(int64(1)<<(latencyBuckets-1)) / 1000
}

func within(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, strings.TrimSuffix(dir, "/")+"/")
}

// readActivity sums the day's activity objects by table.
func (m *measurement) readActivity(w *engine.Warehouse, day time.Time) error {
	m.activity = map[[2]string]*tableActivity{}
	m.procs = map[[2]string]map[string]bool{}
	dir := join(m.root, ActivityPrefix, "activity", "day="+day.Format(time.DateOnly))
	entries, err := w.FS().ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read activity %s: %w", dir, err)
	}
	files := map[[2]string]map[string]bool{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		name := dir + "/" + e.Name()
		b, err := vfs.ReadFile(w.FS(), name)
		if err != nil {
			return fmt.Errorf("read activity %s: %w", name, err)
		}
		var obj activityObject
		if err := json.Unmarshal(b, &obj); err != nil {
			return fmt.Errorf("activity object %s: %w (remove it to collect without it)", name, err)
		}
		for _, a := range obj.Tables {
			k := [2]string{a.Namespace, a.Table}
			sum := m.activity[k]
			if sum == nil {
				sum = &tableActivity{Namespace: a.Namespace, Table: a.Table}
				m.activity[k] = sum
				m.procs[k] = map[string]bool{}
				files[k] = map[string]bool{}
			}
			m.procs[k][obj.Process] = true
			sum.ReadRequests += a.ReadRequests
			sum.WriteRequests += a.WriteRequests
			sum.BytesRead += a.BytesRead
			sum.BytesWritten += a.BytesWritten
			sum.Commits += a.Commits
			sum.Conflicts += a.Conflicts
			for i := range latencyBuckets {
				sum.FirstByte[i] += a.FirstByte[i]
				sum.Total[i] += a.Total[i]
			}
			for _, f := range a.Files {
				if !files[k][f] {
					files[k][f] = true
					sum.Files = append(sum.Files, f)
				}
			}
		}
	}
	return nil
}
