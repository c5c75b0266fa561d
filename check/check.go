// Package check verifies a book the way CI does, and tells the author
// exactly what broke and where.
//
// For every example a chapter uses, [Checker.Check] verifies that:
//
//  1. it runs under both engines, and the compiled result matches its
//     committed golden file (as sorted lines when the directive says
//     unordered); a mismatch prints a unified diff at the chapter's
//     file:line that embeds it;
//  2. the expectations of its directive hold: exit status, panic, leak
//     count, compile error; an unexpected leak, timeout or panic fails with
//     the runner's message;
//  3. the yaegi interpreter agrees with the compiled program, unless the
//     directive declares a known divergence, which must then happen;
//  4. its output is stable: it runs twice, with GOMAXPROCS 1 and 2, and the
//     two runs must agree (as sorted lines when unordered);
//  5. go vet is clean for it, or, when its directive says vet=NAME, go vet
//     reports exactly that analyzer;
//
// and that the site is sound: every page parses, every internal link and
// #anchor resolves, no page loads an external resource, and the committed
// site is identical to a fresh build.
//
// With Update, golden files are rewritten from the compiled results (never
// from the interpreter) before they are compared; an example whose run
// failed in a way its directive does not expect is not updated. Then, if
// every example passes and the whole book is checked, a stale committed
// site is replaced by the fresh build, so that one command takes a new or
// changed example to a current book.
//
// go vet runs with the go command of the Site's Runner, the one source of
// the toolchain. An example that does not compile is reported as the build
// reports it (see [site.Verify]), not by go vet.
//
// Results of runs and of go vet are cached by content, so checking an
// unchanged book runs nothing.
package check

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing/fstest"

	"golang.org/x/sync/errgroup"

	"signalwire/diagram"
	"signalwire/internal/diff"
	"signalwire/internal/english"
	"signalwire/internal/linkcheck"
	"signalwire/runner"
	"signalwire/site"
)

// Checker checks the book in a directory.
type Checker struct {
	// Root is the book's directory, with content/ and examples/.
	Root string
	// Public is the committed site, relative to Root; "public" when empty.
	Public string
	// Site builds the book; its Runner runs the examples and is the one
	// source of the toolchain: go vet runs with the Runner's go command
	// and keeps its findings under the Runner's cache directory.
	Site *site.Site
	// Update rewrites golden files from the compiled results.
	Update bool
	// Pattern limits the check to the examples whose name it matches; the
	// site is then not checked.
	Pattern *regexp.Regexp
	// Out receives the report: warnings, updated files, a summary.
	Out io.Writer
}

// Error is a problem found by the check, located in the book.
type Error = site.Error

