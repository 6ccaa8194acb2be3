// Command vgw runs a local S3-compatible server (versitygw, as the tests
// run it) over a directory, for notebooks and commands that name an s3://
// warehouse, such as samples/notebooks/scale-out.md:
//
//	go run ./internal/s3test/vgw -dir /tmp/floe-s3
//
// It makes the buckets it is given (floe-samples by default), prints the
// environment lines that point the standard AWS configuration at it, to be
// pasted into a shell or sourced (eval "$(...)" does not work: it keeps
// running), and serves until interrupted. The directory keeps the buckets
// and objects between runs. The keys are the fixed test keys: a local
// server on loopback, never one others share.
package main

import (
	"flag"
	"fmt"
	"maps"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	"github.com/floehq/floe/internal/s3test"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "vgw:", err)
		os.Exit(1)
	}
}

func run() error {
	dir := flag.String("dir", "", "directory the server keeps its buckets in (required; kept between runs)")
	addr := flag.String("addr", "", "address to listen on, such as 127.0.0.1:7070 (default: a free loopback port)")
	var buckets []string
	flag.Func("bucket", "a bucket to make if missing (repeatable; default floe-samples)", func(b string) error {
		buckets = append(buckets, b)
		return nil
	})
	flag.Parse()
	if *dir == "" || flag.NArg() > 0 {
		flag.Usage()
		return fmt.Errorf("give -dir DIR (and no arguments)")
	}
	if len(buckets) == 0 {
		buckets = []string{"floe-samples"}
	}
	fmt.Fprintf(os.Stderr, "vgw: starting versitygw %s (the first start builds it, which takes minutes)\n", s3test.Version)
	srv, err := s3test.Serve(*dir, *addr, buckets...)
	if err != nil {
		return err
	}
	defer srv.Stop()
	env := srv.Env()
	var lines strings.Builder
	for _, k := range slices.Sorted(maps.Keys(env)) {
		fmt.Fprintf(&lines, "export %s=%s\n", k, env[k])
	}
	// One write, so a script reading the lines from a file sees all or none.
	os.Stdout.WriteString(lines.String())
	fmt.Fprintf(os.Stderr, "vgw: serving %s at %s with the buckets %s; Ctrl-C stops it\n",
		srv.Dir, srv.Endpoint, strings.Join(buckets, ", "))

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	select {
	case <-sig:
	case <-srv.Done():
		return fmt.Errorf("versitygw at %s exited; its log is in %s", srv.Endpoint, srv.Log())
	}
	return nil
}
