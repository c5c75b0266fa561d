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
	id                  int // its number in the index
	url, chapter, title string
	snippet             strings.Builder
	words               *wordIndex
}

// addText adds text, its runs of spaces made one, to the snippet, cut
// with an ellipsis where the snippet is full.
func (s *searchSection) addText(text string) {
	n := snippetLen - utf8.RuneCountInString(s.snippet.String())
	if n <= 1 {
		return
	}
	if s.snippet.Len() > 0 {
		n--
	}
	text, cut := joinFields(text, n)
	if text == "" {
		return
	}
	if s.snippet.Len() > 0 {
		s.snippet.WriteByte(' ')
	}
	if cut {
		if !utf8.ValidString(text) {
			text = string([]rune(text)) // as the rune slice it was cut from
		}
		text += "…"
	}
	s.snippet.WriteString(text)
}

// joinFields returns strings.Join(strings.Fields(text), " ") up to its
// max'th rune, and whether more followed; it reads only as much of text
// as it returns: a block's text is long and a snippet short.
func joinFields(text string, max int) (string, bool) {
	var b []byte
	runes, space := 0, false
	for i := 0; i < len(text); {
		r, size := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		if unicode.IsSpace(r) {
			space = len(b) > 0
			i += size
			continue
		}
		if runes == max {
			return string(b), true
		}
		if space {
			b = append(b, ' ')
			runes++
			space = false
			if runes == max {
				return string(b), true
			}
		}
		b = append(b, text[i:i+size]...)
		runes++
		i += size
	}
	return string(b), false
}

func (s *searchSection) addWords(text []byte, code bool) {
	s.words.add(text, code, s.id)
}

// full reports whether the snippet has all the text it can take.
func (s *searchSection) full() bool { return s.snippet.Len() >= snippetLen }

// wordIndex holds the postings of the words: for each, the sections it
// occurs in, in order; stopWord for a stop word.
type wordIndex struct {
	postings map[string]*[]int
	buf      []byte
}

// stopWord marks the stop words in wordIndex.postings, so that one lookup
// tells a stop word and finds a word's postings.
var stopWord = new([]int)

func newWordIndex() *wordIndex {
	x := &wordIndex{postings: make(map[string]*[]int, 4096)}
	for w := range stopWords {
		x.postings[w] = stopWord
	}
	return x
}

// stopWords are too common to be worth an entry.
var stopWords = map[string]bool{
	"a": true, "an": true, "and": true, "are": true, "as": true, "at": true, "be": true, "by": true,
	"for": true, "from": true, "has": true, "in": true, "is": true, "it": true, "its": true,
	"of": true, "on": true, "or": true, "that": true, "the": true, "this": true, "to": true,
	"was": true, "with": true, "which": true, "when": true, "what": true, "not": true, "but": true,
}

// add records every word of text as occurring in section: lower-cased; in
// code, an identifier also gives its parts split at capitals and
// underscores (see splitIdent), and itself without its underscores.
func (x *wordIndex) add(text []byte, code bool, section int) {
	for i := 0; i < len(text); {
		n, word := wordAt(text[i:])
		if !word {
			i += n
			continue
		}
		w := bytes.Trim(text[i:i+n], "_")
		i += n
		if !code || !hasUpperOrUnderscore(w) {
			x.emit(w, section)
			continue
		}
		parts := 0
		forIdentParts(w, func(p []byte) {
			parts++
			x.emit(p, section)
		})
		if parts > 1 {
			x.emit(w, section) // emit drops the underscores
		}
	}
}

