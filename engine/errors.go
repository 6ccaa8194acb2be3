package engine

import (
	"errors"

	"github.com/apache/iceberg-go/catalog"
)

// Sentinel errors callers branch on with errors.Is. The catalog's own
// sentinels are wrapped, so errors.Is(err, catalog.ErrNoSuchTable) also holds.
var (
	ErrCorruptFile = errors.New("corrupt file") // ErrCorruptFile reports a deletion vector, roaring bitmap or Puffin file whose bytes break its format.
	// ErrCorruptDeletionVector reports a deletion vector of a table that
	// cannot be trusted: its Puffin file, blob or bitmap breaks the format,
	// or it disagrees with the manifest entry that points to it. Nothing is
	// read or committed past it. It wraps ErrCorruptFile.
	ErrCorruptDeletionVector error = &narrowError{"corrupt deletion vector", ErrCorruptFile}
	// ErrNoSuchTable reports a table that is not in the warehouse.
	ErrNoSuchTable = catalog.ErrNoSuchTable
	// ErrNoSuchNamespace reports a schema (Iceberg namespace) that does not exist.
	ErrNoSuchNamespace = catalog.ErrNoSuchNamespace
	// ErrTableExists reports a CREATE of a table that already exists.
	ErrTableExists = catalog.ErrTableAlreadyExists
	// ErrNamespaceExists reports a CREATE SCHEMA of a schema that already exists.
	ErrNamespaceExists = catalog.ErrNamespaceAlreadyExists
	// ErrNamespaceNotEmpty reports a DROP SCHEMA of a schema that still has tables.
	ErrNamespaceNotEmpty = catalog.ErrNamespaceNotEmpty
	// ErrUnsupportedType reports a column type with no Iceberg equivalent.
	ErrUnsupportedType = errors.New("unsupported type")
	// ErrInvalidPartition reports a partition transform that is unknown or
	// does not apply to its source column.
	ErrInvalidPartition = errors.New("invalid partition transform")
	// ErrNoSuchPartitionField reports a partition-spec change that names a
	// field the table's current spec does not have.
	ErrNoSuchPartitionField = errors.New("no such partition field")
	// ErrNoSuchSnapshot reports a time-travel target that the table does not have.
	ErrNoSuchSnapshot = errors.New("no such snapshot")
	// ErrCommitConflict reports a commit that lost to concurrent writers more
	// times than the retry budget allows; nothing was committed.
	ErrCommitConflict = errors.New("commit conflict")
	// ErrReadOnly reports a write to a table floe can only read.
	ErrReadOnly = errors.New("table is read-only")
	// ErrInvalidName reports a schema or table name that cannot name a
	// directory of the warehouse (see ValidateName).
	ErrInvalidName = errors.New("invalid name")
	// ErrCopiedWarehouse reports a write to a table of a warehouse that was
	// copied (cp -a) without being relocated: its metadata still points
	// into the original warehouse, which the write would change.
	ErrCopiedWarehouse = errors.New("warehouse was copied without relocating it")
	// ErrUnsupportedWarehouse reports a warehouse location floe cannot
	// open: a URL whose scheme it does not support yet.
	ErrUnsupportedWarehouse = errors.New("unsupported warehouse location")
)

// narrowError is a sentinel that is also a broader one: errors.Is matches
// both.
type narrowError struct {
	msg   string
	broad error
}

func (e *narrowError) Error() string { return e.msg }
func (e *narrowError) Unwrap() error { return e.broad }
