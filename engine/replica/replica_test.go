package replica_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/lakesql"
	"github.com/floehq/floe/engine/replica"
	"github.com/floehq/floe/engine/vfs"
	"github.com/floehq/floe/engine/vfs/s3fs"
	"github.com/floehq/floe/internal/s3test"
)

// pairs are the source and destination warehouse kinds the tests run
// against: local directories and prefixes of a bucket on versitygw.
var pairs = []struct {
	name      string
	src, dest func(t *testing.T) string
	seeds     []uint64
	steps     int // fewer over S3, where each costs more round trips
}{
	{"local-local", localDir("source"), localDir("replica"), []uint64{1, 2}, 10},
	{"local-s3", localDir("source"), s3Dir("replica"), []uint64{3}, 6},
	{"s3-local", s3Dir("source"), localDir("replica"), []uint64{4}, 6},
	{"s3-s3", s3Dir("source"), s3Dir("replica"), []uint64{5}, 4},
}

func localDir(name string) func(t *testing.T) string {
	return func(t *testing.T) string { return filepath.Join(t.TempDir(), name) }
}

// One versitygw for the package's tests (started on first use, stopped by
// TestMain); each test has prefixes of its own in its bucket.
var (
	s3Once sync.Once
	s3Srv  *s3test.Server
	s3Err  error
	// s3Prefixes numbers the tests' prefixes: a test run again (-count)
	// gets new ones on the same server.
	s3Prefixes atomic.Int64
)

func s3Server(t testing.TB) *s3test.Server {
	t.Helper()
	s3Once.Do(func() { s3Srv, s3Err = s3test.StartShared() })
	if s3Err != nil {
		t.Fatal(s3Err)
	}
	return s3Srv
}

func s3Dir(name string) func(t *testing.T) string {
	return func(t *testing.T) string {
		srv := s3Server(t)
		return fmt.Sprintf("s3://%s/%s-%d/%s", srv.Bucket, strings.NewReplacer("/", "-", "=", "-").Replace(t.Name()), s3Prefixes.Add(1), name)
	}
}

// s3Options open a warehouse on the test server: its keys, one attempt
// per request (a stopped server fails at once), and a home of the test's.
func s3Options(t testing.TB, srv *s3test.Server) []engine.Option {
	return []engine.Option{engine.WithHome(t.TempDir()), engine.WithS3(s3fs.Options{Endpoint: srv.Endpoint, Region: s3test.Region,
		AccessKeyID: s3test.AccessKey, SecretAccessKey: s3test.SecretKey, MaxAttempts: 1})}
}

// openOptions are the options that open dir: none for a local directory.
func openOptions(t testing.TB, dir string) []engine.Option {
	if strings.HasPrefix(dir, "s3://") {
		return s3Options(t, s3Server(t))
	}
	return nil
}

