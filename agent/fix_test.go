package agent

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/floehq/floe/agent/lake"
)

func TestFixCellOffline(t *testing.T) {
	ctx := context.Background()
	a := New(Config{}, lake.NewCatalog(samples))
	cat := lake.NewCatalog(samples)
	for _, tt := range []struct{ src, want string }{
		{"SELECT contract, avg(churn::INT) FROM lake.samples.customers GROUP BY 1", "churned"},
		{"SELECT count(*) FROM lake.samples.customer", "lake.samples.customers"},
	} {
		_, err := cat.Query(ctx, tt.src, 1)
		if err == nil {
			t.Fatalf("%q does not fail", tt.src)
		}
		fx, err := a.FixCell(ctx, tt.src, "sql", err.Error())
		if err != nil {
			t.Fatalf("FixCell(%q): %v", tt.src, err)
		}
		if !fx.Verified || !strings.Contains(fx.Source, tt.want) || fx.Provider != ProviderOffline {
			t.Errorf("fix of %q: %+v", tt.src, fx)
		}
	}
	if _, err := a.FixCell(ctx, "x := 1 +", "go", "expected operand"); !errors.Is(err, ErrNoFix) {
		t.Errorf("offline Go fix: err = %v, want ErrNoFix", err)
	}
}

func TestFixCellModel(t *testing.T) {
	ctx := context.Background()
	f := newFakeLLM(t,
		step{text: "```sql\nSELECT count(*) FROM lake.samples.customers WHERE churn_flag\n```\nUse the flag."},
		step{text: "```sql\nSELECT count(*) FROM lake.samples.customers WHERE churned\n```\nchurned is a boolean."},
	)
	a := New(f.openAIConfig(), lake.NewCatalog(samples))
	fx, err := a.FixCell(ctx, "SELECT count(*) FROM lake.samples.customers WHERE churn", "sql", `Referenced column "churn" not found`)
	if err != nil {
		t.Fatal(err)
	}
	if !fx.Verified || fx.Attempts != 2 || fx.Explanation != "churned is a boolean." {
		t.Errorf("fix %+v, want the second proposal, verified", fx)
	}

	// Go is proposed, never run.
	g := newFakeLLM(t, step{text: "```go\nx := 1 + 2\n```\nThe expression was cut short."})
	fx, err = New(g.openAIConfig(), lake.NewCatalog(samples)).FixCell(ctx, "x := 1 +", "go", "expected operand")
	if err != nil {
		t.Fatal(err)
	}
	if fx.Source != "x := 1 + 2" || fx.Verified || fx.Lang != "go" {
		t.Errorf("go fix %+v", fx)
	}
}
