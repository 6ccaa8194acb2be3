package restserver

import (
	"crypto/subtle"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/apache/iceberg-go"
	"github.com/floehq/floe/engine"
)

// Access is what a bearer token may do.
type Access int

const (
	// Read allows loading and listing, and reporting metrics.
	Read Access = iota + 1
	// Write allows everything Read does and every change.
	Write
)

// Options configure a Server. The zero value serves without a prefix and
// without authentication.
type Options struct {
	// Prefix, when set, is the path segment /v1/config tells clients to
	// put after /v1/ (the spec's {prefix}). Requests without it are served
	// as well.
	Prefix string
	// Tokens maps bearer tokens to what they may do. When it is nil every
	// request is served without a token; the caller (floe serve) then
	// listens on loopback only.
	Tokens map[string]Access
	// StorageConfig is the storage configuration LoadTable hands clients
	// in its config so they can read the data: s3.endpoint, s3.region,
	// s3.path-style-access and the like. Keys that carry secrets
	// (SecretKeys) are dropped unless VendSecrets is set.
	StorageConfig iceberg.Properties
	// VendSecrets lets StorageConfig's secret keys reach clients. Only an
	// operator who means it sets this.
	VendSecrets bool
}

// SecretKeys are the storage configuration keys that carry credentials.
var SecretKeys = []string{
	"s3.access-key-id", "s3.secret-access-key", "s3.session-token",
	"adls.sas-token", "adls.auth.shared-key.account.key", "gcs.oauth2.token",
}

// Server is an http.Handler serving one warehouse over the Iceberg REST
// catalog protocol.
type Server struct {
	wh     *engine.Warehouse
	opts   Options
	mux    *http.ServeMux
	config iceberg.Properties // vended with every loaded table
}

// New returns a Server over wh.
func New(wh *engine.Warehouse, opts Options) *Server {
	s := &Server{wh: wh, opts: opts, mux: http.NewServeMux(), config: iceberg.Properties{}}
	for k, v := range opts.StorageConfig {
		if opts.VendSecrets || !slices.Contains(SecretKeys, k) {
			s.config[k] = v
		}
	}
	s.routes()
	return s
}

// endpoints are the routes this server serves, as /v1/config advertises
// them (the spec's "METHOD /v1/{prefix}/path" strings).
var endpoints = []string{
	"GET /v1/{prefix}/namespaces",
	"POST /v1/{prefix}/namespaces",
	"GET /v1/{prefix}/namespaces/{namespace}",
	"HEAD /v1/{prefix}/namespaces/{namespace}",
	"DELETE /v1/{prefix}/namespaces/{namespace}",
	"POST /v1/{prefix}/namespaces/{namespace}/properties",
	"GET /v1/{prefix}/namespaces/{namespace}/tables",
	"POST /v1/{prefix}/namespaces/{namespace}/tables",
	"GET /v1/{prefix}/namespaces/{namespace}/tables/{table}",
	"HEAD /v1/{prefix}/namespaces/{namespace}/tables/{table}",
	"POST /v1/{prefix}/namespaces/{namespace}/tables/{table}",
	"DELETE /v1/{prefix}/namespaces/{namespace}/tables/{table}",
	"POST /v1/{prefix}/namespaces/{namespace}/register",
	"POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/metrics",
	"POST /v1/{prefix}/tables/rename",
	"POST /v1/{prefix}/transactions/commit",
}

func (s *Server) routes() {
	h := func(pattern string, fn func(http.ResponseWriter, *http.Request) error) {
		s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			if err := fn(w, r); err != nil {
				writeError(w, r, err)
			}
		})
	}
	h("GET /v1/config", s.getConfig)
	h("POST /v1/oauth/tokens", s.oauthToken)
	h("GET /v1/namespaces", s.listNamespaces)
	h("POST /v1/namespaces", s.createNamespace)
	h("GET /v1/namespaces/{namespace}", s.loadNamespace)
	h("HEAD /v1/namespaces/{namespace}", s.namespaceExists)
	h("DELETE /v1/namespaces/{namespace}", s.dropNamespace)
	h("POST /v1/namespaces/{namespace}/properties", s.updateNamespaceProperties)
	h("GET /v1/namespaces/{namespace}/tables", s.listTables)
	h("POST /v1/namespaces/{namespace}/tables", s.createTable)
	h("GET /v1/namespaces/{namespace}/tables/{table}", s.loadTable)
	h("HEAD /v1/namespaces/{namespace}/tables/{table}", s.tableExists)
	h("POST /v1/namespaces/{namespace}/tables/{table}", s.commitTable)
	h("DELETE /v1/namespaces/{namespace}/tables/{table}", s.dropTable)
	h("POST /v1/namespaces/{namespace}/register", s.registerTable)
	h("POST /v1/namespaces/{namespace}/tables/{table}/metrics", s.reportMetrics)
	h("POST /v1/tables/rename", s.renameTable)
	h("POST /v1/transactions/commit", s.commitTransaction)
	h("/", func(w http.ResponseWriter, r *http.Request) error {
		return &apiError{http.StatusNotFound, "NoSuchEndpointException",
			"no Iceberg REST catalog endpoint " + r.Method + " " + r.URL.Path}
	})
}