// Check runs the check and returns every problem found, joined; each prints
// as "file:line: message".
func (c *Checker) Check(ctx context.Context) error {
	fsys := os.DirFS(c.Root)
	s := c.Site
	if s.Runner == nil {
		s.Runner = &runner.Runner{}
	}
	book, err := s.Load(fsys)
	if err != nil {
		return err
	}
	full := book
	if c.Pattern != nil {
		book = book.Filter(func(u *site.Use) bool { return c.Pattern.MatchString(u.Example.Name) })
		if len(book.Uses()) == 0 {
			return fmt.Errorf("no example matches -run %q", c.Pattern)
		}
	} else {
		for _, e := range book.Unused() {
			if e.HasGolden {
				fmt.Fprintf(c.Out, "warning: %s: no chapter uses example %q\n", e.GoldenFile, e.Name)
			} else {
				fmt.Fprintf(c.Out, "warning: %s: no chapter uses example %q\n", e.File, e.Name)
			}
		}
	}

	// Two runs with different GOMAXPROCS: the second one's results are
	// the ones verified and shown.
	first, err := c.run(ctx, book, 1)
	if err != nil {
		return err
	}
	results, err := c.run(ctx, book, 2)
	if err != nil {
		return err
	}
	var errs []error
	errs = append(errs, stability(book, first, results)...)

	if c.Update {
		changes, err := site.Update(book, results)
		if err != nil {
			errs = append(errs, err)
		}
		if werr := c.write(changes); werr != nil {
			return werr
		}
		if len(changes) > 0 && c.Pattern != nil {
			fmt.Fprintf(c.Out, "%s/ is not rebuilt under -run: run \"go run . build\" next\n", c.publicDir())
		}
		if len(changes) > 0 {
			// Compare with what was just written.
			if book, err = s.Load(fsys); err != nil {
				return err
			}
			full = book
			if c.Pattern != nil {
				book = book.Filter(func(u *site.Use) bool { return c.Pattern.MatchString(u.Example.Name) })
			}
		}
	}
	if err := site.Verify(book, results); err != nil {
		errs = append(errs, err)
	}
	vetErrs, err := c.vet(ctx, book, results)
	if err != nil {
		return err
	}
	errs = append(errs, vetErrs...)

	sound := ""
	if c.Pattern == nil {
		// With Update, a book whose examples all pass gets its site
		// rebuilt, as a build would: one command takes a new example to a
		// current book.
		siteErrs, err := c.site(full, results, c.Update && len(errs) == 0)
		if err != nil {
			return err
		}
		errs = append(errs, siteErrs...)
		sound = ", site sound and current"
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	fmt.Fprintf(c.Out, "ok: %s in %s: both engines agree, outputs match and are stable, go vet is clean%s\n",
		english.Plural(len(examplesOf(book)), "example"), english.Plural(len(book.Chapters), "chapter"), sound)
	return nil
}

// publicDir is the committed site's directory, relative to Root.
func (c *Checker) publicDir() string {
	if c.Public == "" {
		return "public"
	}
	return c.Public
}

func (c *Checker) run(ctx context.Context, book *site.Book, procs int) (*site.Results, error) {
	limits := c.Site.Limits
	limits.GOMAXPROCS = procs
	return c.Site.RunWith(ctx, book, limits)
}

func examplesOf(book *site.Book) map[string]bool {
	names := map[string]bool{}
	for _, u := range book.Uses() {
		names[u.Example.Name] = true
	}
	return names
}

// stability compares two runs of each example.
func stability(book *site.Book, a, b *site.Results) []error {
	var errs []error
	seen := map[string]bool{}
	for _, u := range book.Uses() {
		ra, rb := a.Result(u), b.Result(u)
		if ra == nil || rb == nil || seen[u.Example.Name] {
			continue
		}
		seen[u.Example.Name] = true
		oa, ob := summary(ra), summary(rb)
		if u.Directive.Unordered {
			oa, ob = site.SortLines(oa), site.SortLines(ob)
		}
		if oa == ob && !u.Directive.HideDiagram && diagram.Shown(ra.Trace) {
			// The page draws the trace: it must be as stable as the output.
			ta, tb := traceText(ra.Trace), traceText(rb.Trace)
			if ta != tb {
				errs = append(errs, &Error{File: u.File, Line: u.Line, Err: fmt.Errorf(
					"example %q draws a different diagram on each run (GOMAXPROCS=1 and 2): its contexts are cancelled in an order that depends on scheduling; make it deterministic or add diagram=hide:\n%s",
					u.Example.Name, strings.TrimSuffix(diff.Unified("GOMAXPROCS=1", "GOMAXPROCS=2", ta, tb), "\n"))})
			}
			continue
		}
		if oa != ob {
			errs = append(errs, &Error{File: u.File, Line: u.Line, Err: fmt.Errorf(
				"example %q is nondeterministic: two runs (GOMAXPROCS=1 and 2) differ; make its output independent of scheduling, or mark it unordered if only the order of lines varies:\n%s",
				u.Example.Name, strings.TrimSuffix(diff.Unified("GOMAXPROCS=1", "GOMAXPROCS=2", oa, ob), "\n"))})
		}
	}
	return errs
}

// traceText renders a trace one fact a line, for comparing and diffing.
func traceText(t *runner.Trace) string {
	b, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return err.Error()
	}
	return string(b) + "\n"
}

