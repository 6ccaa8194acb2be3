package engine

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/apache/iceberg-go/table"
)

// Compactable decides whether compaction may rewrite a data file of t (its
// location). It is the one place such a rule lives: as in S3 Tables,
// compaction processes only data in the FREQUENT tier, so a file of an
// INTELLIGENT_TIERING table that nobody read for the table's
// infrequent-days is left where it is, and compaction never warms a cold
// file. A file whose tier cannot be worked out (a bad tiering property,
// an unreadable access log) is not compacted: the error is logged.
func Compactable(t *Table, dataFile string) bool {
	tier, err := t.tierOf(context.Background(), dataFile)
	if err != nil {
		slog.Warn("compaction skips a file whose tier is unknown", "table", t.Ident(), "file", dataFile, "err", err)
		return false
	}
	return tier == TierFrequent
}

// SortOrderSQL renders the table's default sort order as an ORDER BY list
// for DuckDB ("" when the table is unsorted). Only identity transforms
// can be said in SQL here; others are an error naming the field.
func (t *Table) SortOrderSQL() (string, error) {
	order := t.tbl.SortOrder()
	if order.IsUnsorted() {
		return "", nil
	}
	schema := t.Schema()
	var parts []string
	for _, f := range order.Fields() {
		if len(f.SourceIDs) != 1 || f.Transform.String() != "identity" {
			return "", fmt.Errorf("%s: sort order field %s is not an identity transform of one column; floe can only sort by columns", t.Ident(), f.Transform)
		}
		col, ok := schema.FindColumnName(f.SourceIDs[0])
		if !ok {
			return "", fmt.Errorf("%s: sort order names column id %d, which the schema lacks", t.Ident(), f.SourceIDs[0])
		}
		dir := "ASC"
		if f.Direction == table.SortDESC {
			dir = "DESC"
		}
		nulls := "NULLS FIRST"
		if f.NullOrder == table.NullsLast {
			nulls = "NULLS LAST"
		}
		parts = append(parts, QuoteIdent(col)+" "+dir+" "+nulls)
	}
	return strings.Join(parts, ", "), nil
}
