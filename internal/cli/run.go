package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/notebooks"
	"github.com/floehq/floe/notebooks/runner"
)

type runFlags struct {
	params   []string
	out      string
	html     bool
	junit    string
	failFast bool
	cells    []string
	timeout  time.Duration
	keep     bool
}

func newRunCmd(g *globals) *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "run NOTEBOOK... [flags]",
		Short: "Run notebooks headless and write the executed notebooks and reports",
		Long: `Run each notebook (.md or .ipynb) top to bottom in a fresh session, as CI does.

For a notebook DIR/NAME.md (or NAME.ipynb) the executed notebook, with every
cell's outputs, is written to NAME.out.ipynb (nbformat 4.5) in --out, or in DIR
when --out is not given; with --html an HTML report goes next to it as
NAME.html. --junit writes one JUnit XML file with a test case per code cell.
--keep-outputs also keeps the outputs beside each Markdown notebook, in
DIR/.NAME.floe/outputs.json, as saving in the workbench does: floe open then
shows them, marked with the run's time.

Progress goes to standard error. Standard output ends with the summary line
"N passed, N failed" (", N skipped" is added when cells were skipped). The exit
status is 0 only when every cell passed. A failed cell's dependents are
skipped; the other cells still run unless --fail-fast is given, which stops
at the first failure and still writes the partly executed notebook.

Parameters (-p name=value) override the defaults of the notebook's parameters
cell; a name the cell does not declare, or a value that does not fit the
type of its default, is an error before any cell runs. With several
notebooks, each gets the parameters its cell declares, and a name that none
of them declares is the error.

A notebook may name its warehouse in front matter, a YAML block between two
"---" lines at its very top:

  ---
  warehouse: s3://floe-samples/scale-out
  serve: true
  ---

The warehouse is a directory (relative to the notebook's), a file:// URI or
an s3://bucket/prefix, reached with the standard AWS configuration
(AWS_ENDPOINT_URL, keys, region, profiles). Which warehouse a notebook runs
on: --warehouse or --catalog on the command line, else its front matter's,
else FLOE_CATALOG / FLOE_WAREHOUSE, else the default one. With serve: true,
floe run serves the notebook's warehouse as an Iceberg REST catalog on a free
loopback port (no token, as floe serve without --token-file) while the
notebook runs; its URL is the parameter floe_catalog_url (floe.Param in Go,
getvariable in SQL).`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return g.run(cmd, args, f)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVarP(&f.params, "param", "p", nil, "set a parameter: -p name=value (repeatable)")
	fl.StringVar(&f.out, "out", "", "directory for the executed notebooks and reports (default: each notebook's directory)")
	fl.BoolVar(&f.html, "html", false, "also write an HTML report per notebook")
	fl.StringVar(&f.junit, "junit", "", "write JUnit XML to this file")
	fl.BoolVar(&f.failFast, "fail-fast", false, "stop at the first failed cell")
	fl.StringSliceVar(&f.cells, "cells", nil, "run only these cells (names or ids, comma-separated) and the cells they need")
	fl.BoolVar(&f.keep, "keep-outputs", false, "also keep the outputs beside each Markdown notebook (.NAME.floe/outputs.json), where floe open shows them")
	fl.DurationVar(&f.timeout, "timeout", 0, "default time limit per cell, such as 30s (0: none; a cell's timeout option wins)")
	return cmd
}

// job is one notebook to run.
type job struct {
	src, out, html string
	nb             *notebooks.Notebook
	warehouse      string // the warehouse its front matter names ("": the command's)
	serve          bool   // its front matter asks for a REST catalog while it runs
}

