package cli

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/apache/iceberg-go/catalog/rest"

	"github.com/floehq/floe/engine"
)

// catalogSpec is the remote catalog to use: --catalog, else FLOE_CATALOG.
func (g *globals) catalogSpec() string {
	if g.catalog != "" {
		return g.catalog
	}
	return os.Getenv("FLOE_CATALOG")
}

// openRemoteWarehouse opens a warehouse over the REST catalog spec names
// (rest:http(s)://host[/path]). A bearer token comes from
// FLOE_CATALOG_TOKEN, or OAuth2 client credentials (id:secret) from
// FLOE_CATALOG_CREDENTIAL. A table's files are read and written where its
// location says: on local paths the server's warehouse must be visible
// here (the same machine or a shared mount); on S3 (s3://) floe reaches
// them with the configuration the catalog vends for the table, over the
// standard AWS configuration (engine.OpenRemote).
func (g *globals) openRemoteWarehouse(ctx context.Context, spec string) (*engine.Warehouse, error) {
	raw, ok := strings.CutPrefix(spec, "rest:")
	if !ok {
		return nil, fmt.Errorf("catalog %q: want rest:http(s)://host[/path] (the only remote catalog floe speaks is Iceberg REST)", spec)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("catalog %q: %s is not an http(s)://host[/path] URL", spec, raw)
	}
	if g.warehouse != "" {
		return nil, errors.New("--warehouse and --catalog both name where the tables are; give one")
	}
	var opts []rest.Option
	tok, cred := os.Getenv("FLOE_CATALOG_TOKEN"), os.Getenv("FLOE_CATALOG_CREDENTIAL")
	switch {
	case tok != "" && cred != "":
		return nil, errors.New("FLOE_CATALOG_TOKEN and FLOE_CATALOG_CREDENTIAL are both set; set one")
	case tok != "":
		opts = append(opts, rest.WithOAuthToken(tok))
	case cred != "":
		if !strings.Contains(cred, ":") {
			return nil, errors.New("FLOE_CATALOG_CREDENTIAL must be CLIENT_ID:CLIENT_SECRET")
		}
		opts = append(opts, rest.WithCredential(cred))
	}
	cat, err := rest.NewCatalog(ctx, "floe", raw, opts...)
	if err != nil {
		return nil, fmt.Errorf("connect to the REST catalog at %s: %w", raw, err)
	}
	dir, err := remoteStateDir(u)
	if err != nil {
		cat.Close()
		return nil, err
	}
	wh, err := engine.OpenRemote(ctx, dir, cat)
	if err != nil {
		cat.Close()
		return nil, err
	}
	return wh, nil
}

// remoteStateDir is the client's own directory for a remote catalog
// (commit locks, caches): $FLOE_HOME/remote/<host>[_path].
func remoteStateDir(u *url.URL) (string, error) {
	home := os.Getenv("FLOE_HOME")
	if home == "" {
		h, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("find floe's home: %w (set FLOE_HOME)", err)
		}
		home = filepath.Join(h, ".floe")
	}
	name := strings.NewReplacer(":", "_", "/", "_").Replace(strings.TrimSuffix(u.Host+u.Path, "/"))
	return filepath.Join(home, "remote", name), nil
}
