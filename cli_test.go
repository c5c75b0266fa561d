package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestHelp checks that help, -h and usage errors are generated from the
// command table, with the documented exit statuses: 0 for help, 2 for a
// command line that cannot be run.
func TestHelp(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string // each in stdout
		stderr []string // each in stderr
	}{
		{"help", []string{"help"}, 0, []string{"usage: signalwire <command>", "  build ", "  check ", "  serve ", "  run "}, nil},
		{"-h", []string{"-h"}, 0, []string{"usage: signalwire <command>"}, nil},
		{"help build", []string{"help", "build"}, 0, []string{"usage: signalwire build [-o public] [-open]", "-o dir", "-open"}, nil},
		{"build -h", []string{"build", "-h"}, 0, []string{"usage: signalwire build [-o public] [-open]", "-o dir"}, nil},
		{"check -help", []string{"check", "-help"}, 0, []string{"usage: signalwire check [-update] [-run PATTERN]", "-run regexp"}, nil},
		{"help run", []string{"help", "run"}, 0, []string{"[-budget D] [-nocache] FILE.go", "-budget duration", "-nocache"}, nil},
		{"help serve", []string{"help", "serve"}, 0, []string{"usage: signalwire serve", "-addr host:port"}, nil},
		{"help unknown", []string{"help", "frobnicate"}, 2, nil, []string{`unknown command "frobnicate"`}},
		{"help two", []string{"help", "build", "run"}, 2, nil, []string{"usage: signalwire help [COMMAND]"}},
		{"build bad flag", []string{"build", "-x"}, 2, nil, []string{"flag provided but not defined: -x", "usage: signalwire build"}},
		{"run two files", []string{"run", "a.go", "b.go"}, 2, nil, []string{"want one FILE.go", "usage: signalwire run", "-nocache"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(t.Context(), tt.args, &stdout, &stderr)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stdout %q, stderr %q", code, tt.code, stdout.String(), stderr.String())
			}
			for _, want := range tt.stdout {
				if !strings.Contains(stdout.String(), want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
				}
			}
			for _, want := range tt.stderr {
				if !strings.Contains(stderr.String(), want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
				}
			}
			if tt.code == 0 && stderr.Len() != 0 {
				t.Errorf("help wrote to stderr: %q", stderr.String())
			}
		})
	}
}

// smallBook writes a book of one chapter and no example into a temporary
// directory and makes it the current one.
func smallBook(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "content"), 0o755); err != nil {
		t.Fatal(err)
	}
	chapter := "---\ntitle: Only\nsummary: The only chapter.\n---\n\nNothing to run here.\n"
	if err := os.WriteFile(filepath.Join(dir, "content", "01-only.md"), []byte(chapter), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	return dir
}

// failingOpener puts on PATH an xdg-open that fails as it does with no
// display.
func failingOpener(t *testing.T) {
	t.Helper()
	bin := t.TempDir()
	script := "#!/bin/sh\necho 'xdg-open: no method available for opening '\"'$1'\" >&2\nexit 3\n"
	for _, name := range []string{"xdg-open", "open"} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
}

// TestBuildOpenFails: a browser that cannot be opened is not a failed
// build; the user is told where the site is, with the opener's message.
func TestBuildOpenFails(t *testing.T) {
	dir := smallBook(t)
	failingOpener(t)
	var stdout, stderr bytes.Buffer
	code := run(t.Context(), []string{"build", "-open"}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d, want 0; stderr %q", code, stderr.String())
	}
	dir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"could not open a browser",
		"no method available for opening",
		"open file://" + filepath.ToSlash(dir) + "/public/index.html in a browser",
	} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "public", "index.html")); err != nil {
		t.Error(err)
	}
}

// TestServeOpenFails: serve says that no browser could be opened, and
// where the preview is, and keeps serving.
func TestServeOpenFails(t *testing.T) {
	smallBook(t)
	failingOpener(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var stdout, stderr lockedBuffer
	code := make(chan int, 1)
	go func() { code <- run(ctx, []string{"serve", "-open", "-addr", "127.0.0.1:0"}, &stdout, &stderr) }()
	re := regexp.MustCompile(`could not open a browser: xdg-open: exit status 3: xdg-open: no method available for opening 'http://127\.0\.0\.1:\d+/'\nthe preview is running: open http://127\.0\.0\.1:\d+/ in a browser`)
	for deadline := time.Now().Add(20 * time.Second); !re.MatchString(stderr.String()); time.Sleep(10 * time.Millisecond) {
		select {
		case c := <-code:
			t.Fatalf("serve stopped with %d; stderr %q", c, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no message after 20s; stderr %q", stderr.String())
		}
	}
	cancel()
	if c := <-code; c != 0 {
		t.Errorf("exit %d; stderr %q", c, stderr.String())
	}
}

// TestRunJSONDivergence: "go run ." turns every non-zero status into 1, so
// run -json carries what the status would say: the divergence.
func TestRunJSONDivergence(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "keys.go")
	src := "package main\n\nimport (\n\t\"context\"\n\t\"fmt\"\n)\n\ntype a struct{}\ntype b struct{}\n\nfunc main() {\n\tfmt.Println(context.WithValue(context.Background(), a{}, 1).Value(b{}))\n}\n"
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run(t.Context(), []string{"run", "-json", file}, &stdout, &stderr)
	if code != 3 {
		t.Errorf("exit %d, want 3; stderr %q", code, stderr.String())
	}
	var res struct {
		Divergence json.RawMessage `json:"divergence"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatalf("%v in %s", err, stdout.String())
	}
	if len(res.Divergence) == 0 || string(res.Divergence) == "null" || string(res.Divergence) == "false" {
		t.Errorf("the JSON does not carry the divergence:\n%s", stdout.String())
	}
}
