package site

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"signalwire/runner"
)

// TestRunErrors: a run that cannot be made (no go command) fails Run with
// the example's file, and a cancelled context fails it with ctx's error;
// neither returns partial results.
func TestRunErrors(t *testing.T) {
	a := readArchive(t, "testdata/render/examples.txtar")
	s := &Site{}
	book, err := s.Load(a.bookFS())
	if err != nil {
		t.Fatal(err)
	}
	if len(book.Uses()) < 2 {
		t.Fatal("the fixture needs two examples")
	}
	t.Run("no go command", func(t *testing.T) {
		s := &Site{Workers: 1, Runner: &runner.Runner{Go: filepath.Join(t.TempDir(), "no-go"), CacheDir: t.TempDir()}}
		res, err := s.Run(t.Context(), book)
		if err == nil || res != nil {
			t.Fatalf("got %v, %v; want an error", res, err)
		}
		if !strings.HasPrefix(err.Error(), "examples/") {
			t.Errorf("error %q does not name the example", err)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		s := &Site{Runner: &runner.Runner{CacheDir: t.TempDir()}}
		res, err := s.Run(ctx, book)
		if !errors.Is(err, context.Canceled) || res != nil {
			t.Fatalf("got %v, %v; want context.Canceled", res, err)
		}
	})
}
