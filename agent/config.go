package agent

import (
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/floehq/floe/agent/schema"
)

// Providers.
const (
	ProviderOffline   = "offline"
	ProviderOpenAI    = "openai"
	ProviderOllama    = "ollama"
	ProviderAnthropic = "anthropic"
)

// Default models, used when Config.Model is empty.
const (
	DefaultOpenAIModel    = "gpt-4o-mini"
	DefaultOllamaModel    = "llama3.1"
	DefaultAnthropicModel = "claude-3-5-haiku-latest"
)

// Config configures an Agent. The zero value answers with the offline
// planner only; ConfigFromEnv reads the provider from the environment.
type Config struct {
	// Provider is openai (any OpenAI-compatible server), ollama, anthropic
	// or offline. Empty means offline.
	Provider string
	// Model is the model name; empty picks the provider's default.
	Model string
	// BaseURL is the server: the OpenAI-compatible base URL (ending in
	// /v1), the Ollama host, or the Anthropic API base URL. Empty picks the
	// provider's public default (Ollama: http://127.0.0.1:11434).
	BaseURL string
	// APIKey authenticates with OpenAI or Anthropic. An OpenAI-compatible
	// server at a custom BaseURL may need none.
	APIKey string

	// RequestTimeout bounds one model call, retries included (default 60s).
	RequestTimeout time.Duration
	// Timeout bounds all model calls for one question (default 3m).
	Timeout time.Duration
	// MaxRetries is how often a call is retried after HTTP 429, a 5xx
	// status or a dropped connection (default 3); RetryBackoff is the first
	// wait, doubled each time (default 500ms). A Retry-After header is
	// honoured up to 10s.
	MaxRetries   int
	RetryBackoff time.Duration
	// MaxRepairs is how many times a failing or empty query goes back to
	// the model to be fixed (default 2, so at most 3 attempts).
	MaxRepairs int
	// MaxSteps bounds the model calls for one question, tool calls
	// included (default 12).
	MaxSteps int
	// MaxRows bounds the rows kept in Answer.Result (default 1000).
	MaxRows int
	// PromptTables is the most tables whose schema goes into a prompt
	// (default 5).
	PromptTables int
	// AllowWrites lets the final SQL write: such SQL is returned with
	// Answer.Writes set and is not run by the agent, so that the caller
	// runs it once, with the user's consent. Tools never write.
	AllowWrites bool

	// Profiles keeps table profiles between questions, by table snapshot.
	// Agents may share one. Nil gives the agent its own, kept on disk where
	// the catalog offers a place (a lake warehouse's .floe-cache/profiles).
	Profiles *schema.ProfileCache

	// HTTPClient, if set, sends the model requests; its transport is
	// wrapped with retries. Tests use it; users have no need to.
	HTTPClient *http.Client
	// Logger receives diagnostics (default slog.Default()).
	Logger *slog.Logger
}

// ConfigFromEnv reads the provider settings from the environment:
//
//	FLOE_LLM           openai, ollama, anthropic or offline (default offline)
//	FLOE_LLM_MODEL     the model name (default per provider)
//	FLOE_LLM_TIMEOUT   timeout of one model call, such as 30s (default 60s)
//	OPENAI_BASE_URL    an OpenAI-compatible server (default https://api.openai.com/v1)
//	OPENAI_API_KEY     its key
//	OLLAMA_HOST        the Ollama server (default http://127.0.0.1:11434)
//	ANTHROPIC_API_KEY  the Anthropic key
//	ANTHROPIC_BASE_URL the Anthropic API (default https://api.anthropic.com/v1)
func ConfigFromEnv() Config {
	c := Config{
		Provider: strings.ToLower(strings.TrimSpace(os.Getenv("FLOE_LLM"))),
		Model:    os.Getenv("FLOE_LLM_MODEL"),
	}
	switch c.Provider {
	case ProviderOpenAI:
		c.BaseURL, c.APIKey = os.Getenv("OPENAI_BASE_URL"), os.Getenv("OPENAI_API_KEY")
	case ProviderOllama:
		c.BaseURL = os.Getenv("OLLAMA_HOST")
	case ProviderAnthropic:
		c.BaseURL, c.APIKey = os.Getenv("ANTHROPIC_BASE_URL"), os.Getenv("ANTHROPIC_API_KEY")
	}
	if d, err := time.ParseDuration(os.Getenv("FLOE_LLM_TIMEOUT")); err == nil && d > 0 {
		c.RequestTimeout = d
	}
	return c
}

func (c Config) withDefaults() Config {
	if c.Provider == "" {
		c.Provider = ProviderOffline
	}
	c.Provider = strings.ToLower(c.Provider)
	if c.Model == "" {
		switch c.Provider {
		case ProviderOpenAI:
			c.Model = DefaultOpenAIModel
		case ProviderOllama:
			c.Model = DefaultOllamaModel
		case ProviderAnthropic:
			c.Model = DefaultAnthropicModel
		}
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = 60 * time.Second
	}
	if c.Timeout <= 0 {
		c.Timeout = 3 * time.Minute
	}
	if c.MaxRetries < 0 {
		c.MaxRetries = 0
	} else if c.MaxRetries == 0 {
		c.MaxRetries = 3
	}
	if c.RetryBackoff <= 0 {
		c.RetryBackoff = 500 * time.Millisecond
	}
	if c.MaxRepairs <= 0 {
		c.MaxRepairs = 2
	}
	if c.MaxSteps <= 0 {
		c.MaxSteps = 12
	}
	if c.MaxRows <= 0 {
		c.MaxRows = 1000
	}
	if c.PromptTables <= 0 {
		c.PromptTables = 5
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}
