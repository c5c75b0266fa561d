package site

import (
	"context"
	"os"
	"strings"
	"testing"
)

type fakeEngine map[string][]byte

func (f fakeEngine) Build(context.Context) (map[string][]byte, error) { return f, nil }

// TestEngineAssets: with an engine, its assets are written with the
// others and every page loads run.js with their URLs; without one, no page
// offers to run anything. A live preview's results (not from RunWith) get
// the engine PrepareEngine built, also after WithTheme.
func TestEngineAssets(t *testing.T) {
	fsys := os.DirFS("testdata/book")
	for _, tc := range []struct {
		name    string
		engine  EngineBuilder
		prepare bool
		want    bool
	}{
		{"none", nil, false, false},
		{"built with the results", fakeEngine{"engine.wasm.gz": []byte("gz"), "wasm_exec.js": []byte("js")}, false, true},
		{"prepared", fakeEngine{"engine.wasm.gz": []byte("gz"), "wasm_exec.js": []byte("js")}, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &Site{Runner: testRunner(t), Engine: tc.engine}
			book, err := s.Load(fsys)
			if err != nil {
				t.Fatal(err)
			}
			var results *Results
			if tc.prepare {
				if err := s.PrepareEngine(t.Context()); err != nil {
					t.Fatal(err)
				}
				s = s.WithTheme(nil)
			} else if results, err = s.Run(t.Context(), book); err != nil {
				t.Fatal(err)
			}
			files, err := s.Render(book, results)
			if err != nil {
				t.Fatal(err)
			}
			_, written := files["assets/engine.wasm.gz"]
			page := string(files["basics.html"])
			loads := strings.Contains(page, `data-engine="assets/engine.wasm.gz?v=`) && strings.Contains(page, `src="assets/run.js?v=`)
			if written != tc.want || loads != tc.want {
				t.Errorf("engine written %v, pages load run.js with it %v; want %v", written, loads, tc.want)
			}
		})
	}
}
