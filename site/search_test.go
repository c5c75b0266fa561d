package site

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"strings"
	"testing"
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
