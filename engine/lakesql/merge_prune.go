package lakesql

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/apache/iceberg-go"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/internal/sqltext"
)

// A MERGE without WHEN NOT MATCHED BY SOURCE only ever changes target rows
// that some source row matches: a target file none of whose rows can equal
// a source key is neither read nor rewritten. mergeKeyFilter turns the
// equalities of the ON condition (target.col = source.col) into an Iceberg
// filter from the source's keys: their range (min..max), and for an
// identity partition column the set of values, so the target's plan keeps
// only the partitions and files (by their column bounds) that may match.

// mergeKey is one equality of a MERGE's ON condition: a target column and
// the source expression it must equal.
type mergeKey struct {
	field iceberg.NestedField
	src   string // SQL over the source alias
}

// maxMergeKeyValues is how many distinct values of a partition key the
// source may have for the filter to list them (IN); above it only the
// range prunes.
const maxMergeKeyValues = 4096

// mergeKeys returns the conjuncts of the ON condition of the form
// target.col = source.col (either order). An ON condition that is not a
// plain conjunction (a top-level OR) yields none.
func mergeKeys(m *mergeStmt, schema *iceberg.Schema) []mergeKey {
	if strings.EqualFold(m.alias, m.salias) {
		return nil
	}
	toks := sqltext.Code(m.on)
	var conj [][]token
	depth, start := 0, 0
	for i, t := range toks {
		switch {
		case t.IsPunct("(") || t.IsPunct("["):
			depth++
		case t.IsPunct(")") || t.IsPunct("]"):
			depth--
		case depth == 0 && t.Is("OR"):
			return nil
		case depth == 0 && t.Is("AND"):
			// BETWEEN x AND y is one predicate, not two.
			if i >= 2 && toks[i-2].Is("BETWEEN") {
				continue
			}
			conj = append(conj, toks[start:i])
			start = i + 1
		}
	}
	conj = append(conj, toks[start:])
	var out []mergeKey
	for _, c := range conj {
		if len(c) != 7 || !c[3].IsPunct("=") || !c[1].IsPunct(".") || !c[5].IsPunct(".") {
			continue
		}
		l, r := c[0:3], c[4:7]
		if !l[0].IsName() || !l[2].IsName() || !r[0].IsName() || !r[2].IsName() {
			continue
		}
		if strings.EqualFold(l[0].Ident(), m.salias) && strings.EqualFold(r[0].Ident(), m.alias) {
			l, r = r, l
		}
		if !strings.EqualFold(l[0].Ident(), m.alias) || !strings.EqualFold(r[0].Ident(), m.salias) {
			continue
		}
		f, ok := schema.FindFieldByNameCaseInsensitive(l[2].Ident())
		if !ok {
			continue
		}
		out = append(out, mergeKey{field: f, src: engine.QuoteIdent(m.salias) + "." + engine.QuoteIdent(r[2].Ident())})
	}
	return out
}

// mergeKeyFilter returns the filter that keeps the target files a source
// row may match, or nil when the ON condition gives none (no key of a type
// it can bound). A source with no non-NULL key matches nothing: the filter
// is then AlwaysFalse.
func (s *Session) mergeKeyFilter(ctx context.Context, t *engine.Table, m *mergeStmt) (iceberg.BooleanExpression, error) {
	keys := mergeKeys(m, t.Schema())
	if len(keys) == 0 {
		return nil, nil
	}
	partKey := map[int]bool{}
	spec := t.Spec()
	for _, pf := range spec.Fields() {
		if _, ok := pf.Transform.(iceberg.IdentityTransform); ok {
			partKey[pf.SourceID()] = true
		}
	}
	var sel []string
	for _, k := range keys {
		sel = append(sel, "min("+k.src+")", "max("+k.src+")")
		if partKey[k.field.ID] {
			sel = append(sel, fmt.Sprintf("CASE WHEN count(DISTINCT %s) <= %d THEN list(DISTINCT %s) FILTER (WHERE %s IS NOT NULL) END", k.src, maxMergeKeyValues, k.src, k.src))
		} else {
			sel = append(sel, "NULL")
		}
	}
	q, err := s.prepareRead(ctx, "SELECT "+strings.Join(sel, ", ")+" FROM "+m.source+" AS "+engine.QuoteIdent(m.salias))
	if err != nil {
		return nil, err
	}
	vals := make([]any, len(sel))
	ptrs := make([]any, len(sel))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := s.conn.QueryRowContext(ctx, q).Scan(ptrs...); err != nil {
		return nil, fmt.Errorf("the source's keys: %w", err)
	}
	var preds []iceberg.BooleanExpression
	for i, k := range keys {
		lo, hi, set := vals[3*i], vals[3*i+1], vals[3*i+2]
		if lo == nil {
			// No source row has a key: none matches a target row.
			return iceberg.AlwaysFalse{}, nil
		}
		ref := iceberg.Reference(k.field.Name)
		l, ok1 := keyLiteral(lo, k.field.Type)
		h, ok2 := keyLiteral(hi, k.field.Type)
		if !ok1 || !ok2 {
			continue
		}
		preds = append(preds, iceberg.LiteralPredicate(iceberg.OpGTEQ, ref, l), iceberg.LiteralPredicate(iceberg.OpLTEQ, ref, h))
		list, _ := set.([]any)
		if len(list) == 0 {
			continue
		}
		lits := make([]iceberg.Literal, 0, len(list))
		for _, v := range list {
			lit, ok := keyLiteral(v, k.field.Type)
			if !ok {
				lits = nil
				break
			}
			lits = append(lits, lit)
		}
		if len(lits) > 0 {
			preds = append(preds, iceberg.SetPredicate(iceberg.OpIn, ref, lits))
		}
	}
	switch len(preds) {
	case 0:
		return nil, nil
	case 1:
		return preds[0], nil
	}
	return iceberg.NewAnd(preds[0], preds[1], preds[2:]...), nil
}

// keyLiteral converts a source key value to a literal of the target
// column's type, only where the two compare alike in DuckDB: integers
// with integer columns (in range), strings with string columns, dates
// with date columns. Anything else gives no literal (no pruning).
func keyLiteral(v any, t iceberg.Type) (iceberg.Literal, bool) {
	var i int64
	isInt := true
	switch x := v.(type) {
	case int8:
		i = int64(x)
	case int16:
		i = int64(x)
	case int32:
		i = int64(x)
	case int64:
		i = x
	case uint8:
		i = int64(x)
	case uint16:
		i = int64(x)
	case uint32:
		i = int64(x)
	case uint64:
		if x > math.MaxInt64 {
			return nil, false
		}
		i = int64(x)
	default:
		isInt = false
	}
	switch t.(type) {
	case iceberg.Int32Type:
		if isInt && i >= math.MinInt32 && i <= math.MaxInt32 {
			return iceberg.NewLiteral(int32(i)), true
		}
	case iceberg.Int64Type:
		if isInt {
			return iceberg.NewLiteral(i), true
		}
	case iceberg.StringType:
		if s, ok := v.(string); ok {
			return iceberg.NewLiteral(s), true
		}
	case iceberg.DateType:
		if d, ok := v.(time.Time); ok {
			y, mo, day := d.Date()
			days := time.Date(y, mo, day, 0, 0, 0, 0, time.UTC).Unix() / 86400
			return iceberg.NewLiteral(iceberg.Date(days)), true
		}
	}
	return nil, false
}
