package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// TestKafkaBrokerProcess is a helper, not a test: started by the Kafka
// tests below as a separate process (the test binary with
// FLOE_TEST_KAFKA_BROKER=1), it serves a Kafka cluster of one broker with
// topic "cdc" of three partitions on a loopback port, prints the address,
// and runs until its standard input closes. Run any other way it does
// nothing.
func TestKafkaBrokerProcess(t *testing.T) {
	if os.Getenv("FLOE_TEST_KAFKA_BROKER") != "1" {
		return
	}
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(3, "cdc"))
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	fmt.Println("broker", c.ListenAddrs()[0])
	io.Copy(io.Discard, os.Stdin)
	c.Close()
}

// kafkaBroker starts a broker process and returns its address and the
// process (killed at the test's end).
func kafkaBroker(t *testing.T) (string, *exec.Cmd) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, "-test.run=^TestKafkaBrokerProcess$")
	cmd.Env = append(os.Environ(), "FLOE_TEST_KAFKA_BROKER=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		cmd.Process.Kill()
		cmd.Wait()
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "broker ")
	if err != nil || !ok {
		t.Fatalf("the broker process said %q (%v)", line, err)
	}
	return addr, cmd
}

// produceLines sends Debezium lines to topic cdc keyed by their id, so
// each key's events stay in order in one partition.
func produceLines(t *testing.T, addr string, lines []string) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.DefaultProduceTopic("cdc"))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var recs []*kgo.Record
	for _, l := range lines {
		var ev struct {
			Before, After map[string]any
		}
		if err := json.Unmarshal([]byte(l), &ev); err != nil {
			t.Fatal(err)
		}
		row := ev.After
		if row == nil {
			row = ev.Before
		}
		recs = append(recs, &kgo.Record{Key: fmt.Appendf(nil, `{"id":%v}`, row["id"]), Value: []byte(l)})
	}
	if err := cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
}

// TestIngestKafkaKill kills floe ingest --kafka with SIGKILL at random
// points, 10 times, restarting it each time, with the broker in a
// process of its own; then lets it finish: the table equals the stream
// applied once (updates, deletes, a column added part way), and the last
// snapshot holds every partition's end offset.
func TestIngestKafkaKill(t *testing.T) {
	const kills = 10
	addr, _ := kafkaBroker(t)
	lines, want := cdcStream(260, 9)
	produceLines(t, addr, lines)
	wh := t.TempDir()
	args := []string{"ingest", "--warehouse", wh, "lake.k.t", "--kafka", addr, "--topic", "cdc", "--key", "id", "--max-rows", "5", "--kafka-timeout", "10s"}
	// Commits so far: table metadata files (of every t* directory: a run
	// killed while creating the table leaves one behind).
	metaFiles := func() int {
		m, _ := filepath.Glob(filepath.Join(wh, "k.db", "t*", "metadata", "*.metadata.json"))
		return len(m)
	}
	r := rand.New(rand.NewPCG(11, 11))
	killed, finished := 0, false
	for attempt := 0; killed < kills && !finished && attempt < 100; attempt++ {
		cmd := floeCmd(t, args...)
		var errb bytes.Buffer
		cmd.Stderr = &errb
		before := metaFiles()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		// Kill 0-30ms after the run's first or second commit: every run
		// makes progress and kills land anywhere in the next batch's
		// reading, writing and commit.
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
				killed++
				break wait
			}
		}
		poll.Stop()
	}
	if killed < kills {
		t.Errorf("ingest was killed %d times before it finished, want %d: make the stream longer", killed, kills)
	}
	for i := range 2 {
		out, err := floeCmd(t, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("ingest: %v\n%s", err, out)
		}
		t.Logf("after %d kills, run %d: %s", killed, i+1, strings.TrimSpace(string(out)))
	}
	got, err := runFloe(t, wh, "--format", "csv", "SELECT id, name, v, extra FROM lake.k.t ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("after %d kills the table is\n%s\nwant\n%s", killed, got, want)
	}
	pos, err := runFloe(t, wh, "--format", "csv", `SELECT summary['floe.ingest.position'] FROM lake.k."t$snapshots" ORDER BY committed_at DESC LIMIT 1`)
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		Stream  string
		Offsets map[string]int64
	}
	body := strings.TrimSpace(strings.SplitN(pos, "\n", 2)[1])
	body = strings.ReplaceAll(strings.Trim(body, `"`), `""`, `"`)
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatalf("last position %s: %v", pos, err)
	}
	var sum int64
	for _, o := range p.Offsets {
		sum += o
	}
	if p.Stream != "kafka:cdc" || len(p.Offsets) != 3 || sum != int64(len(lines)) {
		t.Errorf("last position %s, want the end of the 3 partitions of cdc (%d records)", body, len(lines))
	}
}

// TestIngestKafkaBrokerGone: floe ingest --kafka --follow fails with an
// error naming the broker and the topic when the broker's process dies.
func TestIngestKafkaBrokerGone(t *testing.T) {
	addr, broker := kafkaBroker(t)
	produceLines(t, addr, []string{`{"op":"c","after":{"id":1,"name":"a"}}`})
	wh := t.TempDir()
	cmd := floeCmd(t, "ingest", "--warehouse", wh, "lake.k.t", "--kafka", addr, "--topic", "cdc", "--key", "id",
		"--follow", "--commit-interval", "100ms", "--kafka-timeout", "2s")
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	deadline := time.After(30 * time.Second)
	for {
		if n, _ := filepath.Glob(filepath.Join(wh, "k.db", "t*", "metadata", "*.json")); len(n) >= 2 {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("ingest ended before the broker went away: %v\n%s", err, errb.String())
		case <-deadline:
			cmd.Process.Kill()
			t.Fatalf("no commit within 30s:\n%s", errb.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	broker.Process.Signal(syscall.SIGKILL)
	select {
	case err := <-done:
		msg := errb.String()
		if err == nil || !strings.Contains(msg, "topic cdc on brokers "+addr) {
			t.Errorf("ingest ended with %v, stderr:\n%s\nwant an error naming topic cdc and broker %s", err, msg, addr)
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("ingest did not fail within 30s of the broker's death:\n%s", errb.String())
	}
}
