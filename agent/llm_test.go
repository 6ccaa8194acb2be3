package agent

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/floehq/floe/agent/lake"
)

func TestOpenAIToolCalls(t *testing.T) {
	ctx := context.Background()
	f := newFakeLLM(t,
		step{calls: []fakeCall{
			{"list_tables", `{"filter":"churn"}`},
			{"describe_table", `{"table":"lake.samples.customers"}`},
		}},
		step{calls: []fakeCall{
			{"distinct_values", `{"table":"lake.samples.customers","column":"contract"}`},
			{"sample_rows", `{"table":"customers","limit":2}`},
			{"run_query", `{"sql":"SELECT count(*) FROM lake.samples.customers"}`},
		}},
		step{text: sqlAnswer("SELECT contract, avg(CAST(churned AS INTEGER)) AS churn_rate FROM lake.samples.customers GROUP BY contract ORDER BY contract") +
			"\n```chart\n{\"kind\":\"bar\",\"x\":\"contract\",\"y\":\"churn_rate\"}\n```"},
	)
	a := New(f.openAIConfig(), lake.NewCatalog(samples))
	ans, err := a.Ask(ctx, "What is the churn rate by contract?", nil)
	if err != nil {
		t.Fatal(err)
	}
	if ans.Provider != "openai:test-model" || ans.Attempts != 1 || len(ans.Result.Rows) != 3 {
		t.Errorf("answer: provider %s, %d attempts, %d rows; want openai:test-model, 1, 3", ans.Provider, ans.Attempts, len(ans.Result.Rows))
	}
	if ans.Usage.Calls != 3 || ans.Usage.PromptTokens != 300 || ans.Usage.CompletionTokens != 60 {
		t.Errorf("usage %+v, want 3 calls, 300 prompt and 60 completion tokens", ans.Usage)
	}
	if len(ans.Plan) != 2 || !strings.Contains(ans.Explanation, "counts the customers") {
		t.Errorf("plan %q, explanation %q", ans.Plan, ans.Explanation)
	}
	if ans.Chart == nil || ans.Chart.Kind != "bar" || ans.Chart.X != "contract" {
		t.Errorf("chart %+v, want a bar chart of contract", ans.Chart)
	}
	reqs := f.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3", len(reqs))
	}
	if tools, _ := reqs[0]["tools"].([]any); len(tools) != len(toolDefs) {
		t.Errorf("first request offers %d tools, want %d", len(tools), len(toolDefs))
	}
	sys, _ := f.messages(0)[0]["content"].(string)
	if !strings.Contains(sys, "lake.samples.customers") || !strings.Contains(sys, "'Month-to-month'") {
		t.Errorf("system prompt lacks the linked table and its values:\n%s", sys)
	}
	// The third request carries every tool result, each after its call.
	ms := f.messages(2)
	var results []string
	for _, m := range ms {
		if m["role"] == "tool" {
			if m["tool_call_id"] == "" {
				t.Errorf("tool message without tool_call_id: %v", m)
			}
			results = append(results, m["content"].(string))
		}
	}
	if len(results) != 5 {
		t.Fatalf("%d tool results in the third request, want 5", len(results))
	}
	for i, want := range []string{"lake.samples.customers", "contract VARCHAR", "Month-to-month", "customer_id", "7000"} {
		if !strings.Contains(results[i], want) {
			t.Errorf("tool result %d lacks %q:\n%s", i, want, results[i])
		}
	}
}

func TestRepairsBrokenQuery(t *testing.T) {
	ctx := context.Background()
	f := newFakeLLM(t,
		step{text: sqlAnswer("SELECT count(*) FROM lake.samples.customers WHERE churn = true")},
		step{text: sqlAnswer("SELECT count(*) FROM lake.samples.customers WHERE churned")},
	)
	a := New(f.openAIConfig(), lake.NewCatalog(samples))
	ans, err := a.Ask(ctx, "How many customers churned?", nil)
	if err != nil {
		t.Fatal(err)
	}
	if ans.Attempts != 2 || ans.Provider != "openai:test-model" {
		t.Errorf("%d attempts by %s, want 2 by openai:test-model", ans.Attempts, ans.Provider)
	}
	ms := f.messages(1)
	last, _ := ms[len(ms)-1]["content"].(string)
	if !strings.Contains(last, "churn") || !strings.Contains(last, "failed") {
		t.Errorf("the repair request does not carry the error: %q", last)
	}
}

