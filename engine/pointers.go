package engine

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/apache/iceberg-go/table"
)

// TablePointer is a table of the catalog and the metadata file its pointer
// names; the location changes with every commit to the table.
type TablePointer struct {
	Namespace, Name  string
	MetadataLocation string // "" when the pointer cannot be read
	err              error  // why not
}

// Pointers reads every namespace and every table pointer of the catalog in
// one query of the catalog database, never a metadata file: the cheap way
// to see what changed since an earlier read, in this process or another.
// Namespaces are sorted; tables are sorted by namespace and name.
//
// Over an object-storage catalog (WithObjectCatalog) it lists the
// namespace objects and reads every table's pointer object instead: one
// listing per namespace and one small read per table, still no metadata.
// A corrupt pointer object is listed without a location; loading that
// table says what is wrong.
func (w *Warehouse) Pointers(ctx context.Context) ([]string, []TablePointer, error) {
	if w.obj != nil {
		return w.objectPointers(ctx)
	}
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

// objectPointers is Pointers over the object catalog.
func (w *Warehouse) objectPointers(ctx context.Context) ([]string, []TablePointer, error) {
	idents, err := w.obj.ListNamespaces(ctx, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("read catalog pointers: %w", err)
	}
	var (
		nss    []string
		tables []TablePointer
	)
	for _, id := range idents {
		if len(id) != 1 {
			continue // floe's schemas are one level; others are not floe's
		}
		ptrs, err := w.obj.Pointers(ctx, table.Identifier{id[0]})
		if err != nil {
			return nil, nil, fmt.Errorf("read catalog pointers: %w", err)
		}
		nss = append(nss, id[0])
		for _, p := range ptrs {
			tables = append(tables, TablePointer{Namespace: id[0], Name: p.Ident[len(p.Ident)-1], MetadataLocation: p.MetadataLocation, err: p.Err})
		}
	}
	return nss, tables, nil
}

// objectEntries is catalogEntries over the object catalog.
func (w *Warehouse) objectEntries(ctx context.Context) ([]catalogEntry, error) {
	_, ptrs, err := w.objectPointers(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]catalogEntry, len(ptrs))
	for i, p := range ptrs {
		if p.err != nil {
			return nil, p.err
		}
		out[i] = catalogEntry{ns: p.Namespace, name: p.Name, metadataLocation: p.MetadataLocation}
	}
	return out, nil
}
