package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/restserver"
	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/notebooks"
)

// CatalogURLVariable is the DuckDB variable (and floe.Param name) that
// holds the URL of the REST catalog floe run serves for a notebook whose
// front matter says serve: true.
const CatalogURLVariable = "floe_catalog_url"

// notebookWarehouse returns the warehouse a notebook's front matter names,
// resolved against the notebook's directory, or "" when the notebook runs
// on the command's warehouse. The command line wins: --warehouse or
// --catalog given there overrides the front matter, which in turn
// overrides FLOE_WAREHOUSE / FLOE_CATALOG and the default warehouse.
func (g *globals) notebookWarehouse(src string, fm notebooks.FrontMatter) string {
	if fm.Warehouse == "" {
		return ""
	}
	if g.warehouse != "" || g.catalog != "" {
		fmt.Fprintf(g.stderr, "floe: %s names the warehouse %s; the command line's --warehouse/--catalog wins\n", src, fm.Warehouse)
		return ""
	}
	loc := fm.Warehouse
	if !strings.Contains(loc, "://") && !filepath.IsAbs(loc) {
		loc = filepath.Join(filepath.Dir(src), loc)
	}
	return loc
}

// openNotebookWarehouse opens the warehouse a notebook's front matter
// names. When that is on object storage and cannot be opened, the error
// says what to set and how to start a local S3 server.
func (g *globals) openNotebookWarehouse(ctx context.Context, src, loc string) (*engine.Warehouse, error) {
	opts, err := g.storageOptions()
	if err != nil {
		return nil, err
	}
	opts = append(opts, g.activityOptions(loc)...)
	wh, err := engine.Open(ctx, loc, opts...)
	if err == nil {
		return wh, nil
	}
	if !strings.HasPrefix(strings.ToLower(loc), "s3://") {
		return nil, fmt.Errorf("%s: the warehouse %s its front matter names: %w", src, loc, err)
	}
	return nil, s3Help(src, loc, err)
}

// s3Help explains a notebook's S3 warehouse that could not be opened.
func s3Help(src, loc string, err error) error {
	bucket, _, _ := strings.Cut(strings.TrimPrefix(loc[len("s3://"):], "/"), "/")
	var b strings.Builder
	fmt.Fprintf(&b, "%s: its front matter names the warehouse %s, which could not be opened: %v\n", src, loc, err)
	if os.Getenv("AWS_ENDPOINT_URL") == "" && os.Getenv("AWS_ENDPOINT_URL_S3") == "" {
		b.WriteString("  AWS_ENDPOINT_URL is not set, so floe asked AWS S3 itself.\n")
	}
	b.WriteString("  Point floe at an S3-compatible server with the standard AWS configuration:\n")
	b.WriteString("  AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_REGION (or a profile),\n")
	fmt.Fprintf(&b, "  with a bucket %s. To start a local one (versitygw) and get the lines to export:\n", bucket)
	fmt.Fprintf(&b, "    go run ./internal/s3test/vgw -dir /tmp/floe-s3 -bucket %s   (in a floe checkout)", bucket)
	return errors.New(b.String())
}

// openFor opens the warehouse for the notebook nb read from src (nb may
// be nil): the one its front matter names, else the command's.
func (g *globals) openFor(ctx context.Context, src string, nb *notebooks.Notebook) (*engine.Warehouse, error) {
	if nb != nil {
		fm, err := nb.FrontMatter()
		if err != nil {
			return nil, err
		}
		if loc := g.notebookWarehouse(src, fm); loc != "" {
			return g.openNotebookWarehouse(ctx, src, loc)
		}
	}
	return g.openWarehouse(ctx)
}

// serveFor reports whether nb's front matter asks for a REST catalog
// while it runs (openFor has reported bad front matter already).
func serveFor(nb *notebooks.Notebook) bool {
	if nb == nil {
		return false
	}
	fm, err := nb.FrontMatter()
	return err == nil && fm.Serve
}

// notebookCatalog is a REST catalog served for one notebook's run.
type notebookCatalog struct {
	URL  string
	srv  *http.Server
	done chan error
}

// serveNotebook serves wh over the Iceberg REST catalog protocol on a free
// loopback port, without tokens (loopback only, as floe serve does
// without --token-file), until Close.
func (g *globals) serveNotebook(ctx context.Context, src string, wh *engine.Warehouse) (*notebookCatalog, error) {
	if wh.Remote() {
		return nil, fmt.Errorf("%s: serve: true serves the notebook's warehouse; a remote catalog (--catalog / FLOE_CATALOG) cannot be served", src)
	}
	storage, err := wh.StorageConfig(ctx, false)
	if err != nil {
		return nil, fmt.Errorf("%s: serve: %w", src, err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("%s: serve: %w", src, err)
	}
	c := &notebookCatalog{
		URL:  "http://" + ln.Addr().String(),
		srv:  &http.Server{Handler: restserver.New(wh, restserver.Options{StorageConfig: storage}), ReadHeaderTimeout: 10 * time.Second},
		done: make(chan error, 1),
	}
	go func() { c.done <- c.srv.Serve(ln) }()
	fmt.Fprintf(g.stderr, "floe: serving %s as an Iceberg REST catalog at %s while %s runs (%s)\n",
		warehouseName(wh), c.URL, src, CatalogURLVariable)
	return c, nil
}

// Close stops the server, finishing the requests in flight.
func (c *notebookCatalog) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := c.srv.Shutdown(ctx)
	if serr := <-c.done; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}

// setCatalogURL gives the notebook's cells the served catalog's URL: SQL
// as getvariable('floe_catalog_url'), Go as floe.Param("floe_catalog_url").
func setCatalogURL(ctx context.Context, sess *kernel.Session, url string) error {
	_, err := sess.Query(ctx, "SET VARIABLE "+CatalogURLVariable+" = "+engine.QuoteString(url))
	return err
}
