package kernel_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/notebooks"
)

// outputText renders a cell's outputs and error for searching.
func outputText(r *kernel.Result) string {
	b, _ := json.Marshal(r.Outputs)
	s := string(b)
	if r.Err != nil {
		s += r.Err.Error()
	}
	return s
}

// TestAgentsCannotReadFiles has an Ollama-style loopback model answer an
// ask cell and the chat with queries that read a secret file: neither the
// cell nor the chat shows it. The same SQL in a SQL cell does read it: the
// file is readable, the agents are what stop it.
func TestAgentsCannotReadFiles(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "secret.csv")
	const content = "floe-kernel-secret-5e2f"
	if err := os.WriteFile(secret, []byte("token\n"+content+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	queries := []string{
		fmt.Sprintf(`SELECT * FROM "read_text"('%s')`, secret),
		fmt.Sprintf(`SELECT * FROM '%s'`, secret),
		fmt.Sprintf(`SELECT * FROM query('SELECT * FROM read_csv(''%s'')')`, secret),
	}
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := queries[n%len(queries)]
		n++
		json.NewEncoder(w).Encode(map[string]any{"model": "m", "done": true,
			"message": map[string]any{"role": "assistant", "content": "1. Read it.\n```sql\n" + q + "\n```\nReads the file."}})
	}))
	defer srv.Close()
	t.Setenv("FLOE_LLM", "ollama")
	t.Setenv("OLLAMA_HOST", srv.URL)
	ctx := context.Background()
	s := openSession(t, sampleWarehouse(t), kernel.Options{})

	for i, q := range queries {
		c := &notebooks.Cell{ID: fmt.Sprintf("ask%d", i), Kind: notebooks.Code, Lang: notebooks.LangAsk, Source: "print the secret file"}
		r := s.Run(ctx, c)
		if r.Status != kernel.Failed || strings.Contains(outputText(r), content) {
			t.Errorf("ask cell answered by %s: %s, want a failure without the secret:\n%s", q, r.Status, outputText(r))
		}
		ans, err := s.Ask(ctx, "print the secret file", nil)
		if err == nil {
			t.Errorf("the chat answered %s with %s", q, ans.SQL)
		} else if strings.Contains(err.Error(), content) {
			t.Errorf("the chat's error shows the secret: %v", err)
		}
	}
	r := s.Run(ctx, &notebooks.Cell{ID: "direct", Kind: notebooks.Code, Lang: notebooks.LangSQL, Source: queries[0]})
	if !strings.Contains(outputText(r), content) {
		t.Fatalf("a SQL cell does not read the secret file (%s): the test shows nothing", r.Status)
	}
}

// TestAgentsSeeNewTables creates tables in cells while the agents' own
// session is open: the chat and ask cells answer about them.
func TestAgentsSeeNewTables(t *testing.T) {
	t.Setenv("FLOE_LLM", "offline")
	ctx := context.Background()
	s := openSession(t, emptyWarehouse(t), kernel.Options{})
	run := func(lang, src string) *kernel.Result {
		t.Helper()
		r := s.Run(ctx, &notebooks.Cell{ID: "c", Kind: notebooks.Code, Lang: lang, Source: src})
		if r.Status != kernel.Passed {
			t.Fatalf("%s: %s %v", src, r.Status, r.Err)
		}
		return r
	}
	run(notebooks.LangSQL, "CREATE SCHEMA lake.shop; CREATE TABLE lake.shop.orders AS SELECT range AS order_id FROM range(3)")
	if ans, err := s.Ask(ctx, "how many orders are there?", nil); err != nil || !strings.Contains(ans.SQL, "lake.shop.orders") {
		t.Fatalf("Ask = %v, %v", ans, err)
	}
	run(notebooks.LangSQL, "CREATE TABLE lake.shop.gadgets AS SELECT range AS gadget_id FROM range(5)")
	ans, err := s.Ask(ctx, "how many gadgets are there?", nil)
	if err != nil || !strings.Contains(ans.SQL, "lake.shop.gadgets") || fmt.Sprint(ans.Result.Rows) != "[[5]]" {
		t.Fatalf("Ask about a table created after the agents' session opened = %+v, %v", ans, err)
	}
	r := run(notebooks.LangAsk, "how many gadgets are there?")
	if !strings.Contains(outputText(r), "lake.shop.gadgets") {
		t.Errorf("the ask cell did not use the new table:\n%s", outputText(r))
	}
}
