package kernel

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/scanner"
	"go/token"
	"io"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"

	"github.com/floehq/floe/notebooks"
)

// autoImports are the packages a Go cell may use without importing them:
// the first use of name.X imports the path, unless the cell imports or
// declares that name itself.
var autoImports = map[string]string{
	"bufio": "bufio", "bytes": "bytes", "cmp": "cmp", "context": "context", "csv": "encoding/csv",
	"errors": "errors", "fmt": "fmt", "io": "io", "json": "encoding/json", "maps": "maps",
	"math": "math", "os": "os", "rand": "math/rand", "regexp": "regexp", "slices": "slices",
	"sort": "sort", "strconv": "strconv", "strings": "strings", "sync": "sync", "time": "time",
	"unicode": "unicode", "utf8": "unicode/utf8", "big": "math/big", "log": "log",
}

// goRunner runs a session's Go cells: the yaegi interpreter and its state
// (imports, top-level names), the tracing of panics, and the evaluations
// that ignored cancellation. What cells write and show goes to emit, the
// running cell's outputs; the floe package is the session's.
type goRunner struct {
	interp *interp.Interpreter
	trace  *traceWriter
	// imported holds the Go imports so far, as importKeys.
	imported map[string]bool
	// globals are the names Go cells declared at top level.
	globals map[string]bool
	// stuck are the evaluations of Go cells that ignored cancellation and
	// are still running, by goroutine id; stuckCell names the first.
	stuck     []uint64
	stuckCell string
	// grace is how long a cancelled evaluation has to stop.
	grace time.Duration
}

// newGoRunner starts the Go interpreter with the standard library (os/exec
// and other unrestricted packages left out; os.Exit panics) and the floe
// package (floe), imported as floe.
func newGoRunner(emit func(Output), floe interp.Exports, grace time.Duration) (*goRunner, error) {
	stdout := &cellWriter{emit: emit, stream: "stdout"}
	stderr := &cellWriter{emit: emit, stream: "stderr"}
	// yaegi writes where a panic happened to its own stderr; the log
	// package writes there too.
	trace := &traceWriter{out: stderr}
	i := interp.New(interp.Options{Stdout: stdout, Stderr: trace})
	if err := i.Use(stdlib.Symbols); err != nil {
		return nil, fmt.Errorf("start go interpreter: %w", err)
	}
	// os.Stdout and os.Stderr are the cell's streams, as io.Writers.
	var w1, w2 io.Writer = stdout, stderr
	if err := i.Use(interp.Exports{"os/os": {
		"Stdout": reflect.ValueOf(&w1).Elem(),
		"Stderr": reflect.ValueOf(&w2).Elem(),
	}}); err != nil {
		return nil, fmt.Errorf("start go interpreter: %w", err)
	}
	if err := i.Use(floe); err != nil {
		return nil, fmt.Errorf("start go interpreter: %w", err)
	}
	if _, err := i.Eval(`import "floe"`); err != nil {
		return nil, fmt.Errorf("start go interpreter: %w", err)
	}
	return &goRunner{
		interp:   i,
		trace:    trace,
		imported: map[string]bool{importKey("floe", "floe"): true},
		globals:  map[string]bool{},
		grace:    grace,
	}, nil
}

// runGo runs a Go cell (goRunner.run); the value of a last expression is
// displayed.
func (s *Session) runGo(ctx context.Context, c *notebooks.Cell) error {
	if s.gorun == nil {
		g, err := newGoRunner(s.emit, s.exports(), s.opts.Grace)
		if err != nil {
			return err
		}
		s.gorun = g
	}
	v, show, err := s.gorun.run(ctx, c)
	if err != nil || !show {
		return err
	}
	return s.showValue(ctx, c, v.Interface())
}

