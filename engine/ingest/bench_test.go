package ingest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/lakesql"
)

// benchRows is the size of the table the benchmark upserts into
// (FLOE_INGEST_BENCH_ROWS, default 100,000: the 10M rows take
// minutes).
func benchRows(b *testing.B) int {
	if v := os.Getenv("FLOE_INGEST_BENCH_ROWS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			b.Fatalf("FLOE_INGEST_BENCH_ROWS=%q: %v", v, err)
		}
		return n
	}
	return 100_000
}

// BenchmarkIngestUpsert streams Debezium events, 90% updates of random
// existing keys and 10% inserts, in batches of 10,000 (one commit each)
// into a table of benchRows rows (v3 with deletion vectors, and v2 with
// equality deletes), and reports sustained events/s, the
// p50 and p99 time from a batch closing to its commit being visible, the
// same events appended without a key as the baseline (ratio), and read
// amplification (rows stored in the data files a full scan reads per live
// row, and the scan's time) after the batches, before and after
// CALL rewrite_data_files.
func BenchmarkIngestUpsert(b *testing.B) {
	const batches, batchSize = 20, 10_000
	rows := benchRows(b)
	// dv: format v3, deletion vectors found by a semi-join of the batch's
	// keys with the table; eq: format v2 merge-on-read, equality deletes
	// of the batch's keys (no read of the table).
	variants := []struct{ table, props string }{
		{"dv", "'format-version' = '3'"},
		{"eq", "'format-version' = '2', 'write.merge.mode' = 'merge-on-read'"},
	}
	ctx := context.Background()
	for b.Loop() {
		wh, err := engine.Open(ctx, b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		sess, err := lakesql.Open(ctx, wh)
		if err != nil {
			b.Fatal(err)
		}
		exec := func(q string) time.Duration {
			start := time.Now()
			if err := sess.Exec(ctx, q); err != nil {
				b.Fatalf("%s: %v", q, err)
			}
			return time.Since(start)
		}
		one := func(q string) float64 {
			r, err := sess.Query(ctx, q)
			if err != nil {
				b.Fatal(err)
			}
			all, err := r.All()
			r.Close()
			if err != nil {
				b.Fatal(err)
			}
			f, _ := strconv.ParseFloat(fmt.Sprint(all[0][0]), 64)
			return f
		}
		exec("CREATE SCHEMA lake.b")
		// An append reads nothing of the table, so the baseline's starts
		// empty.
		exec("CREATE TABLE lake.b.app (id BIGINT, name VARCHAR, n BIGINT) TBLPROPERTIES ('format-version' = '3')")
		for _, v := range variants {
			exec("CREATE TABLE lake.b." + v.table + " (id BIGINT, name VARCHAR, n BIGINT) TBLPROPERTIES (" + v.props + ")")
			exec(fmt.Sprintf("INSERT INTO lake.b.%s SELECT i, 'name_' || i, i %% 1000 FROM range(%d) r(i)", v.table, rows))
		}

		r := rand.New(rand.NewPCG(1, 2))
		next := rows
		var stream [][]Line
		for range batches {
			var batch []Line
			for i := range batchSize {
				id, op := r.IntN(rows), "u"
				if i%10 == 9 {
					id, op = next, "c"
					next++
				}
				batch = append(batch, Line{Text: fmt.Appendf(nil, `{"op":%q,"after":{"id":%d,"name":"n%d","n":%d}}`, op, id, id, i), Where: "bench"})
			}
			stream = append(stream, batch)
		}
		run := func(table string, opts Options) (time.Duration, []time.Duration) {
			g, err := New(ctx, sess, "b", table, opts)
			if err != nil {
				b.Fatal(err)
			}
			var total time.Duration
			var lat []time.Duration
			for i, batch := range stream {
				start := time.Now()
				evs := make([]Event, 0, len(batch))
				for _, l := range batch {
					ev, _, err := g.Parse(l)
					if err != nil {
						b.Fatal(err)
					}
					evs = append(evs, ev)
				}
				if err := g.Apply(ctx, evs, Position{Stream: "bench", Offset: int64(i + 1)}); err != nil {
					b.Fatal(err)
				}
				d := time.Since(start)
				total += d
				lat = append(lat, d)
			}
			return total, lat
		}
		appTotal, _ := run("app", Options{Format: FormatJSONL})
		events := float64(batches * batchSize)
		b.ReportMetric(events/appTotal.Seconds(), "append_events/s")
		for _, v := range variants {
			upTotal, lat := run(v.table, Options{Keys: []string{"id"}})
			slices.Sort(lat)
			b.ReportMetric(events/upTotal.Seconds(), v.table+"_events/s")
			b.ReportMetric(appTotal.Seconds()/upTotal.Seconds(), v.table+"/append_speed")
			b.ReportMetric(float64(lat[len(lat)/2].Milliseconds()), v.table+"_p50_commit_ms")
			b.ReportMetric(float64(lat[min(len(lat)-1, len(lat)*99/100)].Milliseconds()), v.table+"_p99_commit_ms")

			name := "lake.b." + v.table
			live := one("SELECT count(*) FROM " + name)
			if want := float64(rows + batches*batchSize/10); live != want {
				b.Fatalf("%s has %.0f rows after the stream, want %.0f", name, live, want)
			}
			amp := func() (float64, float64, time.Duration) {
				stored := one(`SELECT sum(record_count) FROM lake.b."` + v.table + `$files"`)
				files := one(`SELECT count(*) FROM lake.b."`+v.table+`$files"`) + one(`SELECT count(*) FROM lake.b."`+v.table+`$delete_files"`)
				scan := exec("SELECT sum(n) FROM " + name)
				return stored / live, files, scan
			}
			ampBefore, filesBefore, scanBefore := amp()
			exec("CALL rewrite_data_files('b." + v.table + "')")
			ampAfter, filesAfter, scanAfter := amp()
			if after := one("SELECT count(*) FROM " + name); after != live {
				b.Fatalf("%s has %.0f rows after rewrite_data_files, want %.0f", name, after, live)
			}
			b.ReportMetric(ampBefore, v.table+"_read_amp_before")
			b.ReportMetric(ampAfter, v.table+"_read_amp_after")
			b.ReportMetric(filesBefore, v.table+"_files_before")
			b.ReportMetric(filesAfter, v.table+"_files_after")
			b.ReportMetric(float64(scanBefore.Milliseconds()), v.table+"_scan_ms_before")
			b.ReportMetric(float64(scanAfter.Milliseconds()), v.table+"_scan_ms_after")
		}
		sess.Close()
		wh.Close()
	}
}

// BenchmarkParseDebezium measures parsing one payload-only Debezium event
// of three columns.
func BenchmarkParseDebezium(b *testing.B) {
	line := []byte(`{"op":"u","before":{"id":7,"name":"n6","n":1},"after":{"id":7,"name":"n7","n":3},"source":{"ts_ms":1700000000000,"lsn":1234}}`)
	for b.Loop() {
		if _, err := parseDebezium(line, "bench"); err != nil {
			b.Fatal(err)
		}
	}
}

// envInt reads a positive integer from the environment, else def.
func envInt(b *testing.B, name string, def int) int {
	if v := os.Getenv(name); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("%s=%q: want a positive integer", name, v)
		}
		return n
	}
	return def
}

