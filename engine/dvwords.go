package engine

import (
	"fmt"

	"github.com/apache/iceberg-go/table/dv"
)

// DVWordKeyShift places a data file's index above its word numbers in the
// keys of a deletion-vector word relation: key = (file index << 34) +
// (position >> 6). Positions below 2^40 (ReadSQL's row keys) give word
// numbers below 2^34.
const DVWordKeyShift = 34

// DVWord is one 64-bit word of a deletion vector: bit b of W is set when
// the row at position 64*(K & (1<<DVWordKeyShift - 1)) + b of the file
// with index K >> DVWordKeyShift is deleted.
type DVWord struct {
	K int64
	W uint64
}

// DVWordCount returns how many words DVWords yields for the plan: one per
// 64 rows of every data file with a deletion vector.
func (p *Plan) DVWordCount() int64 {
	var n int64
	for _, t := range p.Tasks {
		if taskHasDV(t) {
			n += (t.File.Count() + 63) / 64
		}
	}
	return n
}

// DVWords yields the plan's deletion vectors (dvs, from DVs) as dense
// words, file by file in word order: every word of every data file that
// has a deletion vector, zero words included, so that ReadSQL can match
// each row to its word with an inner join. A file's words cover its record count (Iceberg
// spec: a deletion vector's positions are below it) and any position
// beyond it, so a row is never matched to no word.
func (p *Plan) DVWords(dvs map[string]*dv.RoaringPositionBitmap, yield func(DVWord) error) error {
	index := p.FileIndex()
	for _, t := range p.Tasks {
		if !taskHasDV(t) {
			continue
		}
		path, ok := p.Local(t.File.FilePath())
		if !ok {
			return p.Table.wh.notLocal(p.Table.Ident(), "data file", t.File.FilePath())
		}
		idx, ok := index[path]
		if !ok {
			return fmt.Errorf("%s: data file %s is not in the plan", p.Table.Ident(), path)
		}
		base := int64(idx) << DVWordKeyShift
		words := (t.File.Count() + 63) / 64
		next := int64(0) // the next word number to yield
		var cur uint64
		curWord := int64(-1)
		flush := func(upTo int64) error {
			for ; next < upTo; next++ {
				w := uint64(0)
				if next == curWord {
					w = cur
				}
				if err := yield(DVWord{K: base + next, W: w}); err != nil {
					return err
				}
			}
			return nil
		}
		if bm := dvs[path]; bm != nil {
			for pos := range bm.Positions() {
				if pos >= 1<<40 {
					return fmt.Errorf("%s: deletion vector of %s deletes position %d, beyond what a scan can address", p.Table.Ident(), path, pos)
				}
				w := int64(pos >> 6)
				if w != curWord {
					if err := flush(w); err != nil {
						return err
					}
					curWord, cur = w, 0
				}
				cur |= 1 << (pos & 63)
			}
		}
		if err := flush(max(words, curWord+1)); err != nil {
			return err
		}
	}
	return nil
}
