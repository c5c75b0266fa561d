package site

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
)

// TestGoTokensLikeChroma checks that the go/scanner lexer classifies Go
// source as chroma's own Go lexer does, so that chroma's styles mean the
// same on both. Whitespace is ignored, and raw strings, which chroma hands
// to its template lexer, are left out of the sample.
func TestGoTokensLikeChroma(t *testing.T) {
	files, err := filepath.Glob("testdata/book/examples/*/main.go")
	if err != nil {
		t.Fatal(err)
	}
	srcs := map[string][]byte{"sample": []byte(goSample)}
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		srcs[file] = src
	}
	for file, src := range srcs {
		it, err := lexers.Get("go").Tokenise(nil, string(src))
		if err != nil {
			t.Fatal(err)
		}
		want := significant(it.Tokens())
		got := significant(goTokens(src))
		if len(got) != len(want) {
			t.Errorf("%s: %d tokens, chroma has %d", file, len(got), len(want))
		}
		for i := range min(len(got), len(want)) {
			if got[i] != want[i] {
				t.Errorf("%s: token %d is %s, chroma says %s", file, i, got[i], want[i])
				break
			}
		}
	}
}

// goSample has a bit of everything but raw strings, which chroma lexes as
// templates, and 0o octals, which it does not know.
const goSample = `//go:build linux

// Package p is a sample.
package p

import (
	"context"
	"fmt"
)

/* A block
comment. */
type T[K comparable, V any] struct {
	m  map[K]V
	ch chan<- struct{}
}

const (
	a = iota
	b = 0x1F + 0b1010 + 017 + 1_000
	c = 1.5e-3 + .5 + 2i
	d = 'x' + '\n'
)

var e error = nil

func (t *T[K, V]) Get(ctx context.Context, k K) (v V, ok bool) {
	select {
	case <-ctx.Done():
		return v, false
	default:
	}
	for i := range 10 {
		if i%2 == 0 && i != 4 || !ok {
			continue
		}
		i <<= 1
		i &^= 3
	}
	v, ok = t.m[k]
	_ = len(t.m) + cap(make([]int, 0)) + max(1, 2)
	defer func() { recover() }()
	go fmt.Println("done", true, false, int64(3), any(1))
	return
}

func f(xs ...string) { goto L; L: panic(fmt.Sprintf("%v", xs)) }
`

// significant returns "type value" of each token that is not whitespace,
// with adjacent tokens of the same type merged.
func significant(tokens []chroma.Token) []string {
	var out []string
	var last chroma.TokenType = -1
	for _, t := range tokens {
		if t.Type == chroma.TextWhitespace || t.Type == chroma.Text && strings.TrimSpace(t.Value) == "" {
			last = -1
			continue
		}
		if t.Type == last {
			out[len(out)-1] += t.Value
			continue
		}
		out = append(out, fmt.Sprintf("%s %s", t.Type, t.Value))
		last = t.Type
	}
	return out
}

func TestGoTokensKeepEverything(t *testing.T) {
	for _, src := range []string{
		"",
		"x := `raw\r\nstring` + \"s\" // comment\r\n",
		"/* unterminated",
		"\"unterminated\nfunc f() {}",
		"a := '\\n' + 0x1F + 0b10 + 0o7 + 1.5e3 + 2i ; b &^= c ... ~",
		"# $ illegal ⌘ chars",
	} {
		var b strings.Builder
		for _, tok := range goTokens([]byte(src)) {
			b.WriteString(tok.Value)
		}
		if b.String() != src {
			t.Errorf("tokens of %q put back together are %q", src, b.String())
		}
	}
}

func TestHighlightLines(t *testing.T) {
	hl := &Chroma{}
	for _, tc := range []struct {
		name, lang, src string
		want            []template.HTML
	}{
		{"go", "go", "x := 1 // one\n\ny := `a\nb`\n", []template.HTML{
			`<span class="nx">x</span> <span class="o">:=</span> <span class="mi">1</span> <span class="c1">// one</span>`,
			``,
			`<span class="nx">y</span> <span class="o">:=</span> <span class="s">` + "`a</span>",
			`<span class="s">b` + "`</span>",
		}},
		{"plain", "", "<b>\n&", []template.HTML{"&lt;b&gt;", "&amp;"}},
		{"unknown language", "no-such-language", "a<\n", []template.HTML{"a&lt;"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := hl.Lines(tc.lang, []byte(tc.src))
			if strings.Join(toStrings(got), "\n") != strings.Join(toStrings(tc.want), "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(toStrings(got), "\n"), strings.Join(toStrings(tc.want), "\n"))
			}
		})
	}
}

func toStrings(h []template.HTML) []string {
	s := make([]string, len(h))
	for i, x := range h {
		s[i] = string(x)
	}
	return s
}

func TestThemeCSS(t *testing.T) {
	for _, theme := range []Theme{Light, Dark} {
		var b bytes.Buffer
		if err := (&Chroma{}).WriteCSS(&b, theme); err != nil {
			t.Fatal(err)
		}
		css := b.String()
		if !strings.Contains(css, ".chroma .kd {") || strings.Contains(css, "style=") {
			t.Errorf("%s stylesheet lacks class rules:\n%s", theme, css)
		}
	}
}