// BenchmarkIngestHourReadAmplification streams an hour-equivalent of
// upserts (FLOE_INGEST_HOUR_COMMITS commits, default 720: one per
// --commit-interval 5s, of FLOE_INGEST_HOUR_BATCH events, default 100, 90%
// updates of random keys and 10% inserts) into a table of
// FLOE_INGEST_HOUR_ROWS rows (default 100,000), as format v3 (deletion
// vectors) and v2 merge-on-read (equality deletes), each without
// maintenance and with the default maintenance policy run every 60
// commits (floe maintain every 5 minutes). It reports the read
// amplification a full scan then has (rows stored in the data files it
// reads per live row), its data and delete files, the scan's time, the
// ingest rate and the time maintenance took. An hour of real ingest
// (floe ingest --commit-interval 5s) is measured by
// BenchmarkIngestedTableScan instead.
func BenchmarkIngestHourReadAmplification(b *testing.B) {
	commits := envInt(b, "FLOE_INGEST_HOUR_COMMITS", 720)
	batchSize := envInt(b, "FLOE_INGEST_HOUR_BATCH", 100)
	rows := envInt(b, "FLOE_INGEST_HOUR_ROWS", 100_000)
	const maintainEvery = 60
	variants := []struct{ name, props string }{
		{"dv", "'format-version' = '3'"},
		{"eq", "'format-version' = '2', 'write.merge.mode' = 'merge-on-read'"},
	}
	ctx := context.Background()
	for b.Loop() {
		for _, v := range variants {
			for _, maintain := range []bool{false, true} {
				wh, err := engine.Open(ctx, b.TempDir())
				if err != nil {
					b.Fatal(err)
				}
				sess, err := lakesql.Open(ctx, wh)
				if err != nil {
					b.Fatal(err)
				}
				one := func(q string) float64 {
					r, err := sess.Query(ctx, q)
					if err != nil {
						b.Fatalf("%s: %v", q, err)
					}
					all, err := r.All()
					r.Close()
					if err != nil {
						b.Fatal(err)
					}
					f, _ := strconv.ParseFloat(fmt.Sprint(all[0][0]), 64)
					return f
				}
				if err := sess.Exec(ctx, "CREATE SCHEMA lake.b; CREATE TABLE lake.b.t (id BIGINT, name VARCHAR, n BIGINT) TBLPROPERTIES ("+v.props+"); "+
					fmt.Sprintf("INSERT INTO lake.b.t SELECT i, 'name_' || i, i %% 1000 FROM range(%d) r(i)", rows)); err != nil {
					b.Fatal(err)
				}
				g, err := New(ctx, sess, "b", "t", Options{Keys: []string{"id"}})
				if err != nil {
					b.Fatal(err)
				}
				r := rand.New(rand.NewPCG(3, 4))
				next := rows
				var ingest, maint time.Duration
				for c := range commits {
					evs := make([]Event, 0, batchSize)
					for i := range batchSize {
						id, op := r.IntN(rows), "u"
						if i%10 == 9 {
							id, op = next, "c"
							next++
						}
						ev, _, err := g.Parse(Line{Text: fmt.Appendf(nil, `{"op":%q,"after":{"id":%d,"name":"n%d","n":%d}}`, op, id, id, i), Where: "bench"})
						if err != nil {
							b.Fatal(err)
						}
						evs = append(evs, ev)
					}
					start := time.Now()
					if err := g.Apply(ctx, evs, Position{Stream: "bench", Offset: int64(c + 1)}); err != nil {
						b.Fatal(err)
					}
					ingest += time.Since(start)
					if maintain && (c+1)%maintainEvery == 0 {
						start := time.Now()
						if _, err := sess.Maintain(ctx, "b.t"); err != nil {
							b.Fatal(err)
						}
						maint += time.Since(start)
					}
				}
				live := one("SELECT count(*) FROM lake.b.t")
				if want := float64(next); live != want {
					b.Fatalf("%s: %.0f rows after the stream, want %.0f", v.name, live, want)
				}
				stored := one(`SELECT sum(record_count) FROM lake.b."t$files"`)
				files := one(`SELECT count(*) FROM lake.b."t$files"`)
				deletes := one(`SELECT count(*) FROM lake.b."t$delete_files"`)
				start := time.Now()
				if one("SELECT count(*) FROM (SELECT sum(n) FROM lake.b.t)") != 1 {
					b.Fatal("no scan result")
				}
				scan := time.Since(start)
				tag := v.name + "_" + map[bool]string{false: "none", true: "maint"}[maintain]
				b.ReportMetric(stored/live, tag+"_read_amp")
				b.ReportMetric(files, tag+"_data_files")
				b.ReportMetric(deletes, tag+"_delete_files")
				b.ReportMetric(float64(scan.Milliseconds()), tag+"_scan_ms")
				b.ReportMetric(float64(commits*batchSize)/ingest.Seconds(), tag+"_events/s")
				b.ReportMetric(float64(maint.Milliseconds()), tag+"_maintain_ms")
				sess.Close()
				wh.Close()
			}
		}
	}
}

