package engine

import (
	"fmt"
	"strings"

	"github.com/apache/iceberg-go/table"
)

// Compactable decides whether compaction may rewrite a data file of t. It
// is the one place such a rule lives: today every file may be compacted;
// storage tiering will refuse files outside the frequent-access tier.
func Compactable(t *Table, dataFile string) bool { return true }

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
