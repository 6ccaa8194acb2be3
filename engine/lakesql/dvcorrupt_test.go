package lakesql

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"regexp"
	"slices"
	"testing"

	"github.com/apache/iceberg-go"

	"github.com/floehq/floe/engine"
)

// dvUnderTest is the one deletion vector of lake.s.t and where it lives.
type dvUnderTest struct {
	puffin string // local path of the Puffin file
	data   string // local path of the data file it applies to
	off    int64  // content_offset
	size   int64  // content_size_in_bytes
	file   []byte // the Puffin file as written
}

// blob returns the deletion vector's blob in file.
func (d dvUnderTest) blob(file []byte) []byte { return file[d.off : d.off+d.size] }

// withBlob returns the Puffin file with the vector's blob replaced by one
// of the same size.
func (d dvUnderTest) withBlob(t *testing.T, blob []byte) []byte {
	t.Helper()
	if int64(len(blob)) != d.size {
		t.Fatalf("replacement blob is %d bytes, the vector is %d", len(blob), d.size)
	}
	out := slices.Clone(d.file)
	copy(out[d.off:], blob)
	return out
}

// encodeDV is engine.EncodeDV, failing the test on error.
func encodeDV(t *testing.T, positions ...int64) []byte {
	t.Helper()
	b, err := engine.EncodeDV(positions)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// posRun returns the positions [from, to).
func posRun(from, to int64) []int64 {
	var out []int64
	for p := from; p < to; p++ {
		out = append(out, p)
	}
	return out
}

// findDV returns the single deletion vector of lake.s.t.
func (f *lakeFixture) findDV() dvUnderTest {
	f.t.Helper()
	p, err := f.table("s", "t").PlanScan(f.ctx, engine.ScanOptions{})
	if err != nil {
		f.t.Fatal(err)
	}
	var dvs []iceberg.DataFile
	var data string
	for _, task := range p.Tasks {
		for _, d := range append(task.DeletionVectorFiles, task.DeleteFiles...) {
			if d.FileFormat() == iceberg.PuffinFile {
				dvs = append(dvs, d)
				data = task.File.FilePath()
			}
		}
	}
	if len(dvs) != 1 {
		f.t.Fatalf("lake.s.t has %d deletion vectors, want 1", len(dvs))
	}
	d := dvUnderTest{off: *dvs[0].ContentOffset(), size: *dvs[0].ContentSizeInBytes()}
	d.puffin, _ = engine.LocalPath(dvs[0].FilePath())
	d.data, _ = engine.LocalPath(data)
	if d.file, err = os.ReadFile(d.puffin); err != nil {
		f.t.Fatal(err)
	}
	return d
}

// TestCorruptDeletionVector damages the deletion vector of a v3
// merge-on-read table in the ways a disk, a buggy writer or a hostile one
// could, and checks that every statement that reads it (SELECT, DELETE,
// UPDATE, MERGE) fails with ErrCorruptDeletionVector naming the table, the
// Puffin file and the data file, that nothing is committed, and that the
// table reads as before once the file is restored. A missing Puffin file
// fails the same way but is not called corrupt. Without the checks,
// most of these damaged vectors read without error into wrong rows.
func TestCorruptDeletionVector(t *testing.T) {
	// Rows 0-99 sit at positions 0-99 of one data file. A run DELETE
	// leaves one run container, an every-tenth DELETE one array container.
	const (
		runDelete   = "id BETWEEN 10 AND 19"
		arrayDelete = "id % 10 = 3"
	)
	arrayPositions := []int64{3, 13, 23, 33, 43, 53, 63, 73, 83, 93}
	tests := []struct {
		name    string
		del     string
		corrupt func(t *testing.T, d dvUnderTest) []byte // nil: the file is removed
		mention string
		want    error // the sentinel, ErrCorruptDeletionVector when nil
	}{
		{
			name: "bitmap byte flipped", del: runDelete, mention: "CRC-32 mismatch",
			corrupt: func(t *testing.T, d dvUnderTest) []byte {
				b := slices.Clone(d.blob(d.file))
				b[len(b)-6] ^= 0x01 // the run's start: 11 instead of 10
				return d.withBlob(t, b)
			},
		},
		{
			name: "truncated", del: runDelete, mention: "the manifest's file_size_in_bytes is",
			corrupt: func(t *testing.T, d dvUnderTest) []byte { return d.file[:len(d.file)/2] },
		},
		{
			name: "wrong deletion vector magic", del: runDelete, mention: "magic is",
			corrupt: func(t *testing.T, d dvUnderTest) []byte {
				b := slices.Clone(d.blob(d.file))
				b[4] = 0xD2
				return d.withBlob(t, b)
			},
		},
		{
			name: "wrong Puffin magic", del: runDelete, mention: "invalid header magic",
			corrupt: func(t *testing.T, d dvUnderTest) []byte {
				b := slices.Clone(d.file)
				copy(b, "PFA2")
				return b
			},
		},
		{
			name: "blob offset beyond the end of the file", del: runDelete, mention: "extends into footer",
			corrupt: func(t *testing.T, d dvUnderTest) []byte {
				// Same file size: the created-by property pays for the
				// longer offset.
				offset := fmt.Sprintf(`"offset":%d,`, d.off)
				far := fmt.Sprintf(`"offset":%d,`, 1<<30)
				b := bytes.Replace(d.file, []byte(offset), []byte(far), 1)
				cut := len(far) - len(offset)
				b = regexp.MustCompile(`"created-by":"[^"]{`+fmt.Sprint(cut)+`}`).ReplaceAll(b, []byte(`"created-by":"`))
				if len(b) != len(d.file) || bytes.Equal(b, d.file) {
					t.Fatalf("could not move the blob in the footer:\n%s", b)
				}
				return b
			},
		},
		{
			// A valid bitmap, CRC and all: the manifest is what disagrees.
			name: "bitmap cardinality is not the manifest's record_count", del: runDelete,
			mention: "bitmap holds 11 positions, the manifest's record_count is 10",
			corrupt: func(t *testing.T, d dvUnderTest) []byte {
				return d.withBlob(t, encodeDV(t, posRun(10, 21)...))
			},
		},
		{
			name: "position beyond the data file's rows", del: runDelete,
			mention: "deletes position 104, but the data file has 100 rows",
			corrupt: func(t *testing.T, d dvUnderTest) []byte {
				return d.withBlob(t, encodeDV(t, posRun(95, 105)...))
			},
		},
		{
			// The roaring library reads this without error into a
			// bitmap that answers Contains wrongly.
			name: "unsorted array, CRC fixed up", del: arrayDelete, mention: "ascending order",
			corrupt: func(t *testing.T, d dvUnderTest) []byte {
				b := slices.Clone(d.blob(d.file))
				vals := b[len(b)-4-2*len(arrayPositions) : len(b)-4]
				v0, v1 := slices.Clone(vals[:2]), slices.Clone(vals[2:4])
				copy(vals, v1)
				copy(vals[2:], v0)
				binary.BigEndian.PutUint32(b[len(b)-4:], crc32.ChecksumIEEE(b[4:len(b)-4]))
				return d.withBlob(t, b)
			},
		},
		{
			// Not corrupt, but no more readable without the vector.
			name: "Puffin file missing", del: runDelete, mention: "no such file", want: fs.ErrNotExist,
		},
	}
	statements := []string{
		"SELECT count(*) FROM lake.s.t",
		"SELECT v FROM lake.s.t WHERE id = 15",
		"DELETE FROM lake.s.t WHERE id = 50",
		"UPDATE lake.s.t SET v = 'updated' WHERE id = 50",
		"MERGE INTO lake.s.t AS t USING (SELECT 50 AS id) AS s ON t.id = s.id WHEN MATCHED THEN UPDATE SET v = 'merged'",
		// A source key inside the file's id range: the MERGE must read the
		// vector to know whether it matches. (A key outside every file's
		// range, such as 500, prunes the file away and never reads it.)
		"MERGE INTO lake.s.t AS t USING (SELECT 15 AS id) AS s ON t.id = s.id WHEN NOT MATCHED THEN INSERT VALUES (s.id, 'new')",
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := openLake(t)
			f.exec("CREATE SCHEMA lake.s; CREATE TABLE lake.s.t (id INTEGER, v VARCHAR) TBLPROPERTIES ('format-version'='3')")
			f.exec("INSERT INTO lake.s.t SELECT i, 'v' || i FROM range(100) r(i)")
			before := f.table("s", "t").Iceberg().CurrentSnapshot().SnapshotID
			f.exec("DELETE FROM lake.s.t WHERE " + tt.del)
			d := f.findDV()
			positions := posRun(10, 20)
			if tt.del == arrayDelete {
				positions = arrayPositions
			}
			if got := encodeDV(t, positions...); !bytes.Equal(d.blob(d.file), got) {
				t.Fatalf("the deletion vector is\n% x\nwant\n% x", d.blob(d.file), got)
			}
			live := f.one("SELECT count(*) FROM lake.s.t")
			meta := f.table("s", "t").MetadataLocation()

			if tt.corrupt == nil {
				if err := os.Remove(d.puffin); err != nil {
					t.Fatal(err)
				}
			} else if err := os.WriteFile(d.puffin, tt.corrupt(t, d), 0o644); err != nil {
				t.Fatal(err)
			}
			want := tt.want
			if want == nil {
				want = engine.ErrCorruptDeletionVector
			}
			// The session planned lake.s.t for the count above; a new one
			// reads the damaged file, as a later process would.
			f = openLakeAt(t, f.dir)
			for _, stmt := range statements {
				err := f.fails(stmt)
				if stmt == statements[0] {
					t.Log(err)
				}
				wantErr(t, err, want, "lake.s.t", d.puffin, d.data, tt.mention)
				if tt.want != nil && errors.Is(err, engine.ErrCorruptDeletionVector) {
					t.Errorf("error %q is ErrCorruptDeletionVector", err)
				}
				if got := f.table("s", "t").MetadataLocation(); got != meta {
					t.Fatalf("%s committed %s after failing", stmt, got)
				}
			}
			// Snapshots before the deletion vector still read.
			if got := f.one(fmt.Sprintf("SELECT count(*) FROM lake.s.t AT (VERSION => %d)", before)); got != "100" {
				t.Errorf("the snapshot before the DELETE has %s rows, want 100", got)
			}
			if err := os.WriteFile(d.puffin, d.file, 0o644); err != nil {
				t.Fatal(err)
			}
			if got := f.one("SELECT count(*) FROM lake.s.t"); got != live {
				t.Errorf("restored table has %s rows, want %s", got, live)
			}
		})
	}
}
