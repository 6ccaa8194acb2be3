package agent

import (
	"bytes"
	"context"
	"encoding/json"

	"github.com/tmc/langchaingo/llms"
)

// CallOption changes one call of Ask or FixCell.
type CallOption func(*callOptions)

type callOptions struct {
	onToken func(string)
}

func callOptionsOf(opts []CallOption) callOptions {
	var co callOptions
	for _, o := range opts {
		if o != nil {
			o(&co)
		}
	}
	return co
}

// WithTokens streams the model's reply: fn receives its text chunk by
// chunk as the provider sends it (server-sent events from OpenAI-compatible
// servers and Anthropic, NDJSON from Ollama), while Ask or FixCell waits.
// When one question takes several model calls (tool calls, repairs), the
// text of each later call is preceded by a blank line. Tool calls are not
// passed on, and the offline planner sends nothing. Usage is counted as
// without streaming. fn is called on the client's goroutine, one chunk at a
// time, and should return quickly.
func WithTokens(fn func(chunk string)) CallOption {
	return func(o *callOptions) { o.onToken = fn }
}

// streamer passes one question's streamed text on to a callback.
type streamer struct {
	fn      func(string)
	wrote   bool // text was passed on
	newCall bool // the next text starts a new model call
}

func newStreamer(fn func(string)) *streamer {
	if fn == nil {
		return nil
	}
	return &streamer{fn: fn}
}

// option returns the langchaingo option that streams one model call into
// s, or nil for a nil streamer.
func (s *streamer) option() llms.CallOption {
	if s == nil {
		return nil
	}
	s.newCall = s.wrote
	return llms.WithStreamingFunc(func(_ context.Context, chunk []byte) error {
		s.chunk(chunk)
		return nil
	})
}

func (s *streamer) chunk(b []byte) {
	if len(b) == 0 || isToolDelta(b) {
		return
	}
	if s.newCall {
		s.fn("\n\n")
		s.newCall = false
	}
	s.fn(string(b))
	s.wrote = true
}

// isToolDelta reports whether a streamed chunk is langchaingo's JSON
// encoding of tool-call deltas (OpenAI-compatible streams pass those
// through the same callback as text), which is not for people to read.
func isToolDelta(b []byte) bool {
	if !bytes.HasPrefix(b, []byte(`[{`)) || !json.Valid(b) {
		return false
	}
	var deltas []map[string]json.RawMessage
	if err := json.Unmarshal(b, &deltas); err != nil || len(deltas) == 0 {
		return false
	}
	for _, d := range deltas {
		if _, ok := d["function"]; !ok {
			return false
		}
	}
	return true
}
