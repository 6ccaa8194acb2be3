package agent

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/tmc/langchaingo/llms"
	"github.com/tmc/langchaingo/llms/anthropic"
	"github.com/tmc/langchaingo/llms/ollama"
	"github.com/tmc/langchaingo/llms/openai"
)

// ErrProvider is wrapped by errors from the language model: unreachable,
// timed out, refused the request or answered in a form the agent cannot
// read. The agent then falls back to the offline planner.
var ErrProvider = errors.New("language model unavailable")

// provider is a language model behind langchaingo.
type provider struct {
	kind  string
	name  string // kind:model, as reported in answers
	model llms.Model
	tools bool // supports tool calls
	opts  []llms.CallOption
	rt    *retryTransport
}

// newProvider builds the configured model client. It makes no request.
func newProvider(c Config) (*provider, error) {
	hc, rt := newHTTPClient(c)
	p := &provider{kind: c.Provider, name: c.Provider + ":" + c.Model, rt: rt,
		opts: []llms.CallOption{llms.WithTemperature(0), llms.WithMaxTokens(2048)}}
	var err error
	switch c.Provider {
	case ProviderOpenAI:
		opts := []openai.Option{openai.WithModel(c.Model), openai.WithHTTPClient(hc)}
		key := c.APIKey
		if c.BaseURL != "" {
			if _, err := parseBaseURL(c.BaseURL, "OPENAI_BASE_URL"); err != nil {
				return nil, err
			}
			opts = append(opts, openai.WithBaseURL(strings.TrimRight(c.BaseURL, "/")))
			// Servers that copy the OpenAI API (vLLM, llama.cpp, LM Studio)
			// know max_tokens longer than max_completion_tokens.
			p.opts = append(p.opts, openai.WithLegacyMaxTokensField())
			if key == "" {
				key = "none" // local OpenAI-compatible servers take any key
			}
		}
		if key == "" {
			return nil, fmt.Errorf("%w: OPENAI_API_KEY is not set (or set OPENAI_BASE_URL to a local OpenAI-compatible server)", ErrProvider)
		}
		opts = append(opts, openai.WithToken(key))
		p.model, err = openai.New(opts...)
		p.tools = true
	case ProviderOllama:
		host := c.BaseURL
		if host == "" {
			host = "http://127.0.0.1:11434"
		}
		u, err := parseBaseURL(host, "OLLAMA_HOST")
		if err != nil {
			return nil, err
		}
		p.model, err = ollama.New(ollama.WithModel(c.Model), ollama.WithServerURL(u.String()), ollama.WithHTTPClient(hc))
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrProvider, err)
		}
		// langchaingo's Ollama client sends text only; the agent asks for
		// one fenced SQL block instead of tool calls.
		p.tools = false
	case ProviderAnthropic:
		if c.APIKey == "" {
			return nil, fmt.Errorf("%w: ANTHROPIC_API_KEY is not set", ErrProvider)
		}
		opts := []anthropic.Option{anthropic.WithToken(c.APIKey), anthropic.WithModel(c.Model), anthropic.WithHTTPClient(hc)}
		if c.BaseURL != "" {
			if _, err := parseBaseURL(c.BaseURL, "ANTHROPIC_BASE_URL"); err != nil {
				return nil, err
			}
			opts = append(opts, anthropic.WithBaseURL(strings.TrimRight(c.BaseURL, "/")))
		}
		p.model, err = anthropic.New(opts...)
		p.tools = true
	default:
		return nil, fmt.Errorf("%w: unknown provider %q (FLOE_LLM takes openai, ollama, anthropic or offline)", ErrProvider, c.Provider)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrProvider, err)
	}
	return p, nil
}

// parseBaseURL accepts a URL, or a host[:port] as OLLAMA_HOST allows.
func parseBaseURL(s, name string) (*url.URL, error) {
	if !strings.Contains(s, "://") {
		if _, _, err := net.SplitHostPort(s); err != nil {
			s += ":11434"
		}
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("%w: %s=%q is not an http(s) URL", ErrProvider, name, s)
	}
	return u, nil
}

// reply is one model response, its choices merged: Anthropic returns text
// and each tool call as separate choices.
type reply struct {
	text  string
	calls []llms.ToolCall
	usage Usage
}

// generate makes one model call under the request timeout, streaming its
// text into st when st is not nil. A panic inside
// the client library (seen with malformed responses) becomes an error.
func (p *provider) generate(ctx context.Context, c Config, msgs []llms.MessageContent, tools []llms.Tool, st *streamer) (r *reply, err error) {
	ctx, cancel := context.WithTimeout(ctx, c.RequestTimeout)
	defer cancel()
	defer func() {
		if v := recover(); v != nil {
			r, err = nil, fmt.Errorf("%w: %s client failed on the response: %v", ErrProvider, p.kind, v)
		}
	}()
	opts := append([]llms.CallOption(nil), p.opts...)
	if len(tools) > 0 {
		opts = append(opts, llms.WithTools(tools))
	}
	if o := st.option(); o != nil {
		opts = append(opts, o)
	}
	resp, err := p.model.GenerateContent(ctx, msgs, opts...)
	if err != nil {
		if ctx.Err() != nil && !errors.Is(err, context.Canceled) {
			return nil, fmt.Errorf("%w: no response within %s", ErrProvider, c.RequestTimeout)
		}
		return nil, fmt.Errorf("%w: %v", ErrProvider, err)
	}
	if resp == nil || len(resp.Choices) == 0 {
		return nil, fmt.Errorf("%w: empty response", ErrProvider)
	}
	r = &reply{}
	for i, ch := range resp.Choices {
		if ch == nil {
			continue
		}
		if ch.Content != "" {
			if r.text != "" {
				r.text += "\n"
			}
			r.text += ch.Content
		}
		for _, tc := range ch.ToolCalls {
			if tc.FunctionCall == nil || tc.FunctionCall.Name == "" {
				return nil, fmt.Errorf("%w: a tool call without a function name", ErrProvider)
			}
			r.calls = append(r.calls, tc)
		}
		if i == 0 {
			r.usage = usageOf(ch.GenerationInfo)
		}
	}
	if r.text == "" && len(r.calls) == 0 {
		return nil, fmt.Errorf("%w: the response has neither text nor tool calls", ErrProvider)
	}
	return r, nil
}

// usageOf reads token counts from a choice's generation info, as OpenAI,
// Ollama and Anthropic report them.
func usageOf(info map[string]any) Usage {
	get := func(keys ...string) int {
		for _, k := range keys {
			switch v := info[k].(type) {
			case int:
				return v
			case int64:
				return int(v)
			case int32:
				return int(v)
			case float64:
				return int(v)
			}
		}
		return 0
	}
	u := Usage{PromptTokens: get("PromptTokens", "InputTokens"), CompletionTokens: get("CompletionTokens", "OutputTokens")}
	u.TotalTokens = u.PromptTokens + u.CompletionTokens
	return u
}
