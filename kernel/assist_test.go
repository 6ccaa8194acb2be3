package kernel_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/floehq/floe/agent"
	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/notebooks"
)

// TestFixOffline runs failing cells on a real session and asks for fixes
// with no model: a misspelled table and column are corrected (and the
// corrections checked by running them); cells that did not fail, Go cells
// and markdown get errors saying why.
func TestFixOffline(t *testing.T) {
	t.Setenv("FLOE_LLM", "offline")
	ctx := context.Background()
	s := openSession(t, sampleWarehouse(t), kernel.Options{})
	for _, tc := range []struct {
		name, lang, src string
		want            string // in the fixed source
		err             error
	}{
		{"table", notebooks.LangSQL, "SELECT count(*) AS n\nFROM lake.samples.customer", "FROM lake.samples.customers", nil},
		{"column", notebooks.LangSQL, "SELECT contract, avg(churn::INT) FROM lake.samples.customers GROUP BY 1", "avg(churned::INT)", nil},
		{"passed", notebooks.LangSQL, "SELECT 1", "", kernel.ErrNotFailed},
		{"go", notebooks.LangGo, "x := 1 +", "", agent.ErrNoFix},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &notebooks.Cell{ID: tc.name, Kind: notebooks.Code, Lang: tc.lang, Source: tc.src}
			r := s.Run(ctx, c)
			if (r.Status == kernel.Failed) != (tc.err != kernel.ErrNotFailed) {
				t.Fatalf("the cell %s, want it to fail: %v", r.Status, r.Err)
			}
			fx, err := s.Fix(ctx, c)
			if tc.err != nil {
				if !errors.Is(err, tc.err) || !strings.Contains(err.Error(), "cell "+tc.name) {
					t.Fatalf("Fix = %+v, %v; want an error naming the cell and wrapping %v", fx, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(fx.Source, tc.want) || !fx.Verified || fx.Provider != "offline" || fx.Old != tc.src || fx.Explanation == "" {
				t.Errorf("fix %+v, want a verified offline fix containing %q", fx, tc.want)
			}
			if c.Source != tc.src {
				t.Errorf("Fix changed the cell to %q", c.Source)
			}
			// The fix runs.
			fixed := &notebooks.Cell{ID: tc.name + "_fixed", Kind: notebooks.Code, Lang: tc.lang, Source: fx.Source}
			if r := s.Run(ctx, fixed); r.Status != kernel.Passed {
				t.Errorf("the fixed cell %s: %v", r.Status, r.Err)
			}
		})
	}
	md := &notebooks.Cell{ID: "md", Kind: notebooks.Markdown, Source: "# hi"}
	if _, err := s.Fix(ctx, md); err == nil {
		t.Error("Fix of a markdown cell did not fail")
	}
}

// TestAskKeepsHistory asks the chat a question and a follow-up with the
// offline planner: the follow-up refines the first answer; after
// ResetChat the same words have no context.
func TestAskKeepsHistory(t *testing.T) {
	t.Setenv("FLOE_LLM", "offline")
	ctx := context.Background()
	s := openSession(t, sampleWarehouse(t), kernel.Options{})
	first, err := s.Ask(ctx, "revenue by month", nil)
	if err != nil {
		t.Fatal(err)
	}
	if first.Result == nil || len(first.Result.Rows) == 0 || first.Provider != "offline" || len(first.Plan) == 0 || first.Writes {
		t.Fatalf("first answer %+v", first)
	}
	next, err := s.Ask(ctx, "now only for 2024", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"2024", "month", "revenue"} {
		if !strings.Contains(next.SQL, want) {
			t.Errorf("follow-up SQL lacks %q:\n%s", want, next.SQL)
		}
	}
	if next.Result == nil || len(next.Result.Rows) == 0 || len(next.Result.Rows) > len(first.Result.Rows) {
		t.Errorf("follow-up result %v, want fewer rows than %d", next.Result, len(first.Result.Rows))
	}
	cells := kernel.AnswerCells(next)
	if len(cells) != 2 || cells[0].Kind != notebooks.Markdown || !strings.Contains(cells[0].Source, "now only for 2024") ||
		cells[1].Lang != notebooks.LangSQL || cells[1].Source != strings.TrimSpace(next.SQL) {
		t.Errorf("cells %+v", cells)
	}
	s.ResetChat()
	if again, err := s.Ask(ctx, "now only for 2024", nil); err == nil && again.SQL == next.SQL {
		t.Errorf("after ResetChat the follow-up still has its context:\n%s", again.SQL)
	}
}

// TestAskStreams asks through a loopback OpenAI-compatible server that
// streams its answer: the tokens reach the callback, the answer's query
// ran, and usage is reported.
func TestAskStreams(t *testing.T) {
	reply := "1. Count the customers.\n```sql\nSELECT count(*) AS n FROM lake.samples.customers\n```\nThis counts every customer."
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		data := func(v any) { b, _ := json.Marshal(v); fmt.Fprintf(w, "data: %s\n\n", b) }
		for i := 0; i < len(reply); i += 8 {
			data(map[string]any{"choices": []any{map[string]any{"index": 0, "delta": map[string]any{"content": reply[i:min(i+8, len(reply))]}}}})
		}
		data(map[string]any{"choices": []any{map[string]any{"index": 0, "delta": map[string]any{}, "finish_reason": "stop"}}})
		data(map[string]any{"choices": []any{}, "usage": map[string]any{"prompt_tokens": 321, "completion_tokens": 45, "total_tokens": 366}})
		fmt.Fprint(w, "data: [DONE]\n\n")
	}))
	defer srv.Close()
	t.Setenv("FLOE_LLM", "openai")
	t.Setenv("OPENAI_BASE_URL", srv.URL+"/v1")
	t.Setenv("OPENAI_API_KEY", "k")
	s := openSession(t, sampleWarehouse(t), kernel.Options{})
	var chunks []string
	ans, err := s.Ask(context.Background(), "how many customers?", func(c string) { chunks = append(chunks, c) })
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(chunks, "") != reply || len(chunks) < 10 {
		t.Errorf("%d chunks: %q", len(chunks), strings.Join(chunks, ""))
	}
	if ans.Provider != "openai:"+agent.DefaultOpenAIModel || ans.Usage.PromptTokens != 321 || ans.Usage.CompletionTokens != 45 {
		t.Errorf("answer by %s, usage %+v", ans.Provider, ans.Usage)
	}
	if tbl, _ := kernel.AnswerTable(ans); tbl == nil || tbl.Len() != 1 || ans.Explanation != "This counts every customer." {
		t.Errorf("answer %+v", ans)
	}
}

