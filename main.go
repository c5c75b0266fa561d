// Command signalwire builds "The Signal Wire", a book about Go's context
// package whose every example is run and verified, and runs single examples.
//
// Usage:
//
//	signalwire build [-o public] [-open]
//	signalwire check [-update] [-run PATTERN]
//	signalwire serve [-addr 127.0.0.1:8080] [-open]
//	signalwire run [-engine both|go|yaegi] [-realtime] [-json] [-timeout D] [-budget D] [-nocache] FILE.go
//
// Run "signalwire help" for the list of commands and "signalwire help
// COMMAND" for one command's flags. The exit status is 0 on success, 1 on a
// failure, 2 for a command line that cannot be run; run exits with the
// program's own status, and 3 when the interpreter diverges.
package main

//go:generate go run . build

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"signalwire/check"
	"signalwire/internal/wasmbuild"
	"signalwire/preview"
	"signalwire/runner"
	"signalwire/site"
)

func main() {
	// The runner re-executes this program to interpret each example in a
	// process of its own; in that process, nothing else runs.
	if runner.IsChild() {
		runner.ChildMain()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// A Command is one of signalwire's commands, in the style of cmd/go: the
// usage, "help CMD" and "CMD -h" are generated from it.
type Command struct {
	// UsageLine is the one-line usage; its first word is the command's name.
	UsageLine string
	// Short is the description in the list of commands.
	Short string
	// Long is the description shown by "help CMD".
	Long string
	// Flag is the command's flag set; Run reads the values it defined.
	Flag *flag.FlagSet
	// Run runs the command with the arguments left after the flags and
	// returns its exit status. An error wrapping errUsage exits 2 after
	// the command's usage; any other error is printed and exits 1.
	Run func(ctx context.Context, env *env, args []string) (int, error)
}

// Name is the command's name, the first word of its usage line.
func (c *Command) Name() string {
	name, _, _ := strings.Cut(c.UsageLine, " ")
	return name
}

// env is what a command may use of the world besides its context.
type env struct {
	Stdout, Stderr io.Writer
	// Open opens a file or URL in the user's browser.
	Open func(ctx context.Context, target string) error
}

// errUsage marks a command line that cannot be run; the status is 2.
var errUsage = errors.New("usage")

// commands returns the commands, each with a fresh flag set.
func commands() []*Command {
	return []*Command{buildCommand(), checkCommand(), serveCommand(), runCommand()}
}

// run executes one command line and returns the process's exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runEnv(ctx, args, &env{Stdout: stdout, Stderr: stderr, Open: openBrowser})
}

func runEnv(ctx context.Context, args []string, e *env) int {
	cmds := commands()
	if len(args) == 0 {
		printUsage(e.Stderr, cmds)
		return 2
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(args) == 1 {
			printUsage(e.Stdout, cmds)
			return 0
		}
		if len(args) == 2 && name == "help" {
			if c := lookup(cmds, args[1]); c != nil {
				printHelp(e.Stdout, c)
				return 0
			}
			fmt.Fprintf(e.Stderr, "signalwire help: unknown command %q; run \"go run . help\" for the list\n", args[1])
			return 2
		}
		fmt.Fprintln(e.Stderr, "usage: signalwire help [COMMAND]")
		return 2
	}
	c := lookup(cmds, name)
	if c == nil {
		fmt.Fprintf(e.Stderr, "signalwire: unknown command %q\n", name)
		printUsage(e.Stderr, cmds)
		return 2
	}
	c.Flag.SetOutput(e.Stderr)
	c.Flag.Usage = func() {} // printed below, to stdout for -h
	if err := c.Flag.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printHelp(e.Stdout, c)
			return 0
		}
		printFlags(e.Stderr, c) // after the flag package's message
		return 2
	}
	code, err := c.Run(ctx, e, c.Flag.Args())
	switch {
	case errors.Is(err, errUsage):
		if msg := strings.TrimSuffix(err.Error(), ": "+errUsage.Error()); err != errUsage {
			fmt.Fprintf(e.Stderr, "signalwire %s: %s\n", name, msg)
		}
		printFlags(e.Stderr, c)
		return 2
	case err != nil:
		fmt.Fprintf(e.Stderr, "signalwire %s: %v\n", name, err)
		return 1
	}
	return code
}