// run runs a Go cell: its imports, then each run of declarations or
// statements, in order. show says that v is the value of a last
// expression, to display.
func (g *goRunner) run(ctx context.Context, c *notebooks.Cell) (v reflect.Value, show bool, err error) {
	if err := g.checkStuck(); err != nil {
		return v, false, err
	}
	src := c.Source
	units, err := splitGo(src)
	if err != nil {
		return v, false, goError(err, 0)
	}
	if len(units) == 0 {
		return v, false, nil
	}
	if err := g.importFor(ctx, src, units); err != nil {
		return v, false, err
	}
	last := units[len(units)-1]
	show = last.kind == unitStmt && displayable(src[last.start:last.end])
	for i := 0; i < len(units); {
		u := units[i]
		if u.kind == unitImport {
			i++
			continue
		}
		// Declarations run together, so that they can refer to each
		// other; statements one by one, since yaegi places a panic only
		// at the start of what it evaluates.
		j := i + 1
		for u.kind == unitDecl && j < len(units) && units[j].kind == unitDecl {
			j++
		}
		// Pad with newlines so that yaegi's positions are lines of the cell.
		chunk := strings.Repeat("\n", u.line-1) + src[u.start:units[j-1].end]
		v, err = g.eval(ctx, chunk, c.ID)
		if err != nil {
			return v, false, err
		}
		i = j
	}
	for _, u := range units {
		for _, d := range u.decls {
			g.globals[d] = true
		}
	}
	return v, show && v.IsValid(), nil
}

// showValue displays the value of a cell's last expression; a named cell
// whose value is a table (or a slice of structs) also registers it under
// its name.
func (s *Session) showValue(ctx context.Context, c *notebooks.Cell, v any) error {
	if v == nil {
		return nil
	}
	if t, err := tableOf(v); err == nil {
		if name := c.Options.Name; name != "" {
			if err := s.register(ctx, name, t); err != nil {
				return &CellError{Kind: KindGo, Err: err}
			}
		}
		s.emit(Output{Kind: OutputTable, Table: s.displayTable(t)})
		return nil
	}
	s.emit(Output{Kind: OutputValue, Text: fmt.Sprintf("%v", v)})
	return nil
}

// importFor imports what the cell imports, skipping packages imported
// before, and the packages of autoImports the cell uses.
func (g *goRunner) importFor(ctx context.Context, src string, units []goUnit) error {
	declared := map[string]bool{}
	for _, u := range units {
		for _, d := range u.decls {
			declared[d] = true
		}
	}
	for _, u := range units {
		if u.kind != unitImport {
			continue
		}
		specs, err := parseImports(src[u.start:u.end], u.line)
		if err != nil {
			return goError(err, 0)
		}
		for _, sp := range specs {
			if g.imported[importKey(sp.name, sp.path)] {
				continue
			}
			if _, err := g.eval(ctx, fmt.Sprintf("%simport %s %q", strings.Repeat("\n", sp.line-1), sp.name, sp.path), ""); err != nil {
				return err
			}
			g.imported[importKey(sp.name, sp.path)] = true
		}
	}
	have := map[string]bool{}
	for k := range g.imported {
		name, _, _ := strings.Cut(k, " ")
		have[name] = true
	}
	for _, name := range selectorRoots(src) {
		path := autoImports[name]
		if path == "" || have[name] || declared[name] || g.globals[name] {
			continue
		}
		if _, err := g.eval(ctx, fmt.Sprintf("import %s %q", name, path), ""); err != nil {
			return err
		}
		g.imported[importKey(name, path)] = true
		have[name] = true
	}
	return nil
}

// importKey identifies an import: the name it binds and the package path.
func importKey(name, path string) string { return name + " " + path }

// selectorRoots returns the identifiers x of selectors x.y that do not
// follow a dot themselves: the candidates for package names.
func selectorRoots(src string) []string {
	var out []string
	toks := goTokens(src)
	for i := 0; i+1 < len(toks); i++ {
		if toks[i].tok == token.IDENT && toks[i+1].tok == token.PERIOD && (i == 0 || toks[i-1].tok != token.PERIOD) {
			if !slices.Contains(out, toks[i].lit) {
				out = append(out, toks[i].lit)
			}
		}
	}
	return out
}

type goTok struct {
	tok token.Token
	lit string
}

func goTokens(src string) []goTok {
	var out []goTok
	var sc scanner.Scanner
	sc.Init(token.NewFileSet().AddFile("", -1, len(src)), []byte(src), func(token.Position, string) {}, 0)
	for {
		_, t, lit := sc.Scan()
		if t == token.EOF {
			return out
		}
		out = append(out, goTok{t, lit})
	}
}

