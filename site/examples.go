package site

import (
	"context"
	"fmt"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"signalwire/internal/diff"
	"signalwire/internal/english"
	"signalwire/runner"
)

// Results are what the examples of a book did, one result per run.
type Results struct {
	runs   map[runKey]*runner.Result
	engine map[string][]byte // the browser engine's assets (engine.go)
}

// runKey names a run: an example is run once per distinct set of runner
// options among its uses, however many chapters show it.
type runKey struct {
	name     string
	realtime bool
}

func keyOf(u *Use) runKey { return runKey{u.Example.Name, u.Directive.Realtime} }

// runOptions returns the runner options of the use's run. Both engines run, so
// that an interpreter divergence is seen; the compiled result is the truth.
func runOptions(u *Use, limits runner.Options) runner.Options {
	o := limits
	o.Engine = runner.EngineBoth
	o.Realtime = u.Directive.Realtime
	return o
}

// Result returns the result of the run behind u, or nil if it did not run.
func (r *Results) Result(u *Use) *runner.Result {
	if r == nil {
		return nil
	}
	return r.runs[keyOf(u)]
}

// Run runs every example the book uses, once per distinct set of options,
// on Workers goroutines. The runner's cache makes a run of an unchanged
// example instant. The error is about running itself (no go command, ctx
// cancelled); what the examples did is in the Results, for [Verify].
func (s *Site) Run(ctx context.Context, book *Book) (*Results, error) {
	return s.RunWith(ctx, book, s.Limits)
}

