package restserver

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/catalog"
	"github.com/apache/iceberg-go/table"
	"github.com/floehq/floe/engine"
)

// pathTable reads the {namespace} and {table} path segments.
func pathTable(r *http.Request) (table.Identifier, error) {
	ns, err := pathSchema(r)
	if err != nil {
		return nil, err
	}
	name := r.PathValue("table")
	if err := engine.ValidateName("table", name); err != nil {
		return nil, badRequest("%v", err)
	}
	return table.Identifier{ns, name}, nil
}

// identifier is the spec's TableIdentifier.
type identifier struct {
	Namespace []string `json:"namespace"`
	Name      string   `json:"name"`
}

// ident checks a TableIdentifier from a request body; what names it.
func (id *identifier) ident(what string) (table.Identifier, error) {
	if id == nil {
		return nil, badRequest("%s: the table identifier is missing", what)
	}
	ns, err := schemaName(id.Namespace)
	if err != nil {
		return nil, err
	}
	if err := engine.ValidateName("table", id.Name); err != nil {
		return nil, badRequest("%s: %v", what, err)
	}
	return table.Identifier{ns, id.Name}, nil
}

// loadResult is the spec's LoadTableResult.
type loadResult struct {
	MetadataLocation string             `json:"metadata-location,omitempty"`
	Metadata         table.Metadata     `json:"metadata"`
	Config           iceberg.Properties `json:"config"`
}

// tableConfig is the configuration a client gets with a table: what it
// needs to read the data, never a secret the operator did not allow.
func (s *Server) tableConfig() iceberg.Properties {
	out := make(iceberg.Properties, len(s.config))
	for k, v := range s.config {
		out[k] = v
	}
	return out
}

func (s *Server) listTables(w http.ResponseWriter, r *http.Request) error {
	ns, err := pathSchema(r)
	if err != nil {
		return err
	}
	if err := s.requireNamespace(r, ns); err != nil {
		return err
	}
	names, err := s.wh.Tables(r.Context(), ns)
	if err != nil {
		return err
	}
	names, next, err := page(r, names)
	if err != nil {
		return err
	}
	out := make([]identifier, len(names))
	for i, n := range names {
		out[i] = identifier{Namespace: []string{ns}, Name: n}
	}
	writeJSON(w, http.StatusOK, struct {
		Identifiers []identifier `json:"identifiers"`
		Next        string       `json:"next-page-token,omitempty"`
	}{out, next})
	return nil
}

type createTableBody struct {
	Name          string                        `json:"name"`
	Location      string                        `json:"location"`
	Schema        *iceberg.Schema               `json:"schema"`
	PartitionSpec *iceberg.UnboundPartitionSpec `json:"partition-spec"`
	WriteOrder    *table.UnboundSortOrder       `json:"write-order"`
	StageCreate   bool                          `json:"stage-create"`
	Properties    iceberg.Properties            `json:"properties"`
}

func (s *Server) createTable(w http.ResponseWriter, r *http.Request) error {
	ns, err := pathSchema(r)
	if err != nil {
		return err
	}
	var body createTableBody
	if err := decodeBody(r, "create table", &body); err != nil {
		return err
	}
	if err := engine.ValidateName("table", body.Name); err != nil {
		return badRequest("create table: %v", err)
	}
	if body.Schema == nil {
		return badRequest("create table %s.%s: the request has no schema", ns, body.Name)
	}
	ident := table.Identifier{ns, body.Name}
	if err := s.requireNamespace(r, ns); err != nil {
		return err
	}
	loc := body.Location
	if loc == "" {
		loc = s.wh.NewTableLocation(ns, body.Name)
	}
	var spec *iceberg.PartitionSpec
	if body.PartitionSpec != nil {
		spec = &body.PartitionSpec.PartitionSpec
	}
	order := table.UnsortedSortOrder
	if body.WriteOrder != nil {
		order = body.WriteOrder.SortOrder
	}

	if body.StageCreate {
		// Nothing is written: the client commits the table into being
		// with assert-create (commitTable).
		exists, err := s.wh.Catalog().CheckTableExists(r.Context(), ident)
		if err != nil {
			return err
		}
		if exists {
			return fmt.Errorf("create table %s: %w", qualified(ident), catalog.ErrTableAlreadyExists)
		}
		md, err := table.NewMetadata(body.Schema, spec, order, loc, body.Properties)
		if err != nil {
			return badRequest("create table %s: %v", qualified(ident), err)
		}
		writeJSON(w, http.StatusOK, loadResult{Metadata: md, Config: s.tableConfig()})
		return nil
	}

	opts := []catalog.CreateTableOpt{catalog.WithLocation(loc), catalog.WithSortOrder(order)}
	if spec != nil {
		opts = append(opts, catalog.WithPartitionSpec(spec))
	}
	if body.Properties != nil {
		opts = append(opts, catalog.WithProperties(body.Properties))
	}
	t, err := s.wh.Catalog().CreateTable(r.Context(), ident, body.Schema, opts...)
	if err != nil {
		if _, typ := classify(err); typ == "InternalServerError" {
			return badRequest("create table %s: %v", qualified(ident), err)
		}
		return fmt.Errorf("create table %s: %w", qualified(ident), err)
	}
	writeJSON(w, http.StatusOK, loadResult{MetadataLocation: t.MetadataLocation(), Metadata: t.Metadata(), Config: s.tableConfig()})
	return nil
}

