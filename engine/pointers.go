package engine

import (
	"context"
	"database/sql"
	"fmt"
)

// TablePointer is a table of the catalog and the metadata file its pointer
// names; the location changes with every commit to the table.
type TablePointer struct {
	Namespace, Name  string
	MetadataLocation string
}

// Pointers reads every namespace and every table pointer of the catalog in
// one query of the catalog database, never a metadata file: the cheap way
// to see what changed since an earlier read, in this process or another.
// Namespaces are sorted; tables are sorted by namespace and name.
func (w *Warehouse) Pointers(ctx context.Context) ([]string, []TablePointer, error) {
	// iceberg-go's SQL catalog lists a namespace when it has properties
	// or tables (ListNamespaces unions the same two tables).
	rows, err := w.db.QueryContext(ctx,
		`SELECT table_namespace, table_name, metadata_location FROM iceberg_tables
		 WHERE catalog_name = ? AND (iceberg_type = 'TABLE' OR iceberg_type IS NULL)
		 UNION ALL
		 SELECT DISTINCT namespace, NULL, NULL FROM iceberg_namespace_properties WHERE catalog_name = ?
		 ORDER BY 1, 2`, "floe", "floe")
	if err != nil {
		return nil, nil, fmt.Errorf("read catalog pointers: %w", err)
	}
	defer rows.Close()
	var (
		nss    []string
		tables []TablePointer
	)
	for rows.Next() {
		var ns string
		var name, loc sql.NullString
		if err := rows.Scan(&ns, &name, &loc); err != nil {
			return nil, nil, fmt.Errorf("read catalog pointers: %w", err)
		}
		if len(nss) == 0 || nss[len(nss)-1] != ns {
			nss = append(nss, ns)
		}
		if name.Valid {
			tables = append(tables, TablePointer{Namespace: ns, Name: name.String, MetadataLocation: loc.String})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("read catalog pointers: %w", err)
	}
	return nss, tables, nil
}
