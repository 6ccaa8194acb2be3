package cli

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeIngest posts change events to floe serve's ingest endpoint: a
// write token applies them, a read token or none is refused, and the
// table is then readable through floe sql.
func TestServeIngest(t *testing.T) {
	wh := t.TempDir()
	tokens := filepath.Join(t.TempDir(), "tokens")
	os.WriteFile(tokens, []byte("reader-tok read\nwriter-tok write\n"), 0o600)
	url, _ := startServe(t, wh, "--token-file", tokens)
	body := `{"op":"c","after":{"id":1,"v":"a"},"source":{"lsn":1}}
{"op":"c","after":{"id":2,"v":"b"},"source":{"lsn":2}}
{"op":"d","before":{"id":1},"source":{"lsn":3}}
`
	tests := []struct {
		name, token string
		code        int
		answer      string
	}{
		{"no token", "", http.StatusUnauthorized, "needs a write token"},
		{"read token", "reader-tok", http.StatusUnauthorized, "needs a write token"},
		{"write token", "writer-tok", http.StatusOK, `"events":3`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, url+"/v1/ingest/s.t?key=id", strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			if tc.token != "" {
				req.Header.Set("Authorization", "Bearer "+tc.token)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.code || !strings.Contains(string(b), tc.answer) {
				t.Errorf("POST: %d %s, want %d with %s", resp.StatusCode, b, tc.code, tc.answer)
			}
		})
	}
	out, err := runFloe(t, wh, "--format", "csv", "SELECT id, v FROM lake.s.t ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	if out != "id,v\n2,b\n" {
		t.Errorf("table after ingest over HTTP: %q", out)
	}
}