// plainNotFound restates a missing table as one sentence; the catalog's
// own wording repeats the name as a Go slice.
func plainNotFound(ident table.Identifier, err error) error {
	if errors.Is(err, catalog.ErrNoSuchTable) {
		return fmt.Errorf("%s: %w", qualified(ident), catalog.ErrNoSuchTable)
	}
	return err
}

func (s *Server) loadTable(w http.ResponseWriter, r *http.Request) error {
	ident, err := pathTable(r)
	if err != nil {
		return err
	}
	t, err := s.wh.Table(r.Context(), ident[0], ident[1])
	if err != nil {
		return plainNotFound(ident, err)
	}
	writeJSON(w, http.StatusOK, loadResult{MetadataLocation: t.MetadataLocation(), Metadata: t.Iceberg().Metadata(), Config: s.tableConfig()})
	return nil
}

func (s *Server) tableExists(w http.ResponseWriter, r *http.Request) error {
	ident, err := pathTable(r)
	if err != nil {
		return err
	}
	if _, err := s.wh.MetadataLocation(r.Context(), ident[0], ident[1]); err != nil {
		return plainNotFound(ident, err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// commitBody is the spec's CommitTableRequest (and one entry of a
// CommitTransactionRequest).
type commitBody struct {
	Identifier   *identifier        `json:"identifier"`
	Requirements table.Requirements `json:"requirements"`
	Updates      table.Updates      `json:"updates"`
}

func (s *Server) commitTable(w http.ResponseWriter, r *http.Request) error {
	ident, err := pathTable(r)
	if err != nil {
		return err
	}
	var body commitBody
	if err := decodeBody(r, "commit table", &body); err != nil {
		return err
	}
	if body.Identifier != nil {
		bid, err := body.Identifier.ident("commit table")
		if err != nil {
			return err
		}
		if !slicesEqual(bid, ident) {
			return badRequest("commit table: the body names %s but the path names %s", qualified(bid), qualified(ident))
		}
	}
	md, loc, err := s.commit(r.Context(), ident, body.Requirements, body.Updates)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"metadata-location": loc, "metadata": md})
	return nil
}

// commit applies one table's requirements and updates through the
// warehouse's catalog, holding floe's commit lock on the table so floe
// writers and REST clients take turns; the catalog's compare-and-swap
// keeps engines that take no lock safe as well.
func (s *Server) commit(ctx context.Context, ident table.Identifier, reqs []table.Requirement, updates []table.Update) (table.Metadata, string, error) {
	cat := s.wh.Catalog()
	var (
		md  table.Metadata
		loc string
	)
	err := s.wh.Modify(ctx, ident[0], ident[1], func(t *engine.Table) error {
		cur := t.Iceberg()
		if err := engine.CheckRequirements(cur.Metadata(), reqs); err != nil {
			return err
		}
		if _, err := table.UpdateTableMetadata(cur.Metadata(), updates, cur.MetadataLocation()); err != nil {
			return badRequest("commit %s: invalid update: %v", qualified(ident), err)
		}
		var err error
		md, loc, err = cat.CommitTable(ctx, ident, reqs, updates)
		return err
	})
	if errors.Is(err, engine.ErrNoSuchTable) && hasAssertCreate(reqs) {
		// A staged create's second phase: the table comes into being.
		md, loc, err = cat.CommitTable(ctx, ident, reqs, updates)
		if err != nil && !errors.Is(err, catalog.ErrNoSuchNamespace) {
			if ok, _ := cat.CheckTableExists(ctx, ident); ok {
				err = fmt.Errorf("%w: %s was created meanwhile", table.ErrCommitFailed, qualified(ident))
			} else if _, typ := classify(err); typ == "InternalServerError" {
				err = badRequest("create %s: %v", qualified(ident), err)
			}
		}
	}
	if err == nil {
		return md, loc, nil
	}
	if _, typ := classify(err); typ == "InternalServerError" {
		// A requirement can fail against a version committed between
		// the check and the swap; that is a conflict, not a fault.
		if t, lerr := cat.LoadTable(ctx, ident); lerr == nil {
			if rerr := engine.CheckRequirements(t.Metadata(), reqs); rerr != nil {
				err = rerr
			}
		}
	}
	if errors.Is(err, catalog.ErrNoSuchTable) {
		return nil, "", fmt.Errorf("commit: %w", plainNotFound(ident, err))
	}
	return nil, "", fmt.Errorf("commit %s: %w", qualified(ident), err)
}

func hasAssertCreate(reqs []table.Requirement) bool {
	for _, r := range reqs {
		if r.GetType() == "assert-create" {
			return true
		}
	}
	return false
}

func slicesEqual(a, b table.Identifier) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func (s *Server) dropTable(w http.ResponseWriter, r *http.Request) error {
	ident, err := pathTable(r)
	if err != nil {
		return err
	}
	purge := false
	if v := r.URL.Query().Get("purgeRequested"); v != "" {
		if purge, err = strconv.ParseBool(v); err != nil {
			return badRequest("purgeRequested must be true or false, not %q", v)
		}
	}
	if purge {
		// The engine's purge keeps every file another table reaches.
		if _, err := s.wh.PurgeTable(r.Context(), ident[0], ident[1], false); err != nil {
			return plainNotFound(ident, err)
		}
	} else if err := s.wh.DropTable(r.Context(), ident[0], ident[1], false, false); err != nil {
		return plainNotFound(ident, err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) registerTable(w http.ResponseWriter, r *http.Request) error {
	ns, err := pathSchema(r)
	if err != nil {
		return err
	}
	var body struct {
		Name             string `json:"name"`
		MetadataLocation string `json:"metadata-location"`
		Overwrite        bool   `json:"overwrite"`
	}
	if err := decodeBody(r, "register table", &body); err != nil {
		return err
	}
	if err := engine.ValidateName("table", body.Name); err != nil {
		return badRequest("register table: %v", err)
	}
	if body.MetadataLocation == "" {
		return badRequest("register table %s.%s: metadata-location is missing", ns, body.Name)
	}
	if body.Overwrite {
		return unsupported("register table %s.%s: overwrite is not supported; drop the table first", ns, body.Name)
	}
	if err := s.requireNamespace(r, ns); err != nil {
		return err
	}
	t, err := s.wh.RegisterTable(r.Context(), ns, body.Name, body.MetadataLocation)
	if err != nil {
		if _, typ := classify(err); typ == "InternalServerError" {
			return badRequest("%v", err)
		}
		return err
	}
	writeJSON(w, http.StatusOK, loadResult{MetadataLocation: t.MetadataLocation(), Metadata: t.Iceberg().Metadata(), Config: s.tableConfig()})
	return nil
}

func (s *Server) renameTable(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Source      *identifier `json:"source"`
		Destination *identifier `json:"destination"`
	}
	if err := decodeBody(r, "rename table", &body); err != nil {
		return err
	}
	from, err := body.Source.ident("rename table source")
	if err != nil {
		return err
	}
	to, err := body.Destination.ident("rename table destination")
	if err != nil {
		return err
	}
	if _, err := s.wh.Catalog().RenameTable(r.Context(), from, to); err != nil {
		return fmt.Errorf("rename %s to %s: %w", qualified(from), qualified(to), err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) reportMetrics(w http.ResponseWriter, r *http.Request) error {
	ident, err := pathTable(r)
	if err != nil {
		return err
	}
	var report map[string]any
	if err := decodeBody(r, "report metrics", &report); err != nil {
		return err
	}
	if _, err := s.wh.MetadataLocation(r.Context(), ident[0], ident[1]); err != nil {
		return plainNotFound(ident, err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) commitTransaction(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		TableChanges []commitBody `json:"table-changes"`
	}
	if err := decodeBody(r, "commit transaction", &body); err != nil {
		return err
	}
	if len(body.TableChanges) == 0 {
		return badRequest("commit transaction: table-changes is empty")
	}
	commits := make([]table.TableCommit, len(body.TableChanges))
	for i, c := range body.TableChanges {
		ident, err := c.Identifier.ident(fmt.Sprintf("commit transaction: table-changes[%d]", i))
		if err != nil {
			return err
		}
		commits[i] = table.TableCommit{Identifier: ident, Requirements: c.Requirements, Updates: c.Updates}
	}
	if err := s.wh.CommitTables(r.Context(), commits); err != nil {
		if errors.Is(err, engine.ErrInvalidUpdate) {
			return badRequest("%v", err)
		}
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
