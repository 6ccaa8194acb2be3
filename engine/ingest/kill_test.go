package ingest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/lakesql"
)

// childEnv names the warehouse and the stream a re-executed test binary
// ingests (lake.k.t, key id, batches of 4) instead of running tests.
const childEnv = "FLOE_INGEST_TEST_CHILD"

func TestMain(m *testing.M) {
	if v := os.Getenv(childEnv); v != "" {
		wh, stream, _ := strings.Cut(v, "|")
		if err := ingestChild(wh, stream); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func ingestChild(dir, stream string) error {
	ctx := context.Background()
	wh, err := engine.Open(ctx, dir)
	if err != nil {
		return err
	}
	defer wh.Close()
	sess, err := lakesql.Open(ctx, wh)
	if err != nil {
		return err
	}
	defer sess.Close()
	g, err := New(ctx, sess, "k", "t", Options{Keys: []string{"id"}, MaxRows: 4})
	if err != nil {
		return err
	}
	pos, ok := g.Applied()
	fmt.Fprintf(os.Stderr, "resume %v %s\n", ok, pos)
	var src Source
	if brokers, isKafka := strings.CutPrefix(stream, "kafka:"); isKafka {
		src, err = OpenKafka(ctx, KafkaOptions{Brokers: strings.Split(brokers, ","), Topic: "cdc", Timeout: 10 * time.Second}, pos, ok)
	} else {
		src, err = OpenFile(stream, false, pos, ok)
	}
	if err != nil {
		return err
	}
	defer src.Close()
	if err := g.Run(ctx, src); err != nil {
		return err
	}
	st := g.Stats()
	fmt.Printf("%d events, %d skipped, %d commits\n", st.Events, st.Skipped, st.Commits)
	return nil
}

// TestGuardKill ingests a Debezium stream (a snapshot, then changes with
// Postgres positions, and the duplicates of three connector restarts at
// new offsets) from a file, and from two partitions of a Kafka topic
// (a broker in the test's process), in a separate process killed with
// SIGKILL at random points and restarted, then run to the end: the table
// equals the stream applied once, and no snapshot of the table ever shows
// a row older than an earlier snapshot did (a duplicate applied after a
// resume would).
func TestGuardKill(t *testing.T) {
	t.Parallel()
	const kills = 6
	for _, kafka := range []bool{false, true} {
		name := "file"
		if kafka {
			name = "kafka"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel() // its own process, warehouse and broker
			c := newCDC()
			r := rand.New(rand.NewPCG(20, 1))
			for id := 1; id <= 8; id++ {
				c.ev("r", id, `{"lsn":100,"sequence":"[null,\"100\"]","snapshot":"true"}`)
			}
			commit := 100
			for range 3 {
				for range 24 {
					commit += 10
					c.ev([]string{"u", "u", "u", "d"}[r.IntN(4)], 1+r.IntN(12), pgSrc(commit, 1_000_000-commit))
				}
				c.resend(len(c.lines)-8, len(c.lines)) // the last 8 again
			}
			whDir := t.TempDir()
			var stream string
			if kafka {
				// Even ids in partition 0, odd ones in 1, as Debezium keys them.
				_, brokers := kafkaCluster(t)
				parts := [2][]string{}
				for i, l := range c.lines {
					parts[c.ids[i]%2] = append(parts[c.ids[i]%2], l)
				}
				for p, lines := range parts {
					produceTo(t, brokers, "cdc", int32(p), lines)
				}
				stream = "kafka:" + strings.Join(brokers, ",")
			} else {
				stream = filepath.Join(t.TempDir(), "events.json")
				if err := os.WriteFile(stream, []byte(strings.Join(c.lines, "\n")+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			child := func() *exec.Cmd {
				cmd := exec.Command(os.Args[0], "-test.run=^$")
				cmd.Env = append(os.Environ(), childEnv+"="+whDir+"|"+stream)
				return cmd
			}
			metaFiles := func() int {
				files, _ := filepath.Glob(filepath.Join(whDir, "k.db", "t*", "metadata", "*.metadata.json"))
				return len(files)
			}
			killed := 0
			for attempt := 0; killed < kills && attempt < 100; attempt++ {
				cmd := child()
				var out strings.Builder
				cmd.Stdout, cmd.Stderr = &out, &out
				before := metaFiles()
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				done := make(chan error, 1)
				go func() { done <- cmd.Wait() }()
				// Kill 0-25ms after the run's first or second commit.
				var killAt <-chan time.Time
				commits := 1 + r.IntN(2)
				poll := time.NewTicker(5 * time.Millisecond)
			wait:
				for {
					select {
					case err := <-done:
						if err != nil {
							t.Fatalf("ingest failed: %v\n%s", err, out.String())
						}
						break wait
					case <-poll.C:
						if killAt == nil && metaFiles() >= before+commits {
							killAt = time.After(time.Duration(r.IntN(25)) * time.Millisecond)
						}
					case <-killAt:
						cmd.Process.Signal(syscall.SIGKILL)
						<-done
						killed++
						t.Logf("kill %d, the run had started from %s", killed, strings.TrimSpace(out.String()))
						break wait
					}
				}
				poll.Stop()
				if killAt == nil {
					break // it finished before a kill
				}
			}
			if killed < kills {
				t.Errorf("ingest was killed %d times before it finished, want %d: make the stream longer", killed, kills)
			}
			for i := range 2 {
				out, err := child().CombinedOutput()
				if err != nil {
					t.Fatalf("ingest: %v\n%s", err, out)
				}
				t.Logf("after %d kills, run %d: %s", killed, i+1, strings.TrimSpace(string(out)))
			}
			l := openLakeAt(t, whDir)
			if diff := gocmp.Diff(c.want(), l.query("SELECT id, n FROM lake.k.t ORDER BY id")); diff != "" {
				t.Errorf("after %d kills, table (-want +got):\n%s", killed, diff)
			}
			l.checkNeverOlder("k", "t")
		})
	}
}

// openLakeAt opens the warehouse in dir.
func openLakeAt(t *testing.T, dir string) *lake {
	t.Helper()
	ctx := context.Background()
	wh, err := engine.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { wh.Close() })
	sess, err := lakesql.Open(ctx, wh)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sess.Close() })
	return &lake{t, ctx, wh, sess}
}