func TestRepairsEmptyResult(t *testing.T) {
	ctx := context.Background()
	f := newFakeLLM(t,
		step{text: sqlAnswer("SELECT region, count(*) AS n FROM lake.samples.customers WHERE internet_service = 'fiber' GROUP BY region")},
		step{text: sqlAnswer("SELECT region, count(*) AS n FROM lake.samples.customers WHERE internet_service = 'Fiber optic' GROUP BY region")},
	)
	a := New(f.openAIConfig(), lake.NewCatalog(samples))
	ans, err := a.Ask(ctx, "How many fiber customers are there per region?", nil)
	if err != nil {
		t.Fatal(err)
	}
	if ans.Attempts != 2 || len(ans.Result.Rows) != 5 {
		t.Errorf("%d attempts, %d rows; want 2 attempts and 5 rows", ans.Attempts, len(ans.Result.Rows))
	}
	ms := f.messages(1)
	if last, _ := ms[len(ms)-1]["content"].(string); !strings.Contains(last, "no rows") {
		t.Errorf("the repair request does not say the result was empty: %q", last)
	}
}

func TestAcceptsConfirmedEmptyResult(t *testing.T) {
	q := "SELECT * FROM lake.samples.customers WHERE tenure_months > 1000"
	f := newFakeLLM(t, step{text: sqlAnswer(q)})
	a := New(f.openAIConfig(), lake.NewCatalog(samples))
	ans, err := a.Ask(context.Background(), "customers with tenure over 1000 months", nil)
	if err != nil {
		t.Fatal(err)
	}
	if ans.Attempts != 2 || len(ans.Result.Rows) != 0 || ans.Provider == ProviderOffline {
		t.Errorf("%d attempts, %d rows, by %s; want the model's empty answer on its second attempt", ans.Attempts, len(ans.Result.Rows), ans.Provider)
	}
}

func TestRetriesRateLimit(t *testing.T) {
	f := newFakeLLM(t,
		step{status: http.StatusTooManyRequests, retryAfter: "0"},
		step{status: http.StatusServiceUnavailable},
		step{text: sqlAnswer("SELECT count(*) FROM lake.samples.customers")},
	)
	a := New(f.openAIConfig(), lake.NewCatalog(samples))
	ans, err := a.Ask(context.Background(), "How many customers are there?", nil)
	if err != nil {
		t.Fatal(err)
	}
	if ans.Provider != "openai:test-model" || ans.Usage.Retries != 2 || ans.Usage.Calls != 1 {
		t.Errorf("answered by %s with usage %+v; want the model after 2 retries of 1 call", ans.Provider, ans.Usage)
	}
	if n := len(f.requests()); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
}

// TestFallsBack checks that a model that cannot answer leaves the question
// to the offline planner, quickly, and that the answer says so.
func TestFallsBack(t *testing.T) {
	closed := func() string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		return "http://" + addr + "/v1"
	}()
	tests := []struct {
		name   string
		script []step
		cfg    func(Config) Config
		note   string
	}{
		{name: "500s", script: []step{{status: 500}}, note: "500"},
		{name: "timeout", script: []step{{delay: 10 * time.Second}},
			cfg: func(c Config) Config { c.RequestTimeout = 300 * time.Millisecond; return c }, note: "no response within"},
		{name: "malformed JSON", script: []step{{raw: "this is not JSON"}}, note: "did not answer"},
		{name: "no choices", script: []step{{raw: `{"choices":[]}`}}, note: "did not answer"},
		{name: "tool call without a name", script: []step{{raw: `{"choices":[{"message":{"role":"assistant","tool_calls":[{"id":"1","type":"function","function":{"arguments":"{}"}}]}}]}`}}, note: "without a function name"},
		{name: "empty message", script: []step{{raw: `{"choices":[{"message":{"role":"assistant","content":""}}]}`}}, note: "neither text"},
		{name: "no SQL block", script: []step{{text: "I think you should look at the churn column."}}, note: "SQL blocks"},
		{name: "never a working query", script: []step{{text: sqlAnswer("SELECT nonsense FROM lake.samples.customers")}}, note: "gave up"},
		{name: "unreachable", script: []step{{}}, cfg: func(c Config) Config { c.BaseURL = closed; return c }, note: "did not answer"},
		{name: "no API key", script: []step{{}}, cfg: func(c Config) Config { c.BaseURL, c.APIKey = "", ""; return c }, note: "OPENAI_API_KEY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeLLM(t, tt.script...)
			cfg := f.openAIConfig()
			if tt.cfg != nil {
				cfg = tt.cfg(cfg)
			}
			start := time.Now()
			ans, err := New(cfg, lake.NewCatalog(samples)).Ask(context.Background(), "How many customers churned?", nil)
			if err != nil {
				t.Fatal(err)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %s to fall back", d)
			}
			if ans.Provider != ProviderOffline {
				t.Errorf("answered by %s, want offline", ans.Provider)
			}
			if n := ans.Result.Rows[0][0]; n == nil {
				t.Errorf("no count")
			}
			if !strings.Contains(strings.Join(ans.Notes, " "), tt.note) {
				t.Errorf("notes %q do not say %q", ans.Notes, tt.note)
			}
		})
	}
}

