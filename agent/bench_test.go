package agent

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/floehq/floe/agent/internal/agenttest"
	"github.com/floehq/floe/agent/lake"
)

// loopQuestions are the tuned question set with their reference SQL.
func loopQuestions(tb testing.TB) []agenttest.Question {
	b, err := os.ReadFile("offline/testdata/questions.txt")
	if err != nil {
		tb.Fatal(err)
	}
	qs, err := agenttest.ParseQuestions(string(b))
	if err != nil {
		tb.Fatal(err)
	}
	return qs
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// BenchmarkAgentLoop measures what the agent adds to the model's time: a
// loopback model answers every question of the tuned set at once with its
// reference SQL, and the benchmark reports the median per question of the
// time outside the model, with and without the catalog's query time,
// against running the same SQL directly (the baseline, same run).
func BenchmarkAgentLoop(b *testing.B) {
	ctx := context.Background()
	qs := loopQuestions(b)
	answers := map[string]string{}
	for _, q := range qs {
		answers[q.Q] = q.SQL
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var req struct {
			Messages []struct {
				Role    string `json:"role"`
				Content string `json:"content"`
			} `json:"messages"`
		}
		json.Unmarshal(body, &req)
		q := req.Messages[len(req.Messages)-1].Content
		json.NewEncoder(w).Encode(map[string]any{"choices": []any{map[string]any{"message": map[string]any{
			"role": "assistant", "content": "```sql\n" + answers[q] + "\n```"}}},
			"usage": map[string]any{"prompt_tokens": 1, "completion_tokens": 1}})
	}))
	defer srv.Close()
	cat := lake.NewCatalog(samples)
	a := New(Config{Provider: ProviderOpenAI, Model: "m", BaseURL: srv.URL + "/v1", APIKey: "k"}, cat)
	var overhead, loop, direct, offlineAsk []time.Duration
	off := New(Config{}, cat)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, q := range qs {
			ans, err := a.Ask(ctx, q.Q, nil)
			if err != nil || ans.Provider == ProviderOffline {
				b.Fatalf("%q: %v %v", q.Q, err, ans.Notes)
			}
			t := ans.Timing
			overhead = append(overhead, t.Total-t.Model)
			loop = append(loop, t.Total-t.Model-t.Query)
			t0 := time.Now()
			if _, err := cat.Query(ctx, q.SQL, 1000); err != nil {
				b.Fatal(err)
			}
			direct = append(direct, time.Since(t0))
			t0 = time.Now()
			if _, err := off.Ask(ctx, q.Q, nil); err != nil {
				b.Fatalf("offline %q: %v", q.Q, err)
			}
			offlineAsk = append(offlineAsk, time.Since(t0))
		}
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(median(overhead)), "ms-outside-model/q")
	b.ReportMetric(ms(median(loop)), "ms-agent-loop/q")
	b.ReportMetric(ms(median(direct)), "ms-direct-sql/q")
	b.ReportMetric(float64(median(overhead))/float64(median(direct)), "outside-model/direct")
	b.ReportMetric(ms(median(offlineAsk)), "ms-offline-ask/q")
}
