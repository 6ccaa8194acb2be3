// Package catalog is the catalog tree: the warehouse's namespaces, their
// tables and the tables' columns with types, loaded lazily as they are
// expanded. Enter asks for a name to be inserted into the cell being edited.
package catalog
