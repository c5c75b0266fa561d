package site

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
)

// The search index.
//
// The site's search runs in the reader's browser, offline and from
// file://, so its index is a script, search-index.js, that sets
// window.SignalWireSearch; site.js loads it the first time the reader uses
// the search box. It is made of:
//
//   - the sections of the book: each chapter's text before its first
//     heading, each h2 and h3 section, and each example shown, with the
//     page anchor, the chapter, the section's title and a snippet, the
//     first snippetLen characters of its prose;
//   - the words: every word of the prose, of code (in code spans, fenced
//     blocks and the examples' programs, identifiers also split at their
//     capitals: WithTimeout is withtimeout, with and timeout) and of the
//     example names, lower-cased, sorted;
//   - for each word, the sections it occurs in: its postings, as
//     differences of section numbers in base 36.
//
// It does not hold the text of the pages: a word matches anywhere in a
// section, and the result shows the section's snippet. So the index grows
// with the number of sections and of distinct words, not with the length
// of the prose: linearly with the book, and far slower than its text.
// Matching (prefix of the last word typed, a typo for words of four
// letters and more) is site.js's.

// snippetLen is the length of a section's snippet, in characters.
const snippetLen = 150

// searchSection is a section of the index.
type searchSection struct {
	url, chapter, title string
	snippet             strings.Builder
	words               map[string]bool
}

func (s *searchSection) addText(text string) {
	if n := snippetLen - utf8.RuneCountInString(s.snippet.String()); n > 0 {
		text = strings.Join(strings.Fields(text), " ")
		if text == "" {
			return
		}
		if s.snippet.Len() > 0 {
			s.snippet.WriteByte(' ')
		}
		if utf8.RuneCountInString(text) > n {
			r := []rune(text)[:n]
			text = string(r) + "…"
		}
		s.snippet.WriteString(text)
	}
}

func (s *searchSection) addWords(text string, code bool) {
	forWords(text, code, func(w string) { s.words[w] = true })
}

// stopWords are too common to be worth an entry.
var stopWords = map[string]bool{
	"a": true, "an": true, "and": true, "are": true, "as": true, "at": true, "be": true, "by": true,
	"for": true, "from": true, "has": true, "in": true, "is": true, "it": true, "its": true,
	"of": true, "on": true, "or": true, "that": true, "the": true, "this": true, "to": true,
	"was": true, "with": true, "which": true, "when": true, "what": true, "not": true, "but": true,
}

// forWords calls f with every word of text, lower-cased; in code, an
// identifier also gives its parts split at capitals and underscores.
func forWords(text string, code bool, f func(string)) {
	emit := func(w string) {
		if len(w) < 2 || len(w) > 40 {
			return
		}
		w = strings.ToLower(w)
		if !stopWords[w] {
			f(w)
		}
	}
	isWord := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' }
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		if !isWord(r) {
			i += n
			continue
		}
		j := i
		for j < len(text) {
			r, n := utf8.DecodeRuneInString(text[j:])
			if !isWord(r) {
				break
			}
			j += n
		}
		word := strings.Trim(text[i:j], "_")
		i = j
		if !code {
			emit(word)
			continue
		}
		parts := splitIdent(word)
		if len(parts) != 1 {
			emit(strings.ReplaceAll(word, "_", ""))
		}
		for _, p := range parts {
			emit(p)
		}
	}
}

// splitIdent splits an identifier at underscores and where a capital
// follows a lower-case letter or starts a word after an acronym:
// "HTTPServerTimeout" is HTTP, Server, Timeout.
func splitIdent(id string) []string {
	var parts []string
	for _, w := range strings.Split(id, "_") {
		r := []rune(w)
		start := 0
		for i := 1; i < len(r); i++ {
			lowerBefore := unicode.IsLower(r[i-1]) || unicode.IsDigit(r[i-1])
			acronymEnd := unicode.IsUpper(r[i-1]) && i+1 < len(r) && unicode.IsLower(r[i+1])
			if unicode.IsUpper(r[i]) && (lowerBefore || acronymEnd) {
				parts = append(parts, string(r[start:i]))
				start = i
			}
		}
		if start < len(r) {
			parts = append(parts, string(r[start:]))
		}
	}
	return parts
}

