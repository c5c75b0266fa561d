package runner

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// The compiled engine builds an example without the go command: the
// compiler and the linker run directly, with an import configuration that
// names, for each package, the archive the go command compiled into its
// build cache. The go command's start-up and its staleness hashing of every
// dependency cost more than compiling a one-file program; it runs only to
// compile the packages an example imports the first time one is needed
// (`go list -export -deps`), and the list is kept in the module directory.
// When anything of this path fails, the build falls back to `go build`,
// whose messages are the reference.

// exportsFile is the list of compiled packages kept in the module directory:
// "import path<TAB>archive" lines.
const exportsFile = "exports"

// exportSet is the list of one module directory in memory.
type exportSet struct {
	lock  chan struct{} // one slot: go list runs once at a time
	files map[string]string
}

var exportSets sync.Map // module directory -> *exportSet

// errNoDirect says that the direct path cannot build this example; the
// go command can, or says why not.
var errNoDirect = errors.New("no direct build")

// exports returns the archives of the packages roots and their
// dependencies, compiling with the go command those it has not listed yet,
// or whose archive has left Go's build cache.
func (r *Runner) exports(ctx context.Context, mod string, roots []string) (map[string]string, error) {
	v, _ := exportSets.LoadOrStore(mod, &exportSet{lock: make(chan struct{}, 1)})
	s := v.(*exportSet)
	select {
	case s.lock <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-s.lock }()
	if s.files == nil {
		s.files = readExports(filepath.Join(mod, exportsFile))
	}
	var missing []string
	for _, p := range roots {
		if _, ok := s.files[p]; !ok {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		out, err := r.listExports(ctx, mod, missing)
		if err != nil {
			return nil, err
		}
		for p, f := range out {
			s.files[p] = f
		}
		var b bytes.Buffer
		keys := make([]string, 0, len(s.files))
		for p := range s.files {
			keys = append(keys, p)
		}
		slices.Sort(keys)
		for _, p := range keys {
			fmt.Fprintf(&b, "%s\t%s\n", p, s.files[p])
		}
		if err := writeFileAtomic(filepath.Join(mod, exportsFile), b.Bytes()); err != nil {
			return nil, err
		}
	}
	return s.files, nil
}

// readExports reads a list of archives, or returns an empty one when the
// file is missing, unreadable, or names an archive Go's cache has since
// removed: the list is then made again.
func readExports(path string) map[string]string {
	files := map[string]string{}
	f, err := os.Open(path)
	if err != nil {
		return files
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		p, a, ok := strings.Cut(sc.Text(), "\t")
		if !ok {
			return map[string]string{}
		}
		if _, err := os.Stat(a); err != nil {
			return map[string]string{}
		}
		files[p] = a
	}
	if sc.Err() != nil {
		return map[string]string{}
	}
	return files
}

// listExports compiles pkgs and their dependencies with the go command
// and returns their archives.
func (r *Runner) listExports(ctx context.Context, mod string, pkgs []string) (map[string]string, error) {
	bctx, cancel := context.WithTimeout(ctx, compileTimeout)
	defer cancel()
	args := append([]string{"list", "-export", "-deps", "-f", "{{.ImportPath}}\t{{.Export}}\t{{if .Error}}error{{end}}{{if .DepsErrors}}error{{end}}"}, pkgs...)
	cmd := exec.CommandContext(bctx, r.goCmd(), args...)
	cmd.Dir = mod
	cmd.Env = append(os.Environ(), buildEnv...)
	cmd.SysProcAttr = groupAttr(false) // wasm: procattr*.go
	cmd.Cancel = func() error { return killGroup(cmd.Process) }
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	if err := runBounded(cmd); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, errNoDirect // an unknown import: go build says where
	}
	out := map[string]string{}
	for _, line := range strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 3 || f[2] != "" {
			return nil, errNoDirect
		}
		if f[0] == "unsafe" {
			continue // the compiler knows it; it has no archive
		}
		if f[1] == "" {
			return nil, errNoDirect
		}
		out[f[0]] = f[1]
	}
	return out, nil
}

// fileImports returns the import paths of the Go files srcs.
func fileImports(srcs ...[]byte) ([]string, error) {
	var paths []string
	for _, src := range srcs {
		f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.ImportsOnly)
		if err != nil {
			return nil, errNoDirect
		}
		for _, imp := range f.Imports {
			p, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				return nil, errNoDirect
			}
			if p != "unsafe" && p != "C" {
				paths = append(paths, p)
			}
		}
	}
	slices.Sort(paths)
	return slices.Compact(paths), nil
}