func (g *globals) run(cmd *cobra.Command, args []string, f runFlags) error {
	ctx := cmd.Context()
	params, err := parseParams(f.params)
	if err != nil {
		return err
	}
	jobs, err := planJobs(args, f)
	if err != nil {
		return err
	}
	perJob, err := routeParams(jobs, params)
	if err != nil {
		return err
	}
	for i := range jobs {
		fm, err := jobs[i].nb.FrontMatter()
		if err != nil {
			return err
		}
		jobs[i].warehouse, jobs[i].serve = g.notebookWarehouse(jobs[i].src, fm), fm.Serve
	}
	// The command's warehouse, unless every notebook names its own.
	var wh *engine.Warehouse
	if slices.ContainsFunc(jobs, func(j job) bool { return j.warehouse == "" }) {
		if wh, err = g.openWarehouse(ctx); err != nil {
			return err
		}
		defer wh.Close()
	}

	var runs []*runner.Report
	var passed, failed, skipped int
	broken := false // a notebook could not run at all
	for i, j := range jobs {
		if ctx.Err() != nil || (f.failFast && (failed > 0 || broken)) {
			break
		}
		rep, err := g.runJob(cmd, j, wh, perJob[i], f)
		if err != nil {
			fmt.Fprintf(g.stderr, "floe: %v\n", err)
			broken = true
			continue
		}
		runs = append(runs, rep)
		passed += rep.Passed
		failed += rep.Failed
		skipped += rep.Skipped
	}
	if f.junit != "" {
		if err := writeAtomic(f.junit, func(w io.Writer) error { return runner.JUnit(w, runs...) }); err != nil {
			return err
		}
		fmt.Fprintf(g.stderr, "wrote %s\n", f.junit)
	}
	line := fmt.Sprintf("%d passed, %d failed", passed, failed)
	if skipped > 0 {
		line += fmt.Sprintf(", %d skipped", skipped)
	}
	fmt.Fprintln(g.stdout, line)
	switch {
	case ctx.Err() != nil:
		return exitError{130}
	case failed > 0 || broken:
		return exitError{1}
	}
	return nil
}

// runJob runs one notebook on wh, or on the warehouse its front matter
// names, serving that over REST for the run when the front matter asks.
func (g *globals) runJob(cmd *cobra.Command, j job, wh *engine.Warehouse, params map[string]string, f runFlags) (*runner.Report, error) {
	ctx := cmd.Context()
	if j.warehouse != "" {
		own, err := g.openNotebookWarehouse(ctx, j.src, j.warehouse)
		if err != nil {
			return nil, err
		}
		defer own.Close()
		wh = own
	}
	url := ""
	if j.serve {
		c, err := g.serveNotebook(ctx, j.src, wh)
		if err != nil {
			return nil, err
		}
		defer c.Close()
		url = c.URL
	}
	return g.runOne(cmd, j, wh, params, f, url)
}

// runOne runs one notebook in its own session and writes its outputs.
// The executed notebook is written even when cells failed or the run was
// interrupted. A catalogURL is given to the cells as floe_catalog_url.
func (g *globals) runOne(cmd *cobra.Command, j job, wh *engine.Warehouse, params map[string]string, f runFlags, catalogURL string) (*runner.Report, error) {
	ctx := cmd.Context()
	sess, err := kernel.Open(ctx, wh, kernel.Options{Timeout: f.timeout})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", j.src, err)
	}
	defer sess.Close()
	if catalogURL != "" {
		if err := setCatalogURL(ctx, sess, catalogURL); err != nil {
			return nil, fmt.Errorf("%s: %w", j.src, err)
		}
	}
	total := 0
	for _, c := range j.nb.Cells {
		if c.Kind == notebooks.Code {
			total++
		}
	}
	fmt.Fprintf(g.stderr, "running %s\n", j.src)
	n := 0
	rep, err := runner.Run(ctx, sess, j.nb, runner.Options{
		Params:   params,
		Cells:    f.cells,
		FailFast: f.failFast,
		Finished: func(i int, c *notebooks.Cell, r *kernel.Result) {
			n++
			g.progress(j, n, total, c, r)
		},
	})
	if err != nil {
		return nil, err
	}
	if err := j.nb.WriteFile(j.out); err != nil {
		return rep, err
	}
	fmt.Fprintf(g.stderr, "wrote %s\n", j.out)
	if f.keep && !strings.EqualFold(filepath.Ext(j.src), ".ipynb") {
		if err := notebooks.SaveOutputs(j.src, j.nb); err != nil {
			return rep, err
		}
		fmt.Fprintf(g.stderr, "wrote %s\n", notebooks.OutputsPath(j.src))
	}
	if j.html != "" {
		err := writeAtomic(j.html, func(w io.Writer) error { return runner.HTML(w, rep) })
		if err != nil {
			return rep, err
		}
		fmt.Fprintf(g.stderr, "wrote %s\n", j.html)
	}
	return rep, nil
}

