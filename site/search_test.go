package site

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// decodeIndex reads search-index.js back.
func decodeIndex(t *testing.T, js []byte) (chapters []string, sections [][]any, words []string, postings []string) {
	t.Helper()
	_, body, ok := bytes.Cut(js, []byte("window.SignalWireSearch="))
	if !ok {
		t.Fatalf("index does not set window.SignalWireSearch: %.100s", js)
	}
	var d struct {
		C []string
		S [][]any
		W string
		P string
	}
	if err := json.Unmarshal(body, &d); err != nil {
		t.Fatal(err)
	}
	return d.C, d.S, strings.Fields(d.W), strings.Split(d.P, ";")
}

func gzipLen(t *testing.T, b []byte) int {
	t.Helper()
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Len()
}

// TestSearchIndexSize holds the index of the real book to 40 KB gzipped,
// and checks that the index of the generated books grows linearly: four
// times the chapters, at most 4.4 times the bytes.
func TestSearchIndexSize(t *testing.T) {
	s := &Site{}
	book, err := s.Load(os.DirFS(".."))
	if err != nil {
		t.Fatal(err)
	}
	idx, err := searchIndex(book)
	if err != nil {
		t.Fatal(err)
	}
	n := gzipLen(t, idx)
	t.Logf("the book: %d chapters, index %d bytes, %d gzipped", len(book.Chapters), len(idx), n)
	if n > 40<<10 {
		t.Errorf("the book's index is %d bytes gzipped, over 40 KB", n)
	}
	size := map[int]int{}
	for _, chapters := range []int{100, 400} {
		b, err := s.Load(benchBook(chapters))
		if err != nil {
			t.Fatal(err)
		}
		idx, err := searchIndex(b)
		if err != nil {
			t.Fatal(err)
		}
		size[chapters] = gzipLen(t, idx)
		t.Logf("%d generated chapters: index %d bytes, %d gzipped", chapters, len(idx), size[chapters])
	}
	if r := float64(size[400]) / float64(size[100]); r > 4.4 {
		t.Errorf("400 chapters' index is %.2f times 100 chapters', more than linear", r)
	}
}

// TestSearchIndex checks what the index of the fixture book holds: words
// of the prose, of code split at capitals, and the examples' names, each
// with the sections it occurs in; and not the text past a section's
// snippet.
func TestSearchIndex(t *testing.T) {
	s := &Site{}
	book, err := s.Load(os.DirFS("testdata/book"))
	if err != nil {
		t.Fatal(err)
	}
	idx, err := searchIndex(book)
	if err != nil {
		t.Fatal(err)
	}
	chapters, sections, words, postings := decodeIndex(t, idx)
	if len(words) != len(postings) {
		t.Fatalf("%d words, %d postings", len(words), len(postings))
	}
	where := func(word string) []string {
		i := slices.Index(words, word)
		if i < 0 {
			return nil
		}
		var urls []string
		id := 0
		for _, d := range strings.Split(postings[i], ",") {
			n, err := strconv.ParseInt(d, 36, 64)
			if err != nil {
				t.Fatal(err)
			}
			id += int(n)
			urls = append(urls, sections[id][0].(string))
		}
		return urls
	}
	tests := []struct{ word, want string }{
		{"deadline", "basics.html#waiting-for-the-deadline"}, // a heading
		{"hello", "basics.html#example-hello"},               // an example's name
		{"withtimeout", "basics.html#example-hello"},         // code
		{"timeout", "basics.html#example-hello"},             // a part of an identifier
	}
	for _, tt := range tests {
		if got := where(tt.word); !slices.Contains(got, tt.want) {
			t.Errorf("%q is in %v, not in %s", tt.word, got, tt.want)
		}
	}
	if !slices.IsSorted(words) {
		t.Error("the words are not sorted")
	}
	if slices.Contains(words, "the") {
		t.Error("a stop word is indexed")
	}
	if len(chapters) != len(book.Chapters) || chapters[0] != "1. Basics" {
		t.Errorf("chapters %q", chapters)
	}
	for _, sec := range sections {
		if n := len([]rune(sec[3].(string))); n > snippetLen+1 {
			t.Errorf("%s: snippet of %d characters", sec[0], n)
		}
	}
	again, err := searchIndex(book)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(idx, again) {
		t.Error("two indexes of the same book differ")
	}
}

func TestSplitIdent(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []string
	}{
		{"WithTimeoutCause", []string{"With", "Timeout", "Cause"}},
		{"HTTPServer", []string{"HTTP", "Server"}},
		{"ctx", []string{"ctx"}},
		{"err_no_time", []string{"err", "no", "time"}},
		{"worker2Done", []string{"worker2", "Done"}},
	} {
		if got := splitIdent(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("splitIdent(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestAddTextAsJoinFields checks addText, which reads no more of a text
// than the snippet takes, against what it does: strings.Fields, joined,
// cut at the snippet's length with an ellipsis.
func TestAddTextAsJoinFields(t *testing.T) {
	want := func(snippet, text string) string {
		n := snippetLen - utf8.RuneCountInString(snippet)
		if n <= 1 {
			return snippet
		}
		text = strings.Join(strings.Fields(text), " ")
		if text == "" {
			return snippet
		}
		if snippet != "" {
			snippet += " "
			n--
		}
		if utf8.RuneCountInString(text) > n {
			text = string([]rune(text)[:n]) + "…"
		}
		return snippet + text
	}
	pieces := []string{"a", "word", " ", "  ", "\n", "\t\v", "\u00a0", "\u2003", "é", "\xff", "日本", "x\xc3"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		var snippet, text strings.Builder
		for range rng.IntN(4) {
			for range rng.IntN(80) {
				snippet.WriteString(pieces[rng.IntN(len(pieces))])
			}
		}
		for range rng.IntN(200) {
			text.WriteString(pieces[rng.IntN(len(pieces))])
		}
		start := strings.Join(strings.Fields(snippet.String()), " ")
		s := &searchSection{}
		s.snippet.WriteString(start)
		s.addText(text.String())
		if got, want := s.snippet.String(), want(start, text.String()); got != want {
			t.Fatalf("snippet %q, add %q:\n got %q\nwant %q", start, text.String(), got, want)
		}
	}
}