// usageError returns an error that exits 2 after saying what is wrong.
func usageError(format string, args ...any) error {
	return fmt.Errorf(format+": %w", append(args, errUsage)...)
}

func lookup(cmds []*Command, name string) *Command {
	for _, c := range cmds {
		if c.Name() == name {
			return c
		}
	}
	return nil
}

func printUsage(w io.Writer, cmds []*Command) {
	fmt.Fprint(w, "usage: signalwire <command> [flags]\n\nCommands:\n")
	for _, c := range cmds {
		fmt.Fprintf(w, "  %-8s %s\n", c.Name(), c.Short)
	}
	fmt.Fprint(w, "\nRun \"go run . help <command>\" for a command's flags.\n")
}

// printFlags prints a command's usage line and flags.
func printFlags(w io.Writer, c *Command) {
	fmt.Fprintf(w, "usage: signalwire %s\n", c.UsageLine)
	c.Flag.SetOutput(w)
	c.Flag.PrintDefaults()
}

// printHelp prints a command's usage line, description and flags.
func printHelp(w io.Writer, c *Command) {
	fmt.Fprintf(w, "usage: signalwire %s\n\n%s\n", c.UsageLine, strings.TrimSpace(c.Long))
	var flags strings.Builder
	c.Flag.SetOutput(&flags)
	c.Flag.PrintDefaults()
	if flags.Len() > 0 {
		fmt.Fprintf(w, "\nFlags:\n%s", flags.String())
	}
}

// newFlagSet returns a command's empty flag set.
func newFlagSet(usageLine string) *flag.FlagSet {
	name, _, _ := strings.Cut(usageLine, " ")
	return flag.NewFlagSet(name, flag.ContinueOnError)
}

func buildCommand() *Command {
	c := &Command{
		UsageLine: "build [-o public] [-open]",
		Short:     "build the book in content/ and examples/ into the site public/",
		Long: `Build runs every example the chapters use (results are cached by content),
verifies each against its directive and golden file, and writes the site.
Any problem is printed as file:line: message, and the previous site is left
as it was. With -open, the built site is opened in a browser; if none can be
opened, build says where the site is and still succeeds.`,
		Flag: newFlagSet("build"),
	}
	out := c.Flag.String("o", "public", "write the site to `dir`")
	open := c.Flag.Bool("open", false, "open the site in a browser when built")
	c.Run = func(ctx context.Context, e *env, args []string) (int, error) {
		if len(args) != 0 {
			return 0, usageError("unexpected arguments %q", args)
		}
		s := &site.Site{Progress: e.Stderr, Engine: browserEngine(&runner.Runner{})}
		if err := s.Build(ctx, os.DirFS("."), *out); err != nil {
			// One located problem a line, for editors.
			fmt.Fprintf(e.Stderr, "%v\nsignalwire build: failed; %s is unchanged\n", err, *out)
			return 1, nil
		}
		if !*open {
			return 0, nil
		}
		index, err := filepath.Abs(filepath.Join(*out, "index.html"))
		if err != nil {
			return 0, err
		}
		if err := e.Open(ctx, index); err != nil {
			// The site is built: not being able to show it is no failure.
			fmt.Fprintf(e.Stderr, "signalwire build: could not open a browser: %v\nthe site is built: open %s in a browser\n",
				err, (&url.URL{Scheme: "file", Path: filepath.ToSlash(index)}).String())
		}
		return 0, nil
	}
	return c
}

