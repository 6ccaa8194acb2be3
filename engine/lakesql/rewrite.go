package lakesql

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/internal/sqltext"
)

// defaultTargetFileSize is Iceberg's write.target-file-size-bytes default.
const defaultTargetFileSize = 512 << 20

// compactionAttempts bounds how often a compaction is planned and written
// again after a user's commit changed the files it was rewriting; after
// that it is dropped (the user's commit always wins).
const compactionAttempts = 3

// RewriteOptions say what CALL rewrite_data_files rewrites, with the
// meanings and defaults of Spark's procedure (Iceberg's
// SizeBasedFileRewriter). The zero value is not valid: use
// defaultRewriteOptions.
type RewriteOptions struct {
	// Strategy is "binpack" or "sort".
	Strategy string
	// SortOrder is the ORDER BY list of the sort strategy (DuckDB SQL).
	SortOrder string
	// Where keeps only files whose rows may match it (pruned by partition
	// values and column statistics); "" keeps all.
	Where string
	// TargetFileSize is the size files are written at (target-file-size-bytes).
	TargetFileSize int64
	// MinFileSize and MaxFileSize: a file outside them is a candidate
	// (min-file-size-bytes, default 75% of the target;
	// max-file-size-bytes, default 180%).
	MinFileSize, MaxFileSize int64
	// MinInputFiles is how many candidates a partition needs to be
	// rewritten for their sizes alone (min-input-files, default 5).
	MinInputFiles int
	// DeleteFileThreshold: a file with at least this many delete files
	// is a candidate (delete-file-threshold, default never).
	DeleteFileThreshold int
	// DeleteRatioThreshold: a file whose deletes remove at least this
	// share of its rows is a candidate (delete-ratio-threshold, default 0.3).
	DeleteRatioThreshold float64
	// RewriteAll rewrites every file (rewrite-all).
	RewriteAll bool
}

// rewriteOptionNames are the options => map(...) keys rewrite_data_files
// takes.
var rewriteOptionNames = []string{"target-file-size-bytes", "min-file-size-bytes", "max-file-size-bytes",
	"min-input-files", "delete-file-threshold", "delete-ratio-threshold", "rewrite-all"}

