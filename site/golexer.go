package site

import (
	"bytes"
	"go/scanner"
	"go/token"
	"go/types"

	"github.com/alecthomas/chroma/v2"
)

// goTokens splits Go source into chroma tokens of the types chroma's own Go
// lexer gives them, so chroma's styles apply unchanged. It accepts fragments
// and broken programs: go/scanner only tokenizes.
func goTokens(src []byte) []chroma.Token {
	type item struct {
		start, end int
		tok        token.Token
	}
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(src))
	var s scanner.Scanner
	s.Init(file, src, func(token.Position, string) {}, scanner.ScanComments)
	var items []item
	last := 0
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		if tok == token.SEMICOLON && lit != ";" {
			continue // inserted by the scanner, not in the source
		}
		start := file.Offset(pos)
		if start < last {
			continue
		}
		end := start + len(lit)
		switch {
		case tok == token.COMMENT && bytes.HasPrefix(src[start:], []byte("/*")):
			end = len(src)
			if i := bytes.Index(src[start+2:], []byte("*/")); i >= 0 {
				end = start + 2 + i + 2
			}
		case tok == token.COMMENT:
			end = len(src)
			if i := bytes.IndexByte(src[start:], '\n'); i >= 0 {
				end = start + i
			}
		case tok == token.STRING && src[start] == '`':
			// Raw strings lose their carriage returns in lit.
			end = len(src)
			if i := bytes.IndexByte(src[start+1:], '`'); i >= 0 {
				end = start + 1 + i + 1
			}
		case lit == "":
			end = start + len(tok.String())
		}
		end = min(end, len(src))
		items = append(items, item{start, end, tok})
		last = end
	}

	tokens := make([]chroma.Token, 0, 2*len(items)+1)
	last = 0
	for i, it := range items {
		if it.start > last {
			tokens = append(tokens, chroma.Token{Type: chroma.TextWhitespace, Value: string(src[last:it.start])})
		}
		text := string(src[it.start:it.end])
		call := i+1 < len(items) && items[i+1].tok == token.LPAREN
		tokens = append(tokens, chroma.Token{Type: goTokenType(it.tok, text, call), Value: text})
		last = it.end
	}
	if last < len(src) {
		tokens = append(tokens, chroma.Token{Type: chroma.TextWhitespace, Value: string(src[last:])})
	}
	return tokens
}

// goTokenType classifies a token as chroma's Go lexer does; call is set when
// an opening parenthesis follows.
func goTokenType(tok token.Token, text string, call bool) chroma.TokenType {
	switch {
	case tok == token.COMMENT:
		switch {
		case len(text) > 2 && text[1] == '*':
			return chroma.CommentMultiline
		case len(text) > 2 && text[2] != ' ' && text[2] != '\t' && text[2] != '\r':
			return chroma.CommentPreproc // //go:build, //nolint, ...
		}
		return chroma.CommentSingle
	case tok == token.IMPORT || tok == token.PACKAGE:
		return chroma.KeywordNamespace
	case tok == token.VAR || tok == token.FUNC || tok == token.STRUCT || tok == token.MAP ||
		tok == token.CHAN || tok == token.TYPE || tok == token.INTERFACE || tok == token.CONST:
		return chroma.KeywordDeclaration
	case tok.IsKeyword():
		return chroma.Keyword
	case tok == token.IDENT:
		switch {
		case text == "true" || text == "false" || text == "iota" || text == "nil":
			return chroma.KeywordConstant
		case call && (isBuiltinFunc(text) || isBuiltinType(text) && text != "any"):
			return chroma.NameBuiltin
		case isBuiltinType(text):
			return chroma.KeywordType
		case call:
			return chroma.NameFunction
		}
		return chroma.NameOther
	case tok == token.INT:
		switch {
		case len(text) > 1 && (text[1] == 'x' || text[1] == 'X'):
			return chroma.LiteralNumberHex
		case len(text) > 1 && (text[1] == 'b' || text[1] == 'B'):
			return chroma.LiteralNumberBin
		case len(text) > 1 && text[0] == '0':
			return chroma.LiteralNumberOct
		}
		return chroma.LiteralNumberInteger
	case tok == token.FLOAT:
		return chroma.LiteralNumberFloat
	case tok == token.IMAG:
		return chroma.LiteralNumber
	case tok == token.CHAR:
		return chroma.LiteralStringChar
	case tok == token.STRING:
		return chroma.LiteralString
	case tok.IsOperator():
		if len(text) == 1 && bytes.IndexByte([]byte("|^<>=!()[]{}.,;:~"), text[0]) >= 0 {
			return chroma.Punctuation
		}
		return chroma.Operator
	}
	return chroma.Error
}

// isBuiltinFunc reports whether name is one of Go's predeclared functions.
func isBuiltinFunc(name string) bool {
	_, ok := types.Universe.Lookup(name).(*types.Builtin)
	return ok
}

// isBuiltinType reports whether name is one of Go's predeclared types
// (comparable, a constraint, is not one a program can name in an expression).
func isBuiltinType(name string) bool {
	_, ok := types.Universe.Lookup(name).(*types.TypeName)
	return ok && name != "comparable"
}