// ServeHTTP authenticates the request, strips the prefix and serves it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.opts.Prefix != "" {
		p := "/v1/" + url.PathEscape(s.opts.Prefix) + "/"
		if rest, ok := strings.CutPrefix(r.URL.EscapedPath(), p); ok {
			r = r.Clone(r.Context())
			r.URL.RawPath = "/v1/" + rest
			r.URL.Path, _ = url.PathUnescape(r.URL.RawPath)
		}
	}
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	start := time.Now()
	defer func() {
		slog.Debug("rest catalog", "method", r.Method, "path", r.URL.Path, "status", sw.status, "took", time.Since(start))
	}()
	if err := s.authorize(r); err != nil {
		writeError(sw, r, err)
		return
	}
	s.mux.ServeHTTP(sw, r)
}

// statusWriter remembers the status a handler sent, for the log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

// authorize checks the bearer token against the request: none at all is
// 401, a read token on a change is 403.
func (s *Server) authorize(r *http.Request) error {
	if s.opts.Tokens == nil || r.URL.Path == "/v1/oauth/tokens" {
		return nil
	}
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || tok == "" {
		return &apiError{http.StatusUnauthorized, "NotAuthorizedException", "this catalog needs a bearer token (Authorization: Bearer TOKEN)"}
	}
	access := s.lookup(tok)
	if access == 0 {
		return &apiError{http.StatusUnauthorized, "NotAuthorizedException", "the bearer token is not one this catalog knows"}
	}
	if access < Write && isWrite(r) {
		return &apiError{http.StatusForbidden, "ForbiddenException",
			"the bearer token is read-only; " + r.Method + " " + r.URL.Path + " needs a write token"}
	}
	return nil
}

// lookup finds a token's access in constant time per token.
func (s *Server) lookup(tok string) Access {
	var found Access
	for t, a := range s.opts.Tokens {
		if subtle.ConstantTimeCompare([]byte(t), []byte(tok)) == 1 {
			found = a
		}
	}
	return found
}

// isWrite reports requests that change the catalog. Metrics reports are
// POSTs, but readers send them.
func isWrite(r *http.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		return false
	}
	return !strings.HasSuffix(r.URL.Path, "/metrics")
}

// configResponse is the spec's CatalogConfig.
type configResponse struct {
	Defaults  iceberg.Properties `json:"defaults"`
	Overrides iceberg.Properties `json:"overrides"`
	Endpoints []string           `json:"endpoints"`
}

func (s *Server) getConfig(w http.ResponseWriter, r *http.Request) error {
	over := iceberg.Properties{}
	if s.opts.Prefix != "" {
		over["prefix"] = s.opts.Prefix
	}
	writeJSON(w, http.StatusOK, configResponse{Defaults: iceberg.Properties{}, Overrides: over, Endpoints: endpoints})
	return nil
}

// oauthToken is the spec's (deprecated, still widely used) client
// credentials exchange: the client secret must be one of the server's
// tokens, and the access token issued is that token, with its access.
func (s *Server) oauthToken(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return oauthError(w, "invalid_request", "malformed form body: "+err.Error())
	}
	if gt := r.PostForm.Get("grant_type"); gt != "client_credentials" {
		return oauthError(w, "unsupported_grant_type", "grant_type must be client_credentials, not "+strings.TrimSpace(gt))
	}
	if s.opts.Tokens == nil {
		return oauthError(w, "invalid_request", "this catalog runs without tokens; connect without credentials")
	}
	secret := r.PostForm.Get("client_secret")
	if secret == "" {
		if _, pw, ok := r.BasicAuth(); ok {
			secret = pw
		}
	}
	if s.lookup(secret) == 0 {
		return oauthError(w, "invalid_client", "the client secret is not a token this catalog knows")
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token":      secret,
		"token_type":        "bearer",
		"issued_token_type": "urn:ietf:params:oauth:token-type:access_token",
	})
	return nil
}

// oauthError sends the OAuth2 error response the spec gives the token
// endpoint.
func oauthError(w http.ResponseWriter, code, desc string) error {
	status := http.StatusBadRequest
	if code == "invalid_client" {
		status = http.StatusUnauthorized
	}
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
	return nil
}