// progress reports a finished cell on stderr, with the error of a failed
// one.
func (g *globals) progress(j job, n, total int, c *notebooks.Cell, r *kernel.Result) {
	status := map[kernel.Status]string{kernel.Passed: "ok", kernel.Failed: "FAIL", kernel.Skipped: "skip"}[r.Status]
	name := c.Options.Name // else "cell 3": ids are internal
	if name == "" {
		name = kernel.CellLabel(j.nb, j.nb.Index(c.ID))
	}
	line := fmt.Sprintf("  %-4s [%d/%d] %-3s %s", status, n, total, c.Lang, name)
	switch r.Status {
	case kernel.Skipped:
		line += " (" + r.Reason + ")"
	default:
		line += " " + r.Duration.Round(time.Millisecond/10).String()
	}
	fmt.Fprintln(g.stderr, line)
	if r.Status == kernel.Failed && r.Err != nil {
		for _, l := range strings.Split(strings.TrimRight(r.Err.Report(), "\n"), "\n") {
			fmt.Fprintln(g.stderr, "        "+l)
		}
	}
}

// setVariable finds the names a parameters cell declares.
var setVariable = regexp.MustCompile(`(?i)\bSET\s+VARIABLE\s+(?:"([^"]+)"|([A-Za-z_][A-Za-z0-9_]*))\s*=`)

// routeParams gives each notebook the -p values its parameters cell
// declares, when several run: `floe run *.md -p region=EU` sets region
// where a notebook has it. A name no notebook declares is an error before
// any runs. One notebook gets every value, and the kernel names what its
// cell declares when one does not fit.
func routeParams(jobs []job, params map[string]string) ([]map[string]string, error) {
	out := make([]map[string]string, len(jobs))
	if len(jobs) == 1 || len(params) == 0 {
		for i := range out {
			out[i] = params
		}
		return out, nil
	}
	used := map[string]bool{}
	for i, j := range jobs {
		declared := map[string]bool{}
		for _, c := range j.nb.Cells {
			if c.Kind != notebooks.Code || !c.Options.Parameters {
				continue
			}
			for _, m := range setVariable.FindAllStringSubmatch(c.Source, -1) {
				declared[strings.ToLower(m[1]+m[2])] = true
			}
		}
		out[i] = map[string]string{}
		for name, v := range params {
			if declared[strings.ToLower(name)] {
				out[i][name] = v
				used[name] = true
			}
		}
	}
	var unknown []string
	for name := range params {
		if !used[name] {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return nil, fmt.Errorf("%w %q: none of the %d notebooks declares it in its parameters cell", kernel.ErrUnknownParameter, unknown[0], len(jobs))
	}
	return out, nil
}

// parseParams reads -p name=value flags.
func parseParams(ps []string) (map[string]string, error) {
	out := map[string]string{}
	for _, p := range ps {
		name, value, ok := strings.Cut(p, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, fmt.Errorf("-p %q: want name=value", p)
		}
		if _, dup := out[name]; dup {
			return nil, fmt.Errorf("-p %s given twice", name)
		}
		out[name] = value
	}
	return out, nil
}

// planJobs reads every notebook and picks its output paths, so that a
// notebook that does not parse, or two that would write the same file,
// stop the run before anything runs.
func planJobs(args []string, f runFlags) ([]job, error) {
	var jobs []job
	written := map[string]string{}
	var errs []error
	for _, src := range args {
		nb, err := notebooks.ReadFile(src)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		dir := f.out
		if dir == "" {
			dir = filepath.Dir(src)
		}
		base := strings.TrimSuffix(filepath.Base(src), filepath.Ext(src))
		j := job{src: src, nb: nb, out: filepath.Join(dir, base+".out.ipynb")}
		if f.html {
			j.html = filepath.Join(dir, base+".html")
		}
		if other, dup := written[j.out]; dup {
			errs = append(errs, fmt.Errorf("%s and %s would both write %s; run them with different --out directories", other, src, j.out))
			continue
		}
		written[j.out] = src
		jobs = append(jobs, j)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if f.out != "" {
		if err := os.MkdirAll(f.out, 0o755); err != nil {
			return nil, fmt.Errorf("--out: %w", err)
		}
	}
	return jobs, nil
}

// writeAtomic writes a file through a temporary one renamed into place.
func writeAtomic(path string, write func(io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = write(tmp); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
