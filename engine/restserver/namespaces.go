package restserver

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/catalog"
	"github.com/apache/iceberg-go/table"
	"github.com/floehq/floe/engine"
)

// namespaceSeparator joins the levels of a multi-level namespace in a
// path segment (the spec's default, %1F).
const namespaceSeparator = "\x1f"

// schemaName checks a namespace given as its levels: floe's warehouse has
// one level (lake.<schema>.<table>), named as a directory can be.
func schemaName(levels []string) (string, error) {
	switch {
	case len(levels) == 0:
		return "", badRequest("the namespace is empty; name one schema")
	case len(levels) > 1:
		return "", unsupported("namespace %q has %d levels; a floe warehouse has one (lake.<schema>.<table>)",
			strings.Join(levels, "."), len(levels))
	}
	if err := engine.ValidateName("schema", levels[0]); err != nil {
		return "", badRequest("%v", err)
	}
	return levels[0], nil
}

// pathSchema reads the {namespace} path segment.
func pathSchema(r *http.Request) (string, error) {
	return schemaName(strings.Split(r.PathValue("namespace"), namespaceSeparator))
}

type namespaceBody struct {
	Namespace  []string           `json:"namespace"`
	Properties iceberg.Properties `json:"properties"`
}

func (s *Server) listNamespaces(w http.ResponseWriter, r *http.Request) error {
	if p := r.URL.Query().Get("parent"); p != "" {
		ns, err := schemaName(strings.Split(p, namespaceSeparator))
		if err != nil {
			return err
		}
		if err := s.requireNamespace(r, ns); err != nil {
			return err
		}
		// Schemas have no children.
		writeJSON(w, http.StatusOK, map[string][][]string{"namespaces": {}})
		return nil
	}
	names, err := s.wh.Namespaces(r.Context())
	if err != nil {
		return err
	}
	names, next, err := page(r, names)
	if err != nil {
		return err
	}
	out := make([][]string, len(names))
	for i, n := range names {
		out[i] = []string{n}
	}
	writeJSON(w, http.StatusOK, struct {
		Namespaces [][]string `json:"namespaces"`
		Next       string     `json:"next-page-token,omitempty"`
	}{out, next})
	return nil
}

func (s *Server) createNamespace(w http.ResponseWriter, r *http.Request) error {
	var body namespaceBody
	if err := decodeBody(r, "create namespace", &body); err != nil {
		return err
	}
	ns, err := schemaName(body.Namespace)
	if err != nil {
		return err
	}
	if err := s.wh.Catalog().CreateNamespace(r.Context(), table.Identifier{ns}, body.Properties); err != nil {
		return fmt.Errorf("create namespace %s: %w", ns, err)
	}
	props := body.Properties
	if props == nil {
		props = iceberg.Properties{}
	}
	writeJSON(w, http.StatusOK, namespaceBody{Namespace: []string{ns}, Properties: props})
	return nil
}

// requireNamespace fails with 404 when ns does not exist.
func (s *Server) requireNamespace(r *http.Request, ns string) error {
	ok, err := s.wh.Catalog().CheckNamespaceExists(r.Context(), table.Identifier{ns})
	if err != nil {
		return fmt.Errorf("namespace %s: %w", ns, err)
	}
	if !ok {
		return fmt.Errorf("namespace %s: %w", ns, catalog.ErrNoSuchNamespace)
	}
	return nil
}

func (s *Server) loadNamespace(w http.ResponseWriter, r *http.Request) error {
	ns, err := pathSchema(r)
	if err != nil {
		return err
	}
	props, err := s.wh.Catalog().LoadNamespaceProperties(r.Context(), table.Identifier{ns})
	if err != nil {
		return fmt.Errorf("namespace %s: %w", ns, err)
	}
	if props == nil {
		props = iceberg.Properties{}
	}
	writeJSON(w, http.StatusOK, namespaceBody{Namespace: []string{ns}, Properties: props})
	return nil
}

func (s *Server) namespaceExists(w http.ResponseWriter, r *http.Request) error {
	ns, err := pathSchema(r)
	if err != nil {
		return err
	}
	if err := s.requireNamespace(r, ns); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) dropNamespace(w http.ResponseWriter, r *http.Request) error {
	ns, err := pathSchema(r)
	if err != nil {
		return err
	}
	if err := s.wh.Catalog().DropNamespace(r.Context(), table.Identifier{ns}); err != nil {
		return fmt.Errorf("drop namespace %s: %w", ns, err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) updateNamespaceProperties(w http.ResponseWriter, r *http.Request) error {
	ns, err := pathSchema(r)
	if err != nil {
		return err
	}
	var body struct {
		Removals []string           `json:"removals"`
		Updates  iceberg.Properties `json:"updates"`
	}
	if err := decodeBody(r, "update namespace properties", &body); err != nil {
		return err
	}
	for _, k := range body.Removals {
		if _, ok := body.Updates[k]; ok {
			return unprocessable("property %q is both removed and updated", k)
		}
	}
	sum, err := s.wh.Catalog().UpdateNamespaceProperties(r.Context(), table.Identifier{ns}, body.Removals, body.Updates)
	if err != nil {
		return fmt.Errorf("update properties of namespace %s: %w", ns, err)
	}
	for _, l := range []*[]string{&sum.Removed, &sum.Updated, &sum.Missing} {
		if *l == nil {
			*l = []string{}
		}
	}
	writeJSON(w, http.StatusOK, sum)
	return nil
}
