package site

import (
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// focusableTables makes every table of a chapter reachable with the
// keyboard (tabindex="0"): a table wider than a phone scrolls sideways,
// and a region that scrolls must take the focus for a reader without a
// mouse to scroll it. Code blocks get the same from codeBlockRenderer.
type focusableTables struct{}

func (focusableTables) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if _, ok := n.(*east.Table); ok && entering {
			n.SetAttributeString("tabindex", []byte("0"))
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
}

// focusableTablesOption registers focusableTables after the table parser.
var focusableTablesOption = parser.WithASTTransformers(util.Prioritized(focusableTables{}, 1000))
