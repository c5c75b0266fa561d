// Package wasmbuild builds the browser's interpreter engine (the program
// cmd/wasmengine for GOOS=js GOARCH=wasm) into the site's assets:
//
//	engine.wasm.gz  the program, gzip-compressed (the page decompresses it
//	                with DecompressionStream)
//	wasm_exec.js    Go's support script of the same Go release
//
// The build is reproducible: -trimpath, -buildvcs=false, no build ID, and a
// gzip stream with no name or time, so the same sources give the same
// bytes. It is cached by a key over every source file of the module the
// program is built from, the versions of the other modules it uses, and the
// Go version: an unchanged engine is not built again.
package wasmbuild

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// Package is the engine's main package.
const Package = "./cmd/wasmengine"

// Asset names of the engine's files.
const (
	Engine   = "engine.wasm.gz"
	WasmExec = "wasm_exec.js"
)

// Builder builds the engine.
type Builder struct {
	// Go is the go command; "go" when empty.
	Go string
	// Dir is the root of the module that holds the engine's package.
	Dir string
	// CacheDir keeps built engines by key; none when empty.
	CacheDir string
}

func (b *Builder) goCmd() string {
	if b.Go == "" {
		return "go"
	}
	return b.Go
}

// flags are the build's flags, part of the key.
var flags = []string{"-trimpath", "-buildvcs=false", "-ldflags=-s -w -buildid="}

func (b *Builder) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, b.goCmd(), args...)
	cmd.Dir = b.Dir
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0", "GOFLAGS=", "GOTOOLCHAIN=local")
	return cmd
}

func (b *Builder) output(ctx context.Context, args ...string) ([]byte, error) {
	cmd := b.command(ctx, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out, nil
}

// Key identifies the engine the current sources give.
func (b *Builder) Key(ctx context.Context) (string, error) {
	out, err := b.output(ctx, "list", "-deps", "-f",
		`{{if not .Standard}}{{if .Module}}{{.Module.Path}} {{.Module.Version}}{{end}}|{{.Dir}}|{{join .GoFiles " "}} {{join .EmbedFiles " "}}{{end}}`,
		Package)
	if err != nil {
		return "", err
	}
	goroot, err := b.output(ctx, "env", "GOROOT", "GOVERSION")
	if err != nil {
		return "", err
	}
	h := sha256.New()
	fmt.Fprintf(h, "wasmbuild 1\n%s%q\n", goroot, flags)
	sc := bufio.NewScanner(bytes.NewReader(out))
	var lines []string
	for sc.Scan() {
		if line := sc.Text(); line != "" {
			lines = append(lines, line)
		}
	}
	sort.Strings(lines)
	for _, line := range lines {
		mod, rest, _ := strings.Cut(line, "|")
		dir, files, _ := strings.Cut(rest, "|")
		fmt.Fprintf(h, "package %s\n", mod)
		if len(strings.Fields(mod)) == 2 {
			continue // a module of a fixed version: its version says it all
		}
		for _, f := range strings.Fields(files) {
			data, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil {
				return "", err
			}
			rel, err := filepath.Rel(b.Dir, filepath.Join(dir, f))
			if err != nil {
				rel = f
			}
			fmt.Fprintf(h, "file %s %d\n", filepath.ToSlash(rel), len(data))
			h.Write(data)
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:16]), nil
}

// Build returns the engine's assets by name, from the cache when its key
// is there.
func (b *Builder) Build(ctx context.Context) (map[string][]byte, error) {
	key, err := b.Key(ctx)
	if err != nil {
		return nil, fmt.Errorf("the browser engine: %w", err)
	}
	exec, err := b.wasmExec(ctx)
	if err != nil {
		return nil, err
	}
	cached := ""
	if b.CacheDir != "" {
		cached = filepath.Join(b.CacheDir, "wasm", key+".wasm.gz")
		if gz, err := os.ReadFile(cached); err == nil {
			return map[string][]byte{Engine: gz, WasmExec: exec}, nil
		}
	}
	gz, err := b.compile(ctx)
	if err != nil {
		return nil, fmt.Errorf("the browser engine: %w", err)
	}
	if cached != "" {
		if err := writeAtomic(cached, gz); err != nil {
			return nil, err
		}
	}
	return map[string][]byte{Engine: gz, WasmExec: exec}, nil
}

func (b *Builder) wasmExec(ctx context.Context) ([]byte, error) {
	goroot, err := b.output(ctx, "env", "GOROOT")
	if err != nil {
		return nil, err
	}
	return os.ReadFile(filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js"))
}

func (b *Builder) compile(ctx context.Context) ([]byte, error) {
	dir, err := os.MkdirTemp("", "signalwire-wasm-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "engine.wasm")
	args := append(append([]string{"build"}, flags...), "-o", out, Package)
	if _, err := b.output(ctx, args...); err != nil {
		return nil, err
	}
	f, err := os.Open(out)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Compress(f)
}

// Compress gzips r at the best compression, with no name or time in the
// header, so that the same input gives the same bytes.
func Compress(r io.Reader) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := io.Copy(zw, r); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func writeAtomic(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}
