package lakesql

import "context"

// handler runs a statement floe runs itself.
type handler func(ctx context.Context) (*Rows, error)

// lakeCommand recognises the statements floe runs itself, those that
// change lake tables or the catalog, and returns how to run one, or nil
// for a statement DuckDB runs (after its lake reads are planned). Each
// parser looks at the statement from its first token and returns nil when
// it is not its kind.
func (s *Session) lakeCommand(toks []token, src string) handler {
	c := &cursor{toks: toks, src: src}
	for _, parse := range []func(*cursor) handler{
		s.parseDML,     // DELETE FROM lake..., UPDATE lake... (dml.go)
		s.parseMerge,   // MERGE INTO lake... (merge.go)
		s.parseComment, // COMMENT ON ... lake... (comment.go)
		s.parseDDL,     // CREATE/DROP SCHEMA, CREATE/REPLACE/DROP/ALTER TABLE (ddl.go)
		s.parseInsert,  // INSERT INTO lake... (insert.go)
		s.parseCall,    // CALL procedure(...) (procs.go)
	} {
		c.i = 0
		if h := parse(c); h != nil {
			return h
		}
	}
	return nil
}