// importConfig is the compiler's and the linker's -importcfg: every
// archive known, which is more than a package needs and harmless.
func importConfig(files map[string]string, extra map[string]string) []byte {
	var b bytes.Buffer
	for _, m := range []map[string]string{files, extra} {
		keys := make([]string, 0, len(m))
		for p := range m {
			keys = append(keys, p)
		}
		slices.Sort(keys)
		for _, p := range keys {
			fmt.Fprintf(&b, "packagefile %s=%s\n", p, m[p])
		}
	}
	return b.Bytes()
}

// runTool runs one of the toolchain's tools (compile, link) in dir, with the
// compile limits; it returns what it wrote on stderr and whether it
// succeeded. The error is about running it at all.
func (r *Runner) runTool(ctx context.Context, t *toolchain, dir, name string, args ...string) (stderr string, ok bool, err error) {
	bctx, cancel := context.WithTimeout(ctx, compileTimeout)
	defer cancel()
	cmd := exec.CommandContext(bctx, filepath.Join(t.tooldir, name), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), append(buildEnv, "GOROOT="+t.goroot)...)
	cmd.SysProcAttr = groupAttr(false) // wasm: procattr*.go
	cmd.Cancel = func() error { return killGroup(cmd.Process) }
	var errb bytes.Buffer
	cmd.Stderr = &errb
	cmd.Stdout = &errb
	if err := runBounded(cmd); err != nil {
		if ctx.Err() != nil {
			return "", false, ctx.Err()
		}
		if bctx.Err() != nil {
			return "", false, errCompileTimeout
		}
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return errb.String(), false, nil
		}
		return "", false, err
	}
	return errb.String(), true, nil
}

var errCompileTimeout = fmt.Errorf("compiling took longer than %s", compileTimeout)

// compileArgs are the compiler's arguments for package path pkg of the
// build module, as the go command gives them.
func compileArgs(t *toolchain, out, pkg, importcfg string, files ...string) []string {
	return append([]string{"-o", out, "-p", pkg, "-lang=go" + t.lang, "-complete", "-goversion", t.version,
		"-nolocalimports", "-importcfg", importcfg, "-pack"}, files...)
}

// linkArgs are the linker's arguments, as the go command gives them with
// buildFlags.
func linkArgs(out, importcfg, main string) []string {
	return []string{"-o", out, "-importcfg", importcfg, "-buildmode=exe", "-buildid=", "-s", "-w", main}
}

// buildDirect compiles and links the example's files (in dir, a directory
// of the module mod) into out without the go command. A compile error
// about the example is returned as such; errNoDirect when this path
// cannot say, for the go command to build it instead.
func (r *Runner) buildDirect(ctx context.Context, t *toolchain, mod, dir, file, base string, files map[string][]byte, out string) (*Error, error) {
	var srcs [][]byte
	var names []string
	for name, b := range files {
		srcs = append(srcs, b)
		names = append(names, filepath.Join(dir, name))
	}
	slices.Sort(names)
	roots, err := fileImports(srcs...)
	if err != nil {
		return nil, err
	}
	exp, err := r.exports(ctx, mod, append(roots, "runtime"))
	if err != nil {
		return nil, err
	}
	cfg := filepath.Join(dir, "importcfg")
	if err := os.WriteFile(cfg, importConfig(exp, nil), 0o644); err != nil {
		return nil, err
	}
	obj := filepath.Join(dir, "main.a")
	stderr, ok, err := r.runTool(ctx, t, dir, "compile", compileArgs(t, obj, "main", cfg, names...)...)
	if err == errCompileTimeout {
		return &Error{Kind: KindCompile, File: file, Msg: err.Error()}, nil
	}
	if err != nil {
		return nil, err
	}
	if !ok {
		// An archive the list names but cannot be read is the list's
		// fault, though the compiler places it at the example's import.
		if strings.Contains(stderr, "could not import ") {
			forgetExports(mod)
			return nil, errNoDirect
		}
		if e := compileError(file, filepath.Base(dir), base, stderr); e != nil {
			return e, nil
		}
		forgetExports(mod)
		return nil, errNoDirect
	}
	if _, ok, err := r.runTool(ctx, t, dir, "link", linkArgs(out, cfg, obj)...); err != nil || !ok {
		if err != nil && err != errCompileTimeout {
			return nil, err
		}
		forgetExports(mod)
		return nil, errNoDirect
	}
	return nil, nil
}

// forgetExports drops the list of a module directory kept in memory after
// a tool failed for no fault of the example's, such as an archive that
// `go clean -cache` removed: the next build reads the list again, which
// makes it anew if an archive it names is gone.
func forgetExports(mod string) { exportSets.Delete(mod) }
