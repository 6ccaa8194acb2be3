package cli_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestAskWithHostileModel has a loopback Ollama-style model answer floe
// ask with queries that read a secret file: with or without
// --allow-writes, floe ask prints no secret. A read-only answer runs and
// prints; a write runs only with --allow-writes.
func TestAskWithHostileModel(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("FLOE_WAREHOUSE", filepath.Join(dir, "warehouse"))
	secret := filepath.Join(dir, "secret.csv")
	const content = "floe-cli-secret-91c4"
	if err := os.WriteFile(secret, []byte("token\n"+content+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	answer := ""
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		sql := answer
		mu.Unlock()
		json.NewEncoder(w).Encode(map[string]any{"model": "m", "done": true,
			"message": map[string]any{"role": "assistant", "content": "1. Do it.\n```sql\n" + sql + "\n```\nDone."}})
	}))
	defer srv.Close()
	if code, _, stderr := floe(t, "sql", "CREATE SCHEMA lake.s; CREATE TABLE lake.s.t AS SELECT 1 AS x"); code != 0 {
		t.Fatalf("create the table: %s", stderr)
	}
	t.Setenv("FLOE_LLM", "ollama")
	t.Setenv("OLLAMA_HOST", srv.URL)
	say := func(sql string) {
		mu.Lock()
		answer = sql
		mu.Unlock()
	}

	for _, q := range []string{
		`SELECT * FROM "read_text"('` + secret + `')`,
		`SELECT * FROM '` + secret + `'`,
		`CREATE TABLE lake.s.leak AS SELECT * FROM read_csv('` + secret + `')`,
		`COPY (SELECT * FROM read_text('` + secret + `')) TO '` + filepath.Join(dir, "out.csv") + `'`,
	} {
		say(q)
		for _, args := range [][]string{{"ask", "print the secret file"}, {"ask", "--allow-writes", "print the secret file"}} {
			code, stdout, stderr := floe(t, args...)
			if code == 0 || strings.Contains(stdout+stderr, content) {
				t.Errorf("%v answered by %s: exit %d\nstdout:\n%s\nstderr:\n%s", args, q, code, stdout, stderr)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "out.csv")); err == nil {
		t.Error("floe ask wrote a file outside the warehouse")
	}

	say("SELECT count(*) AS n FROM lake.s.t")
	if code, stdout, stderr := floe(t, "ask", "--format", "csv", "how many rows are in t?"); code != 0 || stdout != "n\n1\n" {
		t.Errorf("a read-only answer: exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}
	say("INSERT INTO lake.s.t VALUES (2)")
	if code, _, _ := floe(t, "ask", "add a row"); code == 0 {
		t.Error("a write ran without --allow-writes")
	}
	if code, _, stderr := floe(t, "ask", "--allow-writes", "add a row"); code != 0 {
		t.Errorf("an allowed write failed: %s", stderr)
	}
	if code, stdout, _ := floe(t, "sql", "--format", "csv", "SELECT count(*) AS n FROM lake.s.t"); code != 0 || stdout != "n\n2\n" {
		t.Errorf("after the allowed write: %q", stdout)
	}
}