// rewriteOptions reads rewrite_data_files' arguments for table t.
func (s *Session) rewriteOptions(args ProcArgs, t *engine.Table) (RewriteOptions, error) {
	o := RewriteOptions{Strategy: "binpack", TargetFileSize: defaultTargetFileSize, MinInputFiles: 5,
		DeleteFileThreshold: math.MaxInt32, DeleteRatioThreshold: 0.3}
	if v := t.Properties().Get("write.target-file-size-bytes", ""); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return o, fmt.Errorf("table property write.target-file-size-bytes=%q is not a positive integer", v)
		}
		o.TargetFileSize = n
	}
	if m, ok := args.Named["options"]; ok {
		om, ok := procMap(m)
		if !ok {
			return o, fmt.Errorf("options must be a map, as map(['min-input-files'], ['2']), not %v", m)
		}
		for _, k := range om.Keys() {
			if !slices.Contains(rewriteOptionNames, fmt.Sprint(k)) {
				return o, fmt.Errorf("options: unknown option %q; rewrite_data_files takes %s", k, strings.Join(rewriteOptionNames, ", "))
			}
		}
	}
	for name := range args.Named {
		switch name {
		case "table", "strategy", "sort_order", "where", "options":
		default:
			if !slices.Contains(rewriteOptionNames, strings.ReplaceAll(name, "_", "-")) {
				return o, fmt.Errorf("unknown argument %s; rewrite_data_files takes table, strategy, sort_order, where, options", name)
			}
		}
	}
	intOpt := func(key string, min int64, dst *int64) error {
		v, ok := procOption(args, key)
		if !ok {
			return nil
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < min {
			return fmt.Errorf("option %s must be an integer of at least %d, not %q", key, min, v)
		}
		*dst = n
		return nil
	}
	if err := intOpt("target-file-size-bytes", 1, &o.TargetFileSize); err != nil {
		return o, err
	}
	o.MinFileSize, o.MaxFileSize = o.TargetFileSize*3/4, o.TargetFileSize*9/5
	var minInput, delThreshold int64 = int64(o.MinInputFiles), int64(o.DeleteFileThreshold)
	for _, opt := range []struct {
		key string
		min int64
		dst *int64
	}{{"min-file-size-bytes", 0, &o.MinFileSize}, {"max-file-size-bytes", 1, &o.MaxFileSize},
		{"min-input-files", 1, &minInput}, {"delete-file-threshold", 1, &delThreshold}} {
		if err := intOpt(opt.key, opt.min, opt.dst); err != nil {
			return o, err
		}
	}
	o.MinInputFiles, o.DeleteFileThreshold = int(min(minInput, math.MaxInt32)), int(min(delThreshold, math.MaxInt32))
	if o.MinFileSize > o.TargetFileSize || o.MaxFileSize < o.TargetFileSize {
		return o, fmt.Errorf("options: min-file-size-bytes (%d) <= target-file-size-bytes (%d) <= max-file-size-bytes (%d) must hold",
			o.MinFileSize, o.TargetFileSize, o.MaxFileSize)
	}
	if v, ok := procOption(args, "delete-ratio-threshold"); ok {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f <= 0 || f > 1 {
			return o, fmt.Errorf("option delete-ratio-threshold must be a number in (0, 1], not %q", v)
		}
		o.DeleteRatioThreshold = f
	}
	if v, ok := procOption(args, "rewrite-all"); ok {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return o, fmt.Errorf("option rewrite-all must be true or false, not %q", v)
		}
		o.RewriteAll = b
	}
	if v, ok := args.Named["strategy"]; ok {
		str, _ := v.(string)
		switch strings.ToLower(str) {
		case "binpack", "sort":
			o.Strategy = strings.ToLower(str)
		default:
			return o, fmt.Errorf("strategy must be 'binpack' or 'sort', not %v", v)
		}
	}
	if v, ok := args.Named["sort_order"]; ok {
		str, _ := v.(string)
		if _, given := args.Named["strategy"]; !given {
			o.Strategy = "sort" // as Spark: a sort order implies the sort strategy
		}
		if o.Strategy != "sort" {
			return o, errors.New("sort_order needs strategy => 'sort'")
		}
		order, err := parseSortOrder(str, t.Schema())
		if err != nil {
			return o, err
		}
		o.SortOrder = order
	}
	if o.Strategy == "sort" && o.SortOrder == "" {
		order, err := t.SortOrderSQL()
		if err != nil {
			return o, err
		}
		if order == "" {
			return o, fmt.Errorf("strategy 'sort' needs sort_order => 'col ASC, ...': %s has no sort order", t.Ident())
		}
		o.SortOrder = order
	}
	if v, ok := args.Named["where"]; ok {
		str, isStr := v.(string)
		if !isStr || strings.TrimSpace(str) == "" {
			return o, fmt.Errorf("where must be a non-empty string of SQL, not %v", v)
		}
		o.Where = str
	}
	return o, nil
}