// newReplicator returns a replicator of src's tables that opens the test
// server's warehouses.
func newReplicator(t testing.TB, src *lake) *replica.Replicator {
	r := replica.New(src.wh)
	if s3Srv != nil {
		r.Options = s3Options(t, s3Srv)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

type lake struct {
	t   testing.TB
	ctx context.Context
	wh  *engine.Warehouse
	s   *lakesql.Session
}

func openLake(t testing.TB, dir string) *lake {
	t.Helper()
	return openLakeWith(t, dir, openOptions(t, dir)...)
}

func openLakeWith(t testing.TB, dir string, opts ...engine.Option) *lake {
	t.Helper()
	ctx := context.Background()
	wh, err := engine.Open(ctx, dir, opts...)
	if err != nil {
		t.Fatal(err)
	}
	s, err := lakesql.Open(ctx, wh)
	if err != nil {
		wh.Close()
		t.Fatal(err)
	}
	l := &lake{t: t, ctx: ctx, wh: wh, s: s}
	t.Cleanup(l.close)
	return l
}

func (l *lake) close() {
	if l.s != nil {
		l.s.Close()
		l.wh.Close()
		l.s = nil
	}
}

func (l *lake) exec(script string) {
	l.t.Helper()
	if err := l.s.Exec(l.ctx, script); err != nil {
		l.t.Fatalf("%s: %v", script, err)
	}
}

// rows renders a query's rows as strings.
func (l *lake) rows(q string) [][]string {
	l.t.Helper()
	rows, err := l.s.Query(l.ctx, q)
	if err != nil {
		l.t.Fatalf("%s: %v", q, err)
	}
	data, err := rows.All()
	if err != nil {
		l.t.Fatalf("%s: %v", q, err)
	}
	out := make([][]string, len(data))
	for i, r := range data {
		for _, v := range r {
			out[i] = append(out[i], fmt.Sprint(v))
		}
	}
	return out
}

// tables are the replicated tables: deletion vectors (v3) and
// position-delete files (v2), partitioned.
var tables = []struct{ name, ddl string }{
	{"dv", `CREATE TABLE lake.ns.dv (id INTEGER, s VARCHAR) PARTITIONED BY (bucket(4, id)) TBLPROPERTIES ('format-version'='3')`},
	{"pos", `CREATE TABLE lake.ns.pos (id INTEGER, s VARCHAR) TBLPROPERTIES ('format-version'='2', 'write.delete.mode'='merge-on-read', 'write.update.mode'='merge-on-read', 'write.merge.mode'='merge-on-read')`},
}

// step is one random change to a source table.
func step(rng *rand.Rand, table string, i int, cols []string) (string, []string) {
	ident := "lake.ns." + table
	switch rng.IntN(8) {
	case 0, 1:
		lo := rng.IntN(200)
		return fmt.Sprintf(`INSERT INTO %s (id, s) SELECT r, 's%d_' || r FROM range(%d, %d) t(r)`, ident, i, lo, lo+5+rng.IntN(30)), cols
	case 2:
		return fmt.Sprintf(`DELETE FROM %s WHERE id %% %d = %d`, ident, 3+rng.IntN(5), rng.IntN(3)), cols
	case 3:
		return fmt.Sprintf(`UPDATE %s SET s = 'u%d' WHERE id %% 7 = %d`, ident, i, rng.IntN(7)), cols
	case 4:
		lo := rng.IntN(200)
		return fmt.Sprintf(`MERGE INTO %s AS t USING (SELECT r AS id FROM range(%d, %d) x(r)) AS u ON t.id = u.id
			WHEN MATCHED THEN UPDATE SET s = 'm%d' WHEN NOT MATCHED THEN INSERT (id, s) VALUES (u.id, 'n%d')`, ident, lo, lo+20, i, i), cols
	case 5:
		c := fmt.Sprintf("c%d", i)
		return fmt.Sprintf(`ALTER TABLE %s ADD COLUMN %s BIGINT`, ident, c), append(cols, c)
	case 6:
		return fmt.Sprintf(`CALL rewrite_data_files('ns.%s')`, table), cols
	default:
		return fmt.Sprintf(`CALL expire_snapshots('ns.%s', older_than => now() + INTERVAL 1 DAY, retain_last => %d)`, table, 2+rng.IntN(3)), cols
	}
}

// TestReplicateRandomSequences applies random sequences of changes to
// source tables, replicates after each, and checks the replica: the same
// snapshots (ids, parents, operations, summaries), the same rows now and
// at every snapshot by id, read by floe and by iceberg-go's reader, and
// every write refused.
func TestReplicateRandomSequences(t *testing.T) {
	for _, d := range pairs {
		for _, seed := range d.seeds {
			t.Run(fmt.Sprintf("%s/seed=%d", d.name, seed), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(seed, 18))
				src := openLake(t, d.src(t))
				dest := d.dest(t)
				src.exec(`CREATE SCHEMA lake.ns`)
				for _, tb := range tables {
					src.exec(tb.ddl)
					src.exec(`INSERT INTO lake.ns.` + tb.name + ` SELECT r, 'a' || r FROM range(40) t(r)`)
				}
				if err := replica.Put(src.ctx, src.wh, replica.Scope{NS: "ns"}, []string{dest}); err != nil {
					t.Fatal(err)
				}
				r := newReplicator(t, src)
				cols := map[string][]string{}
				steps := d.steps
				for i := range steps {
					for _, tb := range tables {
						var q string
						q, cols[tb.name] = step(rng, tb.name, i, cols[tb.name])
						src.exec(q)
					}
					res, err := r.Once(src.ctx)
					if err != nil {
						t.Fatal(err)
					}
					for _, x := range res {
						if x.Err != nil {
							t.Fatalf("step %d: %s -> %s: %v", i, x.Table, x.Destination, x.Err)
						}
					}
					checkReplicas(t, src, dest, fmt.Sprintf("step %d", i), i == steps-1)
				}
				checkRefused(t, dest)
			})
		}
	}
}