// RunWith is Run with other limits than the Site's, such as another
// GOMAXPROCS.
func (s *Site) RunWith(ctx context.Context, book *Book, limits runner.Options) (*Results, error) {
	r := s.Runner
	if r == nil {
		r = &runner.Runner{}
	}
	var todo []*Use // one use per run
	seen := map[runKey]bool{}
	for _, u := range book.Uses() {
		if k := keyOf(u); !seen[k] {
			seen[k] = true
			todo = append(todo, u)
		}
	}
	slices.SortFunc(todo, func(a, b *Use) int { return strings.Compare(a.Example.Name, b.Example.Name) })

	workers := s.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	prog := newProgress(s.Progress, len(todo))
	defer prog.finish()

	// The first run that cannot be made stops the others: the build fails
	// with its error either way.
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	var mu sync.Mutex
	results := &Results{runs: map[runKey]*runner.Result{}}
	// wasm: the browser engine builds beside the examples (engine.go).
	g.Go(func() (err error) {
		results.engine, err = s.buildEngine(gctx)
		return err
	})
	// The compiled engine builds the examples to run together first,
	// linking what it can into one binary (runner.Prepare). That is only
	// faster: if it fails, each run meets the same failure (no go
	// command, say) and reports it with its example's name.
	jobs := make([]runner.Job, len(todo))
	for i, u := range todo {
		jobs[i] = runner.Job{File: u.Example.File, Src: u.Example.Source, Options: runOptions(u, limits)}
	}
	if err := r.Prepare(gctx, jobs); err != nil && gctx.Err() != nil {
		if werr := g.Wait(); werr != nil {
			return nil, werr // what stopped the group: the engine's build
		}
		return nil, err
	}
	for _, u := range todo {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			prog.begin(u.Example.Name)
			res, err := r.Run(gctx, u.Example.File, u.Example.Source, runOptions(u, limits))
			prog.end(u.Example.Name, res)
			if err != nil {
				return fmt.Errorf("%s: %w", u.Example.File, err)
			}
			mu.Lock()
			results.runs[keyOf(u)] = res
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return results, nil
}

// Verify checks each use of an example against its directive and golden
// file: that it failed only as the directive says (compile-error, panic,
// exit=N, leaks=N), that the interpreter agrees with the compiled program
// unless a divergence is declared, and that its output is the golden file's.
// It reports every problem, as *Error values located at the directive,
// joined.
func Verify(book *Book, results *Results) error {
	var errs errorList
	goldenDone := map[string]bool{}
	for _, u := range book.Uses() {
		name, d := u.Example.Name, u.Directive
		res := results.Result(u)
		if res == nil {
			errs.addf(u.File, u.Line, "example %q did not run", name)
			continue
		}
		if msg := checkOutcome(d, res); msg != "" {
			errs.addf(u.File, u.Line, "example %q %s", name, msg)
			continue
		}
		switch {
		case res.Divergence != nil && d.Divergence == "":
			errs.addf(u.File, u.Line, "example %q: the yaegi interpreter disagrees with the compiled program; fix the example, or declare a known interpreter limitation with divergence=\"REASON\":\n%s",
				name, strings.TrimSuffix(res.Divergence.Diff, "\n"))
		case res.Divergence == nil && d.Divergence != "":
			errs.addf(u.File, u.Line, "example %q: divergence=%q is declared, but the interpreter agrees with the compiled program; remove it", name, d.Divergence)
		}
		key := fmt.Sprintf("%s %v %v", name, d.Realtime, d.Unordered)
		if goldenDone[key] {
			continue
		}
		goldenDone[key] = true
		e := u.Example
		if !e.HasGolden {
			errs.addf(u.File, u.Line, "example %q has no golden file %s (run \"go run . check -update\": it creates it and rebuilds the site)", name, e.GoldenFile)
			continue
		}
		got, want := GoldenOutput(res), string(e.Golden)
		if d.Unordered {
			got, want = SortLines(got), SortLines(want)
		}
		if got != want {
			errs.addf(u.File, u.Line, "example %q: output differs from %s (if the new output is right, run \"go run . check -update\"):\n%s",
				name, e.GoldenFile, strings.TrimSuffix(diff.Unified(e.GoldenFile, "output of "+e.File, want, got), "\n"))
		}
	}
	return errs.err()
}

// GoldenChange is a golden file to rewrite.
type GoldenChange struct {
	File     string // "examples/timeout/output.txt"
	Old, New string
	Created  bool // the file did not exist
}

// Update returns the golden files whose content differs from what the
// examples printed, taken from the compiled program (never from the
// interpreter). It refuses, with the directive's location, an example whose
// run failed in a way its directive does not expect: its output is not one
// to keep.
func Update(book *Book, results *Results) ([]GoldenChange, error) {
	var (
		errs    errorList
		changes []GoldenChange
		done    = map[*Example]bool{}
	)
	for _, u := range book.Uses() {
		res := results.Result(u)
		if res == nil {
			errs.addf(u.File, u.Line, "example %q did not run", u.Example.Name)
			continue
		}
		if msg := checkOutcome(u.Directive, res); msg != "" {
			errs.addf(u.File, u.Line, "example %q %s; not updating %s", u.Example.Name, msg, u.Example.GoldenFile)
			continue
		}
		if done[u.Example] {
			continue
		}
		done[u.Example] = true
		e := u.Example
		got := GoldenOutput(res)
		if e.HasGolden && (string(e.Golden) == got || u.Directive.Unordered && SortLines(string(e.Golden)) == SortLines(got)) {
			continue
		}
		changes = append(changes, GoldenChange{File: e.GoldenFile, Old: string(e.Golden), New: got, Created: !e.HasGolden})
	}
	return changes, errs.err()
}

// GoldenOutput returns what the golden file of an example holds for its
// result: the combined stdout and stderr the compiled program wrote, or,
// when it does not compile, the compiler's messages, one
// "main.go:LINE:COL: message" line each.
func GoldenOutput(res *runner.Result) string {
	if e := res.Err; e != nil && e.Kind == runner.KindCompile {
		var b strings.Builder
		for _, d := range compileDiagnostics(e) {
			b.WriteString(d)
			b.WriteByte('\n')
		}
		return b.String()
	}
	return res.Combined()
}

// compileDiagnostics returns the compiler's messages as main.go:LINE:COL: MSG.
func compileDiagnostics(e *runner.Error) []string {
	file := path.Base(e.File)
	pos := func(line, col int) string {
		if col > 0 {
			return fmt.Sprintf("%s:%d:%d", file, line, col)
		}
		return fmt.Sprintf("%s:%d", file, line)
	}
	if len(e.Diagnostics) == 0 {
		return []string{pos(e.Line, e.Col) + ": " + e.Msg}
	}
	var out []string
	for _, d := range e.Diagnostics {
		out = append(out, pos(d.Line, d.Col)+": "+d.Msg)
	}
	return out
}

// checkOutcome compares how a run ended with what the directive expects,
// and returns what is wrong, to follow `example "NAME"`, or "".
func checkOutcome(d *Directive, res *runner.Result) string {
	var kind runner.Kind
	if res.Err != nil {
		kind = res.Err.Kind
	}
	detail := func() string {
		if res.Err == nil {
			return ""
		}
		return ":\n\t" + strings.ReplaceAll(res.Err.Error(), "\n", "\n\t")
	}
	switch kind {
	case "", runner.KindCompile, runner.KindPanic, runner.KindLeak, runner.KindExit:
	case runner.KindDeadlock, runner.KindFatal:
		if d.Exit == 0 || d.Exit != res.ExitCode {
			return "failed" + detail()
		}
		return ""
	default:
		return "failed" + detail()
	}
	switch {
	case kind == runner.KindCompile && !d.CompileError:
		return "does not compile (if that is the point, add compile-error to its directive)" + detail()
	case kind != runner.KindCompile && d.CompileError:
		return "compiles, but its directive says compile-error"
	case kind == runner.KindPanic && !d.Panic:
		return "panicked (if that is the point, add panic to its directive)" + detail()
	case kind != runner.KindPanic && d.Panic:
		return "did not panic, but its directive says panic" + detail()
	case kind == runner.KindExit && d.Exit != res.ExitCode:
		if d.Exit == 0 {
			return fmt.Sprintf("exited with status %d (if that is the point, add exit=%d to its directive)", res.ExitCode, res.ExitCode)
		}
		return fmt.Sprintf("exited with status %d, but its directive says exit=%d", res.ExitCode, d.Exit)
	case kind != runner.KindExit && !d.Panic && !d.CompileError && d.Exit != 0:
		return fmt.Sprintf("exited with status %d, but its directive says exit=%d", res.ExitCode, d.Exit) + detail()
	case res.Leaked() != d.Leaks && d.Leaks == 0:
		return fmt.Sprintf("leaked %s (if that is the point, add leaks=%d to its directive)", english.Plural(res.Leaked(), "goroutine"), res.Leaked()) + detail()
	case res.Leaked() != d.Leaks:
		return fmt.Sprintf("leaked %s, but its directive says leaks=%d", english.Plural(res.Leaked(), "goroutine"), d.Leaks) + detail()
	}
	return ""
}

// SortLines sorts the lines of s, for comparing unordered output.
func SortLines(s string) string {
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	slices.Sort(lines)
	return strings.Join(lines, "")
}