// parseSortOrder checks a sort_order ('col ASC NULLS LAST, ...') against
// the schema and renders it for DuckDB with Spark's null defaults (nulls
// first ascending, last descending).
func parseSortOrder(order string, schema *iceberg.Schema) (string, error) {
	var out []string
	for _, part := range splitTop(order) {
		toks := sqltext.Code(part)
		if len(toks) == 0 {
			return "", fmt.Errorf("sort_order %q: an empty sort field", order)
		}
		if toks[0].Is("zorder") {
			return "", fmt.Errorf("sort_order %q: zorder is not supported; give columns", order)
		}
		col := toks[0].Ident()
		f, ok := schema.FindFieldByNameCaseInsensitive(col)
		if !ok || (toks[0].Kind != sqltext.Word && toks[0].Kind != sqltext.Quoted) {
			return "", fmt.Errorf("sort_order %q: %s is not a column of the table", order, strings.TrimSpace(part))
		}
		dir, nulls := "ASC", ""
		rest := toks[1:]
		if len(rest) > 0 && (rest[0].Is("ASC") || rest[0].Is("DESC")) {
			dir = strings.ToUpper(rest[0].Ident())
			rest = rest[1:]
		}
		if len(rest) == 2 && rest[0].Is("NULLS") && (rest[1].Is("FIRST") || rest[1].Is("LAST")) {
			nulls = "NULLS " + strings.ToUpper(rest[1].Ident())
			rest = rest[2:]
		}
		if len(rest) > 0 {
			return "", fmt.Errorf("sort_order %q: cannot read %q; write col [ASC|DESC] [NULLS FIRST|LAST]", order, strings.TrimSpace(part))
		}
		if nulls == "" {
			nulls = map[string]string{"ASC": "NULLS FIRST", "DESC": "NULLS LAST"}[dir]
		}
		out = append(out, engine.QuoteIdent(f.Name)+" "+dir+" "+nulls)
	}
	if len(out) == 0 {
		return "", errors.New("sort_order is empty")
	}
	return strings.Join(out, ", "), nil
}

// RewriteResult is what one rewrite_data_files did, in Spark's columns.
type RewriteResult struct {
	Rewritten, Added, Failed, RemovedDeletes int
	RewrittenBytes, AddedBytes               int64
}

// rewriteDataFiles implements CALL rewrite_data_files('ns.t', strategy =>,
// sort_order =>, where =>, options => map(...)): it picks files as Spark
// does (see chooseRewrites), writes them again with their deletes applied,
// bin-packed (or sorted) to the target size with the table's current
// partition spec, and commits the swap as one replace snapshot.
func rewriteDataFiles(ctx context.Context, s *Session, args ProcArgs) (*Rows, error) {
	ns, name, err := procTable("rewrite_data_files", args)
	if err != nil {
		return nil, err
	}
	t, err := s.wh.Table(ctx, ns, name)
	if err != nil {
		return nil, fmt.Errorf("rewrite_data_files lake.%s.%s: %w", ns, name, err)
	}
	if err := t.CheckReplica(); err != nil { // refused even with nothing to rewrite
		return nil, fmt.Errorf("rewrite_data_files: %w", err)
	}
	o, err := s.rewriteOptions(args, t)
	if err != nil {
		return nil, fmt.Errorf("rewrite_data_files lake.%s.%s: %w", ns, name, err)
	}
	res, err := s.rewriteLocked(ctx, ns, name, o) // CALL holds s.mu
	if err != nil {
		return nil, err
	}
	return NewRows(
		[]string{"rewritten_data_files_count", "added_data_files_count", "rewritten_bytes_count", "failed_data_files_count", "removed_delete_files_count"},
		[]string{"INTEGER", "INTEGER", "BIGINT", "INTEGER", "INTEGER"},
		[][]any{{int32(res.Rewritten), int32(res.Added), res.RewrittenBytes, int32(res.Failed), int32(res.RemovedDeletes)}}), nil
}

// beforeCompactionCommit, when set (by tests), runs after a compaction has
// written its files and before it takes the table's lock to commit them.
var beforeCompactionCommit func(ctx context.Context, attempt int)

// errStale reports a compaction whose input files a commit changed after
// it planned.
var errStale = errors.New("the files being compacted changed meanwhile")