// summary is what two runs of an example must agree on.
func summary(r *runner.Result) string {
	s := site.GoldenOutput(r)
	s += fmt.Sprintf("[exit status %d, %d leaked]\n", r.ExitCode, r.Leaked())
	return s
}

// write writes the changed golden files and reports them.
func (c *Checker) write(changes []site.GoldenChange) error {
	for _, ch := range changes {
		p := filepath.Join(c.Root, filepath.FromSlash(ch.File))
		if err := os.WriteFile(p, []byte(ch.New), 0o644); err != nil {
			return err
		}
		if ch.Created {
			fmt.Fprintf(c.Out, "created %s\n", ch.File)
			continue
		}
		fmt.Fprintf(c.Out, "updated %s:\n%s", ch.File, diff.Unified(ch.File+" (old)", ch.File+" (new)", ch.Old, ch.New))
	}
	return nil
}

// site renders the whole book and checks the pages and the committed copy;
// with write, a committed copy that is stale is replaced by the fresh one.
func (c *Checker) site(book *site.Book, results *site.Results, write bool) ([]error, error) {
	files, err := c.Site.Render(book, results)
	if err != nil {
		return []error{err}, nil
	}
	public := c.publicDir()
	mem := fstest.MapFS{}
	for name, b := range files {
		mem[name] = &fstest.MapFile{Data: b}
	}
	problems, err := linkcheck.Check(mem)
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, p := range problems {
		errs = append(errs, &Error{File: path.Join(public, p.File), Line: p.Line, Err: errors.New(p.Msg)})
	}
	stale, err := staleFiles(os.DirFS(filepath.Join(c.Root, public)), files)
	if err != nil {
		return nil, err
	}
	if len(stale) > 0 && write && len(errs) == 0 {
		if err := site.Write(filepath.Join(c.Root, public), files); err != nil {
			return nil, err
		}
		fmt.Fprintf(c.Out, "rebuilt %s/: %s changed\n", public, english.Plural(len(stale), "file"))
		stale = nil
	}
	if len(stale) > 0 {
		const shown = 20
		list := stale
		if len(list) > shown {
			list = append(list[:shown:shown], fmt.Sprintf("... and %d more", len(stale)-shown))
		}
		errs = append(errs, fmt.Errorf("%s/ is stale: %d files differ from a fresh build (run \"go run . build\"):\n\t%s",
			public, len(stale), strings.Join(list, "\n\t")))
	}
	return errs, nil
}

