package site

import (
	"html"
	"html/template"
	"io"
	"strings"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
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
type Chroma struct {
	LightStyle string // chroma style of the light theme; "github" when empty
	DarkStyle  string // chroma style of the dark theme; "github-dark" when empty
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
		if l := lexers.Get(lang); l != nil {
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
	return chromahtml.New(chromahtml.WithClasses(true)).WriteCSS(w, styles.Get(name))
}
