package site

import (
	"bytes"
	"html/template"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// newMarkdown returns the goldmark Markdown that parses and renders every
// chapter of a site.
func newMarkdown(hl Highlighter) goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(
			extension.GFM,
			extension.NewFootnote(extension.WithFootnoteBacklinkHTML("↩\ufe0e")),
			directiveExtension{},
		),
		goldmark.WithParserOptions(parser.WithAutoHeadingID(), focusableTablesOption),
		goldmark.WithRendererOptions(
			// The book is ours: its HTML is trusted.
			html.WithUnsafe(),
			renderer.WithNodeRenderers(
				util.Prioritized(codeBlockRenderer{hl}, 100),
				util.Prioritized(headingRenderer{}, 100),
			),
		),
	)
}

// codeBlockRenderer renders code blocks through a Highlighter.
type codeBlockRenderer struct{ hl Highlighter }

func (r codeBlockRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindFencedCodeBlock, r.render)
	reg.Register(ast.KindCodeBlock, r.render)
}

func (r codeBlockRenderer) render(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	var lang string
	if f, ok := n.(*ast.FencedCodeBlock); ok && f.Info != nil {
		lang, _, _ = strings.Cut(string(f.Info.Segment.Value(src)), " ")
	}
	var code bytes.Buffer
	lines := n.Lines()
	for i := range lines.Len() {
		seg := lines.At(i)
		code.Write(seg.Value(src))
	}
	// tabindex: a block that scrolls sideways must take the focus.
	w.WriteString(`<pre class="chroma" tabindex="0"><code`)
	if lang != "" {
		w.WriteString(` class="language-`)
		w.WriteString(template.HTMLEscapeString(lang))
		w.WriteString(`"`)
	}
	w.WriteString(">")
	for i, l := range r.hl.Lines(lang, code.Bytes()) {
		if i > 0 {
			w.WriteByte('\n')
		}
		w.WriteString(string(l))
	}
	w.WriteString("</code></pre>\n")
	return ast.WalkSkipChildren, nil
}

// headingRenderer gives each heading a "#" link to itself.
type headingRenderer struct{}

func (headingRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindHeading, func(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
		n := node.(*ast.Heading)
		id, _ := n.AttributeString("id")
		idb, _ := id.([]byte)
		if entering {
			w.WriteString("<h")
			w.WriteByte("0123456"[n.Level])
			if n.Attributes() != nil {
				html.RenderAttributes(w, n, html.HeadingAttributeFilter)
			}
			w.WriteByte('>')
			return ast.WalkContinue, nil
		}
		if idb != nil {
			w.WriteString(`<a class="anchor" href="#`)
			w.WriteString(template.HTMLEscapeString(string(idb)))
			w.WriteString(`" aria-label="Link to this section">#</a>`)
		}
		w.WriteString("</h")
		w.WriteByte("0123456"[n.Level])
		w.WriteString(">\n")
		return ast.WalkContinue, nil
	})
}

// plainText returns the text of an inline tree, without markup.
func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	ast.Walk(n, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Text:
			b.Write(n.Value(src))
			if n.SoftLineBreak() || n.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(n.Value)
		case *ast.RawHTML:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(b.String())
}

// nodeOffset returns the byte offset in the source where n, or the
// nearest node around it that knows, starts.
func nodeOffset(n ast.Node) int {
	for ; n != nil; n = n.Parent() {
		if p := n.Pos(); p >= 0 {
			return p
		}
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			if p := c.Pos(); p >= 0 {
				return p
			}
		}
	}
	return 0
}
