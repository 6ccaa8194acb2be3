package lakesql

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSpans checks that Spans gives where each statement of Split is.
func TestSpans(t *testing.T) {
	for _, script := range []string{
		"SELECT 1; SELECT 2",
		"  SELECT 1 ;\n-- c; d\n SELECT 'a;b'  ;; ",
		"SELECT $$x;y$$; /* ; */ SELECT \"q;\"",
		"",
	} {
		stmts, spans := Split(script), Spans(script)
		if len(stmts) != len(spans) {
			t.Fatalf("%q: %d statements, %d spans", script, len(stmts), len(spans))
		}
		var got, want []string
		for i, st := range stmts {
			want = append(want, st.Text)
			got = append(got, script[spans[i][0]:spans[i][1]])
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%q: spans do not hold the statements (-want +got):\n%s", script, d)
		}
	}
}
