package lakesql

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/floehq/floe/engine"
)

// Maintenance job types, in Amazon S3 Tables' names.
const (
	JobCompaction              = "icebergCompaction"
	JobSnapshotManagement      = "icebergSnapshotManagement"
	JobUnreferencedFileRemoval = "icebergUnreferencedFileRemoval"
)

// JobTiering is the Intelligent-Tiering step of a maintenance run: it
// gives each data file the place its tier calls for (engine.ApplyTiers).
// It runs first, for tables whose storage class is INTELLIGENT_TIERING
// (and for STANDARD tables still holding cold files, to bring them home),
// records a run when it moved something or failed, and shows in
// MaintenanceStatus after the JobTypes (Disabled for a STANDARD table).
const JobTiering = "icebergIntelligentTiering"

// JobTypes are the maintenance jobs in the order Maintain runs them.
var JobTypes = []string{JobCompaction, JobSnapshotManagement, JobUnreferencedFileRemoval}

// Maintenance job statuses, in S3 Tables' words.
const (
	StatusSuccessful = "Successful"
	StatusFailed     = "Failed"
	StatusDisabled   = "Disabled"
	StatusNotYetRun  = "Not_Yet_Run"
)

// The job history table, lake.floe_system.maintenance_jobs.
const (
	SystemNamespace = "floe_system"
	JobsTable       = "maintenance_jobs"
)

const jobsColumns = `table_name VARCHAR, job_type VARCHAR, status VARCHAR,
	started_at TIMESTAMPTZ, finished_at TIMESTAMPTZ,
	files_in BIGINT, files_out BIGINT, bytes_in BIGINT, bytes_out BIGINT, message VARCHAR,
	files_marked BIGINT, bytes_marked BIGINT`

// jobsAddedColumns are the columns later floe versions added to the job
// history table, which an older warehouse's table gains on the next run.
var jobsAddedColumns = [][2]string{{"files_marked", "BIGINT"}, {"bytes_marked", "BIGINT"}}

// JobRun is one maintenance job's run on one table: a row of
// lake.floe_system.maintenance_jobs.
type JobRun struct {
	Table, Job, Status string
	Started, Finished  time.Time
	// FilesIn and BytesIn are what the job rewrote or deleted; FilesOut
	// and BytesOut what it wrote.
	FilesIn, FilesOut, BytesIn, BytesOut int64
	// FilesMarked and BytesMarked are the files the unreferenced-file
	// removal marked noncurrent (deleted by a later run, after the
	// policy's non-current days).
	FilesMarked, BytesMarked int64
	// Message says what the job did, or its error.
	Message string
}

// Maintain runs the maintenance that is due for each table in scope ("",
// a schema "ns" or a table "ns.t") as its policy says (engine.Policy):
// compaction of small files and of files whose deletes remove many rows,
// then snapshot expiry, then removal of unreferenced files older than the
// policy's margin. Compaction commits optimistically (see
// RewriteDataFiles), so a user's write is never held up or lost.
//
// Runs that did something, failed, or found their job newly disabled are
// appended to lake.floe_system.maintenance_jobs and returned. One table's
// failure does not stop the others; the error joins them all.
func (s *Session) Maintain(ctx context.Context, scope string) ([]JobRun, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maintain(ctx, scope)
}

// maintain is Maintain for a caller holding s.mu.
func (s *Session) maintain(ctx context.Context, scope string) ([]JobRun, error) {
	s.noAccess = true
	defer func() { s.noAccess = false }()
	tables, err := s.maintenanceScope(ctx, scope)
	if err != nil {
		return nil, err
	}
	last, err := s.lastJobRuns(ctx)
	if err != nil {
		return nil, err
	}
	var runs []JobRun
	var errs []error
	for _, nt := range tables {
		if err := ctx.Err(); err != nil {
			errs = append(errs, err)
			break
		}
		tr, err := s.maintainTable(ctx, nt[0], nt[1], last)
		runs = append(runs, tr...)
		if err != nil {
			errs = append(errs, err)
		}
	}
	if err := s.recordJobs(context.WithoutCancel(ctx), runs); err != nil {
		errs = append(errs, err)
	}
	// The access log gains an object per flush of every process: merged
	// into one here, so reading it stays cheap.
	if _, err := s.wh.CompactAccessLog(ctx); err != nil {
		errs = append(errs, err)
	}
	return runs, errors.Join(errs...)
}

