package kernel_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/floehq/floe/agent"
	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/notebooks"
)

// readRows reads a Rows to the end as "col|col" lines, header first.
func readRows(t *testing.T, r *kernel.Rows) string {
	t.Helper()
	defer r.Close()
	lines := []string{strings.Join(r.Columns, "|")}
	for r.Next() {
		var vals []string
		for _, v := range r.Values() {
			vals = append(vals, fmt.Sprint(v))
		}
		lines = append(lines, strings.Join(vals, "|"))
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}

// TestRows runs scripts as floe sql does: the last statement's result is
// streamed, earlier statements run in order, and bad SQL names the
// statement's line.
func TestRows(t *testing.T) {
	ctx := context.Background()
	s := openSession(t, emptyWarehouse(t), kernel.Options{})
	for _, tc := range []struct {
		name, script, want, err string
	}{
		{name: "one", script: "SELECT 42 AS answer", want: "answer\n42"},
		{name: "script", script: "CREATE SCHEMA lake.r;\nCREATE TABLE lake.r.t AS SELECT range AS i FROM range(3);\nINSERT INTO lake.r.t VALUES (10);\nSELECT sum(i) AS s, count(*) AS n FROM lake.r.t",
			want: "s|n\n13|4"},
		{name: "write last", script: "INSERT INTO lake.r.t VALUES (1), (2)", want: "Count\n2"},
		{name: "bad", script: "SELECT 1;\nSELECT * FROM lake.r.nope", err: "nope"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := s.Rows(ctx, tc.script)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Rows(%q) error = %v, want one naming %q", tc.script, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := readRows(t, r); got != tc.want {
				t.Errorf("Rows(%q) =\n%s\nwant\n%s", tc.script, got, tc.want)
			}
		})
	}
}

// TestRowsHoldTheSession checks that a cell waits for an open Rows (the
// connection is not safe for concurrent use) and runs once it is closed.
func TestRowsHoldTheSession(t *testing.T) {
	ctx := context.Background()
	s := openSession(t, emptyWarehouse(t), kernel.Options{})
	r, err := s.Rows(ctx, "SELECT range AS i FROM range(10)")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan *kernel.Result, 1)
	go func() {
		done <- s.Run(ctx, &notebooks.Cell{ID: "c", Kind: notebooks.Code, Lang: notebooks.LangSQL, Source: "SELECT 1 AS one"})
	}()
	select {
	case <-done:
		r.Close()
		t.Fatal("a cell ran while a Rows was open")
	case <-time.After(200 * time.Millisecond):
	}
	r.Close()
	select {
	case res := <-done:
		if res.Status != kernel.Passed {
			t.Fatalf("cell after Close: %s %v", res.Status, res.Err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the cell did not run after the Rows was closed")
	}
}

// TestAnswerRows runs answers' SQL as floe ask does: a read-only answer
// runs on the agents' confined session, which cannot read a file even when
// the SQL got past the guard; an allowed write runs on the session's own
// connection, which can. The offline agent answers a question end to end.
func TestAnswerRows(t *testing.T) {
	t.Setenv("FLOE_LLM", "offline")
	ctx := context.Background()
	secret := filepath.Join(t.TempDir(), "secret.txt")
	const content = "floe-answer-secret-81c"
	if err := os.WriteFile(secret, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	s := openSession(t, sampleWarehouse(t), kernel.Options{})
	read := fmt.Sprintf("SELECT content FROM read_text('%s')", secret)

	if r, err := s.AnswerRows(ctx, &agent.Answer{SQL: read}); err == nil {
		t.Fatalf("a read-only answer read a file on the confined session:\n%s", readRows(t, r))
	} else if !strings.Contains(err.Error(), "run the answer's query") {
		t.Errorf("error %q does not say it ran the answer's query", err)
	}
	r, err := s.AnswerRows(ctx, &agent.Answer{SQL: read, Writes: true})
	if err != nil {
		t.Fatalf("the session's own connection cannot read the file, so the test shows nothing: %v", err)
	}
	if got := readRows(t, r); !strings.Contains(got, content) {
		t.Fatalf("the session's own connection read %q", got)
	}

	ans, err := s.AskOnce(ctx, "how many customers are there?", false)
	if err != nil {
		t.Fatal(err)
	}
	r, err = s.AnswerRows(ctx, ans)
	if err != nil {
		t.Fatal(err)
	}
	if got := readRows(t, r); !strings.Contains(got, "7000") {
		t.Errorf("answer %q gave\n%s\nwant 7000 customers", ans.SQL, got)
	}
}