// RewriteDataFiles compacts table lake.ns.name as o says. It reads and
// writes without holding the table's lock, so writers are never held up;
// then, locked, it commits only if every file it rewrote is still in the
// table with the same delete files. A commit that changed them wins: the
// compaction is planned again, at most compactionAttempts times, and then
// dropped, its files counted in Failed and deleted.
func (s *Session) RewriteDataFiles(ctx context.Context, ns, name string, o RewriteOptions) (RewriteResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rewriteLocked(ctx, ns, name, o)
}

// rewriteLocked is RewriteDataFiles for a caller holding s.mu.
func (s *Session) rewriteLocked(ctx context.Context, ns, name string, o RewriteOptions) (RewriteResult, error) {
	ident := "lake." + ns + "." + name
	var res RewriteResult
	for attempt := 1; ; attempt++ {
		r, err := s.rewriteOnce(ctx, ns, name, o, attempt)
		if err == nil {
			s.invalidate(ns, name)
			return r, nil
		}
		if !errors.Is(err, errStale) && !errors.Is(err, engine.ErrCommitConflict) {
			return res, fmt.Errorf("rewrite_data_files %s: %w", ident, err)
		}
		if attempt == compactionAttempts {
			s.invalidate(ns, name)
			return RewriteResult{Failed: r.Failed}, nil
		}
	}
}

func (s *Session) rewriteOnce(ctx context.Context, ns, name string, o RewriteOptions, attempt int) (RewriteResult, error) {
	var res RewriteResult
	t, err := s.wh.Table(ctx, ns, name)
	if err != nil {
		return res, err
	}
	var filter iceberg.BooleanExpression
	if o.Where != "" {
		if filter, err = s.whereFilter(ctx, t, o.Where); err != nil {
			return res, err
		}
	}
	plan, err := t.PlanScan(ctx, engine.ScanOptions{Filter: filter})
	if err != nil {
		return res, err
	}
	startSeq := t.SequenceNumber()
	chosen := chooseRewrites(t, plan, o)
	if len(chosen) == 0 {
		return res, nil
	}
	// A copy keeps the plan's local copies of object-storage files.
	sub := *plan
	sub.Tasks = nil
	for _, task := range plan.Tasks {
		if chosen[task.File.FilePath()] {
			sub.Tasks = append(sub.Tasks, task)
			res.RewrittenBytes += task.File.FileSizeBytes()
		}
	}
	res.Rewritten, res.Failed = len(sub.Tasks), len(sub.Tasks)
	read, err := s.planSQL(ctx, &sub, engine.ReadOptions{})
	if err != nil {
		return res, err
	}
	body := "SELECT * FROM (" + read + ")"
	if o.Strategy == "sort" {
		body += " ORDER BY " + o.SortOrder
	}
	files, _, dir, _, err := s.writeQueryOpts(ctx, t, body, o.TargetFileSize, o.Strategy == "sort")
	if err != nil {
		return res, err
	}
	if beforeCompactionCommit != nil {
		beforeCompactionCommit(ctx, attempt)
	}
	var removed int
	err = s.wh.Modify(ctx, ns, name, func(cur *engine.Table) error {
		now, err := cur.PlanScan(ctx, engine.ScanOptions{})
		if err != nil {
			return err
		}
		// Still there, with the same deletes? Then the rewrite holds.
		// Equality deletes committed since the plan may be added: the
		// rewritten files keep the planned snapshot's sequence number, so
		// those still apply to them.
		nowTasks := map[string]table.FileScanTask{}
		for _, task := range now.Tasks {
			nowTasks[task.File.FilePath()] = task
		}
		for _, task := range sub.Tasks {
			nt, ok := nowTasks[task.File.FilePath()]
			if !ok || !sameDeletesSince(task, nt) {
				return errStale
			}
		}
		paths := make([]string, 0, len(sub.Tasks))
		for _, task := range sub.Tasks {
			p, _ := now.Local(task.File.FilePath())
			paths = append(paths, p)
		}
		eqDeletes, err := cur.EqualityDeleteFiles(ctx)
		if err != nil {
			return err
		}
		drop := droppableDeletes(now, chosen, eqDeletes)
		if _, err := cur.CompactFrom(ctx, now, paths, files, drop, startSeq); err != nil {
			return err
		}
		removed = len(drop)
		return nil
	})
	if err != nil {
		s.wh.RemoveWritten(dir)
		return res, err
	}
	for _, f := range files {
		if st, err := s.wh.FS().Stat(f.Path); err == nil {
			res.AddedBytes += st.Size()
		}
	}
	res.Added, res.Failed, res.RemovedDeletes = len(files), 0, removed
	return res, nil
}

