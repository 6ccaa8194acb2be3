package history

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var t0 = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func entry(i int) Entry {
	return Entry{
		Time: t0.Add(time.Duration(i) * time.Second), Warehouse: "/w", Notebook: "churn.md",
		Source: fmt.Sprintf("SELECT %d\nFROM t", i), OK: i%3 != 0, Duration: 1500 * time.Millisecond, Rows: int64(i),
	}
}

func sourcesOf(es []Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Source)
	}
	return out
}

func TestAppendAndLoad(t *testing.T) {
	s := &Store{Path: filepath.Join(t.TempDir(), "home", "history.jsonl")}
	if es, skipped, err := s.Load(); err != nil || len(es) != 0 || skipped != 0 {
		t.Fatalf("Load of a missing file = %v, %d, %v; want nothing", es, skipped, err)
	}
	want := []Entry{entry(1), entry(2), entry(3)}
	want[2].Error = "Catalog Error: no table nope"
	for _, e := range want {
		if err := s.Append(e); err != nil {
			t.Fatal(err)
		}
	}
	got, skipped, err := s.Load()
	if err != nil || skipped != 0 {
		t.Fatalf("Load: skipped %d, %v", skipped, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("loaded entries (-want +got):\n%s", diff)
	}
	// The file is JSON lines with the agreed keys, duration in seconds.
	data, _ := os.ReadFile(s.Path)
	first, _, _ := bytes.Cut(data, []byte("\n"))
	var raw map[string]any
	if err := json.Unmarshal(first, &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"time", "warehouse", "notebook", "source", "ok", "duration", "rows"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("line %s lacks %q", first, k)
		}
	}
	if raw["duration"] != 1.5 {
		t.Errorf("duration = %v, want 1.5 (seconds)", raw["duration"])
	}
	if info, err := os.Stat(s.Path); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("history file mode %v, %v; want 0600 (it holds queries)", info.Mode().Perm(), err)
	}
}

func TestAppendCapsTheFile(t *testing.T) {
	for _, tc := range []struct{ limit, appends int }{{10, 5}, {10, 11}, {10, 12}, {10, 25}, {100, 1000}} {
		t.Run(fmt.Sprintf("%d_of_%d", tc.appends, tc.limit), func(t *testing.T) {
			s := &Store{Path: filepath.Join(t.TempDir(), "history.jsonl"), Limit: tc.limit}
			for i := range tc.appends {
				if err := s.Append(entry(i)); err != nil {
					t.Fatal(err)
				}
			}
			data, _ := os.ReadFile(s.Path)
			if n := bytes.Count(data, []byte("\n")); n > tc.limit+tc.limit/10 || n < min(tc.limit, tc.appends) {
				t.Errorf("file holds %d lines; want between %d and %d", n, min(tc.limit, tc.appends), tc.limit+tc.limit/10)
			}
			got, _, err := s.Load()
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for i := max(tc.appends-tc.limit, 0); i < tc.appends; i++ {
				want = append(want, entry(i).Source)
			}
			if diff := cmp.Diff(want, sourcesOf(got)); diff != "" {
				t.Errorf("kept entries (-want +got):\n%s", diff)
			}
			if tmp, _ := filepath.Glob(filepath.Join(filepath.Dir(s.Path), ".*.tmp")); len(tmp) > 0 {
				t.Errorf("trim left temporary files %v", tmp)
			}
		})
	}
}

func TestLoadSkipsCorruptLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.jsonl")
	good := func(i int) string { b, _ := json.Marshal(entry(i)); return string(b) }
	for _, tc := range []struct {
		name    string
		file    string
		want    []string
		skipped int
	}{
		{"torn last line", good(1) + "\n" + good(2)[:30], []string{entry(1).Source}, 1},
		{"junk in the middle", good(1) + "\nnot json\n" + good(2) + "\n", []string{entry(1).Source, entry(2).Source}, 1},
		{"no time", good(1) + "\n{\"source\":\"x\"}\n\n", []string{entry(1).Source}, 1},
		{"binary", "\x00\x01\x02\n" + good(3) + "\n{]\n", []string{entry(3).Source}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(path, []byte(tc.file), 0o600); err != nil {
				t.Fatal(err)
			}
			s := &Store{Path: path}
			got, skipped, err := s.Load()
			if err != nil {
				t.Fatal(err)
			}
			if skipped != tc.skipped {
				t.Errorf("skipped %d lines, want %d", skipped, tc.skipped)
			}
			if diff := cmp.Diff(tc.want, sourcesOf(got)); diff != "" {
				t.Errorf("entries (-want +got):\n%s", diff)
			}
		})
	}
}

