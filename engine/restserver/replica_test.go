package restserver

import (
	"errors"
	"strings"
	"testing"

	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table"

	"github.com/floehq/floe/engine"
)

// TestReplicaCommitsRefused marks a table as a replica (the property
// floe replicate sets) and checks that commits through the REST catalog,
// single and multi-table, are refused with 403 naming the source.
func TestReplicaCommitsRefused(t *testing.T) {
	f := serve(t, Options{})
	cat := f.client()
	ident := table.Identifier{"r", "t"}
	if err := cat.CreateNamespace(f.ctx, table.Identifier{"r"}, nil); err != nil {
		t.Fatal(err)
	}
	tbl, err := cat.CreateTable(f.ctx, ident, testSchema)
	if err != nil {
		t.Fatal(err)
	}
	tbl = appendRows(t, f, tbl, 1, 3)
	tx := tbl.NewTransaction()
	if err := tx.SetProperties(iceberg.Properties{engine.PropReplicaOf: "lake.src.t", engine.PropReplicaSourceWarehouse: "/elsewhere"}); err != nil {
		t.Fatal(err)
	}
	if tbl, err = tx.Commit(f.ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		commit func() error
	}{
		{"append", func() error {
			tx := tbl.NewTransaction()
			data := rowsTable(t, 10, 2)
			defer data.Release()
			if err := tx.AppendTable(f.ctx, data, 2, nil); err != nil {
				return err
			}
			_, err := tx.Commit(f.ctx)
			return err
		}},
		{"properties", func() error {
			tx := tbl.NewTransaction()
			if err := tx.SetProperties(iceberg.Properties{"k": "v"}); err != nil {
				return err
			}
			_, err := tx.Commit(f.ctx)
			return err
		}},
	} {
		err := c.commit()
		if err == nil || !strings.Contains(err.Error(), "replica of lake.src.t") {
			t.Errorf("%s on a replica: %v, want a refusal naming the source", c.name, err)
		}
	}
	status, body := f.do("POST", "/v1/transactions/commit", "",
		`{"table-changes": [{"identifier": {"namespace": ["r"], "name": "t"}, "requirements": [], "updates": [{"action": "set-properties", "updates": {"k": "v"}}]}]}`)
	if status != 403 || !strings.Contains(body["error"].(map[string]any)["message"].(string), "replica of lake.src.t") {
		t.Errorf("multi-table commit on a replica: %d %v, want 403 naming the source", status, body)
	}
	status, body = f.do("DELETE", "/v1/namespaces/r/tables/t", "", "")
	if status != 403 {
		t.Errorf("drop of a replica: %d %v, want 403", status, body)
	}
	if _, err := f.wh.Table(f.ctx, "r", "t"); errors.Is(err, engine.ErrNoSuchTable) {
		t.Error("the replica was dropped")
	}
}
