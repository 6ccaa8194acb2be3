package lake

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/floehq/floe/agent/schema"
	"github.com/floehq/floe/engine/lakesql"
)

// Catalog is the agent's catalog (agent.Catalog) of a lakesql.Session: the
// tables of the warehouse attached as the DuckDB catalog lake.
type Catalog struct {
	sess *lakesql.Session
	mu   sync.Mutex // guards the caches below
	// meta caches what Tables reads from Iceberg metadata, by table name,
	// while the table's metadata location stays the same.
	meta map[string]tableMeta
	// listed is the last listing, reused while the warehouse's tables and
	// their metadata locations (fingerprint) stay the same: DuckDB's
	// duckdb_columns() costs milliseconds, the catalog lookups microseconds.
	listed      []schema.Table
	fingerprint string
}

type tableMeta struct {
	version string
	rows    int64
	comment string
	docs    map[string]string
}

// NewCatalog returns the Catalog of s. The agent runs one statement at
// a time on s, like every other user of a session. Agents that run a
// model's SQL are best given a session opened with lakesql.Confined, where
// DuckDB itself cannot open a file outside the warehouse.
func NewCatalog(s *lakesql.Session) *Catalog {
	return &Catalog{sess: s, meta: map[string]tableMeta{}}
}

// Tables lists the lake tables with their columns and comments from
// DuckDB's catalog, and their row counts and versions from the Iceberg
// metadata of their current snapshots.
func (c *Catalog) Tables(ctx context.Context) ([]schema.Table, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fp, fpErr := c.warehouseFingerprint(ctx)
	if fpErr == nil && c.listed != nil && fp == c.fingerprint {
		return cloneTables(c.listed), nil
	}
	// Tables created or changed by other sessions since the last listing
	// reach this session's DuckDB catalog first.
	if err := c.sess.Refresh(ctx); err != nil {
		return nil, fmt.Errorf("list lake tables: %w", err)
	}
	// The listing reads DuckDB's catalog only, so it goes to the connection
	// directly rather than through the session's lake planning.
	rows, err := c.sess.Conn().QueryContext(ctx, `SELECT c.schema_name, c.table_name, c.column_name, c.data_type,
  coalesce(c.comment, ''), coalesce(v.comment, '')
FROM duckdb_columns() c
LEFT JOIN duckdb_views() v ON v.database_name = c.database_name AND v.schema_name = c.schema_name AND v.view_name = c.table_name
WHERE c.database_name = 'lake' AND c.table_name NOT LIKE '%$%'
ORDER BY c.schema_name, c.table_name, c.column_index`)
	if err != nil {
		return nil, fmt.Errorf("list lake tables: %w", err)
	}
	defer rows.Close()
	var out []schema.Table
	for rows.Next() {
		var ns, table, col, typ, colComment, comment string
		if err := rows.Scan(&ns, &table, &col, &typ, &colComment, &comment); err != nil {
			return nil, fmt.Errorf("list lake tables: %w", err)
		}
		name := "lake." + ns + "." + table
		if len(out) == 0 || out[len(out)-1].Name != name {
			out = append(out, schema.Table{Name: name, Comment: comment, Rows: -1})
		}
		t := &out[len(out)-1]
		t.Columns = append(t.Columns, schema.Column{Name: col, Type: typ, Comment: colComment})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list lake tables: %w", err)
	}
	wh := c.sess.Warehouse()
	for i := range out {
		t := &out[i]
		parts := strings.SplitN(t.Name, ".", 3)
		loc, err := wh.MetadataLocation(ctx, parts[1], parts[2])
		if err != nil {
			continue // listed by DuckDB; a query reports what is wrong with it
		}
		m, ok := c.meta[t.Name]
		if !ok || m.version != loc {
			et, err := wh.Table(ctx, parts[1], parts[2])
			if err != nil {
				continue
			}
			m = tableMeta{version: et.MetadataLocation(), rows: -1, comment: et.Properties()["comment"], docs: map[string]string{}}
			if s := et.Iceberg().CurrentSnapshot(); s == nil {
				m.rows = 0
			} else if s.Summary != nil {
				if n, err := strconv.ParseInt(s.Summary.Properties["total-records"], 10, 64); err == nil {
					m.rows = n
				}
			}
			for _, f := range et.Schema().Fields() {
				if f.Doc != "" {
					m.docs[f.Name] = f.Doc
				}
			}
			c.meta[t.Name] = m
		}
		t.Version, t.Rows = m.version, m.rows
		if t.Comment == "" {
			t.Comment = m.comment
		}
		for j := range t.Columns {
			if t.Columns[j].Comment == "" {
				t.Columns[j].Comment = m.docs[t.Columns[j].Name]
			}
		}
	}
	if fpErr == nil {
		c.listed, c.fingerprint = cloneTables(out), fp
	}
	return out, nil
}

// warehouseFingerprint names every table of the warehouse with its
// metadata location: it changes whenever a table is created, dropped or
// committed to.
func (c *Catalog) warehouseFingerprint(ctx context.Context) (string, error) {
	wh := c.sess.Warehouse()
	nss, err := wh.Namespaces(ctx)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, ns := range nss {
		names, err := wh.Tables(ctx, ns)
		if err != nil {
			return "", err
		}
		for _, n := range names {
			loc, err := wh.MetadataLocation(ctx, ns, n)
			if err != nil {
				return "", err
			}
			b.WriteString(ns + "\x00" + n + "\x00" + loc + "\n")
		}
	}
	return b.String(), nil
}

func cloneTables(ts []schema.Table) []schema.Table {
	out := make([]schema.Table, len(ts))
	for i, t := range ts {
		out[i] = t
		out[i].Columns = append([]schema.Column(nil), t.Columns...)
	}
	return out
}

// Query runs sql on the session and returns at most maxRows rows.
func (c *Catalog) Query(ctx context.Context, sql string, maxRows int) (*schema.Result, error) {
	rows, err := c.sess.Query(ctx, sql)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	res := &schema.Result{Columns: rows.Columns, Types: rows.Types}
	for rows.Next() {
		if len(res.Rows) >= maxRows {
			res.Truncated = true
			break
		}
		res.Rows = append(res.Rows, rows.Values())
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return res, nil
}
