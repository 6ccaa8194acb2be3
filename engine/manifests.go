package engine

import (
	"context"
	"errors"
	"fmt"

	"github.com/apache/iceberg-go/table"
)

// ManifestRewrite says what RewriteManifests did, in Spark's
// rewrite_manifests terms.
type ManifestRewrite struct {
	// Rewritten counts the manifests replaced.
	Rewritten int
	// Added counts the manifests written in their place.
	Added int
}

// errManifestsOptimal stops a commit that would change nothing.
var errManifestsOptimal = errors.New("manifests already optimal")

// RewriteManifests rewrites the data manifests of the table's current
// snapshot into as few as the table's commit.manifest.target-size-bytes
// (default 8 MB) allows, in one replace snapshot that reads the same files;
// with specID, only the manifests of that partition spec. No data file is
// read or written. Delete manifests stay as they are (iceberg-go v0.7
// rewrites data manifests only). A table whose manifests are already
// optimal, or that has no snapshot, is left without a commit.
func (t *Table) RewriteManifests(ctx context.Context, specID *int) (*Table, ManifestRewrite, error) {
	var opts []table.RewriteManifestsOpt
	if specID != nil {
		if t.tbl.Metadata().PartitionSpecByID(*specID) == nil {
			return nil, ManifestRewrite{}, fmt.Errorf("rewrite manifests of %s: spec_id %d: the table has no such partition spec", t.Ident(), *specID)
		}
		opts = append(opts, table.WithRewriteSpecID(*specID))
	}
	var done ManifestRewrite
	nt, err := t.commit(ctx, "rewrite manifests of", func(tx *table.Transaction) error {
		res, err := tx.RewriteManifests(ctx, opts...)
		if err != nil {
			return err
		}
		if res.IsNoOp() {
			return errManifestsOptimal
		}
		done = ManifestRewrite{Rewritten: len(res.RewrittenManifests), Added: len(res.AddedManifests)}
		return nil
	})
	if errors.Is(err, errManifestsOptimal) {
		return t, ManifestRewrite{}, nil
	}
	if err != nil {
		return nil, ManifestRewrite{}, err
	}
	return nt, done, nil
}
