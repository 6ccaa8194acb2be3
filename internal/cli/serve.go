package cli

import (
	"bufio"
	"context"
	"crypto/subtle"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/floehq/floe/engine/ingest"
	"github.com/floehq/floe/engine/lakesql"
	"github.com/floehq/floe/engine/restserver"
)

// writeTokenOnly serves h to requests with a write token from tokens
// (to every request when tokens is nil: floe serve is then loopback only).
func writeTokenOnly(tokens map[string]restserver.Access, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tokens != nil {
			tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			var access restserver.Access
			for t, a := range tokens {
				if ok && subtle.ConstantTimeCompare([]byte(t), []byte(tok)) == 1 {
					access = a
				}
			}
			if access != restserver.Write {
				http.Error(w, "ingest needs a write token (Authorization: Bearer TOKEN)", http.StatusUnauthorized)
				return
			}
		}
		h.ServeHTTP(w, r)
	})
}

func newServeCmd(g *globals) *cobra.Command {
	var addr, tokenFile, tlsCert, tlsKey, prefix string
	var vendCredentials bool
	var maintain bool
	var maintainEvery time.Duration
	var replicate bool
	var lensCollect string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the warehouse over the Iceberg REST catalog protocol",
		Long: `Serve the warehouse as an Iceberg REST catalog, so Spark, Trino, PyIceberg,
iceberg-go (and floe itself, with --catalog rest:URL) share its tables.
Commits from REST clients are the same optimistic commits floe makes: floe
processes and REST clients may write to the same tables at once.

Without --token-file, floe serve listens on loopback only and serves
requests without a token. With it, each request needs a bearer token from
the file, one per line:

  TOKEN read     may load and list
  TOKEN write    may also create, commit and drop

Clients may also exchange a token for itself at /v1/oauth/tokens (OAuth2
client credentials, the token as the client secret). SIGINT or SIGTERM
stops the server after the requests in flight finish.

On a warehouse in an S3 bucket, each loaded table comes with the storage
configuration a client needs to read its files (s3.endpoint, s3.region,
client.region, s3.path-style-access); clients bring their own keys unless
--vend-credentials hands them floe's.

With --maintain, floe serve also runs floe maintain --watch in the background
(every --maintain-interval), reporting on stderr.

With --lens-collect daily, floe serve also collects the storage lens
(lake.floe_lens, see floe lens) once a day: at start when the day (UTC) has
not been collected, then at the first check of each new day; a failed
collect is reported on stderr and serving goes on.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			lensDaily, err := lensSchedule("floe serve", lensCollect)
			if err != nil {
				return err
			}
			return g.serve(cmd.Context(), serveOptions{addr: addr, tokenFile: tokenFile,
				tlsCert: tlsCert, tlsKey: tlsKey, prefix: prefix, vendCredentials: vendCredentials, maintain: maintain, maintainEvery: maintainEvery, replicate: replicate,
				lensDaily: lensDaily})
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:8181", "address to listen on (host:port)")
	f.StringVar(&tokenFile, "token-file", "", "file of bearer tokens, one \"TOKEN read|write\" per line")
	f.StringVar(&tlsCert, "tls-cert", "", "TLS certificate file (PEM); with --tls-key, serve HTTPS")
	f.StringVar(&tlsKey, "tls-key", "", "TLS private key file (PEM)")
	f.StringVar(&prefix, "prefix", "", "path prefix clients are told to use (/v1/PREFIX/...)")
	f.BoolVar(&vendCredentials, "vend-credentials", false, "hand clients the S3 keys floe uses along with each table (only for clients you trust with them)")
	f.BoolVar(&maintain, "maintain", false, "run table maintenance in the background (floe maintain --watch)")
	f.DurationVar(&maintainEvery, "maintain-interval", 10*time.Minute, "time between maintenance runs with --maintain")
	f.BoolVar(&replicate, "replicate", false, "also keep the tables' replicas up to date, as floe replicate --watch does")
	lensScheduleFlag(f, &lensCollect)
	return cmd
}

type serveOptions struct {
	addr, tokenFile, tlsCert, tlsKey, prefix string
	vendCredentials                          bool
	maintain                                 bool
	maintainEvery                            time.Duration
	replicate                                bool
	lensDaily                                bool // --lens-collect daily
}

// serve runs the REST catalog until ctx ends, then shuts down gracefully.
func (g *globals) serve(ctx context.Context, o serveOptions) error {
	if g.catalogSpec() != "" {
		return errors.New("floe serve serves a local warehouse; it cannot serve a remote catalog (drop --catalog / FLOE_CATALOG)")
	}
	if o.maintain && o.maintainEvery <= 0 {
		return fmt.Errorf("floe serve: --maintain-interval must be positive, not %s", o.maintainEvery)
	}
	if (o.tlsCert == "") != (o.tlsKey == "") {
		return errors.New("floe serve: --tls-cert and --tls-key go together; give both or neither")
	}
	var tokens map[string]restserver.Access
	if o.tokenFile != "" {
		var err error
		if tokens, err = readTokenFile(o.tokenFile); err != nil {
			return err
		}
	} else if !loopback(o.addr) {
		return fmt.Errorf("floe serve: --addr %s is not a loopback address, and without --token-file anyone who reaches it could change the warehouse; give --token-file FILE (lines \"TOKEN read|write\") or listen on 127.0.0.1", o.addr)
	}
	var tlsConfig *tls.Config
	if o.tlsCert != "" {
		cert, err := tls.LoadX509KeyPair(o.tlsCert, o.tlsKey)
		if err != nil {
			return fmt.Errorf("floe serve: load TLS key pair %s, %s: %w", o.tlsCert, o.tlsKey, err)
		}
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}

	wh, err := g.openWarehouse(ctx)
	if err != nil {
		return err
	}
	defer wh.Close()
	storage, err := wh.StorageConfig(ctx, o.vendCredentials)
	if err != nil {
		return fmt.Errorf("floe serve: %w", err)
	}
	if o.vendCredentials && !wh.ObjectStore() {
		return fmt.Errorf("floe serve: --vend-credentials: the warehouse %s is local; there are no storage keys to hand out", wh.Dir())
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("floe serve: %w", err)
	}
	scheme := "http"
	if tlsConfig != nil {
		ln = tls.NewListener(ln, tlsConfig)
		scheme = "https"
	}
	// POST /v1/ingest/ns.t applies change streams (floe ingest's code).
	sess, err := lakesql.Open(ctx, wh)
	if err != nil {
		return err
	}
	defer sess.Close()
	mux := http.NewServeMux()
	mux.Handle("/", restserver.New(wh, restserver.Options{Prefix: o.prefix, Tokens: tokens,
		StorageConfig: storage, VendSecrets: o.vendCredentials}))
	mux.Handle(ingest.HTTPPath, writeTokenOnly(tokens, ingest.Handler(sess, ingest.Options{Log: g.stderr})))
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
	}
	auth := fmt.Sprintf("bearer tokens from %s (%d)", o.tokenFile, len(tokens))
	if tokens == nil {
		auth = "no token file: loopback only, requests need no token"
	}
	if o.vendCredentials {
		auth += "; clients get floe's S3 keys (--vend-credentials)"
	}
	fmt.Fprintf(g.stderr, "floe serve: warehouse %s as an Iceberg REST catalog at %s://%s (%s)\n",
		warehouseName(wh), scheme, ln.Addr(), auth)

	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	if o.maintain {
		mctx, stopMaintenance := context.WithCancel(ctx)
		maintained := make(chan struct{})
		go func() {
			defer close(maintained)
			g.maintainLoop(mctx, "", o.maintainEvery, o.lensDaily, g.stderr)
		}()
		// The loop finishes its job in flight before serve returns.
		defer func() { stopMaintenance(); <-maintained }()
		fmt.Fprintf(g.stderr, "floe serve: maintaining every table every %s\n", o.maintainEvery)
	} else if o.lensDaily {
		// The schedule alone flushes this process's counters and
		// collects. It ends before serve returns; a collect it stops
		// midway leaves the rows of earlier collects as they were.
		lctx, stopLens := context.WithCancel(ctx)
		lensDone := make(chan struct{})
		go func() {
			defer close(lensDone)
			g.lensDaily(lctx, g.stderr)
		}()
		defer func() { stopLens(); <-lensDone }()
	}
	if o.replicate {
		// The replicator stops with ctx and is waited for before the
		// warehouse closes.
		repCtx, cancel := context.WithCancel(ctx)
		repDone := make(chan struct{})
		go func() {
			defer close(repDone)
			if err := runReplicator(repCtx, wh, 500*time.Millisecond, g.stderr); err != nil {
				fmt.Fprintf(g.stderr, "floe serve: replication stopped: %v\n", err)
			}
		}()
		defer func() { cancel(); <-repDone }()
	}
	select {
	case err := <-done:
		return fmt.Errorf("floe serve: %w", err)
	case <-ctx.Done():
	}
	fmt.Fprintln(g.stderr, "floe serve: shutting down; finishing the requests in flight")
	shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("floe serve: shut down: %w", err)
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("floe serve: %w", err)
	}
	return nil
}

// loopback reports whether addr (host:port) listens on loopback only.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// readTokenFile reads "TOKEN read|write" lines; blank lines and lines
// starting with # are skipped.
func readTokenFile(path string) (map[string]restserver.Access, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("floe serve: token file: %w", err)
	}
	defer f.Close()
	tokens := map[string]restserver.Access{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) != 2 {
			return nil, fmt.Errorf("floe serve: token file %s:%d: want \"TOKEN read|write\", got %d fields", path, n, len(fields))
		}
		var a restserver.Access
		switch fields[1] {
		case "read":
			a = restserver.Read
		case "write":
			a = restserver.Write
		default:
			return nil, fmt.Errorf("floe serve: token file %s:%d: access must be read or write, not %q", path, n, fields[1])
		}
		if _, dup := tokens[fields[0]]; dup {
			return nil, fmt.Errorf("floe serve: token file %s:%d: the token is listed twice", path, n)
		}
		tokens[fields[0]] = a
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("floe serve: token file %s: %w", path, err)
	}
	if len(tokens) == 0 {
		return nil, fmt.Errorf("floe serve: token file %s lists no tokens; every request would be refused", path)
	}
	return tokens, nil
}
