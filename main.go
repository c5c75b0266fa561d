// Command signalwire builds "The Signal Wire", a book about Go's context
// package whose every example is run and verified, and runs single examples.
//
// Usage:
//
//	signalwire build [-o public] [-open]
//	signalwire check [-update] [-run PATTERN]
//	signalwire serve [-addr 127.0.0.1:8080] [-open]
//	signalwire run [-engine both|go|yaegi] [-realtime] [-json] [-timeout D] FILE.go
//
// Run "signalwire help" for the list of commands.
package main

//go:generate go run . build

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"syscall"

	"signalwire/check"
	"signalwire/preview"
	"signalwire/runner"
	"signalwire/site"
)

const usage = `usage: signalwire <command> [flags]

Commands:
  build         build the book in content/ and examples/ into the site public/
  check         verify every example and the site; -update rewrites golden files
  serve         preview the book on http://127.0.0.1:8080, rebuilt as it is edited
  run FILE.go   run one example under the virtual clock and print its output

Run "signalwire <command> -h" for a command's flags.
`

// errUsage marks a command line that cannot be run; main exits with 2.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one command line and returns the process's exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var code int
	var err error
	switch args[0] {
	case "build":
		code, err = buildCmd(ctx, args[1:], stdout, stderr)
	case "check":
		code, err = checkCmd(ctx, args[1:], stdout, stderr)
	case "run":
		code, err = runCmd(ctx, args[1:], stdout, stderr)
	case "serve":
		code, err = serveCmd(ctx, args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "signalwire: unknown command %q\n%s", args[0], usage)
		return 2
	}
	switch {
	case errors.Is(err, errUsage), errors.Is(err, flag.ErrHelp):
		return 2
	case err != nil:
		fmt.Fprintf(stderr, "signalwire %s: %v\n", args[0], err)
		return 1
	}
	return code
}

// buildCmd builds the book in the current directory into a site.
func buildCmd(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: signalwire build [-o public] [-open]")
		fs.PrintDefaults()
	}
	out := fs.String("o", "public", "write the site to `dir`")
	open := fs.Bool("open", false, "open the site in a browser when built")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, err
		}
		return 0, errUsage // the flag package has said what is wrong
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return 0, errUsage
	}
	s := &site.Site{Progress: stderr}
	if err := s.Build(ctx, os.DirFS("."), *out); err != nil {
		// One located problem a line, for editors.
		fmt.Fprintf(stderr, "%v\nsignalwire build: failed; %s is unchanged\n", err, *out)
		return 1, nil
	}
	if !*open {
		return 0, nil
	}
	index, err := filepath.Abs(filepath.Join(*out, "index.html"))
	if err != nil {
		return 0, err
	}
	if xdg, err := exec.LookPath("xdg-open"); err == nil {
		return 0, exec.CommandContext(ctx, xdg, index).Run()
	}
	fmt.Fprintln(stdout, index)
	return 0, nil
}

// checkCmd verifies the book in the current directory.
func checkCmd(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: signalwire check [-update] [-run PATTERN]")
		fs.PrintDefaults()
	}
	update := fs.Bool("update", false, "rewrite golden files from the compiled results")
	pattern := fs.String("run", "", "check only the examples whose name matches `regexp`")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, err
		}
		return 0, errUsage
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return 0, errUsage
	}
	r := &runner.Runner{}
	c := &check.Checker{
		Root:     ".",
		Site:     &site.Site{Runner: r, Progress: stderr},
		Update:   *update,
		Out:      stdout,
		CacheDir: r.CacheRoot(),
	}
	if *pattern != "" {
		re, err := regexp.Compile(*pattern)
		if err != nil {
			fmt.Fprintf(stderr, "signalwire check: bad -run pattern: %v\n", err)
			return 0, errUsage
		}
		c.Pattern = re
	}
	if err := c.Check(ctx); err != nil {
		fmt.Fprintf(stderr, "%v\nsignalwire check: failed\n", err)
		return 1, nil
	}
	return 0, nil
}

// serveCmd previews the book in the current directory until ctx is done.
func serveCmd(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: signalwire serve [-addr 127.0.0.1:8080] [-open]")
		fs.PrintDefaults()
	}
	addr := fs.String("addr", "127.0.0.1:8080", "listen on `host:port`; only this machine can connect unless another host is named")
	open := fs.Bool("open", false, "open the preview in a browser")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, err
		}
		return 0, errUsage
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return 0, errUsage
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return 0, err
	}
	url := "http://" + ln.Addr().String() + "/"
	if a, ok := ln.Addr().(*net.TCPAddr); ok && a.IP.IsUnspecified() {
		url = fmt.Sprintf("http://localhost:%d/", a.Port)
		fmt.Fprintf(stderr, "signalwire serve: listening on every interface (%s): other machines can read the preview\n", ln.Addr())
	}
	fmt.Fprintf(stdout, "serving the book at %s (Ctrl-C to stop)\n", url)
	srv := &preview.Server{Site: &site.Site{Runner: &runner.Runner{}}, Dir: ".", Log: stderr}
	if st, err := os.Stat(filepath.Join("site", "templates")); err == nil && st.IsDir() {
		// This repository holds the tool too: preview its templates and
		// assets as they are on disk.
		srv.Theme = "site"
	}
	// The browser opener ends with serve, if it has not already.
	octx, ocancel := context.WithCancel(ctx)
	defer ocancel()
	var opened chan error
	if *open {
		if xdg, err := exec.LookPath("xdg-open"); err == nil {
			cmd := exec.CommandContext(octx, xdg, url)
			if err := cmd.Start(); err != nil {
				fmt.Fprintf(stderr, "signalwire serve: opening a browser: %v\n", err)
			} else {
				opened = make(chan error, 1)
				go func() { opened <- cmd.Wait() }()
			}
		}
	}
	err = srv.Serve(ctx, ln)
	ocancel()
	if opened != nil {
		<-opened
	}
	return 0, err
}

func runCmd(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: signalwire run [-engine both|go|yaegi] [-realtime] [-json] [-timeout D] FILE.go")
		fs.PrintDefaults()
	}
	engine := fs.String("engine", string(runner.EngineBoth), "`engine`: go (compiled), yaegi (interpreted) or both (compare)")
	realtime := fs.Bool("realtime", false, "run on the real clock instead of the virtual one")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	timeout := fs.Duration("timeout", runner.DefaultTimeout, "wall-clock limit")
	budget := fs.Duration("budget", runner.DefaultBudget, "virtual-time limit")
	noCache := fs.Bool("nocache", false, "run even if a result is cached")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, err
		}
		return 0, errUsage
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 0, errUsage
	}
	switch e := runner.Engine(*engine); e {
	case runner.EngineGo, runner.EngineYaegi, runner.EngineBoth:
	default:
		fmt.Fprintf(stderr, "signalwire run: unknown engine %q (want go, yaegi or both)\n", e)
		return 0, errUsage
	}
	file := fs.Arg(0)
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
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			return 0, err
		}
	} else {
		for _, c := range res.Output {
			w := stdout
			if c.Stream == runner.Stderr {
				w = stderr
			}
			if _, err := io.WriteString(w, c.Text); err != nil {
				return 0, err
			}
		}
		if res.Err != nil && res.Err.Kind != runner.KindPanic {
			fmt.Fprintf(stderr, "signalwire run: %v\n", res.Err)
		}
		if d := res.Divergence; d != nil {
			fmt.Fprintf(stderr, "signalwire run: the interpreter diverges from the compiled program:\n%s", d.Diff)
		}
	}
	return exitCode(res), nil
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