func checkCommand() *Command {
	c := &Command{
		UsageLine: "check [-update] [-run PATTERN]",
		Short:     "verify every example and the site; -update rewrites golden files",
		Long: `Check runs every example the chapters use twice, under both engines, and
verifies its golden file, its directive, go vet, and that the committed site
is sound and identical to a fresh build. Every problem is printed as
file:line: message, with a diff where there is one.

With -update, golden files are first rewritten from the compiled results
(each change is printed) and the site is rebuilt, so that one command
takes a new or changed example to a current book.`,
		Flag: newFlagSet("check"),
	}
	update := c.Flag.Bool("update", false, "rewrite golden files from the compiled results, and rebuild the site")
	pattern := c.Flag.String("run", "", "check only the examples whose name matches `regexp`")
	c.Run = func(ctx context.Context, e *env, args []string) (int, error) {
		if len(args) != 0 {
			return 0, usageError("unexpected arguments %q", args)
		}
		r := &runner.Runner{}
		ch := &check.Checker{
			Root:   ".",
			Site:   &site.Site{Runner: r, Progress: e.Stderr, Engine: browserEngine(r)},
			Update: *update,
			Out:    e.Stdout,
		}
		if *pattern != "" {
			re, err := regexp.Compile(*pattern)
			if err != nil {
				return 0, usageError("bad -run pattern: %v", err)
			}
			ch.Pattern = re
		}
		if err := ch.Check(ctx); err != nil {
			fmt.Fprintf(e.Stderr, "%v\nsignalwire check: failed\n", err)
			return 1, nil
		}
		return 0, nil
	}
	return c
}

func serveCommand() *Command {
	c := &Command{
		UsageLine: "serve [-addr 127.0.0.1:8080] [-open]",
		Short:     "preview the book on http://127.0.0.1:8080, rebuilt as it is edited",
		Long: `Serve builds the book into memory and serves it, watching content/ and
examples/: a saved file shows in the open page at once, and any problem is
shown over the page and printed as file:line: message. Ctrl-C stops it.
With -open, the preview is opened in a browser; if none can be opened,
serve says so and keeps serving.`,
		Flag: newFlagSet("serve"),
	}
	addr := c.Flag.String("addr", "127.0.0.1:8080", "listen on `host:port`; only this machine can connect unless another host is named")
	open := c.Flag.Bool("open", false, "open the preview in a browser")
	c.Run = func(ctx context.Context, e *env, args []string) (int, error) {
		if len(args) != 0 {
			return 0, usageError("unexpected arguments %q", args)
		}
		return 0, serve(ctx, e, *addr, *open)
	}
	return c
}

// serve previews the book in the current directory until ctx is done.
func serve(ctx context.Context, e *env, addr string, open bool) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	page := "http://" + ln.Addr().String() + "/"
	if a, ok := ln.Addr().(*net.TCPAddr); ok && a.IP.IsUnspecified() {
		page = fmt.Sprintf("http://localhost:%d/", a.Port)
		fmt.Fprintf(e.Stderr, "signalwire serve: listening on every interface (%s): other machines can read the preview\n", ln.Addr())
	}
	fmt.Fprintf(e.Stdout, "serving the book at %s (Ctrl-C to stop)\n", page)
	srv := &preview.Server{Site: &site.Site{Runner: &runner.Runner{}, Engine: browserEngine(&runner.Runner{})}, Dir: ".", Log: e.Stderr}
	if st, err := os.Stat(filepath.Join("site", "templates")); err == nil && st.IsDir() {
		// This repository holds the tool too: preview its templates and
		// assets as they are on disk.
		srv.Theme = "site"
	}
	// The browser opener ends with serve, if it has not already.
	octx, ocancel := context.WithCancel(ctx)
	defer ocancel()
	var wg sync.WaitGroup
	defer wg.Wait()
	if open {
		wg.Go(func() {
			if err := e.Open(octx, page); err != nil && octx.Err() == nil {
				fmt.Fprintf(e.Stderr, "signalwire serve: could not open a browser: %v\nthe preview is running: open %s in a browser\n", err, page)
			}
		})
	}
	err = srv.Serve(ctx, ln)
	ocancel()
	return err
}