// TestCellRunsWhileModelThinks: a chat question whose model has not
// answered yet does not hold the session, so a cell runs meanwhile; the
// question then completes.
func TestCellRunsWhileModelThinks(t *testing.T) {
	release := make(chan struct{})
	asked := make(chan struct{}, 8)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked <- struct{}{}
		<-release
		w.Header().Set("Content-Type", "application/json")
		content := "```sql\nSELECT count(*) AS n FROM lake.samples.customers\n```\nCounts the customers."
		json.NewEncoder(w).Encode(map[string]any{
			"id": "x", "object": "chat.completion", "model": "m",
			"choices": []any{map[string]any{"index": 0, "finish_reason": "stop",
				"message": map[string]any{"role": "assistant", "content": content}}},
			"usage": map[string]any{"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
		})
	}))
	defer srv.Close()
	defer close(release)
	t.Setenv("FLOE_LLM", "openai")
	t.Setenv("OPENAI_BASE_URL", srv.URL+"/v1")
	t.Setenv("OPENAI_API_KEY", "k")
	s := openSession(t, sampleWarehouse(t), kernel.Options{})
	done := make(chan error, 1)
	go func() {
		_, err := s.Ask(context.Background(), "how many customers?", nil)
		done <- err
	}()
	select {
	case <-asked:
	case <-time.After(30 * time.Second):
		t.Fatal("the model was never asked")
	}
	ran := make(chan *kernel.Result, 1)
	go func() {
		ran <- s.Run(context.Background(), &notebooks.Cell{ID: "c", Kind: notebooks.Code, Lang: notebooks.LangSQL, Source: "SELECT 42 AS answer"})
	}()
	select {
	case r := <-ran:
		if r.Status != kernel.Passed {
			t.Fatalf("the cell failed: %v", r.Err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the cell waited for the model")
	}
	release <- struct{}{}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("the question failed: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the question did not complete")
	}
}

// TestAnswerTable checks the rows of an answer the chat shows: at most 100,
// the count of rows read, and whether there are more.
func TestAnswerTable(t *testing.T) {
	rows := func(n int) [][]any {
		out := make([][]any, n)
		for i := range out {
			out[i] = []any{int64(i)}
		}
		return out
	}
	for _, tc := range []struct {
		name      string
		res       *agent.Result
		len       int
		total     int64
		truncated bool
	}{
		{name: "writes", res: nil},
		{name: "few", res: &agent.Result{Columns: []string{"i"}, Types: []string{"BIGINT"}, Rows: rows(3)}, len: 3, total: 3},
		{name: "agent cut", res: &agent.Result{Columns: []string{"i"}, Types: []string{"BIGINT"}, Rows: rows(3), Truncated: true}, len: 3, total: 3, truncated: true},
		{name: "many", res: &agent.Result{Columns: []string{"i"}, Types: []string{"BIGINT"}, Rows: rows(150)}, len: 100, total: 150, truncated: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tbl, truncated := kernel.AnswerTable(&agent.Answer{Result: tc.res})
			if tc.res == nil {
				if tbl != nil || truncated {
					t.Fatalf("AnswerTable of an answer without a result = %v, %v", tbl, truncated)
				}
				return
			}
			if tbl.Len() != tc.len || tbl.Total != tc.total || truncated != tc.truncated {
				t.Errorf("AnswerTable = %d rows of %d, truncated %v; want %d of %d, %v", tbl.Len(), tbl.Total, truncated, tc.len, tc.total, tc.truncated)
			}
		})
	}
}
