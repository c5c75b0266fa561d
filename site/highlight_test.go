package site

import (
	"bytes"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
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
