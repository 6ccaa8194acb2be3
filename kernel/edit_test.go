package kernel_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/kernel"
)

// shopSession is a held-results session over a warehouse with one table,
// lake.shop.items; with ids set, id is its identifier field.
func shopSession(t *testing.T, ids bool) *kernel.Session {
	t.Helper()
	wh := emptyWarehouse(t)
	s := openSession(t, wh, kernel.Options{MaxRows: 100, KeepResults: 4})
	runCell(t, s, "setup", `CREATE SCHEMA lake.shop;
CREATE TABLE lake.shop.items (id BIGINT NOT NULL, name VARCHAR, price DECIMAL(10,2), added DATE);
INSERT INTO lake.shop.items VALUES
  (1, 'apple', 0.50, DATE '2024-01-01'),
  (2, 'pear', 1.50, DATE '2024-01-02'),
  (3, NULL, 2.00, NULL),
  (4, 'fig', 3.00, DATE '2024-01-04'),
  (4, 'fig', 3.00, DATE '2024-01-04');
SELECT 1`)
	if ids {
		ctx := context.Background()
		tbl, err := wh.Table(ctx, "shop", "items")
		if err != nil {
			t.Fatal(err)
		}
		tx := tbl.Iceberg().NewTransaction()
		if err := tx.UpdateSchema(true, false).SetIdentifierField([][]string{{"id"}}).Commit(); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func TestProposeUpdate(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name     string
		ids      bool
		query    string
		row      int64
		order    []kernel.Order
		column   string
		value    string
		want     string
		rows     int64
		identity []string
	}{
		{"every column identifies", false, "SELECT * FROM lake.shop.items ORDER BY id", 1, nil, "price", "9.99",
			"UPDATE lake.shop.items SET price = 9.99 WHERE id = 2 AND name = 'pear' AND price = 1.50 AND added = '2024-01-02'::DATE", 1,
			[]string{"id", "name", "price", "added"}},
		{"NULLs match with IS NOT DISTINCT FROM", false, "SELECT * FROM lake.shop.items ORDER BY id", 2, nil, "name", "plum",
			"UPDATE lake.shop.items SET name = 'plum' WHERE id = 3 AND name IS NOT DISTINCT FROM NULL AND price = 2.00 AND added IS NOT DISTINCT FROM NULL", 1,
			[]string{"id", "name", "price", "added"}},
		{"equal rows both match", false, "SELECT * FROM lake.shop.items", 0, []kernel.Order{{Column: "id", Desc: true}}, "name", "NULL",
			"UPDATE lake.shop.items SET name = NULL WHERE id = 4 AND name = 'fig' AND price = 3.00 AND added = '2024-01-04'::DATE", 2,
			[]string{"id", "name", "price", "added"}},
		{"alias and a subset of columns", false, "SELECT name AS label, id FROM lake.shop.items WHERE id < 3 ORDER BY id LIMIT 5", 0, nil, "label", "it's",
			"UPDATE lake.shop.items SET name = 'it''s' WHERE name = 'apple' AND id = 1", 1,
			[]string{"name", "id"}},
		{"identifier field identifies", true, "SELECT id, added FROM lake.shop.items ORDER BY id", 0, nil, "added", "2025-02-03",
			"UPDATE lake.shop.items SET added = '2025-02-03'::DATE WHERE id = 1", 1,
			[]string{"id"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := shopSession(t, tc.ids)
			tb := runCell(t, s, "q", tc.query)
			p, err := s.ProposeUpdate(ctx, tb.Result, tc.row, tc.order, tc.column, tc.value)
			if err != nil {
				t.Fatal(err)
			}
			if p.Statement != tc.want {
				t.Errorf("statement\n got %s\nwant %s", p.Statement, tc.want)
			}
			if p.Rows != tc.rows || p.Table != "lake.shop.items" {
				t.Errorf("proposal changes %d rows of %s, want %d of lake.shop.items", p.Rows, p.Table, tc.rows)
			}
			if diff := cmp.Diff(tc.identity, p.Identity); diff != "" {
				t.Errorf("identity (-want +got):\n%s", diff)
			}
		})
	}
}

func TestApplyUpdate(t *testing.T) {
	ctx := context.Background()
	s := shopSession(t, false)
	snapshots := func() int64 {
		tb, err := s.Query(ctx, `SELECT count(*) FROM lake.shop."items$snapshots"`)
		if err != nil {
			t.Fatal(err)
		}
		return tb.Rows[0][0].(int64)
	}
	tb := runCell(t, s, "q", "SELECT * FROM lake.shop.items ORDER BY id")
	p, err := s.ProposeUpdate(ctx, tb.Result, 1, nil, "price", "9.99")
	if err != nil {
		t.Fatal(err)
	}
	before := snapshots()
	n, err := s.ApplyUpdate(ctx, p)
	if err != nil || n != 1 {
		t.Fatalf("apply: %d rows, %v", n, err)
	}
	if got := snapshots(); got != before+1 {
		t.Errorf("%d snapshots after the update, want %d: one commit", got, before+1)
	}
	after := runCell(t, s, "q", "SELECT id, CAST(price AS VARCHAR) FROM lake.shop.items ORDER BY id, price")
	want := [][]any{{int64(1), "0.50"}, {int64(2), "9.99"}, {int64(3), "2.00"}, {int64(4), "3.00"}, {int64(4), "3.00"}}
	if diff := cmp.Diff(want, after.Rows); diff != "" {
		t.Errorf("table after the update (-want +got):\n%s", diff)
	}

	// A proposal the table has moved past is refused, not applied.
	tb = runCell(t, s, "q", "SELECT * FROM lake.shop.items ORDER BY id")
	p, err = s.ProposeUpdate(ctx, tb.Result, 0, nil, "name", "quince")
	if err != nil {
		t.Fatal(err)
	}
	runCell(t, s, "other", "UPDATE lake.shop.items SET name = 'crab apple' WHERE id = 1; SELECT 1")
	if _, err := s.ApplyUpdate(ctx, p); !errors.Is(err, kernel.ErrStaleProposal) {
		t.Errorf("stale proposal applied: %v", err)
	}
}

func TestProposeUpdateRefusals(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name     string
		ids      bool
		query    string
		column   string
		value    string
		sentinel error
		says     string
	}{
		{"join", false, "SELECT a.id FROM lake.shop.items a JOIN lake.shop.items b ON a.id = b.id", "id", "1", kernel.ErrNotEditable, "join"},
		{"group by", false, "SELECT id, count(*) AS n FROM lake.shop.items GROUP BY id", "id", "1", kernel.ErrNotEditable, "groups rows"},
		{"computed column", false, "SELECT id, price * 2 AS p FROM lake.shop.items", "p", "1", kernel.ErrNotEditable, "computes a column"},
		{"with", false, "WITH x AS (SELECT * FROM lake.shop.items) SELECT * FROM x", "id", "1", kernel.ErrNotEditable, "WITH"},
		{"union", false, "SELECT id FROM lake.shop.items UNION ALL SELECT id FROM lake.shop.items", "id", "1", kernel.ErrNotEditable, "combines"},
		{"not a lake table", false, "SELECT i AS id FROM range(3) t(i)", "id", "1", kernel.ErrNotEditable, "one table"},
		{"distinct", false, "SELECT DISTINCT id FROM lake.shop.items", "id", "1", kernel.ErrNotEditable, "distinct"},
		{"metadata table", false, `SELECT snapshot_id FROM lake.shop."items$snapshots"`, "snapshot_id", "1", kernel.ErrNotEditable, "metadata"},
		{"lacks the identifier", true, "SELECT name, price FROM lake.shop.items", "price", "1", kernel.ErrNotEditable, "lacks id"},
		{"not a value of the type", false, "SELECT * FROM lake.shop.items", "price", "cheap", nil, `"cheap" is not a value`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := shopSession(t, tc.ids)
			tb := runCell(t, s, "q", tc.query)
			p, err := s.ProposeUpdate(ctx, tb.Result, 0, nil, tc.column, tc.value)
			if err == nil {
				t.Fatalf("proposed %s", p.Statement)
			}
			if tc.sentinel != nil && !errors.Is(err, tc.sentinel) {
				t.Errorf("error %v, want %v", err, tc.sentinel)
			}
			if !strings.Contains(err.Error(), tc.says) {
				t.Errorf("error %q does not say %q", err, tc.says)
			}
		})
	}
}

// TestReservedWords checks the bare-name list against DuckDB's own.
func TestReservedWords(t *testing.T) {
	s := openSession(t, emptyWarehouse(t), kernel.Options{})
	tb, err := s.Query(context.Background(), "SELECT keyword_name FROM duckdb_keywords() WHERE keyword_category = 'reserved' ORDER BY 1")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range tb.Rows {
		w := r[0].(string)
		if got := kernel.QuoteName(w); got != engine.QuoteIdent(w) {
			t.Errorf("reserved word %s written as %s", w, got)
		}
	}
}