// maintenanceScope lists the tables of a scope as {ns, name} pairs.
func (s *Session) maintenanceScope(ctx context.Context, scope string) ([][2]string, error) {
	scope = strings.TrimPrefix(scope, "lake.")
	if ns, name, ok := strings.Cut(scope, "."); ok {
		if _, err := s.wh.MetadataLocation(ctx, ns, name); err != nil {
			return nil, fmt.Errorf("maintain lake.%s.%s: %w", ns, name, err)
		}
		return [][2]string{{ns, name}}, nil
	}
	nss := []string{scope}
	if scope == "" {
		var err error
		if nss, err = s.wh.Namespaces(ctx); err != nil {
			return nil, err
		}
	}
	var out [][2]string
	for _, ns := range nss {
		names, err := s.wh.Tables(ctx, ns)
		if err != nil {
			return nil, fmt.Errorf("maintain lake.%s: %w", ns, err)
		}
		for _, n := range names {
			out = append(out, [2]string{ns, n})
		}
	}
	return out, nil
}

// maintainTable runs one table's due jobs.
func (s *Session) maintainTable(ctx context.Context, ns, name string, last map[[2]string]JobRun) ([]JobRun, error) {
	ident := "lake." + ns + "." + name
	pol, err := s.wh.Policy(ctx, ns, name)
	if err != nil {
		return nil, err
	}
	var runs []JobRun
	var errs []error
	// Tiering first: files that went cold are out of compaction's way, and
	// the old copies of this run's moves may go with this run's expiry.
	// A STANDARD table's job (Disabled in MaintenanceStatus) still brings
	// home the files an earlier INTELLIGENT_TIERING left in the cold path.
	if run, did, err := s.tierJob(ctx, ns, name); did || err != nil {
		runs = append(runs, run)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s %s: %w", JobTiering, ident, err))
		}
	}
	for _, job := range JobTypes {
		if !pol.Bool(jobPolicy[job]) {
			if last[[2]string{ident, job}].Status != StatusDisabled {
				now, _ := engine.Now()
				runs = append(runs, JobRun{Table: ident, Job: job, Status: StatusDisabled, Started: now, Finished: now,
					Message: "disabled by the table's maintenance policy"})
			}
			continue
		}
		started, err := engine.Now()
		if err != nil {
			return runs, err
		}
		clock := time.Now()
		run := JobRun{Table: ident, Job: job, Status: StatusSuccessful, Started: started}
		did, err := s.runJob(ctx, ns, name, job, pol, started, &run)
		run.Finished = started.Add(time.Since(clock))
		if err != nil {
			run.Status, run.Message = StatusFailed, err.Error()
			errs = append(errs, fmt.Errorf("%s %s: %w", job, ident, err))
		}
		if did || err != nil {
			runs = append(runs, run)
		}
	}
	return runs, errors.Join(errs...)
}