// bigSource is a statement longer than a pipe's atomic write, so torn or
// interleaved writes would show.
func bigSource(who string, i int) string {
	return fmt.Sprintf("-- %s %d\n", who, i) + strings.Repeat("SELECT "+who+" FROM lake.crm.customers;\n", 300)
}

// TestConcurrentAppendsFromTwoSessions appends from two Stores on one
// file at once (two sessions in one process) and from two processes, and
// checks that every line is whole and none is lost.
func TestConcurrentAppendsFromTwoSessions(t *testing.T) {
	const n = 60
	check := func(t *testing.T, path string, limit int, who []string) {
		t.Helper()
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		lines := bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
		seen := map[string]int{}
		idx := map[string][]int{}
		for i, l := range lines {
			var e Entry
			if err := json.Unmarshal(l, &e); err != nil {
				t.Fatalf("line %d is not one entry (%v): %.80q", i+1, err, l)
			}
			w := strings.Fields(e.Source)[1]
			k, _ := strconv.Atoi(strings.Fields(e.Source)[2])
			if e.Source != bigSource(w, k) {
				t.Fatalf("line %d holds a damaged statement", i+1)
			}
			seen[w]++
			idx[w] = append(idx[w], k)
		}
		// Trims drop only the oldest lines, so what is left of each
		// session is the end of what it appended, without a gap: a lost
		// append (one that raced a trim) leaves one.
		for w, ks := range idx {
			for j, k := range ks {
				if want := n - len(ks) + j; k != want {
					t.Fatalf("%s: entries %v left in the file; want the last %d in order", w, ks, len(ks))
				}
			}
		}
		if len(lines) < min(limit, 2*n) {
			t.Errorf("%d lines, fewer than the limit %d", len(lines), limit)
		}
		if limit == 0 {
			for _, w := range who {
				if seen[w] != n {
					t.Errorf("%s: %d entries in the file, want %d", w, seen[w], n)
				}
			}
		} else if len(lines) > limit+limit/10 {
			t.Errorf("%d lines, more than the limit allows", len(lines))
		}
	}
	for _, limit := range []int{0, 25} {
		t.Run(fmt.Sprintf("goroutines_limit_%d", limit), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "history.jsonl")
			var wg sync.WaitGroup
			for _, who := range []string{"alpha", "beta"} {
				s := &Store{Path: path, Limit: limit} // one Store per session
				wg.Go(func() {
					for i := range n {
						e := entry(i)
						e.Source = bigSource(who, i)
						if err := s.Append(e); err != nil {
							t.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			check(t, path, limit, []string{"alpha", "beta"})
		})
		t.Run(fmt.Sprintf("processes_limit_%d", limit), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "history.jsonl")
			var cmds []*exec.Cmd
			for _, who := range []string{"gamma", "delta"} {
				c := exec.Command(os.Args[0], "-test.run=^TestAppendProcess$")
				c.Env = append(os.Environ(), "HISTORY_TEST_PATH="+path, "HISTORY_TEST_WHO="+who,
					"HISTORY_TEST_LIMIT="+strconv.Itoa(limit), "HISTORY_TEST_N="+strconv.Itoa(n))
				c.Stderr = os.Stderr
				if err := c.Start(); err != nil {
					t.Fatal(err)
				}
				cmds = append(cmds, c)
			}
			for _, c := range cmds {
				if err := c.Wait(); err != nil {
					t.Fatalf("appending process: %v", err)
				}
			}
			check(t, path, limit, []string{"gamma", "delta"})
		})
	}
}

// TestAppendProcess is the other session of
// TestConcurrentAppendsFromTwoSessions; alone it does nothing.
func TestAppendProcess(t *testing.T) {
	path := os.Getenv("HISTORY_TEST_PATH")
	if path == "" {
		t.Skip("run by TestConcurrentAppendsFromTwoSessions")
	}
	who := os.Getenv("HISTORY_TEST_WHO")
	limit, _ := strconv.Atoi(os.Getenv("HISTORY_TEST_LIMIT"))
	n, _ := strconv.Atoi(os.Getenv("HISTORY_TEST_N"))
	s := &Store{Path: path, Limit: limit}
	for i := range n {
		e := entry(i)
		e.Source = bigSource(who, i)
		if err := s.Append(e); err != nil {
			t.Fatal(err)
		}
	}
}

// BenchmarkAppend appends to a full history of 5,000 entries, the cost of
// recording one run (off the UI's goroutine).
func BenchmarkAppend(b *testing.B) {
	s := &Store{Path: filepath.Join(b.TempDir(), "history.jsonl")}
	for i := range DefaultLimit {
		if err := s.Append(entry(i)); err != nil {
			b.Fatal(err)
		}
	}
	i := DefaultLimit
	for b.Loop() {
		i++
		if err := s.Append(entry(i)); err != nil {
			b.Fatal(err)
		}
	}
}