// eval evaluates src under ctx. When ctx ends first, it waits up to the
// session's grace period for the evaluation to stop, and reports it if it
// does not: it is stuck in a call that ignores cancellation.
func (g *goRunner) eval(ctx context.Context, src, cell string) (reflect.Value, error) {
	gid := goroutineID()
	v, err := g.interp.EvalWithContext(ctx, src)
	if err == nil {
		return v, nil
	}
	if ctx.Err() == nil || !errors.Is(err, ctx.Err()) {
		return v, g.goFailure(err, src)
	}
	deadline := time.Now().Add(g.grace)
	for {
		running := slices.DeleteFunc(evalGoroutines(gid), func(id uint64) bool { return slices.Contains(g.stuck, id) })
		if len(running) == 0 {
			return v, err
		}
		if time.Now().After(deadline) {
			g.stuck = append(g.stuck, running...)
			if g.stuckCell == "" {
				g.stuckCell = cell
			}
			return v, &CellError{Kind: KindTimeout, Err: fmt.Errorf("%w: it was still running %s after being stopped (%v), blocked in a call that does not take a context, such as time.Sleep; it keeps running in the background and Go cells cannot run until it ends (use floe.Context() in long calls)",
				ErrIgnoredCancel, g.grace, ctx.Err())}
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// checkStuck refuses to run Go while an evaluation that ignored
// cancellation is still running: the interpreter is not safe for two.
func (g *goRunner) checkStuck() error {
	if len(g.stuck) == 0 {
		return nil
	}
	alive := evalGoroutines(0)
	g.stuck = slices.DeleteFunc(g.stuck, func(id uint64) bool { return !slices.Contains(alive, id) })
	if len(g.stuck) == 0 {
		g.stuckCell = ""
		return nil
	}
	return &CellError{Kind: KindGo, Err: fmt.Errorf("%w: Go cell %s ignored cancellation and is still running; start a new session to run Go", ErrBusy, g.stuckCell)}
}

// goroutineID returns the id of the calling goroutine, from its stack
// header ("goroutine 18 [running]:").
func goroutineID() uint64 {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	f := strings.Fields(string(buf[:n]))
	if len(f) < 2 {
		return 0
	}
	id, _ := strconv.ParseUint(f[1], 10, 64)
	return id
}

// yaegi evaluates each source in a goroutine started by EvalWithContext
// and, when the context ends, returns without waiting for it. Its stack
// trace is the only place that tells whether it has ended.
var createdByEval = regexp.MustCompile(`(?m)^created by github\.com/traefik/yaegi/interp\.\(\*Interpreter\)\.EvalWithContext in goroutine (\d+)$`)

// evalGoroutines returns the goroutines yaegi started to evaluate sources
// for EvalWithContext calls made by goroutine parent (0: any).
func evalGoroutines(parent uint64) []uint64 {
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var out []uint64
	for g := range bytes.SplitSeq(buf, []byte("\n\n")) {
		m := createdByEval.FindSubmatch(g)
		if m == nil {
			continue
		}
		if p, _ := strconv.ParseUint(string(m[1]), 10, 64); parent != 0 && p != parent {
			continue
		}
		f := strings.Fields(string(g))
		if len(f) < 2 {
			continue
		}
		if id, err := strconv.ParseUint(f[1], 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out
}

// posPrefix matches the position yaegi puts before its messages: "3:5: "
// or "_.go:3:5: ".
var posPrefix = regexp.MustCompile(`^(?:[^\s:]*\.go:)?(\d+):(\d+): `)

// goFailure turns an evaluation error into a CellError at a line of the
// cell.
func (g *goRunner) goFailure(err error, src string) error {
	var p interp.Panic
	if errors.As(err, &p) {
		frames := g.trace.take()
		ce := &CellError{Kind: KindPanic, Err: fmt.Errorf("%v", p.Value)}
		// The outermost frame, main(...), is the statement of this cell.
		for _, f := range frames {
			ce.Trace = append(ce.Trace, "at "+strings.Replace(f, ": panic: ", " ", 1))
			if m := posPrefix.FindStringSubmatch(f + " "); m != nil && strings.Contains(f, "main(") {
				ce.Line, _ = strconv.Atoi(m[1])
			}
		}
		if ce.Line == 0 && len(frames) > 0 {
			if m := posPrefix.FindStringSubmatch(frames[0] + " "); m != nil {
				ce.Line, _ = strconv.Atoi(m[1])
			}
		}
		if e, ok := p.Value.(error); ok {
			ce.Err = e
		}
		if len(frames) == 0 {
			// No frame of the cell ran: yaegi's compiler itself
			// panicked, as it does on some undefined names (x :=
			// nope.Field + 1).
			if d := g.diagnose(src); d != nil {
				return d
			}
		}
		return ce
	}
	g.trace.take()
	ce := goError(err, 0)
	if strings.HasSuffix(ce.Message(), "constant definition loop") {
		if d := g.diagnose(src); d != nil {
			return d
		}
	}
	return ce
}

// diagnose explains yaegi's "constant definition loop", which is what it
// says when a top-level statement or var declaration uses a name that is
// not defined (x := undefinedThing + 1): it keeps waiting for a later
// declaration to define it. Compiled as a function body, without running,
// the same source gives the real error ("undefined: undefinedThing") at
// its line, or a compiler panic naming the undefined name. It returns nil
// when that tells nothing more.
func (g *goRunner) diagnose(src string) (ce *CellError) {
	open, shift := "func _() {", 0
	defer func() {
		// After the failed evaluation yaegi holds the undefined name as
		// an incomplete type, and its compiler panics on it, saying where
		// it is used.
		r := recover()
		if r == nil {
			return
		}
		m := incompleteType.FindStringSubmatch(fmt.Sprint(r))
		if m == nil {
			ce = nil
			return
		}
		line, _ := strconv.Atoi(m[1])
		ce = &CellError{Kind: KindGo, Line: max(line-shift, 0), Err: fmt.Errorf("undefined: %s", m[2])}
	}()
	// src starts with newlines that put its first line at its line in the
	// cell; the function's header takes the first, empty, line. Source on
	// the cell's first line starts the body on line 2.
	if !strings.HasPrefix(src, "\n") {
		open, shift = "func _() {\n", 1
	}
	_, err := g.interp.Compile(open + src + "\n}")
	if err == nil {
		return nil
	}
	d := goError(err, 0)
	if strings.HasSuffix(d.Message(), "constant definition loop") {
		return nil
	}
	if d.Line > 0 {
		d.Line -= shift
	}
	return d
}

// incompleteType matches the panic of yaegi's compiler on a name that an
// earlier evaluation left undefined: "2:6: CFG post-order panic: 1:33:
// incomplete type undefinedThing".
var incompleteType = regexp.MustCompile(`^(\d+):\d+: CFG post-order panic: .*incomplete type ([\pL_][\pL\pN_]*)$`)

// goError locates a compile or scan error at its line.
func goError(err error, line int) *CellError {
	var el scanner.ErrorList
	if errors.As(err, &el) && len(el) > 0 {
		return &CellError{Kind: KindGo, Line: el[0].Pos.Line, Err: errors.New(el[0].Msg)}
	}
	msg := err.Error()
	first, _, _ := strings.Cut(msg, "\n")
	if m := posPrefix.FindStringSubmatch(first); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = msg[len(m[0]):]
	}
	return &CellError{Kind: KindGo, Line: line, Err: errors.New(msg)}
}

// cellWriter sends what Go code writes to a stream of the running cell.
type cellWriter struct {
	emit   func(Output)
	stream string
}

func (w *cellWriter) Write(p []byte) (int, error) {
	w.emit(Output{Kind: OutputStream, Stream: w.stream, Text: string(p)})
	return len(p), nil
}

// traceWriter takes yaegi's "3:5: panic: main(...)" frame lines out of its
// stderr and passes the rest (log output) on.
type traceWriter struct {
	out    io.Writer
	mu     sync.Mutex
	buf    []byte
	frames []string
}

var frameLine = regexp.MustCompile(`^(?:[^\s:]*\.go:)?\d+:\d+: panic`)

func (w *traceWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			break
		}
		line := string(w.buf[:i])
		w.buf = w.buf[i+1:]
		if frameLine.MatchString(line) {
			w.frames = append(w.frames, line)
			continue
		}
		w.out.Write([]byte(line + "\n"))
	}
	return len(p), nil
}

// take returns and forgets the frames written so far.
func (w *traceWriter) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	f := w.frames
	w.frames = nil
	return f
}