// runJob runs one job, filling run's counts; did reports whether it found
// anything to do.
func (s *Session) runJob(ctx context.Context, ns, name, job string, pol engine.Policy, now time.Time, run *JobRun) (did bool, err error) {
	switch job {
	case JobCompaction:
		t, err := s.wh.Table(ctx, ns, name)
		if err != nil {
			return false, err
		}
		target := int64(pol.Int(engine.PolicyTargetFileSizeMB)) << 20
		o := RewriteOptions{Strategy: "binpack", TargetFileSize: target, MinFileSize: target * 3 / 4, MaxFileSize: target * 9 / 5,
			MinInputFiles: 5, DeleteFileThreshold: 1 << 30, DeleteRatioThreshold: pol.Float(engine.PolicyDeleteRatio)}
		strategy := pol.Get(engine.PolicyCompactionStrategy)
		if strategy != "binpack" {
			order, err := t.SortOrderSQL()
			if err != nil && strategy == "sort" {
				return false, err
			}
			if strategy == "sort" && order == "" {
				return false, fmt.Errorf("%s=sort but %s has no sort order", engine.PolicyCompactionStrategy, t.Ident())
			}
			if err == nil && order != "" {
				o.Strategy, o.SortOrder = "sort", order
			}
		}
		res, err := s.rewriteLocked(ctx, ns, name, o)
		if err != nil {
			return false, err
		}
		run.FilesIn, run.FilesOut, run.BytesIn, run.BytesOut = int64(res.Rewritten), int64(res.Added), res.RewrittenBytes, res.AddedBytes
		run.Message = fmt.Sprintf("rewrote %d data files into %d (%s), removed %d delete files", res.Rewritten, res.Added, o.Strategy, res.RemovedDeletes)
		if res.Failed > 0 {
			run.Status = StatusFailed
			run.Message = fmt.Sprintf("dropped: user commits kept changing the %d files it was rewriting (%d attempts)", res.Failed, compactionAttempts)
			run.FilesIn = int64(res.Failed)
		}
		return res.Rewritten > 0 || res.Failed > 0, nil
	case JobSnapshotManagement:
		rep, err := s.wh.ExpireSnapshots(ctx, ns, name, engine.ExpireOptions{
			OlderThan:  now.Add(-time.Duration(pol.Int(engine.PolicyMaxSnapshotAgeHours)) * time.Hour),
			RetainLast: pol.Int(engine.PolicyMinSnapshotsToKeep),
		})
		if err != nil {
			if errors.Is(err, engine.ErrGCDisabled) {
				run.Message = "skipped: gc.enabled=false"
				return false, nil
			}
			return false, err
		}
		s.invalidate(ns, name)
		files := rep.DeletedDataFiles + rep.DeletedPositionDeleteFiles + rep.DeletedEqualityDeleteFiles +
			rep.DeletedManifests + rep.DeletedManifestLists + rep.DeletedStatisticsFiles
		run.FilesIn, run.BytesIn = int64(files), rep.DeletedBytes
		run.Message = fmt.Sprintf("expired %d snapshots, deleted %d files", len(rep.Expired), files)
		return len(rep.Expired) > 0 || len(rep.RemovedRefs) > 0, nil
	case JobUnreferencedFileRemoval:
		days, ncDays := pol.Int(engine.PolicyUnreferencedDays), pol.Int(engine.PolicyNonCurrentDays)
		rep, err := s.wh.RemoveUnreferencedFiles(ctx, ns, name, engine.UnreferencedOptions{UnreferencedDays: days, NonCurrentDays: ncDays})
		if err != nil && errors.Is(err, engine.ErrGCDisabled) {
			return false, nil
		}
		for _, o := range rep.Deleted {
			run.BytesIn += o.Size
		}
		for _, o := range rep.Marked {
			run.BytesMarked += o.Size
		}
		run.FilesIn, run.FilesMarked = int64(len(rep.Deleted)), int64(len(rep.Marked))
		run.Message = fmt.Sprintf("marked %d files (%d bytes) noncurrent, unreferenced for %d days; deleted %d (%d bytes) noncurrent for %d days; %d marked files referenced again; %d files (%d bytes) wait",
			run.FilesMarked, run.BytesMarked, days, run.FilesIn, run.BytesIn, ncDays, rep.Unmarked, rep.Pending, rep.PendingBytes)
		if rep.Aborted > 0 {
			run.Message += fmt.Sprintf("; aborted %d incomplete multipart uploads", rep.Aborted)
		}
		return rep.Aborted > 0 || len(rep.Marked) > 0 || len(rep.Deleted) > 0 || rep.Unmarked > 0 || err != nil, err
	}
	return false, fmt.Errorf("unknown maintenance job %s", job)
}

// jobsIdent is the job history table's name in SQL.
var jobsIdent = "lake." + SystemNamespace + "." + JobsTable

// recordJobs appends runs to the job history table, creating it first.
func (s *Session) recordJobs(ctx context.Context, runs []JobRun) error {
	if len(runs) == 0 {
		return nil
	}
	if err := s.execLocked(ctx, "CREATE SCHEMA IF NOT EXISTS lake."+SystemNamespace+"; CREATE TABLE IF NOT EXISTS "+jobsIdent+" ("+jobsColumns+")"); err != nil {
		return fmt.Errorf("record maintenance jobs: %w", err)
	}
	t, err := s.wh.Table(ctx, SystemNamespace, JobsTable)
	if err != nil {
		return fmt.Errorf("record maintenance jobs: %w", err)
	}
	for _, c := range jobsAddedColumns {
		if _, ok := t.Schema().FindFieldByName(c[0]); !ok {
			if err := s.execLocked(ctx, "ALTER TABLE "+jobsIdent+" ADD COLUMN "+c[0]+" "+c[1]); err != nil {
				return fmt.Errorf("record maintenance jobs: add column %s to %s: %w", c[0], jobsIdent, err)
			}
		}
	}
	var vals []string
	for _, r := range runs {
		vals = append(vals, fmt.Sprintf("(%s, %s, %s, %s, %s, %d, %d, %d, %d, %s, %d, %d)",
			engine.QuoteString(r.Table), engine.QuoteString(r.Job), engine.QuoteString(r.Status),
			tsLiteral(r.Started), tsLiteral(r.Finished), r.FilesIn, r.FilesOut, r.BytesIn, r.BytesOut, engine.QuoteString(r.Message),
			r.FilesMarked, r.BytesMarked))
	}
	const cols = "table_name, job_type, status, started_at, finished_at, files_in, files_out, bytes_in, bytes_out, message, files_marked, bytes_marked"
	if err := s.execLocked(ctx, "INSERT INTO "+jobsIdent+" ("+cols+") VALUES "+strings.Join(vals, ", ")); err != nil {
		return fmt.Errorf("record maintenance jobs in %s: %w", jobsIdent, err)
	}
	return nil
}

