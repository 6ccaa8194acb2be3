// Package restserver serves a floe warehouse over the Iceberg REST catalog
// protocol (apache/iceberg open-api/rest-catalog-open-api.yaml), so Spark,
// Trino, PyIceberg and iceberg-go share its tables with floe. Commits go
// through the warehouse's own catalog and commit locks: a REST commit and a
// floe commit are the same optimistic compare-and-swap on the table's
// metadata pointer, and interleave safely. Tables created through it get
// the warehouse's own locations (s3:// on object storage), and LoadTable's
// config carries Options.StorageConfig (for an S3 warehouse, what
// Warehouse.StorageConfig gives: endpoint, region, path style; keys only
// with VendSecrets).
package restserver