// whereFilter turns rewrite_data_files' where into a pruning filter, after
// checking with DuckDB that it is valid SQL over the table's columns. A
// predicate floe cannot use for pruning keeps every file (nil).
func (s *Session) whereFilter(ctx context.Context, t *engine.Table, where string) (iceberg.BooleanExpression, error) {
	probe := "SELECT 1 FROM " + viewName(t.NS, t.Name) + " AS " + engine.QuoteIdent(t.Name) + " WHERE " + where
	rs, err := s.rewriteReads(ctx, probe, sqltext.Code(probe))
	if err != nil {
		return nil, fmt.Errorf("where %q: %w", where, err)
	}
	if _, err := s.state(ctx, t.NS, t.Name); err != nil {
		return nil, err
	}
	if err := s.exec(ctx, "SELECT 1 FROM (SELECT * FROM "+viewName(t.NS, t.Name)+" LIMIT 0) AS "+engine.QuoteIdent(t.Name)+" WHERE "+where); err != nil {
		return nil, fmt.Errorf("where %q: %w", where, withoutExcerpt(err))
	}
	return s.pruneFiltersFor(ctx, rs, t.NS, t.Name), nil
}

// taskDeletes returns every delete file the planner attached to a data
// file: position deletes, deletion vectors and equality deletes (those
// with a higher data sequence number than the file's, in its partition).
func taskDeletes(task table.FileScanTask) []iceberg.DataFile {
	out := make([]iceberg.DataFile, 0, len(task.DeleteFiles)+len(task.DeletionVectorFiles)+len(task.EqualityDeleteFiles))
	out = append(out, task.DeleteFiles...)
	out = append(out, task.DeletionVectorFiles...)
	return append(out, task.EqualityDeleteFiles...)
}

// sameDeletesSince reports whether the data file of a compaction's
// planned task then has the same deletes in its task now, but for
// equality deletes committed since, which apply to the rewritten files
// too (CompactFrom keeps the planned snapshot's sequence number). A
// position delete or deletion vector committed since names the old file
// only, and one gone since means another rewrite changed the file: both
// stale the compaction.
func sameDeletesSince(then, now table.FileScanTask) bool {
	if !slices.Equal(deleteKeys(then, false), deleteKeys(now, false)) {
		return false
	}
	nowEq := deleteKeys(now, true)
	for _, k := range deleteKeys(then, true) {
		if _, found := slices.BinarySearch(nowEq, k); !found {
			return false
		}
	}
	return true
}

