package runner

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/traefik/yaegi/interp"
	gen "github.com/traefik/yaegi/stdlib/generic"

	"signalwire/runner/harness"
	swcontext "signalwire/runner/harness/swcontext"
	swsignal "signalwire/runner/harness/swsignal"
)

// childEnv marks the interpreter's child process: the runner starts its own
// executable (or Runner.self) with it set, and that program's main calls
// [ChildMain] when [IsChild] says so.
const childEnv = "SIGNALWIRE_RUNNER_CHILD"

// IsChild reports whether this process was started by a [Runner] as the
// interpreter's child process. A program that runs examples under the
// interpreter (EngineYaegi or EngineBoth) must begin its main function,
// and the TestMain of its test binaries, with
//
//	if runner.IsChild() {
//		runner.ChildMain()
//	}
//
// because the runner re-executes that program to interpret each example in a
// process of its own. Nothing else of the program runs in the child. (The
// runner also starts it once to learn whether the machine can build the
// OS sandbox: see [Runner.Isolation].)
func IsChild() bool {
	v := os.Getenv(childEnv)
	return v == "yaegi" || v == probeChildEnv
}

// ChildMain runs the example the runner hands to this process under the
// interpreter, reports what it did to the runner and exits. It never
// returns. Call it only when [IsChild] is true.
func ChildMain() {
	if !IsChild() {
		fmt.Fprintln(os.Stderr, "runner.ChildMain: this process was not started by the runner")
		os.Exit(harness.ExitLimit)
	}
	if os.Getenv(childEnv) == probeChildEnv { // the sandbox's probe: sandbox_*.go
		probeChild()
	}
	interpChild()
}

// interpreterCommand is the process that interprets one example: this
// program again, which turns into the child at the top of its main.
func (r *Runner) interpreterCommand(file string) (child, error) {
	exe := r.self
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			return child{}, fmt.Errorf("the interpreter engine re-executes the runner: %w", err)
		}
	}
	return child{
		path:  exe,
		args:  []string{strings.TrimSuffix(shortName(file), ".go")},
		env:   []string{childEnv + "=yaegi"},
		hello: true,
	}, nil
}

// runInterp runs the example under yaegi in a child process.
func (r *Runner) runInterp(ctx context.Context, file string, src []byte, o Options) (*Result, error) {
	c, err := r.interpreterCommand(file)
	if err != nil {
		return nil, err
	}
	c.extra = src
	c.cfg = o.harnessConfig(shortName(file))
	c.fence = r.fence(ctx, c.path, o, false)
	c.cfg.Trace = !o.NoTrace
	if o.GOMAXPROCS > 0 {
		c.env = append(c.env, "GOMAXPROCS="+strconv.Itoa(o.GOMAXPROCS))
	}
	raw, err := startChild(ctx, c, o.OutputLimit) // wasm: spawn*.go
	if err != nil {
		return nil, err
	}
	res := raw.result(EngineYaegi, file, o)
	if res.Err != nil && res.Err.Kind == KindUnsupported {
		explainUnsupported(res.Err, src)
	}
	locateSpin(res.Err, src)
	return res, nil
}

