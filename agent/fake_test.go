package agent

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/floehq/floe/agent/internal/agenttest"
	"github.com/floehq/floe/engine/lakesql"
)

// samples is a session on a warehouse with the sample datasets, shared by
// the tests that only read.
var samples *lakesql.Session

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "floe-agent-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	s, closeAll, err := agenttest.Open(context.Background(), dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	samples = s
	code := m.Run()
	hostileClose()
	closeAll()
	os.RemoveAll(dir)
	os.Exit(code)
}

// step is one scripted model response.
type step struct {
	status     int           // HTTP status; 0 means 200
	raw        string        // a raw body instead of a well-formed one
	text       string        // the assistant's text
	calls      []fakeCall    // tool calls
	delay      time.Duration // wait before answering
	retryAfter string
}

type fakeCall struct{ name, args string }

// fakeLLM is a loopback server speaking the OpenAI chat-completions API,
// Ollama's /api/chat or Anthropic's /v1/messages, answering from a script.
// When the script runs out it repeats its last step.
type fakeLLM struct {
	t      testing.TB
	srv    *httptest.Server
	mu     sync.Mutex
	script []step
	reqs   []map[string]any
	paths  []string
}

func newFakeLLM(t testing.TB, script ...step) *fakeLLM {
	f := &fakeLLM{t: t, script: script}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// reset gives the server a new script and forgets the requests so far.
func (f *fakeLLM) reset(script ...step) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.script, f.reqs, f.paths = script, nil, nil
}

func (f *fakeLLM) requests() []map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]map[string]any(nil), f.reqs...)
}

func (f *fakeLLM) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var req map[string]any
	json.Unmarshal(body, &req)
	f.mu.Lock()
	n := len(f.reqs)
	f.reqs = append(f.reqs, req)
	f.paths = append(f.paths, r.URL.Path)
	st := f.script[min(n, len(f.script)-1)]
	f.mu.Unlock()
	if st.delay > 0 {
		select {
		case <-time.After(st.delay):
		case <-r.Context().Done():
			return
		}
	}
	if st.retryAfter != "" {
		w.Header().Set("Retry-After", st.retryAfter)
	}
	if st.status != 0 && st.status != http.StatusOK {
		w.WriteHeader(st.status)
		fmt.Fprintf(w, `{"error":{"message":"scripted status %d"}}`, st.status)
		return
	}
	if st.raw != "" {
		io.WriteString(w, st.raw)
		return
	}
	switch {
	case strings.HasSuffix(r.URL.Path, "/api/chat"):
		out, _ := json.Marshal(map[string]any{"model": "m", "created_at": time.Now().Format(time.RFC3339),
			"message": map[string]any{"role": "assistant", "content": st.text}, "done": true,
			"prompt_eval_count": 50, "eval_count": 10})
		w.Write(append(out, '\n'))
	case strings.HasSuffix(r.URL.Path, "/messages"):
		var content []map[string]any
		if st.text != "" {
			content = append(content, map[string]any{"type": "text", "text": st.text})
		}
		for i, c := range st.calls {
			var input map[string]any
			json.Unmarshal([]byte(c.args), &input)
			content = append(content, map[string]any{"type": "tool_use", "id": fmt.Sprintf("tu_%d_%d", n, i), "name": c.name, "input": input})
		}
		json.NewEncoder(w).Encode(map[string]any{"id": "msg", "type": "message", "role": "assistant", "model": "m",
			"content": content, "stop_reason": "end_turn", "usage": map[string]any{"input_tokens": 40, "output_tokens": 8}})
	default:
		msg := map[string]any{"role": "assistant", "content": st.text}
		var calls []map[string]any
		for i, c := range st.calls {
			calls = append(calls, map[string]any{"id": fmt.Sprintf("call_%d_%d", n, i), "type": "function",
				"function": map[string]any{"name": c.name, "arguments": c.args}})
		}
		finish := "stop"
		if len(calls) > 0 {
			msg["tool_calls"] = calls
			finish = "tool_calls"
		}
		json.NewEncoder(w).Encode(map[string]any{"id": "x", "object": "chat.completion", "model": "m",
			"choices": []any{map[string]any{"index": 0, "message": msg, "finish_reason": finish}},
			"usage":   map[string]any{"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120}})
	}
}

// openAIConfig returns a config for the fake server, with short timeouts
// and backoff so that tests stay fast.
func (f *fakeLLM) openAIConfig() Config {
	return Config{Provider: ProviderOpenAI, Model: "test-model", BaseURL: f.srv.URL + "/v1", APIKey: "k",
		RequestTimeout: 5 * time.Second, RetryBackoff: time.Millisecond}
}

func sqlAnswer(sql string) string {
	return "1. Read the customers.\n2. Count them.\n```sql\n" + sql + "\n```\nThis counts the customers."
}

// messages returns the messages of the i-th request.
func (f *fakeLLM) messages(i int) []map[string]any {
	reqs := f.requests()
	var out []map[string]any
	if i >= len(reqs) {
		return nil
	}
	ms, _ := reqs[i]["messages"].([]any)
	for _, m := range ms {
		if mm, ok := m.(map[string]any); ok {
			out = append(out, mm)
		}
	}
	return out
}