func tsLiteral(t time.Time) string {
	return "TIMESTAMPTZ " + engine.QuoteString(t.UTC().Format("2006-01-02 15:04:05.999999+00"))
}

// lastJobRuns reads the newest run of each table's jobs from the history
// table (none when it does not exist yet).
func (s *Session) lastJobRuns(ctx context.Context) (map[[2]string]JobRun, error) {
	out := map[[2]string]JobRun{}
	if _, err := s.wh.MetadataLocation(ctx, SystemNamespace, JobsTable); errors.Is(err, engine.ErrNoSuchTable) || errors.Is(err, engine.ErrNoSuchNamespace) {
		return out, nil
	}
	rows, err := s.queryLocked(ctx, `SELECT table_name, job_type, status, started_at, finished_at, files_in, files_out, bytes_in, bytes_out, message,
		coalesce(files_marked, 0), coalesce(bytes_marked, 0)
		FROM `+jobsIdent+` QUALIFY row_number() OVER (PARTITION BY table_name, job_type ORDER BY finished_at DESC, started_at DESC) = 1`)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", jobsIdent, err)
	}
	all, err := rows.All()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", jobsIdent, err)
	}
	for _, r := range all {
		run := JobRun{Table: fmt.Sprint(r[0]), Job: fmt.Sprint(r[1]), Status: fmt.Sprint(r[2]), Message: fmt.Sprint(r[9])}
		run.Started, _ = r[3].(time.Time)
		run.Finished, _ = r[4].(time.Time)
		for i, dst := range []*int64{&run.FilesIn, &run.FilesOut, &run.BytesIn, &run.BytesOut} {
			*dst, _ = r[5+i].(int64)
		}
		run.FilesMarked, _ = r[10].(int64)
		run.BytesMarked, _ = r[11].(int64)
		out[[2]string{run.Table, run.Job}] = run
	}
	return out, nil
}

// JobStatus is one job's status on a table, in the shape of S3 Tables'
// GetTableMaintenanceJobStatus.
type JobStatus struct {
	Job, Status string
	// LastRun is when the job last ran (zero if never).
	LastRun time.Time
	// Message is the last run's message or failure.
	Message string
	// Noncurrent and NoncurrentBytes (icebergUnreferencedFileRemoval) are
	// the files marked noncurrent now, which a later run deletes once they
	// have been marked for the non-current days.
	Noncurrent      int
	NoncurrentBytes int64
}

// MaintenanceStatus reports each job's status on table lake.ns.name (the
// JobTypes, then JobTiering): Disabled when its policy is off (tiering:
// when the table's storage class is STANDARD), else its last run's status,
// or Not_Yet_Run.
func (s *Session) MaintenanceStatus(ctx context.Context, ns, name string) ([]JobStatus, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	pol, err := s.wh.Policy(ctx, ns, name)
	if err != nil {
		return nil, err
	}
	class, err := s.wh.StorageClass(ctx, ns, name)
	if err != nil {
		return nil, err
	}
	last, err := s.lastJobRuns(ctx)
	if err != nil {
		return nil, err
	}
	ident := "lake." + ns + "." + name
	var out []JobStatus
	for _, job := range append(slices.Clone(JobTypes), JobTiering) {
		st := JobStatus{Job: job, Status: StatusNotYetRun}
		if r, ok := last[[2]string{ident, job}]; ok {
			st.Status, st.LastRun, st.Message = r.Status, r.Finished, r.Message
		}
		enabled := class == engine.StorageClassIntelligentTiering
		if job != JobTiering {
			enabled = pol.Bool(jobPolicy[job])
		}
		if !enabled {
			st.Status = StatusDisabled
		}
		if job == JobUnreferencedFileRemoval {
			if st.Noncurrent, st.NoncurrentBytes, err = s.wh.NoncurrentFiles(ctx, ns, name); err != nil {
				return nil, err
			}
		}
		out = append(out, st)
	}
	return out, nil
}