func runCommand() *Command {
	c := &Command{
		UsageLine: "run [-engine both|go|yaegi] [-realtime] [-json] [-timeout D] [-budget D] [-nocache] FILE.go",
		Short:     "run one example under the virtual clock and print its output",
		Long: `Run executes one program the way the book does and prints its stdout and
stderr. It exits with the program's status, 1 with a located message for
any other failure (compile error, refused import, timeout, unexpected leak),
and 3 when the yaegi interpreter disagrees with the compiled program, after
a line saying so and a diff. "go run ." turns every non-zero status into 1:
read the messages, or -json's exit_code and divergence fields.

With -json, the whole result is printed: the output as ordered stdout and
stderr chunks, exit status, virtual and wall time, leaks, trace, error and
divergence.`,
		Flag: newFlagSet("run"),
	}
	engine := c.Flag.String("engine", string(runner.EngineBoth), "`engine`: go (compiled), yaegi (interpreted) or both (compare)")
	realtime := c.Flag.Bool("realtime", false, "run on the real clock instead of the virtual one")
	asJSON := c.Flag.Bool("json", false, "print the result as JSON")
	timeout := c.Flag.Duration("timeout", runner.DefaultTimeout, "wall-clock limit")
	budget := c.Flag.Duration("budget", runner.DefaultBudget, "virtual-time limit")
	noCache := c.Flag.Bool("nocache", false, "run even if a result is cached")
	c.Run = func(ctx context.Context, e *env, args []string) (int, error) {
		if len(args) != 1 {
			return 0, usageError("want one FILE.go, have %d arguments", len(args))
		}
		switch eng := runner.Engine(*engine); eng {
		case runner.EngineGo, runner.EngineYaegi, runner.EngineBoth:
		default:
			return 0, usageError("unknown engine %q (want go, yaegi or both)", eng)
		}
		file := args[0]
		src, err := os.ReadFile(file)
		if err != nil {
			return 0, err
		}
		r := &runner.Runner{NoResultCache: *noCache}
		res, err := r.Run(ctx, file, src, runner.Options{
			Engine:   runner.Engine(*engine),
			Realtime: *realtime,
			Timeout:  *timeout,
			Budget:   *budget,
		})
		if err != nil {
			return 0, err
		}
		if *asJSON {
			enc := json.NewEncoder(e.Stdout)
			enc.SetIndent("", "  ")
			if err := enc.Encode(res); err != nil {
				return 0, err
			}
			return exitCode(res), nil
		}
		for _, chunk := range res.Output {
			w := e.Stdout
			if chunk.Stream == runner.Stderr {
				w = e.Stderr
			}
			if _, err := io.WriteString(w, chunk.Text); err != nil {
				return 0, err
			}
		}
		if res.Err != nil && res.Err.Kind != runner.KindPanic {
			fmt.Fprintf(e.Stderr, "signalwire run: %v\n", res.Err)
		}
		if d := res.Divergence; d != nil {
			fmt.Fprintf(e.Stderr, "signalwire run: the interpreter diverges from the compiled program:\n%s", d.Diff)
		}
		return exitCode(res), nil
	}
	return c
}

// exitCode is the status of the run command: the program's own status, 3
// for a divergence, 1 for any other failure.
func exitCode(res *runner.Result) int {
	if res.Divergence != nil {
		return 3
	}
	if res.Err == nil {
		return res.ExitCode
	}
	switch res.Err.Kind {
	case runner.KindPanic, runner.KindExit, runner.KindDeadlock, runner.KindFatal:
		if res.ExitCode > 0 {
			return res.ExitCode
		}
	}
	return 1
}

// openBrowser opens target with the desktop's opener and returns the
// opener's own message when it fails.
func openBrowser(ctx context.Context, target string) error {
	name := "xdg-open"
	if runtime.GOOS == "darwin" {
		name = "open"
	}
	path, err := exec.LookPath(name)
	if err != nil {
		return fmt.Errorf("%s is not installed", name)
	}
	cmd := exec.CommandContext(ctx, path, target)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// A browser started by the opener may keep its output open: do not
	// wait for it.
	cmd.WaitDelay = time.Second
	if err := cmd.Run(); err != nil && !errors.Is(err, exec.ErrWaitDelay) {
		if msg := strings.TrimSpace(out.String()); msg != "" {
			return fmt.Errorf("%s: %v: %s", name, err, msg)
		}
		return fmt.Errorf("%s: %v", name, err)
	}
	return nil
}

// browserEngine builds the interpreter engine that the pages load to run
// the examples in the reader's browser, with r's go command, cached beside
// r's results. It is built from the tool's sources: a book kept outside
// this repository gets pages without Run buttons (nil).
func browserEngine(r *runner.Runner) site.EngineBuilder {
	if _, err := os.Stat(filepath.Join(filepath.FromSlash(wasmbuild.Package), "main.go")); err != nil {
		return nil
	}
	return &wasmbuild.Builder{Go: r.GoCommand(), Dir: ".", CacheDir: r.CacheRoot()}
}
