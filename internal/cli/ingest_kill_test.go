package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// cdcStream generates a Debezium change stream over a few keys
// (creates, updates, deletes, a column that appears part way) and the
// table it must leave, as floe sql --format csv prints it.
func cdcStream(n int, seed uint64) (lines []string, wantCSV string) {
	r := rand.New(rand.NewPCG(seed, 1))
	type row struct {
		name  string
		v     int64
		extra *int64
	}
	live := map[int]row{}
	for i := range n {
		id := r.IntN(60)
		old, ok := live[id]
		nr := row{name: fmt.Sprintf("n%d-%d", id, i), v: int64(i) * 7}
		withExtra := i >= n/2
		if withExtra {
			e := int64(i % 13)
			nr.extra = &e
		}
		after := map[string]any{"id": id, "name": nr.name, "v": nr.v}
		if withExtra {
			after["extra"] = *nr.extra
		}
		src := map[string]any{"ts_ms": 1_700_000_000_000 + i, "lsn": 1000 + i}
		var ev map[string]any
		switch {
		case !ok:
			ev = map[string]any{"op": "c", "before": nil, "after": after, "source": src}
			live[id] = nr
		case r.IntN(5) == 0:
			ev = map[string]any{"op": "d", "before": map[string]any{"id": id, "name": old.name, "v": old.v}, "after": nil, "source": src}
			delete(live, id)
		default:
			ev = map[string]any{"op": "u", "before": map[string]any{"id": id}, "after": after, "source": src}
			live[id] = nr
		}
		b, _ := json.Marshal(ev)
		lines = append(lines, string(b))
	}
	var sb strings.Builder
	sb.WriteString("id,name,v,extra\n")
	for _, id := range slices.Sorted(func(yield func(int) bool) {
		for k := range live {
			if !yield(k) {
				return
			}
		}
	}) {
		rw := live[id]
		extra := ""
		if rw.extra != nil {
			extra = fmt.Sprint(*rw.extra)
		}
		fmt.Fprintf(&sb, "%d,%s,%d,%s\n", id, rw.name, rw.v, extra)
	}
	return lines, sb.String()
}

// appendStream generates plain JSON lines, each a new row: applying one
// twice or losing one shows in the table.
func appendStream(n int) (lines []string, wantCSV string) {
	for i := range n {
		lines = append(lines, fmt.Sprintf(`{"seq": %d, "payload": "p%d"}`, i, i*3))
	}
	return lines, fmt.Sprintf("count_star(),count(DISTINCT seq),min(seq),max(seq)\n%d,%d,0,%d\n", n, n, n-1)
}

// TestIngestKill kills floe ingest with SIGKILL at random points, 15 times
// per stream (30 in all), restarting it each time, then lets it
// finish: the table equals the stream applied once, with no event lost or
// applied twice. The append stream shows a duplicate or a loss as a row
// count; the CDC stream checks updates, deletes and a column added part
// way under kills.
func TestIngestKill(t *testing.T) {
	t.Parallel() // its own processes and temporary directories; no environment changes
	const killsPerStream = 15
	cdc, cdcWant := cdcStream(300, 42)
	app, appWant := appendStream(320)
	tests := []struct {
		name  string
		lines []string
		flags []string
		query string
		want  string
	}{
		{"debezium", cdc, []string{"--key", "id"}, "SELECT id, name, v, extra FROM lake.k.t ORDER BY id", cdcWant},
		{"jsonl", app, []string{"--format", "jsonl"}, "SELECT count(*), count(DISTINCT seq), min(seq), max(seq) FROM lake.k.t", appWant},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wh, dir := t.TempDir(), t.TempDir()
			// Two files of a directory stream, so resuming crosses a file
			// boundary.
			half := len(tc.lines) / 2
			for i, part := range [][]string{tc.lines[:half], tc.lines[half:]} {
				if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("events-%d.json", i)), []byte(strings.Join(part, "\n")+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			args := append([]string{"ingest", "--warehouse", wh, "lake.k.t", "--from", dir, "--max-rows", "5"}, tc.flags...)
			r := rand.New(rand.NewPCG(7, 7))
			// A run killed while it creates the table leaves a directory
			// behind, and the table is then made in t-<random>: count the
			// metadata files of them all.
			metaFiles := func() int {
				dirs, _ := filepath.Glob(filepath.Join(wh, "k.db", "t*", "metadata"))
				n := 0
				for _, d := range dirs {
					n += countFiles(t, d)
				}
				return n
			}
			kills, finished := 0, false
			for attempt := 0; kills < killsPerStream && !finished && attempt < 200; attempt++ {
				cmd := floeCmd(t, args...)
				var errb bytes.Buffer
				cmd.Stderr = &errb
				before := metaFiles()
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				done := make(chan error, 1)
				go func() { done <- cmd.Wait() }()
				// Kill 0-30ms after the run's first or second new metadata
				// file: every run makes progress, about as much on a fast
				// machine as on a loaded one, and kills land anywhere from
				// the catalog swap that follows a metadata file to the next
				// batch's reading and writing.
				var killAt <-chan time.Time
				commits := 1 + r.IntN(2)
				poll := time.NewTicker(5 * time.Millisecond)
			wait:
				for {
					select {
					case err := <-done:
						if err != nil {
							t.Fatalf("ingest failed: %v\n%s", err, errb.String())
						}
						finished = true
						break wait
					case <-poll.C:
						if killAt == nil && metaFiles() >= before+commits {
							killAt = time.After(time.Duration(r.IntN(30)) * time.Millisecond)
						}
					case <-killAt:
						cmd.Process.Signal(syscall.SIGKILL)
						<-done
						kills++
						break wait
					}
				}
				poll.Stop()
			}
			if kills < killsPerStream {
				t.Errorf("ingest was killed %d times before it finished, want %d: make the stream longer", kills, killsPerStream)
			}
			// Finish the stream; a second run after the end applies nothing.
			for i := range 2 {
				out, err := floeCmd(t, args...).CombinedOutput()
				if err != nil {
					t.Fatalf("ingest: %v\n%s", err, out)
				}
				t.Logf("after %d kills, run %d: %s", kills, i+1, strings.TrimSpace(string(out)))
			}
			got, err := runFloe(t, wh, "--format", "csv", tc.query)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("after %d kills the table is\n%s\nwant\n%s", kills, got, tc.want)
			}
			pos, err := runFloe(t, wh, "--format", "csv", `SELECT summary['floe.ingest.position'] FROM lake.k."t$snapshots" ORDER BY committed_at DESC LIMIT 1`)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(pos, `events-1.json`) || !strings.Contains(pos, fmt.Sprintf(`""line"":%d`, len(tc.lines)-half)) {
				t.Errorf("last position %s, want the end of events-1.json", pos)
			}
		})
	}
}