// BenchmarkEqualityDeleteScan times a full scan of a format v2
// merge-on-read table after FLOE_EQSCAN_COMMITS (default 60) ingest
// commits of 100 upserts (90% updates of random keys of
// FLOE_EQSCAN_ROWS rows, default 100,000), each an equality-delete file
// and a data file, so every data file has its own set of newer deletes.
// After the timed scans it compacts the table (CALL rewrite_data_files)
// and reports the compacted table's scan (compacted_ms, the median of 5)
// and the ratio of the two (x_compacted).
func BenchmarkEqualityDeleteScan(b *testing.B) {
	commits := envInt(b, "FLOE_EQSCAN_COMMITS", 60)
	rows := envInt(b, "FLOE_EQSCAN_ROWS", 100_000)
	const batchSize = 100
	ctx := context.Background()
	wh, err := engine.Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer wh.Close()
	sess, err := lakesql.Open(ctx, wh)
	if err != nil {
		b.Fatal(err)
	}
	defer sess.Close()
	if err := sess.Exec(ctx, "CREATE SCHEMA lake.b; CREATE TABLE lake.b.t (id BIGINT, name VARCHAR, n BIGINT) TBLPROPERTIES ('format-version' = '2', 'write.merge.mode' = 'merge-on-read'); "+
		fmt.Sprintf("INSERT INTO lake.b.t SELECT i, 'name_' || i, i %% 1000 FROM range(%d) r(i)", rows)); err != nil {
		b.Fatal(err)
	}
	g, err := New(ctx, sess, "b", "t", Options{Keys: []string{"id"}})
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(5, 6))
	next := rows
	for c := range commits {
		evs := make([]Event, 0, batchSize)
		for i := range batchSize {
			id, op := r.IntN(rows), "u"
			if i%10 == 9 {
				id, op = next, "c"
				next++
			}
			ev, _, err := g.Parse(Line{Text: fmt.Appendf(nil, `{"op":%q,"after":{"id":%d,"name":"n%d","n":%d}}`, op, id, id, i), Where: "bench"})
			if err != nil {
				b.Fatal(err)
			}
			evs = append(evs, ev)
		}
		if err := g.Apply(ctx, evs, Position{Stream: "bench", Offset: int64(c + 1)}); err != nil {
			b.Fatal(err)
		}
	}
	scan := func() (time.Duration, float64) {
		start := time.Now()
		res, err := sess.Query(ctx, "SELECT count(*), sum(n) FROM lake.b.t")
		if err != nil {
			b.Fatal(err)
		}
		all, err := res.All()
		res.Close()
		if err != nil {
			b.Fatal(err)
		}
		d := time.Since(start)
		n, _ := strconv.ParseFloat(fmt.Sprint(all[0][0]), 64)
		return d, n
	}
	var times []time.Duration
	for b.Loop() {
		d, n := scan()
		if n != float64(next) {
			b.Fatalf("scan counted %.0f rows, want %d", n, next)
		}
		times = append(times, d)
	}
	b.StopTimer()
	slices.Sort(times)
	if err := sess.Exec(ctx, "CALL rewrite_data_files('b.t')"); err != nil {
		b.Fatal(err)
	}
	var compacted []time.Duration
	for range 5 {
		d, n := scan()
		if n != float64(next) {
			b.Fatalf("compacted scan counted %.0f rows, want %d", n, next)
		}
		compacted = append(compacted, d)
	}
	slices.Sort(compacted)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "median_scan_ms")
	b.ReportMetric(float64(compacted[2].Microseconds())/1000, "compacted_ms")
	b.ReportMetric(times[len(times)/2].Seconds()/compacted[2].Seconds(), "x_compacted")
}