// hasUpperOrUnderscore reports whether an identifier may have parts.
func hasUpperOrUnderscore(w []byte) bool {
	for _, c := range w {
		if c == '_' || 'A' <= c && c <= 'Z' || c >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// wordAt returns the length of the word that starts s, or of the run of
// other characters that does, and which it is.
func wordAt(s []byte) (int, bool) {
	word := isWordRune(firstRune(s))
	n := 0
	for n < len(s) {
		r, size := rune(s[n]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRune(s[n:])
		}
		if isWordRune(r) != word {
			break
		}
		n += size
	}
	return n, word
}

func firstRune(s []byte) rune {
	if s[0] < utf8.RuneSelf {
		return rune(s[0])
	}
	r, _ := utf8.DecodeRune(s)
	return r
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiWord[r]
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// asciiWord tells the ASCII characters of words: letters, digits and _.
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := range utf8.RuneSelf {
		t[c] = c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
	}
	return t
}()

// emit records the word w, lower-cased and without underscores, unless it
// is too short, too long or a stop word.
func (x *wordIndex) emit(w []byte, section int) {
	if len(w) < 2 || len(w) > 40 {
		return
	}
	b := x.buf[:0]
	for i := 0; i < len(w); {
		r, size := rune(w[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRune(w[i:])
		}
		i += size
		switch {
		case r == '_':
		case 'A' <= r && r <= 'Z':
			b = append(b, byte(r+'a'-'A'))
		case r < utf8.RuneSelf:
			b = append(b, byte(r))
		default:
			b = utf8.AppendRune(b, unicode.ToLower(r))
		}
	}
	x.buf = b
	if len(b) < 2 {
		return
	}
	p := x.postings[string(b)]
	if p == stopWord {
		return
	}
	if p == nil {
		p = new([]int)
		x.postings[string(b)] = p
	}
	if n := len(*p); n == 0 || (*p)[n-1] != section {
		*p = append(*p, section)
	}
}

// splitIdent splits an identifier at underscores and where a capital
// follows a lower-case letter or starts a word after an acronym:
// "HTTPServerTimeout" is HTTP, Server, Timeout.
func splitIdent(id string) []string {
	var parts []string
	forIdentParts([]byte(id), func(p []byte) { parts = append(parts, string(p)) })
	return parts
}

// forIdentParts calls f with each part of id, as splitIdent splits it.
func forIdentParts(id []byte, f func([]byte)) {
	for w := range bytes.SplitSeq(id, []byte("_")) {
		start := 0
		var prev rune = -1
		for i := 0; i < len(w); {
			r, size := rune(w[i]), 1
			if r >= utf8.RuneSelf {
				r, size = utf8.DecodeRune(w[i:])
			}
			if prev >= 0 && unicode.IsUpper(r) {
				lowerBefore := unicode.IsLower(prev) || unicode.IsDigit(prev)
				next, _ := utf8.DecodeRune(w[i+size:])
				acronymEnd := unicode.IsUpper(prev) && unicode.IsLower(next)
				if lowerBefore || acronymEnd {
					f(w[start:i])
					start = i
				}
			}
			prev = r
			i += size
		}
		if start < len(w) {
			f(w[start:])
		}
	}
}

// searchIndex returns the script search-index.js for the book.
func searchIndex(book *Book) ([]byte, error) {
	var sections []*searchSection
	words := newWordIndex()
	section := func(url, chapter, title string) *searchSection {
		s := &searchSection{id: len(sections), url: url, chapter: chapter, title: title, words: words}
		sections = append(sections, s)
		return s
	}
	for i, c := range book.Chapters {
		chapter := strconv.Itoa(i+1) + ". " + c.Meta.Title
		cur := section(c.Page(), chapter, c.Meta.Title)
		cur.addWords([]byte(c.Meta.Title), false)
		cur.addWords([]byte(c.Meta.Summary), false)
		cur.addText(c.Meta.Summary)
		for n := c.doc.FirstChild(); n != nil; n = n.NextSibling() {
			switch n := n.(type) {
			case *ast.Heading:
				if n.Level == 2 || n.Level == 3 {
					id, _ := n.AttributeString("id")
					idb, _ := id.([]byte)
					title := plainText(n, c.src)
					cur = section(c.Page()+"#"+string(idb), chapter, title)
					cur.addWords([]byte(title), false)
					continue
				}
			case *exampleNode:
				if n.use == nil {
					continue
				}
				e := n.use.Example
				ex := section(c.Page()+"#"+n.use.ID, chapter, "Example "+e.Name)
				ex.addWords([]byte(e.Name), false)
				words.emit([]byte(e.Name), ex.id)
				ex.addWords(e.Source, true)
				ex.addText(exampleSummary(e.Source))
				continue
			}
			collectSearchText(cur, n, c.src)
		}
	}
	return encodeSearchIndex(sections, words)
}

// exampleSummary is the snippet of an example: its first comment, the
// program's own account of itself, or "" when it has none.
func exampleSummary(src []byte) string {
	var b strings.Builder
	for line := range strings.Lines(string(src)) {
		_, c, ok := strings.Cut(line, "//")
		if ok && !strings.Contains(line[:strings.Index(line, "//")], `"`) {
			b.WriteString(strings.TrimSpace(c))
			b.WriteByte(' ')
		} else if b.Len() > 0 {
			break
		}
	}
	return strings.TrimSpace(b.String())
}

// collectSearchText adds the words and snippet text of the block n to s.
func collectSearchText(s *searchSection, n ast.Node, src []byte) {
	var text bytes.Buffer
	snippet := !s.full()
	ast.Walk(n, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			lines := n.Lines()
			for i := range lines.Len() {
				seg := lines.At(i)
				s.addWords(seg.Value(src), true)
			}
			return ast.WalkSkipChildren, nil
		case *ast.CodeSpan:
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				if t, ok := c.(*ast.Text); ok {
					v := t.Segment.Value(src)
					s.addWords(v, true)
					if snippet {
						text.Write(v)
					}
				}
			}
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			v := n.Segment.Value(src)
			s.addWords(v, false)
			if snippet {
				text.Write(v)
				if n.SoftLineBreak() || n.HardLineBreak() {
					text.WriteByte(' ')
				}
			}
		case *ast.String:
			s.addWords(n.Value, false)
			if snippet {
				text.Write(n.Value)
			}
		case *ast.HTMLBlock, *ast.RawHTML, *east.FootnoteList:
			return ast.WalkSkipChildren, nil
		case *ast.Paragraph, *ast.ListItem, *east.TableCell:
			if snippet {
				text.WriteByte(' ')
			}
		}
		return ast.WalkContinue, nil
	})
	if snippet {
		s.addText(text.String())
	}
}

// encodeSearchIndex writes the index as a script; see the comment at the
// top of this file.
func encodeSearchIndex(sections []*searchSection, index *wordIndex) ([]byte, error) {
	words := make([]string, 0, len(index.postings))
	for w, p := range index.postings {
		if p != stopWord {
			words = append(words, w)
		}
	}
	slices.Sort(words)
	var post strings.Builder
	for i, w := range words {
		if i > 0 {
			post.WriteByte(';')
		}
		prev := 0
		for j, id := range *index.postings[w] {
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