// interpChild runs in the child process. It never returns.
func interpChild() {
	os.Unsetenv(childEnv)
	iso, err := enterInPlace() // the OS sandbox: sandbox_*.go
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(harness.ExitFence)
	}
	cfg, fw, err := harness.Load()
	if err != nil {
		fmt.Fprintln(os.Stderr, "signalwire interpreter:", err)
		os.Exit(harness.ExitLimit)
	}
	fw.Hello()
	src, err := io.ReadAll(os.NewFile(4, "source"))
	if err != nil {
		harness.Fail(harness.Report{Outcome: harness.OutcomeHarness, Message: "reading the program: " + err.Error()})
	}
	stdout := harness.Stream{W: fw, Kind: harness.FrameStdout}
	stderr := &panicFilter{Stream: harness.Stream{W: fw, Kind: harness.FrameStderr}, file: cfg.File, refine: panicLineFinder(cfg.File, src)}

	// yaegi logs its own compiler panics through the log package; keep
	// them out of the program's output until the program runs.
	log.SetOutput(io.Discard)
	os.Setenv("YAEGI_SPECIAL_STDIO", "1")
	i := interp.New(interp.Options{
		Stdout: stdout,
		Stderr: stderr,
		Args:   os.Args[1:],
		Env:    filterEnv(os.Environ()),
		// The packages outside the standard library that examples
		// may import: modules.go.
		SourcecodeFilesystem: carriedSources(),
		GoPath:               ".",
	})
	os.Unsetenv("YAEGI_SPECIAL_STDIO")
	restore := withoutGenericSources(src)
	err = i.Use(interpSymbols(iso))
	restore()
	if err != nil {
		harness.Fail(harness.Report{Outcome: harness.OutcomeHarness, Message: err.Error()})
	}
	if err := i.Use(exits(stderr)); err != nil {
		harness.Fail(harness.Report{Outcome: harness.OutcomeHarness, Message: err.Error()})
	}
	prog, rep := compileInterp(i, cfg.File, src)
	if rep != nil {
		harness.Fail(*rep)
	}
	// slog's default handler writes through the log package.
	log.SetOutput(stderr)
	log.SetFlags(log.LstdFlags)
	harness.Main(func() {
		_, err := i.Execute(prog)
		if err == nil {
			return
		}
		var p interp.Panic
		if errors.As(err, &p) {
			panic(&harness.LocatedPanic{Value: stripPosition(cfg.File, p.Value), Lines: stderr.lines()})
		}
		panic(&harness.LocatedPanic{Value: err})
	})
}

