package site

import (
	"embed"
	"fmt"
	"html"
	"html/template"
	"io"
	"io/fs"
	"strings"
	"sync"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
)

// Theme names a colour theme of the site.
type Theme string

// The site's themes. The reader's system setting picks one; a button
// overrides it.
const (
	Light Theme = "light"
	Dark  Theme = "dark"
)

// A Highlighter colours source code. Its HTML marks tokens with CSS classes
// only, so that one stylesheet per theme colours every page.
type Highlighter interface {
	// Lines returns the HTML of each line of src, without newlines, in
	// the language lang ("go", "sh", ...). Code in an unknown language, or
	// none, comes back escaped and plain.
	Lines(lang string, src []byte) []template.HTML
	// WriteCSS writes the stylesheet of a theme. The rules apply inside
	// an element of class "chroma".
	WriteCSS(w io.Writer, theme Theme) error
}

// Chroma is a Highlighter built on github.com/alecthomas/chroma. Go, the
// language of nearly every block, is tokenized with go/scanner instead of
// chroma's regular-expression lexer: the result has the same token types,
// which chroma styles, at a fraction of the cost.
//
// The other languages and the two styles are chroma's own definitions,
// copied from the chroma module into chroma/ (its licence is there too)
// and parsed on first use. Chroma's lexers and styles packages are not
// imported: their init parses every one of their hundreds of embedded
// definitions, about 20 ms in each process that links them, which every
// command of the tool and every re-execution of it by the runner would pay
// (`go test ./site -run TestNoChromaRegistries` keeps them out). The
// languages are Go (go, golang), Bash (bash, sh, ksh, zsh, shell), a shell
// session (console, bash-session), diff, JSON, YAML, TOML, Makefile and
// Dockerfile, under their chroma names, aliases and file extensions; code
// in any other language comes back plain.
type Chroma struct {
	LightStyle string // chroma style of the light theme: "github" (the default when empty) or "github-dark"
	DarkStyle  string // chroma style of the dark theme: "github-dark" (the default when empty) or "github"
}

// chromaFiles are the definitions copied from chroma v2.27.0 (lexers/embedded
// and styles): after updating chroma in go.mod, copy them again;
// TestChromaCopies compares them with the module's.
//
//go:embed chroma/*.xml
var chromaFiles embed.FS

// chromaLexers is the registry of the copied lexers, built on first use.
var chromaLexers = sync.OnceValue(func() *chroma.LexerRegistry {
	reg := chroma.NewLexerRegistry()
	paths, err := fs.Glob(chromaFiles, "chroma/*.xml")
	if err != nil {
		panic(err) // the pattern is valid
	}
	for _, path := range paths {
		if strings.HasPrefix(path, "chroma/github") {
			continue // a style
		}
		reg.Register(chroma.MustNewXMLLexer(chromaFiles, path)) // embedded and tested: cannot fail
	}
	return reg
})

// chromaStyle returns the copied style of that name.
func chromaStyle(name string) (*chroma.Style, error) {
	if name != "github" && name != "github-dark" {
		return nil, fmt.Errorf("unknown chroma style %q: the site has github and github-dark", name)
	}
	f, err := chromaFiles.Open("chroma/" + name + ".xml")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return chroma.NewXMLStyle(f)
}

// Lines implements Highlighter.
func (c *Chroma) Lines(lang string, src []byte) []template.HTML {
	n := strings.Count(string(src), "\n")
	if len(src) > 0 && src[len(src)-1] != '\n' {
		n++
	}
	var tokens []chroma.Token
	switch lang = strings.ToLower(lang); lang {
	case "go", "golang":
		tokens = goTokens(src)
	case "", "text", "plain", "txt":
	default:
		if l := chromaLexers().Get(lang); l != nil {
			if it, err := chroma.Coalesce(l).Tokenise(nil, string(src)); err == nil {
				tokens = it.Tokens()
			}
		}
	}
	if tokens == nil {
		tokens = []chroma.Token{{Type: chroma.Text, Value: string(src)}}
	}
	out := make([]template.HTML, 0, n)
	var b strings.Builder
	for _, line := range chroma.SplitTokensIntoLines(tokens) {
		if len(out) == n {
			break
		}
		b.Reset()
		for _, t := range line {
			v := strings.TrimSuffix(t.Value, "\n")
			if v == "" {
				continue
			}
			if cls := tokenClass(t.Type); cls != "" && t.Type != chroma.TextWhitespace {
				b.WriteString(`<span class="`)
				b.WriteString(cls)
				b.WriteString(`">`)
				b.WriteString(html.EscapeString(v))
				b.WriteString(`</span>`)
			} else {
				b.WriteString(html.EscapeString(v))
			}
		}
		out = append(out, template.HTML(b.String()))
	}
	for len(out) < n {
		out = append(out, "")
	}
	return out
}

// tokenClass is the CSS class chroma's HTML formatter gives a token type.
func tokenClass(t chroma.TokenType) string {
	for ; t != 0; t = t.Parent() {
		if cls, ok := chroma.StandardTypes[t]; ok {
			return cls
		}
	}
	return chroma.StandardTypes[t]
}

// WriteCSS implements Highlighter.
func (c *Chroma) WriteCSS(w io.Writer, theme Theme) error {
	name := c.LightStyle
	if name == "" {
		name = "github"
	}
	if theme == Dark {
		name = c.DarkStyle
		if name == "" {
			name = "github-dark"
		}
	}
	style, err := chromaStyle(name)
	if err != nil {
		return err
	}
	return chromahtml.New(chromahtml.WithClasses(true)).WriteCSS(w, style)
}