// searchIndex returns the script search-index.js for the book.
func searchIndex(book *Book) ([]byte, error) {
	var sections []*searchSection
	for i, c := range book.Chapters {
		chapter := strconv.Itoa(i+1) + ". " + c.Meta.Title
		cur := &searchSection{url: c.Page(), chapter: chapter, title: c.Meta.Title, words: map[string]bool{}}
		sections = append(sections, cur)
		cur.addWords(c.Meta.Title, false)
		cur.addWords(c.Meta.Summary, false)
		cur.addText(c.Meta.Summary)
		for n := c.doc.FirstChild(); n != nil; n = n.NextSibling() {
			switch n := n.(type) {
			case *ast.Heading:
				if n.Level == 2 || n.Level == 3 {
					id, _ := n.AttributeString("id")
					idb, _ := id.([]byte)
					title := plainText(n, c.src)
					cur = &searchSection{url: c.Page() + "#" + string(idb), chapter: chapter, title: title, words: map[string]bool{}}
					sections = append(sections, cur)
					cur.addWords(title, false)
					continue
				}
			case *exampleNode:
				if n.use == nil {
					continue
				}
				e := n.use.Example
				ex := &searchSection{url: c.Page() + "#" + n.use.ID, chapter: chapter, title: "Example " + e.Name, words: map[string]bool{}}
				sections = append(sections, ex)
				ex.addWords(e.Name, false)
				ex.words[e.Name] = true
				ex.addWords(string(e.Source), true)
				ex.addText(exampleSummary(e.Source))
				continue
			}
			collectSearchText(cur, n, c.src)
		}
	}
	return encodeSearchIndex(sections)
}

// exampleSummary is the snippet of an example: its first comment, the
// program's own account of itself, or its first lines.
func exampleSummary(src []byte) string {
	var b strings.Builder
	for line := range strings.Lines(string(src)) {
		t := strings.TrimSpace(line)
		if c, ok := strings.CutPrefix(t, "//"); ok {
			b.WriteString(strings.TrimSpace(c))
			b.WriteByte(' ')
		} else if b.Len() > 0 {
			break
		}
	}
	if b.Len() == 0 {
		return strings.Join(strings.Fields(string(src)), " ")
	}
	return b.String()
}

// collectSearchText adds the words and snippet text of the block n to s.
func collectSearchText(s *searchSection, n ast.Node, src []byte) {
	var text bytes.Buffer
	ast.Walk(n, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			var code bytes.Buffer
			lines := n.Lines()
			for i := range lines.Len() {
				seg := lines.At(i)
				code.Write(seg.Value(src))
			}
			s.addWords(code.String(), true)
			return ast.WalkSkipChildren, nil
		case *ast.CodeSpan:
			t := plainText(n, src)
			s.addWords(t, true)
			text.WriteString(t)
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			t := string(n.Segment.Value(src))
			s.addWords(t, false)
			text.WriteString(t)
			if n.SoftLineBreak() || n.HardLineBreak() {
				text.WriteByte(' ')
			}
		case *ast.String:
			t := string(n.Value)
			s.addWords(t, false)
			text.WriteString(t)
		case *ast.HTMLBlock, *ast.RawHTML, *east.FootnoteList:
			return ast.WalkSkipChildren, nil
		case *ast.Paragraph, *ast.ListItem, *east.TableCell:
			text.WriteByte(' ')
		}
		return ast.WalkContinue, nil
	})
	s.addText(text.String())
}

// encodeSearchIndex writes the index as a script; see the comment at the
// top of this file.
func encodeSearchIndex(sections []*searchSection) ([]byte, error) {
	postings := map[string][]int{}
	for i, s := range sections {
		for w := range s.words {
			postings[w] = append(postings[w], i)
		}
	}
	words := make([]string, 0, len(postings))
	for w := range postings {
		words = append(words, w)
	}
	slices.Sort(words)
	var post strings.Builder
	for i, w := range words {
		if i > 0 {
			post.WriteByte(';')
		}
		ids := postings[w]
		slices.Sort(ids)
		prev := 0
		for j, id := range ids {
			if j > 0 {
				post.WriteByte(',')
			}
			post.WriteString(strconv.FormatInt(int64(id-prev), 36))
			prev = id
		}
	}
	// Sections repeat their chapter; it is stored once, by number.
	var chapters []string
	chapterIndex := map[string]int{}
	rows := make([][]any, len(sections))
	for i, s := range sections {
		ci, ok := chapterIndex[s.chapter]
		if !ok {
			ci = len(chapters)
			chapterIndex[s.chapter] = ci
			chapters = append(chapters, s.chapter)
		}
		rows[i] = []any{s.url, ci, s.title, s.snippet.String()}
	}
	data := map[string]any{
		"c": chapters,
		"s": rows,
		"w": strings.Join(words, " "),
		"p": post.String(),
	}
	var buf bytes.Buffer
	buf.WriteString("// The search index of the book, made by the build; see site.js.\nwindow.SignalWireSearch=")
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(data); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