// checkReplicas compares every replicated table with its source.
func checkReplicas(t *testing.T, src *lake, dest, when string, all bool) {
	t.Helper()
	dst := openLake(t, dest)
	defer dst.close()
	for _, tb := range tables {
		ident := "lake.ns." + tb.name
		st, err := src.wh.Table(src.ctx, "ns", tb.name)
		if err != nil {
			t.Fatal(err)
		}
		rt, err := dst.wh.Table(dst.ctx, "ns", tb.name)
		if err != nil {
			t.Fatalf("%s: replica of %s: %v", when, ident, err)
		}
		if got, want := rt.Properties()[engine.PropReplicaSourceMetadata], st.MetadataLocation(); got != want {
			t.Fatalf("%s: %s replica mirrors %s, source is at %s", when, ident, got, want)
		}
		if rt.Iceberg().Metadata().TableUUID() != st.Iceberg().Metadata().TableUUID() {
			t.Errorf("%s: %s: the replica's table UUID differs", when, ident)
		}
		snaps := `SELECT snapshot_id, parent_id, operation, summary::VARCHAR FROM "` + tb.name + `$snapshots" ORDER BY committed_at, snapshot_id`
		snaps = strings.Replace(snaps, `"`+tb.name, `lake.ns."`+tb.name, 1)
		if diff := cmp.Diff(src.rows(snaps), dst.rows(snaps)); diff != "" {
			t.Fatalf("%s: %s snapshots (-source +replica):\n%s", when, ident, diff)
		}
		if diff := cmp.Diff(history(st), history(rt)); diff != "" {
			t.Fatalf("%s: %s history (-source +replica):\n%s", when, ident, diff)
		}
		q := `SELECT * FROM ` + ident + ` ORDER BY ALL`
		if diff := cmp.Diff(src.rows(q), dst.rows(q)); diff != "" {
			t.Fatalf("%s: %s (-source +replica):\n%s", when, q, diff)
		}
		snapshots := st.Snapshots()
		if !all {
			// Time travel to every snapshot at the end; to the newest
			// two after each step.
			snapshots = snapshots[max(0, len(snapshots)-2):]
		}
		for _, s := range snapshots {
			q := fmt.Sprintf(`SELECT * FROM %s AT (VERSION => %d) ORDER BY ALL`, ident, s.SnapshotID)
			if diff := cmp.Diff(src.rows(q), dst.rows(q)); diff != "" {
				t.Fatalf("%s: %s (-source +replica):\n%s", when, q, diff)
			}
		}
		if diff := cmp.Diff(icebergRows(t, src.ctx, st), icebergRows(t, dst.ctx, rt)); diff != "" {
			t.Fatalf("%s: %s read by iceberg-go (-source +replica):\n%s", when, ident, diff)
		}
		// The replica keeps the same data and delete files as the source,
		// which deletes those of the snapshots it expires.
		if diff := cmp.Diff(listFiles(t, src.wh.FS(), st.Location()+"/data"), listFiles(t, dst.wh.FS(), rt.Location()+"/data")); diff != "" {
			t.Fatalf("%s: %s data files (-source +replica):\n%s", when, ident, diff)
		}
		// Nothing of the replica points back into the source.
		files := dst.rows(`SELECT file_path FROM lake.ns."` + tb.name + `$files" UNION ALL SELECT file_path FROM lake.ns."` + tb.name + `$delete_files"`)
		for _, f := range files {
			if !strings.Contains(f[0], dest) {
				t.Fatalf("%s: %s replica names %s, outside %s", when, ident, f[0], dest)
			}
		}
	}
}