// TestNoChromaRegistries keeps chroma's lexers and styles packages out of
// the tool: their init parses hundreds of embedded definitions in every
// process that links them, the tool's and each of the runner's
// re-executions of it, whatever the command.
func TestNoChromaRegistries(t *testing.T) {
	out, err := exec.CommandContext(t.Context(), "go", "list", "-deps", "..").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if pkg == "github.com/alecthomas/chroma/v2/lexers" || pkg == "github.com/alecthomas/chroma/v2/styles" {
			t.Errorf("the tool links %s", pkg)
		}
	}
}

// TestChromaCopies checks that the definitions in chroma/ are those of the
// chroma module in go.mod, byte for byte, and that they highlight and
// style exactly as chroma's own registries do.
func TestChromaCopies(t *testing.T) {
	out, err := exec.CommandContext(t.Context(), "go", "list", "-m", "-f", "{{.Dir}}", "github.com/alecthomas/chroma/v2").Output()
	if err != nil {
		t.Fatalf("go list -m: %v", err)
	}
	dir := strings.TrimSpace(string(out))
	copies, err := filepath.Glob("chroma/*.xml")
	if err != nil || len(copies) == 0 {
		t.Fatalf("no copies in chroma/ (%v)", err)
	}
	for _, file := range copies {
		orig := filepath.Join(dir, "lexers", "embedded", filepath.Base(file))
		if strings.HasPrefix(filepath.Base(file), "github") {
			orig = filepath.Join(dir, "styles", filepath.Base(file))
		}
		want, err := os.ReadFile(orig)
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		if got, _ := os.ReadFile(file); !bytes.Equal(got, want) {
			t.Errorf("%s differs from %s: copy it again", file, orig)
		}
	}

	samples := map[string]string{
		"sh":         "#!/bin/sh\nfor f in *.go; do echo \"$f\" | wc -l; done # count\nx=$((1+2))\n",
		"console":    "$ go run . run -engine yaegi examples/timeout/main.go\ndoWork returned after 500ms\n",
		"diff":       "--- a\n+++ b\n@@ -1 +1 @@\n-old\n+new\n",
		"json":       "{\"a\": [1, 2.5, true, null, \"s\"]}\n",
		"yaml":       "a: 1\nb:\n  - \"x\" # c\n",
		"toml":       "[a]\nb = 1\nc = \"d\"\n",
		"makefile":   "all: build\n\t@go build ./... $(FLAGS)\n",
		"dockerfile": "FROM golang:1.26\nRUN go build -o /app .\nCMD [\"/app\"]\n",
	}
	for _, lang := range []string{"sh", "bash", "shell", "zsh", "ksh", "console", "bash-session", "diff", "udiff", "patch", "json", "yaml", "yml", "toml", "make", "makefile", "mk", "docker", "dockerfile"} {
		want, got := lexers.Get(lang), chromaLexers().Get(lang)
		if want == nil || got == nil {
			t.Errorf("%s: chroma's lexer %v, the site's %v", lang, want, got)
			continue
		}
		if got.Config().Name != want.Config().Name {
			t.Errorf("%s: the site's lexer is %s, chroma's is %s", lang, got.Config().Name, want.Config().Name)
		}
	}
	for lang, src := range samples {
		want, err := chroma.Coalesce(lexers.Get(lang)).Tokenise(nil, src)
		if err != nil {
			t.Fatal(err)
		}
		lines := (&Chroma{}).Lines(lang, []byte(src))
		var b strings.Builder
		for _, t := range want.Tokens() {
			fmt.Fprintf(&b, "%s %q\n", t.Type, t.Value)
		}
		if len(lines) == 0 || !strings.Contains(string(lines[0]), `<span class="`) {
			t.Errorf("%s: not highlighted: %q", lang, lines)
		}
		it, err := chroma.Coalesce(chromaLexers().Get(lang)).Tokenise(nil, src)
		if err != nil {
			t.Fatal(err)
		}
		var g strings.Builder
		for _, t := range it.Tokens() {
			fmt.Fprintf(&g, "%s %q\n", t.Type, t.Value)
		}
		if g.String() != b.String() {
			t.Errorf("%s: the site's tokens\n%s\nchroma's\n%s", lang, g.String(), b.String())
		}
	}
	for _, name := range []string{"github", "github-dark"} {
		var want, got bytes.Buffer
		if err := chromahtml.New(chromahtml.WithClasses(true)).WriteCSS(&want, styles.Get(name)); err != nil {
			t.Fatal(err)
		}
		if err := (&Chroma{LightStyle: name}).WriteCSS(&got, Light); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%s: the site's stylesheet\n%s\nchroma's\n%s", name, got.String(), want.String())
		}
	}
	if err := (&Chroma{DarkStyle: "monokai"}).WriteCSS(io.Discard, Dark); err == nil || !strings.Contains(err.Error(), `"monokai"`) {
		t.Errorf("an unknown style: error %v, want one naming it", err)
	}
}
