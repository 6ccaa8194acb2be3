package lakesql

import (
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// replaceChildEnv names the warehouse the child process of
// TestKillDuringReplace replaces a table in.
const replaceChildEnv = "FLOE_TEST_REPLACE_CHILD"

// TestKillDuringReplace kills, with SIGKILL, a process in the middle of a
// large CREATE OR REPLACE TABLE ... AS SELECT: the table stays as it was,
// with its rows, schema and history.
func TestKillDuringReplace(t *testing.T) {
	if dir := os.Getenv(replaceChildEnv); dir != "" {
		// The child: replace the table, slowly enough to be killed first.
		f := openLakeAt(t, dir)
		f.exec(`CREATE OR REPLACE TABLE lake.k.t AS SELECT i AS n, md5(i::VARCHAR) || md5((i + 1)::VARCHAR) AS s FROM range(200000000) r(i)`)
		return
	}
	f := openLake(t)
	f.exec(`CREATE SCHEMA lake.k; CREATE TABLE lake.k.t (id BIGINT, s VARCHAR); INSERT INTO lake.k.t SELECT i, 'before' FROM range(1000) r(i)`)
	before := f.table("k", "t")
	files := len(f.parquetFiles(before))

	cmd := exec.Command(os.Args[0], "-test.run=^TestKillDuringReplace$")
	cmd.Env = append(os.Environ(), replaceChildEnv+"="+f.dir)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill once the child is writing the replacement's data files.
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline) && len(f.parquetFiles(before)) <= files; {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
		t.Fatalf("the replacement finished before it was killed (%v); make it larger", err)
	}

	after := f.table("k", "t")
	if after.MetadataLocation() != before.MetadataLocation() {
		t.Errorf("the killed replacement committed %s", after.MetadataLocation())
	}
	diffRows(t, "rows after the kill", [][]string{{"1000", "before", "before"}}, f.strings(`SELECT count(*), min(s), max(s) FROM lake.k.t`))
	diffRows(t, "columns", [][]string{{"id"}, {"s"}}, f.strings(`SELECT column_name FROM (DESCRIBE lake.k.t)`))
	f.exec(`INSERT INTO lake.k.t VALUES (1000, 'after')`)
	if n := f.snapshotCount("k", "t"); n != 2 {
		t.Errorf("%d snapshots after the kill and an insert, want 2", n)
	}
}