// listFiles lists the files under the location dir, on the warehouse's
// FS, by relative path.
func listFiles(t *testing.T, fsys vfs.FS, dir string) []string {
	t.Helper()
	if p, ok := engine.LocalPath(dir); ok {
		dir = p
	}
	var out []string
	err := fsys.Walk(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			out = append(out, strings.TrimPrefix(p, dir+"/"))
		}
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	return out
}

// history is what must be the same on a replica: sequence numbers and
// schema ids per snapshot, the schemas and partition specs, the current
// snapshot and the refs.
func history(tb *engine.Table) []string {
	md := tb.Iceberg().Metadata()
	out := []string{fmt.Sprintf("last-sequence-number %d, current schema %d, spec %d", md.LastSequenceNumber(), md.CurrentSchema().ID, md.DefaultPartitionSpec())}
	for _, s := range md.Snapshots() {
		out = append(out, fmt.Sprintf("snapshot %d seq %d schema %v ts %d", s.SnapshotID, s.SequenceNumber, *s.SchemaID, s.TimestampMs))
	}
	for _, sc := range md.Schemas() {
		out = append(out, sc.String())
	}
	for _, sp := range md.PartitionSpecs() {
		out = append(out, sp.String())
	}
	for name, ref := range md.Refs() {
		out = append(out, fmt.Sprintf("ref %s -> %d", name, ref.SnapshotID))
	}
	return out
}

// icebergRows reads a table with iceberg-go's scan and Arrow reader.
func icebergRows(t *testing.T, ctx context.Context, tb *engine.Table) []string {
	t.Helper()
	at, err := tb.Iceberg().Scan().ToArrowTable(ctx)
	if err != nil {
		t.Fatalf("iceberg-go scan of %s: %v", tb.Ident(), err)
	}
	defer at.Release()
	tr := array.NewTableReader(at, 1024)
	defer tr.Release()
	var out []string
	for tr.Next() {
		rec := tr.RecordBatch()
		for i := range int(rec.NumRows()) {
			var row []string
			for c := range int(rec.NumCols()) {
				row = append(row, rec.Column(c).ValueStr(i))
			}
			out = append(out, strings.Join(row, "|"))
		}
	}
	if err := tr.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// checkRefused tries every kind of write on the replicas.
func checkRefused(t *testing.T, dest string) {
	t.Helper()
	dst := openLake(t, dest)
	defer dst.close()
	for _, q := range []string{
		`INSERT INTO lake.ns.dv (id, s) VALUES (1, 'x')`,
		`DELETE FROM lake.ns.pos WHERE id = 1`,
		`UPDATE lake.ns.dv SET s = 'x'`,
		`MERGE INTO lake.ns.pos AS t USING (SELECT 1 AS id) AS u ON t.id = u.id WHEN MATCHED THEN DELETE`,
		`ALTER TABLE lake.ns.dv ADD COLUMN z INTEGER`,
		`ALTER TABLE lake.ns.dv UNSET TBLPROPERTIES ('replication.replica-of')`,
		`CALL rewrite_data_files('ns.dv')`,
		`CALL expire_snapshots('ns.pos', older_than => now())`,
		`DROP TABLE lake.ns.dv`,
		`DROP TABLE lake.ns.pos PURGE`,
	} {
		err := dst.s.Exec(dst.ctx, q)
		if !errors.Is(err, engine.ErrReadOnly) || !strings.Contains(fmt.Sprint(err), "replica of lake.ns.") {
			t.Errorf("%s on a replica: got %v, want a refusal naming the source", q, err)
		}
	}
}