// filterEnv drops the runner's variables from the interpreted program's
// environment.
func filterEnv(env []string) []string {
	var out []string
	for _, kv := range env {
		if strings.HasPrefix(kv, "SIGNALWIRE_") || strings.HasPrefix(kv, "YAEGI_") {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// interpSymbols is yaegi's standard library cut down to what the
// isolation of the run allows (sandbox.go).
func interpSymbols(iso Isolation) interp.Exports {
	out := interp.Exports{}
	for key, syms := range stdSymbols() { // wasm: stdsymbols*.go
		slash := strings.LastIndex(key, "/")
		if slash < 0 {
			out[key] = syms // "." holds yaegi's interface wrappers
			continue
		}
		path := key[:slash]
		if importRefusal(path, iso) != "" {
			continue
		}
		if !partial(path, iso) {
			// Use copies what it is given: no copy of ours first.
			out[key] = syms
			continue
		}
		m := map[string]reflect.Value{}
		for name, v := range syms {
			if nameRefusal(path, name, iso) == "" {
				m[name] = v
			}
		}
		out[key] = m
	}
	return out
}

// withoutGenericSources spares yaegi's Use the compilation of yaegi's
// generic standard packages (cmp, maps and slices, as Go source in
// stdlib/generic), which Use compiles for every program: 1.2 MB of
// allocation and about 4 ms, a third of the interpreter's start, that a
// program importing none of them does not need. It applies only to a
// program whose imports are all in the standard library and none of those
// packages: yaegi runs the others compiled, and they cannot import a
// package yaegi interprets. For such a program, it puts an empty package
// in the place of each source until restore.
func withoutGenericSources(src []byte) (restore func()) {
	nothing := func() {}
	f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.ImportsOnly)
	if err != nil {
		return nothing // the compilation says what is wrong
	}
	names := make([]string, len(gen.Sources))
	for i, s := range gen.Sources {
		p, err := parser.ParseFile(token.NewFileSet(), "", s, parser.PackageClauseOnly)
		if err != nil {
			return nothing
		}
		names[i] = p.Name.Name
	}
	for _, imp := range f.Imports {
		path, err := strconv.Unquote(imp.Path.Value)
		first, _, _ := strings.Cut(path, "/")
		if err != nil || strings.Contains(first, ".") || slices.Contains(names, path) {
			return nothing
		}
	}
	saved := gen.Sources // an array: a copy
	for i, name := range names {
		gen.Sources[i] = "package " + name
	}
	return func() { gen.Sources = saved }
}

// partial reports whether nameRefusal may refuse a name of path under iso.
func partial(path string, iso Isolation) bool {
	if iso == IsolationAllowlist {
		return allowed[path] != nil
	}
	_, ok := restricted[path]
	return ok
}

// exits makes log.Fatal exit with status 1 and os.Exit exit, as in Go;
// yaegi turns both into panics.
func exits(w io.Writer) interp.Exports {
	l := log.New(w, "", log.LstdFlags)
	exit := func(code int) {
		harness.Exit(code)
		os.Exit(code)
	}
	fatal := func(s string) {
		l.Output(3, s)
		exit(1)
	}
	return interp.Exports{
		"log/log": {
			"Fatal":   reflect.ValueOf(func(v ...any) { fatal(fmt.Sprint(v...)) }),
			"Fatalf":  reflect.ValueOf(func(format string, v ...any) { fatal(fmt.Sprintf(format, v...)) }),
			"Fatalln": reflect.ValueOf(func(v ...any) { fatal(fmt.Sprintln(v...)) }),
		},
		// yaegi's sandbox turns os.Exit into a panic.
		"os/os": {"Exit": reflect.ValueOf(exit)},
		// The recording wrapper of the context package; it cannot tell
		// the example's lines under the interpreter.
		"context/context": {
			"AfterFunc":         reflect.ValueOf(swcontext.AfterFunc),
			"Background":        reflect.ValueOf(swcontext.Background),
			"TODO":              reflect.ValueOf(swcontext.TODO),
			"WithCancel":        reflect.ValueOf(swcontext.WithCancel),
			"WithCancelCause":   reflect.ValueOf(swcontext.WithCancelCause),
			"WithDeadline":      reflect.ValueOf(swcontext.WithDeadline),
			"WithDeadlineCause": reflect.ValueOf(swcontext.WithDeadlineCause),
			"WithTimeout":       reflect.ValueOf(swcontext.WithTimeout),
			"WithTimeoutCause":  reflect.ValueOf(swcontext.WithTimeoutCause),
			"WithValue":         reflect.ValueOf(swcontext.WithValue),
			"WithoutCancel":     reflect.ValueOf(swcontext.WithoutCancel),
		},
		"os/signal/signal": {"NotifyContext": reflect.ValueOf(swsignal.NotifyContext)},
	}
}

var interpPosRE = regexp.MustCompile(`^(?:.*?)([\w.-]+\.go):(\d+):(\d+): (.*)$`)

// compileInterp compiles src, turning the compiler's errors and panics into
// a report.
func compileInterp(i *interp.Interpreter, file string, src []byte) (prog *interp.Program, rep *harness.Report) {
	f, err := parser.ParseFile(i.FileSet(), file, src, parser.ParseComments)
	if err != nil {
		return nil, &harness.Report{Outcome: harness.OutcomeCompile, Message: err.Error()}
	}
	defer func() {
		if r := recover(); r != nil {
			rep = &harness.Report{Outcome: harness.OutcomeUnsupported, Message: "the interpreter's compiler panicked: " + fmt.Sprint(r)}
			if m := interpPosRE.FindStringSubmatch(fmt.Sprint(r)); m != nil {
				rep.Line, _ = strconv.Atoi(m[2])
				rep.Col, _ = strconv.Atoi(m[3])
			}
		}
	}()
	prog, err = i.CompileAST(f)
	if err == nil {
		return prog, nil
	}
	rep = &harness.Report{Outcome: harness.OutcomeCompile, Message: err.Error()}
	for _, line := range strings.Split(err.Error(), "\n") {
		m := interpPosRE.FindStringSubmatch(line)
		if m == nil || m[1] != file {
			continue
		}
		l, _ := strconv.Atoi(m[2])
		c, _ := strconv.Atoi(m[3])
		rep.Diagnostics = append(rep.Diagnostics, harness.Diagnostic{Line: l, Col: c, Msg: m[4]})
	}
	if len(rep.Diagnostics) > 0 {
		d := rep.Diagnostics[0]
		rep.Line, rep.Col, rep.Message = d.Line, d.Col, d.Msg
		if why := missingFeature(d.Msg); why != "" {
			rep.Outcome = harness.OutcomeUnsupported
			rep.Message = why
		}
	}
	return nil, rep
}

// panicFilter is the interpreted program's stderr. yaegi prints a line
// "main.go:12:3: panic: main.f(...)" for each frame a panic unwinds; the
// filter keeps those lines out of the output and records them, innermost
// first.
type panicFilter struct {
	harness.Stream
	file   string
	refine func(line int) int

	mu    sync.Mutex
	found []int
}

var panicLineRE = regexp.MustCompile(`^([\w.-]+\.go):(\d+):(\d+): panic(?:: .*)?\n?$`)

func (p *panicFilter) Write(b []byte) (int, error) {
	if m := panicLineRE.FindSubmatch(b); m != nil && string(m[1]) == p.file {
		line, _ := strconv.Atoi(string(m[2]))
		line = p.refine(line)
		p.mu.Lock()
		p.found = append(p.found, line)
		p.mu.Unlock()
		p.W.PanicLine(line)
		return len(b), nil
	}
	return p.Stream.Write(b)
}

func (p *panicFilter) WriteString(s string) (int, error) { return p.Write([]byte(s)) }

func (p *panicFilter) lines() []int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]int(nil), p.found...)
}

