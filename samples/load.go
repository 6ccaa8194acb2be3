package samples

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/lakesql"
)

// Namespace is the lake schema the sample tables are installed in.
const Namespace = "samples"

// partitioning says how each sample table is partitioned in the lake.
var partitioning = map[string]string{
	"daily_sales": "PARTITIONED BY (month(sale_date))",
}

// Load creates lake.samples.<name> for every dataset, generated from seed,
// skipping tables that already exist.
func Load(ctx context.Context, s *lakesql.Session, seed uint64) error {
	if err := s.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS lake."+Namespace); err != nil {
		return fmt.Errorf("install samples: %w", err)
	}
	tmp, err := os.MkdirTemp("", "floe-samples-")
	if err != nil {
		return fmt.Errorf("install samples: %w", err)
	}
	defer os.RemoveAll(tmp)
	existing, err := s.Warehouse().Tables(ctx, Namespace)
	if err != nil {
		return err
	}
	for _, d := range All() {
		if contains(existing, d.Name) {
			continue
		}
		path := filepath.Join(tmp, d.Name+".csv")
		f, err := os.Create(path)
		if err != nil {
			return fmt.Errorf("install samples: %w", err)
		}
		if err := d.WriteCSV(f, seed); err != nil {
			f.Close()
			return fmt.Errorf("install sample %s: %w", d.Name, err)
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("install sample %s: %w", d.Name, err)
		}
		cols := make([]string, len(d.Columns))
		for i, c := range d.Columns {
			cols[i] = engine.QuoteString(c.Name) + ": " + engine.QuoteString(c.Type)
		}
		q := fmt.Sprintf("CREATE TABLE lake.%s.%s %s AS SELECT * FROM read_csv(%s, header = true, columns = {%s})",
			Namespace, d.Name, partitioning[d.Name], engine.QuoteString(path), strings.Join(cols, ", "))
		if err := s.Exec(ctx, q); err != nil {
			return fmt.Errorf("install sample %s: %w", d.Name, err)
		}
	}
	return nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
