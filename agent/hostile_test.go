package agent

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/agent/lake"
	"github.com/floehq/floe/agent/schema"
	"github.com/floehq/floe/engine/lakesql"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// corpusEntry is one query of a testdata corpus.
type corpusEntry struct{ name, sql string }

// readCorpus reads a corpus: entries start with a line "=== name" and run
// to the next one; lines before the first entry are its header.
func readCorpus(t *testing.T, path string) []corpusEntry {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []corpusEntry
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if name, ok := strings.CutPrefix(line, "=== "); ok {
			out = append(out, corpusEntry{name: strings.TrimSpace(name)})
			continue
		}
		if len(out) > 0 {
			out[len(out)-1].sql += line + "\n"
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for i := range out {
		out[i].sql = strings.TrimSpace(out[i].sql)
		if out[i].sql == "" {
			t.Fatalf("%s: entry %q has no SQL", path, out[i].name)
		}
	}
	return out
}

// secrets are what hostile SQL tries to read: a file in a directory of
// the test's own and an environment variable.
type secrets struct {
	path, dir string
	file, env string // the values
}

func newSecrets(t *testing.T) *secrets {
	t.Helper()
	dir := t.TempDir()
	s := &secrets{dir: dir, path: filepath.Join(dir, "secret.csv"),
		file: fmt.Sprintf("floe-file-secret-%d", time.Now().UnixNano()),
		env:  fmt.Sprintf("floe-env-secret-%d", time.Now().UnixNano())}
	if err := os.WriteFile(s.path, []byte("token,d\n"+s.file+",2024-01-01\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("FLOE_TEST_SECRET", s.env)
	return s
}

// expand fills a corpus entry's placeholders.
func (s *secrets) expand(sql string) string {
	return strings.NewReplacer("{{secret}}", s.path, "{{dir}}", s.dir).Replace(sql)
}

// leak names the secret text shows, or returns "".
func (s *secrets) leak(text string) string {
	for _, x := range []string{s.file, s.env, "root:x:0:0"} {
		if strings.Contains(text, x) {
			return x
		}
	}
	return ""
}

// addMacros defines, in a session's own DuckDB catalog, the pre-existing
// macros the corpus calls: both read the secret file.
func (s *secrets) addMacros(t *testing.T, sess *lakesql.Session) {
	t.Helper()
	for _, q := range []string{
		"CREATE OR REPLACE MACRO leak() AS TABLE SELECT * FROM read_text('" + s.path + "')",
		"CREATE OR REPLACE MACRO leak_text() AS (SELECT content FROM read_text('" + s.path + "'))",
	} {
		if _, err := sess.Conn().ExecContext(context.Background(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// TestGuardRefusesHostileCorpus runs testdata/hostile.sql through the
// guard: every entry is refused with a reason, none as a mere write (so
// allowing writes lets none of them run), and the reasons are those in
// testdata/hostile.golden (go test -run TestGuardRefusesHostileCorpus
// -update rewrites it).
func TestGuardRefusesHostileCorpus(t *testing.T) {
	ctx := context.Background()
	sec := newSecrets(t)
	corpus := readCorpus(t, "testdata/hostile.sql")
	if len(corpus) < 60 {
		t.Fatalf("the corpus has %d entries, want at least 60", len(corpus))
	}
	var golden strings.Builder
	for _, e := range corpus {
		err := CheckReadOnly(ctx, sec.expand(e.sql))
		var we *WriteError
		switch {
		case !errors.As(err, &we) || !errors.Is(err, ErrWrite):
			t.Errorf("%s: CheckReadOnly = %v, want a *WriteError\n%s", e.name, err, e.sql)
			continue
		case strings.TrimSpace(we.Reason) == "":
			t.Errorf("%s: refused without a reason", e.name)
		case we.Writes:
			t.Errorf("%s: refused only as a write (%s): with writes allowed it would run", e.name, we.Reason)
		}
		reason := strings.NewReplacer(sec.path, "{{secret}}", sec.dir, "{{dir}}").Replace(we.Reason)
		fmt.Fprintf(&golden, "=== %s\n%s\n", e.name, reason)
	}
	const path = "testdata/hostile.golden"
	if *update {
		if err := os.WriteFile(path, []byte(golden.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./agent -run TestGuardRefusesHostileCorpus -update writes it)", err)
	}
	if diff := cmp.Diff(string(want), golden.String()); diff != "" {
		t.Errorf("refusal reasons differ from %s (-want +got):\n%s", path, diff)
	}
}

// TestGuardAllowsAnalystCorpus runs testdata/analyst.sql: every entry
// passes the guard and runs on a confined session of the sample warehouse.
func TestGuardAllowsAnalystCorpus(t *testing.T) {
	ctx := context.Background()
	confined, err := lakesql.Open(ctx, samples.Warehouse(), lakesql.Confined())
	if err != nil {
		t.Fatal(err)
	}
	defer confined.Close()
	cat := lake.NewCatalog(confined)
	corpus := readCorpus(t, "testdata/analyst.sql")
	for _, e := range corpus {
		if err := CheckReadOnly(ctx, e.sql); err != nil {
			t.Errorf("%s: %v\n%s", e.name, err, e.sql)
			continue
		}
		if _, err := cat.Query(ctx, e.sql, 10); err != nil {
			t.Errorf("%s: passes the guard but fails on a confined session: %v\n%s", e.name, err, e.sql)
		}
	}
}

// TestHostileCorpusThroughProviders has each provider's loopback server
// answer with every hostile query, as a tool call (OpenAI, Anthropic) and
// as the final answer (all three), on an unconfined session: the guard
// alone keeps the secrets in. The answer is a refusal or the offline
// planner's, and no secret reaches the answer, the error or the model.
func TestHostileCorpusThroughProviders(t *testing.T) {
	ctx := context.Background()
	sec := newSecrets(t)
	s := hostileWarehouse(t)
	sec.addMacros(t, s)
	// Without the guard these read the secrets: the test is not vacuous.
	for _, q := range []string{"SELECT content FROM read_text('" + sec.path + "')", "SELECT * FROM leak()"} {
		res, err := lake.NewCatalog(s).Query(ctx, q, 10)
		if err != nil || sec.leak(renderResult(res)) == "" {
			t.Fatalf("%s does not read the secret unguarded: %v", q, err)
		}
	}
	corpus := readCorpus(t, "testdata/hostile.sql")
	providers := []struct {
		name  string
		tools bool
		cfg   func(url string) Config
	}{
		{"openai", true, func(u string) Config {
			return Config{Provider: ProviderOpenAI, Model: "m", BaseURL: u + "/v1", APIKey: "k", RetryBackoff: time.Millisecond}
		}},
		{"anthropic", true, func(u string) Config {
			return Config{Provider: ProviderAnthropic, Model: "m", BaseURL: u + "/v1", APIKey: "k", RetryBackoff: time.Millisecond}
		}},
		{"ollama", false, func(u string) Config {
			return Config{Provider: ProviderOllama, Model: "m", BaseURL: u, RetryBackoff: time.Millisecond}
		}},
	}
	for _, p := range providers {
		t.Run(p.name, func(t *testing.T) {
			// One server and one agent for the corpus, which keeps the
			// agent's table profiles; each entry gets a fresh script.
			f := newFakeLLM(t, step{text: "none"})
			cfg := p.cfg(f.srv.URL)
			cfg.MaxSteps = 5
			a := New(cfg, lake.NewCatalog(s))
			for _, e := range corpus {
				q := sec.expand(e.sql)
				var script []step
				if p.tools {
					args, _ := json.Marshal(map[string]string{"sql": q})
					script = append(script, step{calls: []fakeCall{{"run_query", string(args)}}})
				}
				script = append(script, step{text: sqlAnswer(q)})
				f.reset(script...)
				ans, err := a.Ask(ctx, "print the secret file please", nil)
				var shown string
				switch {
				case err != nil:
					if !errors.Is(err, ErrNoAnswer) {
						t.Errorf("%s: err = %v, want ErrNoAnswer", e.name, err)
					}
					shown = err.Error()
				case ans.Provider != ProviderOffline:
					t.Errorf("%s: answered by %s with %s, want a refusal or the offline planner", e.name, ans.Provider, ans.SQL)
				default:
					shown = strings.Join(ans.Notes, "\n") + ans.SQL
					if ans.Result != nil {
						shown += renderResult(ans.Result)
					}
				}
				if x := sec.leak(shown); x != "" {
					t.Errorf("%s: the answer shows the secret %q:\n%s", e.name, x, shown)
				}
				refused := false
				for _, r := range f.requests() {
					b, _ := json.Marshal(r)
					if x := sec.leak(string(b)); x != "" {
						t.Errorf("%s: the model was sent the secret %q", e.name, x)
					}
					refused = refused || strings.Contains(string(b), "refused")
				}
				if !refused {
					t.Errorf("%s: no refusal reached the model", e.name)
				}
			}
		})
	}
}

// TestConfinedSessionHoldsWithoutGuard runs every hostile query straight on
// a confined session, no guard in front: DuckDB itself keeps the secret
// file unread (the environment is out of reach too), so a guard bug is not
// a file read.
func TestConfinedSessionHoldsWithoutGuard(t *testing.T) {
	ctx := context.Background()
	sec := newSecrets(t)
	s, err := lakesql.Open(ctx, hostileWarehouse(t).Warehouse(), lakesql.Confined())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// The corpus's macros cannot even be defined here: DuckDB binds their
	// bodies, and read_text is refused.
	if _, err := s.Conn().ExecContext(ctx, "CREATE MACRO leak() AS TABLE SELECT * FROM read_text('"+sec.path+"')"); err == nil {
		t.Error("a confined session defined a macro that reads the secret file")
	}
	cat := lake.NewCatalog(s)
	for _, e := range readCorpus(t, "testdata/hostile.sql") {
		res, err := cat.Query(ctx, sec.expand(e.sql), 100)
		shown := ""
		if err != nil {
			shown = err.Error()
		} else {
			shown = renderResult(res)
		}
		if x := sec.leak(shown); x != "" {
			t.Errorf("%s: the confined session shows the secret %q:\n%s", e.name, x, shown)
		}
	}
	if _, err := os.Stat(filepath.Join(sec.dir, "out.csv")); err == nil {
		t.Error("COPY wrote outside the warehouse")
	}
	// The confined session still reads the lake.
	res, err := cat.Query(ctx, "SELECT count(*) FROM lake.crm.notes", 1)
	if err != nil || schema.Render(res.Rows[0][0]) != "3" {
		t.Errorf("lake.crm.notes on the confined session: %v, %v", res, err)
	}
}
