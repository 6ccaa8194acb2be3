package engine

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Longest names, in bytes, that still fit one directory name (255 bytes on
// common filesystems): a schema's directory is "<schema>.db" and a table's
// is "<table>" or, when a dropped table's files still hold that name,
// "<table>-xxxxxxxx".
const (
	maxSchemaNameBytes = 255 - len(".db")
	maxTableNameBytes  = 255 - len("-xxxxxxxx")
)

// ValidateName checks that a schema (kind "schema") or table (kind
// "table") name can name a directory inside the warehouse: not empty,
// valid UTF-8, no control characters, no path separators, not "." or "..",
// and short enough for one directory name. A schema or table is refused
// with ErrInvalidName before anything is written.
func ValidateName(kind, name string) error {
	fail := func(why string) error {
		return fmt.Errorf("%w: %s name %q %s", ErrInvalidName, kind, name, why)
	}
	limit := maxTableNameBytes
	if kind == "schema" {
		limit = maxSchemaNameBytes
	}
	switch {
	case name == "":
		return fmt.Errorf("%w: a %s name cannot be empty", ErrInvalidName, kind)
	case !utf8.ValidString(name):
		return fail("is not valid UTF-8")
	case name == "." || name == "..":
		return fail("names a directory of its own")
	case strings.ContainsAny(name, `/\`):
		return fail(`cannot contain "/" or "\"`)
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return fail("cannot contain control characters")
	case len(name) > limit:
		return fail(fmt.Sprintf("is %d bytes long; the limit is %d", len(name), limit))
	}
	return nil
}