// panicLineFinder corrects the lines yaegi reports for a panic. yaegi names
// the statement it was executing in each frame, which for
// "if b == 0 { panic(...) }" is the if statement, and for a panic call
// that follows another statement, sometimes that statement; the compiled
// program names the panic call. When the statement on the reported line
// contains a call to panic, or the statement after it in its block is one,
// the call's line is the answer.
func panicLineFinder(file string, src []byte) func(int) int {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, src, 0)
	if err != nil {
		return func(line int) int { return line }
	}
	lineOf := func(n ast.Node) int { return fset.Position(n.Pos()).Line }
	panicIn := func(n ast.Node) int {
		found := 0
		ast.Inspect(n, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok && found == 0 {
				if id, ok := call.Fun.(*ast.Ident); ok && id.Name == "panic" {
					found = lineOf(call)
				}
			}
			return found == 0
		})
		return found
	}
	return func(line int) int {
		found := 0
		ast.Inspect(f, func(n ast.Node) bool {
			block, ok := n.(*ast.BlockStmt)
			if !ok || found != 0 {
				return found == 0
			}
			for i, stmt := range block.List {
				if lineOf(stmt) != line {
					continue
				}
				if found = panicIn(stmt); found == 0 && i+1 < len(block.List) {
					if es, ok := block.List[i+1].(*ast.ExprStmt); ok {
						found = panicIn(es)
					}
				}
				if found == 0 {
					found = line
				}
				return false
			}
			return true
		})
		if found == 0 {
			return line
		}
		return found
	}
}

// stripPosition removes the "main.go:12:7: " that yaegi puts in front of
// the runtime errors it raises itself, such as a failed type assertion;
// the compiled program's message has none.
func stripPosition(file string, v any) any {
	var msg string
	switch v := v.(type) {
	case error:
		msg = v.Error()
	case string:
		msg = v
	default:
		return v
	}
	m := interpPosRE.FindStringSubmatch(msg)
	if m == nil || m[1] != file || !strings.HasPrefix(msg, m[1]) {
		return v
	}
	return m[4]
}