func TestRetriesAreBounded(t *testing.T) {
	f := newFakeLLM(t, step{status: 502})
	cfg := f.openAIConfig()
	cfg.MaxRetries = 2
	ans, err := New(cfg, lake.NewCatalog(samples)).Ask(context.Background(), "How many customers are there?", nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(f.requests()); n != 3 {
		t.Errorf("%d requests, want 1 + 2 retries", n)
	}
	if ans.Provider != ProviderOffline {
		t.Errorf("answered by %s, want offline", ans.Provider)
	}
}

func TestOllama(t *testing.T) {
	f := newFakeLLM(t, step{text: "Plan:\n- count the customers\n```sql\nSELECT count(*) AS n FROM lake.samples.customers;\n```\nCounts every customer."})
	cfg := Config{Provider: ProviderOllama, Model: "llama3.1", BaseURL: f.srv.URL, RetryBackoff: time.Millisecond}
	ans, err := New(cfg, lake.NewCatalog(samples)).Ask(context.Background(), "How many customers are there?", nil)
	if err != nil {
		t.Fatal(err)
	}
	if ans.Provider != "ollama:llama3.1" || ans.Usage.PromptTokens != 50 || ans.Usage.CompletionTokens != 10 {
		t.Errorf("answered by %s with %+v", ans.Provider, ans.Usage)
	}
	if ans.SQL != "SELECT count(*) AS n FROM lake.samples.customers" || len(ans.Plan) != 1 {
		t.Errorf("SQL %q, plan %q", ans.SQL, ans.Plan)
	}
	if f.paths[0] != "/api/chat" {
		t.Errorf("request to %s, want /api/chat", f.paths[0])
	}
	if _, ok := f.requests()[0]["tools"]; ok {
		t.Errorf("the Ollama request offers tools; langchaingo's client cannot carry tool calls")
	}
}

func TestAnthropic(t *testing.T) {
	f := newFakeLLM(t,
		step{text: "Let me check.", calls: []fakeCall{{"run_query", `{"sql":"SELECT 1"}`}}},
		step{text: sqlAnswer("SELECT count(*) FROM lake.samples.customers")},
	)
	cfg := Config{Provider: ProviderAnthropic, Model: "claude", BaseURL: f.srv.URL + "/v1", APIKey: "k", RetryBackoff: time.Millisecond}
	ans, err := New(cfg, lake.NewCatalog(samples)).Ask(context.Background(), "How many customers are there?", nil)
	if err != nil {
		t.Fatal(err)
	}
	if ans.Provider != "anthropic:claude" || ans.Usage.Calls != 2 || ans.Usage.PromptTokens != 80 {
		t.Errorf("answered by %s with %+v", ans.Provider, ans.Usage)
	}
	if f.paths[0] != "/v1/messages" {
		t.Errorf("request to %s, want /v1/messages", f.paths[0])
	}
}

func TestFollowUpKeepsContext(t *testing.T) {
	f := newFakeLLM(t, step{text: sqlAnswer("SELECT count(*) FROM lake.samples.customers WHERE churned AND region = 'EU'")})
	hist := []Turn{{Question: "How many customers churned?", SQL: "SELECT count(*) FROM lake.samples.customers WHERE churned"}}
	_, err := New(f.openAIConfig(), lake.NewCatalog(samples)).Ask(context.Background(), "now only in the EU", hist)
	if err != nil {
		t.Fatal(err)
	}
	var contents []string
	for _, m := range f.messages(0) {
		s, _ := m["content"].(string)
		contents = append(contents, s)
	}
	all := strings.Join(contents, "\n")
	if !strings.Contains(all, "How many customers churned?") || !strings.Contains(all, "WHERE churned") {
		t.Errorf("the request lacks the earlier turn:\n%s", all)
	}

	// Offline, the follow-up changes the earlier question.
	ans, err := New(Config{}, lake.NewCatalog(samples)).Ask(context.Background(), "now only in the EU", hist)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ans.SQL, "churned") || !strings.Contains(ans.SQL, "'EU'") {
		t.Errorf("offline follow-up SQL lacks the earlier condition:\n%s", ans.SQL)
	}
}

func TestCancel(t *testing.T) {
	f := newFakeLLM(t, step{delay: 10 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := New(f.openAIConfig(), lake.NewCatalog(samples)).Ask(ctx, "How many customers are there?", nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the context's deadline", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %s after the context ended", d)
	}
}