// deleteKeys names the position deletes and deletion vectors (eq false) or
// the equality deletes (eq true) that apply to a planned data file, sorted.
func deleteKeys(task table.FileScanTask, eq bool) []string {
	var keys []string
	for _, d := range taskDeletes(task) {
		if (d.ContentType() == iceberg.EntryContentEqDeletes) != eq {
			continue
		}
		key := d.FilePath()
		if r := d.ReferencedDataFile(); r != nil {
			key += "\x00" + *r
		}
		keys = append(keys, key)
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// droppableDeletes returns the delete files of plan that apply only to
// data files being rewritten (chosen, by location): after the rewrite they
// apply to nothing. The rewritten files get the planned snapshot's
// sequence number, not older than any equality delete the compaction
// read, so such an equality delete whose older data files are all
// rewritten applies to nothing either (CompactFrom keeps the newer ones). eqDeletes are all the live equality-delete files of the plan's
// snapshot: those the planner attached to no data file (every data file
// older than them is gone) are dropped too, since data added later has a
// higher sequence number and they can never apply again.
func droppableDeletes(plan *engine.Plan, chosen map[string]bool, eqDeletes []iceberg.DataFile) []iceberg.DataFile {
	files := map[string]iceberg.DataFile{}
	for _, task := range plan.Tasks {
		for _, d := range taskDeletes(task) {
			key := d.FilePath()
			if r := d.ReferencedDataFile(); r != nil {
				key += "\x00" + *r
			}
			if !chosen[task.File.FilePath()] {
				files[key] = nil // still needed
			} else if _, seen := files[key]; !seen {
				files[key] = d
			}
		}
	}
	for _, d := range eqDeletes {
		if _, seen := files[d.FilePath()]; !seen {
			files[d.FilePath()] = d
		}
	}
	var drop []iceberg.DataFile
	for _, k := range slices.Sorted(maps.Keys(files)) {
		if files[k] != nil {
			drop = append(drop, files[k])
		}
	}
	return drop
}

// chooseRewrites picks the data files to rewrite (by location) as Spark's
// SizeBasedFileRewriter does. A file is a candidate when engine.Compactable
// allows it and it is smaller than MinFileSize, larger than MaxFileSize,
// has DeleteFileThreshold delete files or more, its deletes remove
// DeleteRatioThreshold of its rows or more, or it has an older partition
// spec than the table's (or RewriteAll). Candidates are
// grouped by partition (files of older specs in one group, since
// rewriting moves them to the current spec), and a group is rewritten when
// it has MinInputFiles candidates (and more than one), more than one
// adding up to over the target size, a file too large, a file with too
// many deletes, or a file of an older spec.
func chooseRewrites(t *engine.Table, plan *engine.Plan, o RewriteOptions) map[string]bool {
	spec := t.Spec()
	currentSpec := spec.ID()
	type group struct {
		files   []string
		bytes   int64
		trigger bool
	}
	groups := map[string]*group{}
	var order []string
	for _, task := range plan.Tasks {
		df := task.File
		if !engine.Compactable(t, df.FilePath()) {
			continue
		}
		size := df.FileSizeBytes()
		deletes := len(deleteKeys(task, false)) + len(deleteKeys(task, true))
		var deleted int64
		for _, d := range taskDeletes(task) {
			if d.ContentType() == iceberg.EntryContentPosDeletes && d.ReferencedDataFile() != nil && *d.ReferencedDataFile() == df.FilePath() {
				deleted += d.Count()
			}
		}
		tooManyDeletes := deletes >= o.DeleteFileThreshold ||
			df.Count() > 0 && float64(deleted) >= o.DeleteRatioThreshold*float64(df.Count())
		tooLarge := size > o.MaxFileSize
		oldSpec := int(df.SpecID()) != currentSpec
		if !(o.RewriteAll || size < o.MinFileSize || tooLarge || tooManyDeletes || oldSpec) {
			continue
		}
		key := "older specs"
		if !oldSpec {
			key = fmt.Sprint(df.Partition())
		}
		g := groups[key]
		if g == nil {
			g = &group{}
			groups[key] = g
			order = append(order, key)
		}
		g.files = append(g.files, df.FilePath())
		g.bytes += size
		g.trigger = g.trigger || tooLarge || tooManyDeletes || oldSpec || o.RewriteAll
	}
	chosen := map[string]bool{}
	for _, key := range order {
		g := groups[key]
		n := len(g.files)
		if g.trigger || n > 1 && n >= o.MinInputFiles || n > 1 && g.bytes > o.TargetFileSize {
			for _, f := range g.files {
				chosen[f] = true
			}
		}
	}
	return chosen
}