// jobPolicy is the policy property that enables each of JobTypes.
var jobPolicy = map[string]string{JobCompaction: engine.PolicyCompactionEnabled,
	JobSnapshotManagement: engine.PolicySnapshotsEnabled, JobUnreferencedFileRemoval: engine.PolicyUnreferencedEnabled}

// maintenancePolicy implements CALL maintenance_policy(['ns[.t]']): the
// effective maintenance policy of a table, a schema or (no argument) the
// warehouse, one row per property with where its value comes from.
func maintenancePolicy(ctx context.Context, s *Session, args ProcArgs) (*Rows, error) {
	scope := ""
	if v, ok := args.Named["table"]; ok {
		scope = fmt.Sprint(v)
	} else if len(args.Positional) > 0 {
		scope = fmt.Sprint(args.Positional[0])
	}
	scope = strings.TrimPrefix(scope, "lake.")
	ns, name, _ := strings.Cut(scope, ".")
	pol, err := s.wh.Policy(ctx, ns, name)
	if err != nil {
		return nil, fmt.Errorf("maintenance_policy %s: %w", scope, err)
	}
	var data [][]any
	for _, st := range pol.Settings {
		data = append(data, []any{st.Key, st.Value, st.Source})
	}
	return NewRows([]string{"property", "value", "source"}, []string{"VARCHAR", "VARCHAR", "VARCHAR"}, data), nil
}

// runMaintenance implements CALL run_maintenance(['ns[.t]']): Maintain for
// the scope, returning the job runs it recorded.
func runMaintenance(ctx context.Context, s *Session, args ProcArgs) (*Rows, error) {
	scope := ""
	if len(args.Positional) > 0 {
		scope = fmt.Sprint(args.Positional[0])
	}
	runs, err := s.maintain(ctx, scope) // CALL holds s.mu
	if err != nil {
		return nil, fmt.Errorf("run_maintenance: %w", err)
	}
	var data [][]any
	for _, r := range runs {
		data = append(data, []any{r.Table, r.Job, r.Status, r.FilesIn, r.FilesOut, r.BytesIn, r.BytesOut, r.Message})
	}
	return NewRows([]string{"table_name", "job_type", "status", "files_in", "files_out", "bytes_in", "bytes_out", "message"},
		[]string{"VARCHAR", "VARCHAR", "VARCHAR", "BIGINT", "BIGINT", "BIGINT", "BIGINT", "VARCHAR"}, data), nil
}

// queryLocked is Query for a caller holding s.mu.
func (s *Session) queryLocked(ctx context.Context, script string) (*Rows, error) {
	stmts := Split(script)
	var last *Rows
	for i, st := range stmts {
		rows, err := s.runLocked(ctx, st)
		if err != nil {
			return nil, &StatementError{Statement: st.Text, Line: st.Line, Err: err}
		}
		if i == len(stmts)-1 {
			last = rows
			break
		}
		if _, err := rows.All(); err != nil {
			return nil, &StatementError{Statement: st.Text, Line: st.Line, Err: err}
		}
	}
	if last == nil {
		return nil, errors.New("no SQL statement to run")
	}
	return last, nil
}

// execLocked is Exec for a caller holding s.mu.
func (s *Session) execLocked(ctx context.Context, script string) error {
	rows, err := s.queryLocked(ctx, script)
	if err != nil {
		return err
	}
	_, err = rows.All()
	return err
}

// tierJob runs the tiering step of one table.
func (s *Session) tierJob(ctx context.Context, ns, name string) (JobRun, bool, error) {
	started, err := engine.Now()
	if err != nil {
		return JobRun{}, false, err
	}
	clock := time.Now()
	run := JobRun{Table: "lake." + ns + "." + name, Job: JobTiering, Status: StatusSuccessful, Started: started}
	rep, err := s.wh.ApplyTiers(ctx, ns, name)
	run.Finished = started.Add(time.Since(clock))
	if err != nil {
		run.Status, run.Message = StatusFailed, err.Error()
		return run, true, err
	}
	if rep.Cooled+rep.Warmed == 0 {
		return run, false, nil
	}
	s.invalidate(ns, name)
	run.FilesIn, run.BytesIn = int64(rep.Cooled+rep.Warmed), rep.Bytes
	run.Message = fmt.Sprintf("moved %d files to colder tiers and %d back (%d kept for their row-level deletes)", rep.Cooled, rep.Warmed, rep.Kept)
	return run, true, nil
}