// BenchmarkIngestedTableScan measures a table a real ingest left behind:
// FLOE_SCAN_WAREHOUSE names the warehouse directory and FLOE_SCAN_TABLE
// the table (default b.t), which must have a numeric column n (as the
// ingest benchmarks' tables do). Each iteration is a full scan (SELECT
// sum(n)); it reports the median scan, the read amplification (rows
// stored in the data files a scan reads per live row) and the data and
// delete files. Without FLOE_SCAN_WAREHOUSE there is nothing to measure.
func BenchmarkIngestedTableScan(b *testing.B) {
	dir := os.Getenv("FLOE_SCAN_WAREHOUSE")
	if dir == "" {
		b.Skip("FLOE_SCAN_WAREHOUSE is not set: give the warehouse directory of a table written by floe ingest")
	}
	name := os.Getenv("FLOE_SCAN_TABLE")
	if name == "" {
		name = "b.t"
	}
	ns, tbl, ok := strings.Cut(name, ".")
	if !ok {
		b.Fatalf("FLOE_SCAN_TABLE=%q: want ns.table", name)
	}
	ctx := context.Background()
	wh, err := engine.Open(ctx, dir)
	if err != nil {
		b.Fatal(err)
	}
	defer wh.Close()
	sess, err := lakesql.Open(ctx, wh)
	if err != nil {
		b.Fatal(err)
	}
	defer sess.Close()
	one := func(q string) float64 {
		r, err := sess.Query(ctx, q)
		if err != nil {
			b.Fatalf("%s: %v", q, err)
		}
		all, err := r.All()
		r.Close()
		if err != nil {
			b.Fatal(err)
		}
		f, _ := strconv.ParseFloat(fmt.Sprint(all[0][0]), 64)
		return f
	}
	full := "lake." + ns + "." + tbl
	meta := func(kind string) string { return fmt.Sprintf(`lake.%s."%s$%s"`, ns, tbl, kind) }
	var times []time.Duration
	for b.Loop() {
		start := time.Now()
		one("SELECT sum(n) FROM " + full)
		times = append(times, time.Since(start))
	}
	b.StopTimer()
	live := one("SELECT count(*) FROM " + full)
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "median_scan_ms")
	b.ReportMetric(one("SELECT sum(record_count) FROM "+meta("files"))/live, "read_amp")
	b.ReportMetric(one("SELECT count(*) FROM "+meta("files")), "data_files")
	b.ReportMetric(one("SELECT count(*) FROM "+meta("delete_files")), "delete_files")
	b.ReportMetric(live, "live_rows")
}
