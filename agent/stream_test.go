package agent

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/floehq/floe/agent/lake"
)

// streamLLM is a loopback server that streams its scripted replies the way
// each provider does: server-sent events for OpenAI-compatible servers and
// Anthropic, NDJSON for Ollama. A reply is text, or one tool call (OpenAI).
type streamLLM struct {
	t      testing.TB
	srv    *httptest.Server
	mu     sync.Mutex
	script []streamStep
	reqs   []map[string]any
}

type streamStep struct {
	text string
	call *fakeCall
}

func newStreamLLM(t testing.TB, script ...streamStep) *streamLLM {
	f := &streamLLM{t: t, script: script}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// chunks cuts s into pieces of at most n bytes, as a model streams tokens.
func chunks(s string, n int) []string {
	var out []string
	for len(s) > n {
		out = append(out, s[:n])
		s = s[n:]
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}

func (f *streamLLM) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var req map[string]any
	json.Unmarshal(body, &req)
	f.mu.Lock()
	n := len(f.reqs)
	f.reqs = append(f.reqs, req)
	st := f.script[min(n, len(f.script)-1)]
	f.mu.Unlock()
	fl, _ := w.(http.Flusher)
	send := func(format string, args ...any) {
		fmt.Fprintf(w, format, args...)
		if fl != nil {
			fl.Flush()
		}
	}
	js := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	switch {
	case strings.HasSuffix(r.URL.Path, "/api/chat"):
		w.Header().Set("Content-Type", "application/x-ndjson")
		for _, c := range chunks(st.text, 7) {
			send("%s\n", js(map[string]any{"model": "m", "created_at": time.Now().Format(time.RFC3339),
				"message": map[string]any{"role": "assistant", "content": c}, "done": false}))
		}
		send("%s\n", js(map[string]any{"model": "m", "created_at": time.Now().Format(time.RFC3339),
			"message": map[string]any{"role": "assistant", "content": ""}, "done": true,
			"prompt_eval_count": 50, "eval_count": 10}))
	case strings.HasSuffix(r.URL.Path, "/messages"):
		w.Header().Set("Content-Type", "text/event-stream")
		ev := func(name string, v any) { send("event: %s\ndata: %s\n\n", name, js(v)) }
		ev("message_start", map[string]any{"type": "message_start", "message": map[string]any{"id": "msg", "type": "message",
			"role": "assistant", "model": "m", "content": []any{}, "usage": map[string]any{"input_tokens": 40, "output_tokens": 1}}})
		ev("content_block_start", map[string]any{"type": "content_block_start", "index": 0, "content_block": map[string]any{"type": "text", "text": ""}})
		send(": keep-alive\n\n")
		for _, c := range chunks(st.text, 7) {
			ev("content_block_delta", map[string]any{"type": "content_block_delta", "index": 0, "delta": map[string]any{"type": "text_delta", "text": c}})
		}
		ev("content_block_stop", map[string]any{"type": "content_block_stop", "index": 0})
		ev("message_delta", map[string]any{"type": "message_delta", "delta": map[string]any{"stop_reason": "end_turn"}, "usage": map[string]any{"output_tokens": 8}})
		ev("message_stop", map[string]any{"type": "message_stop"})
	default:
		w.Header().Set("Content-Type", "text/event-stream")
		chunk := func(delta map[string]any, finish any) {
			send("data: %s\n\n", js(map[string]any{"id": "x", "object": "chat.completion.chunk", "model": "m",
				"choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}}}))
		}
		chunk(map[string]any{"role": "assistant", "content": ""}, nil)
		finish := "stop"
		if st.call != nil {
			chunk(map[string]any{"tool_calls": []any{map[string]any{"index": 0, "id": fmt.Sprintf("call_%d", n), "type": "function",
				"function": map[string]any{"name": st.call.name, "arguments": ""}}}}, nil)
			for _, c := range chunks(st.call.args, 9) {
				chunk(map[string]any{"tool_calls": []any{map[string]any{"index": 0, "function": map[string]any{"arguments": c}}}}, nil)
			}
			finish = "tool_calls"
		}
		for _, c := range chunks(st.text, 7) {
			chunk(map[string]any{"content": c}, nil)
		}
		chunk(map[string]any{}, finish)
		send("data: %s\n\n", js(map[string]any{"id": "x", "object": "chat.completion.chunk", "model": "m", "choices": []any{},
			"usage": map[string]any{"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120}}))
		send("data: [DONE]\n\n")
	}
}

// TestStreamingTokens asks each provider with WithTokens: the chunks
// arrive one by one and add up to the model's text (the later call of a
// repaired answer after a blank line, tool calls left out), the request
// asked for a stream, and usage is reported as without streaming.
func TestStreamingTokens(t *testing.T) {
	ctx := context.Background()
	good := sqlAnswer("SELECT count(*) AS customers FROM lake.samples.customers")
	bad := sqlAnswer("SELECT count(*) FROM lake.samples.no_such_table")
	for _, tc := range []struct {
		name      string
		config    func(url string) Config
		script    []streamStep
		want      string
		calls     int
		prompt    int
		complete  int
		streamKey string // the request field that asks for a stream
	}{
		{"openai", func(u string) Config {
			return Config{Provider: ProviderOpenAI, Model: "test-model", BaseURL: u + "/v1", APIKey: "k", RetryBackoff: time.Millisecond}
		}, []streamStep{
			{call: &fakeCall{"run_query", `{"sql":"SELECT count(*) FROM lake.samples.customers"}`}},
			{text: good},
		}, good, 2, 200, 40, "stream"},
		{"ollama", func(u string) Config {
			return Config{Provider: ProviderOllama, Model: "llama3.1", BaseURL: u, RetryBackoff: time.Millisecond}
		}, []streamStep{{text: bad}, {text: good}}, bad + "\n\n" + good, 2, 100, 20, "stream"},
		{"anthropic", func(u string) Config {
			return Config{Provider: ProviderAnthropic, Model: "claude", BaseURL: u + "/v1", APIKey: "k", RetryBackoff: time.Millisecond}
		}, []streamStep{{text: good}}, good, 1, 40, 8, "stream"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newStreamLLM(t, tc.script...)
			a := New(tc.config(f.srv.URL), lake.NewCatalog(samples))
			var got []string
			ans, err := a.Ask(ctx, "How many customers are there?", nil, WithTokens(func(s string) { got = append(got, s) }))
			if err != nil {
				t.Fatal(err)
			}
			if ans.Provider == ProviderOffline {
				t.Fatalf("the offline planner answered: %v", ans.Notes)
			}
			if len(got) < 3 {
				t.Errorf("%d chunks, want the text in several", len(got))
			}
			if s := strings.Join(got, ""); s != tc.want {
				t.Errorf("streamed text:\n%q\nwant\n%q", s, tc.want)
			}
			if ans.Usage.Calls != tc.calls || ans.Usage.PromptTokens != tc.prompt || ans.Usage.CompletionTokens != tc.complete {
				t.Errorf("usage %+v, want %d calls, %d prompt and %d completion tokens", ans.Usage, tc.calls, tc.prompt, tc.complete)
			}
			if ans.Result == nil || len(ans.Result.Rows) != 1 {
				t.Errorf("result %+v, want one row", ans.Result)
			}
			for i, req := range f.reqs {
				if req[tc.streamKey] != true {
					t.Errorf("request %d does not ask for a stream: %v", i, req[tc.streamKey])
				}
			}
		})
	}
}

// TestStreamingFix streams a proposed fix, and asks for no stream without
// WithTokens.
func TestStreamingFix(t *testing.T) {
	ctx := context.Background()
	reply := "```sql\nSELECT count(*) FROM lake.samples.customers\n```\nThe table is customers."
	f := newStreamLLM(t, streamStep{text: reply})
	cfg := Config{Provider: ProviderOpenAI, Model: "test-model", BaseURL: f.srv.URL + "/v1", APIKey: "k", RetryBackoff: time.Millisecond}
	a := New(cfg, lake.NewCatalog(samples))
	var b strings.Builder
	fx, err := a.FixCell(ctx, "SELECT count(*) FROM lake.samples.customer", "sql", "table does not exist", WithTokens(func(s string) { b.WriteString(s) }))
	if err != nil {
		t.Fatal(err)
	}
	if b.String() != reply || !fx.Verified || fx.Usage.PromptTokens != 100 {
		t.Errorf("streamed %q, fix %+v", b.String(), fx)
	}
	if f.reqs[0]["stream"] != true {
		t.Errorf("the fix request does not ask for a stream")
	}
}

func TestIsToolDelta(t *testing.T) {
	for _, tc := range []struct {
		chunk string
		want  bool
	}{
		{`[{"id":"call_1","type":"function","function":{"name":"run_query","arguments":""}}]`, true},
		{`[{"type":"","function":{"name":"","arguments":"{\"sql\""}}]`, true},
		{`[{"a":1}]`, false},
		{`[{`, false},
		{"SELECT 1", false},
		{"", false},
	} {
		if got := isToolDelta([]byte(tc.chunk)); got != tc.want {
			t.Errorf("isToolDelta(%q) = %v, want %v", tc.chunk, got, tc.want)
		}
	}
}
