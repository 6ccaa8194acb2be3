package synth

import (
	"context"
	"database/sql/driver"
	"fmt"
	"sort"
	"strings"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/google/uuid"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/lakesql"
)

// writeTable writes f as the lake table ns.name in one CREATE TABLE AS:
// the rows go into a DuckDB temporary table as text through the appender,
// and the CREATE casts them back to each column's type.
func writeTable(ctx context.Context, sess *lakesql.Session, ns, name string, f *frame, replace bool, props map[string]string) error {
	conn := sess.Conn()
	tmp := "floe_synth_" + strings.ReplaceAll(uuid.NewString(), "-", "")
	defs := make([]string, len(f.cols))
	casts := make([]string, len(f.cols))
	for j, c := range f.cols {
		q := engine.QuoteIdent(c.name)
		defs[j] = q + " VARCHAR"
		casts[j] = "CAST(" + q + " AS " + c.typ + ") AS " + q
	}
	if _, err := conn.ExecContext(ctx, "CREATE TEMP TABLE "+tmp+" ("+strings.Join(defs, ", ")+")"); err != nil {
		return fmt.Errorf("stage the synthetic rows: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS temp.main."+tmp)
	err := conn.Raw(func(dc any) error {
		a, err := duckdb.NewAppender(dc.(driver.Conn), "temp", "main", tmp)
		if err != nil {
			return err
		}
		row := make([]driver.Value, len(f.cols))
		for i := range f.n {
			if i%4096 == 0 {
				if err := ctx.Err(); err != nil {
					a.Close()
					return err
				}
			}
			for j, c := range f.cols {
				if v, ok := c.format(i); ok {
					row[j] = v
				} else {
					row[j] = nil
				}
			}
			if err := a.AppendRow(row...); err != nil {
				a.Close()
				return err
			}
		}
		return a.Close()
	})
	if err != nil {
		return fmt.Errorf("stage the synthetic rows: %w", err)
	}
	create := "CREATE TABLE "
	if replace {
		create = "CREATE OR REPLACE TABLE "
	}
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var tp []string
	for _, k := range keys {
		tp = append(tp, engine.QuoteString(k)+"="+engine.QuoteString(props[k]))
	}
	q := create + tableIdent(ns, name)
	if len(tp) > 0 {
		q += " TBLPROPERTIES (" + strings.Join(tp, ", ") + ")"
	}
	q += " AS SELECT " + strings.Join(casts, ", ") + " FROM temp.main." + tmp
	if err := sess.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS lake."+engine.QuoteIdent(ns)); err != nil {
		return err
	}
	return sess.Exec(ctx, q)
}