// staleFiles lists the files that differ between the committed site and a
// fresh build: changed, missing or extra.
func staleFiles(committed fs.FS, fresh map[string][]byte) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	err := fs.WalkDir(committed, ".", func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && p == "." {
			return fs.SkipAll
		}
		if err != nil || d.IsDir() {
			return err
		}
		seen[p] = true
		want, ok := fresh[p]
		if !ok {
			out = append(out, p+" (not in a fresh build)")
			return nil
		}
		got, err := fs.ReadFile(committed, p)
		if err != nil {
			return err
		}
		if !bytes.Equal(got, want) {
			out = append(out, p+" (changed)")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for p := range fresh {
		if !seen[p] {
			out = append(out, p+" (missing)")
		}
	}
	sort.Strings(out)
	return out, nil
}

// finding is one go vet diagnostic.
type finding struct {
	Analyzer string `json:"analyzer"`
	Line     int    `json:"line"`
	Col      int    `json:"col"`
	Message  string `json:"message"`
}

// vet runs go vet on each example and compares its findings with the
// directive's vet=NAME. An example that does not compile is left to
// [site.Verify], which reports it as the build does.
func (c *Checker) vet(ctx context.Context, book *site.Book, results *site.Results) ([]error, error) {
	type job struct {
		u        *site.Use
		findings []finding
	}
	var jobs []*job
	seen := map[string]bool{}
	for _, u := range book.Uses() {
		if u.Directive.CompileError || seen[u.Example.Name] {
			continue
		}
		if res := results.Result(u); res != nil && res.Err != nil && res.Err.Kind == runner.KindCompile {
			continue
		}
		seen[u.Example.Name] = true
		jobs = append(jobs, &job{u: u})
	}
	r := c.Site.Runner
	version, err := r.GoVersion(ctx)
	if err != nil {
		return nil, err
	}
	// A go vet that cannot run stops the check: the others are cancelled.
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.NumCPU())
	for _, j := range jobs {
		g.Go(func() error {
			var err error
			j.findings, err = c.vetOne(gctx, r, version, j.u.Example)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	var errs []error
	for _, j := range jobs {
		u, want := j.u, j.u.Directive.Vet
		found := false
		for _, f := range j.findings {
			if f.Analyzer == want {
				found = true
				continue
			}
			errs = append(errs, &Error{File: u.Example.File, Line: f.Line, Err: fmt.Errorf(
				"go vet (%s): %s (example %q, used at %s:%d)", f.Analyzer, f.Message, u.Example.Name, u.File, u.Line)})
		}
		if want != "" && !found {
			errs = append(errs, &Error{File: u.File, Line: u.Line, Err: fmt.Errorf(
				"example %q declares vet=%s, but go vet reports no %s finding for %s", u.Example.Name, want, want, u.Example.File)})
		}
	}
	return errs, nil
}

// vetOne runs go vet on one example file, or reads its findings from the
// cache.
func (c *Checker) vetOne(ctx context.Context, r *runner.Runner, version string, e *site.Example) ([]finding, error) {
	sum := sha256.Sum256(append([]byte(version+"\x00"+e.File+"\x00"), e.Source...))
	key := hex.EncodeToString(sum[:16])
	cached := filepath.Join(r.CacheRoot(), "vet", key+".json")
	if b, err := os.ReadFile(cached); err == nil {
		var found []finding
		if json.Unmarshal(b, &found) == nil {
			return found, nil
		}
	}
	cmd := exec.CommandContext(ctx, r.GoCommand(), "vet", "-json", filepath.FromSlash(e.File))
	cmd.Dir = c.Root
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("go vet %s: %v\n%s", e.File, err, stderr.String())
	}
	found, err := parseVet(stdout.String() + stderr.String())
	if err != nil {
		return nil, fmt.Errorf("go vet %s: %v", e.File, err)
	}
	if b, err := json.Marshal(found); err == nil && os.MkdirAll(filepath.Dir(cached), 0o755) == nil {
		os.WriteFile(cached, b, 0o644) // a lost entry costs one go vet
	}
	return found, nil
}

var posnRE = regexp.MustCompile(`:(\d+):(\d+)$`)

// parseVet reads go vet -json output: comment lines starting with "#", and
// a JSON object per package mapping analyzers to diagnostics.
func parseVet(out string) ([]finding, error) {
	var text strings.Builder
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "#") {
			text.WriteString(line + "\n")
		}
	}
	dec := json.NewDecoder(strings.NewReader(text.String()))
	var found []finding
	for {
		var pkgs map[string]map[string]json.RawMessage
		if err := dec.Decode(&pkgs); err == io.EOF {
			break
		} else if err != nil {
			return nil, err
		}
		for _, analyzers := range pkgs {
			for name, raw := range analyzers {
				var diags []struct {
					Posn    string `json:"posn"`
					Message string `json:"message"`
				}
				if err := json.Unmarshal(raw, &diags); err != nil {
					var failed struct{ Error string }
					if json.Unmarshal(raw, &failed) == nil && failed.Error != "" {
						return nil, fmt.Errorf("%s: %s", name, failed.Error)
					}
					return nil, err
				}
				for _, d := range diags {
					f := finding{Analyzer: name, Message: d.Message}
					if m := posnRE.FindStringSubmatch(d.Posn); m != nil {
						fmt.Sscan(m[1], &f.Line)
						fmt.Sscan(m[2], &f.Col)
					}
					found = append(found, f)
				}
			}
		}
	}
	sort.Slice(found, func(i, j int) bool {
		if found[i].Line != found[j].Line {
			return found[i].Line < found[j].Line
		}
		return found[i].Analyzer < found[j].Analyzer
	})
	return found, nil
}
