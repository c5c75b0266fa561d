package site

import (
	"context"
	"fmt"
)

// EngineBuilder builds the browser's interpreter engine: the assets that
// let a reader edit and run an example in the page (engine.wasm.gz and
// wasm_exec.js, see internal/wasmbuild). Its Build is called once per run
// of the book's examples, beside them.
type EngineBuilder interface {
	Build(ctx context.Context) (map[string][]byte, error)
}

func (s *Site) buildEngine(ctx context.Context) (map[string][]byte, error) {
	if s.Engine == nil {
		return nil, nil
	}
	files, err := s.Engine.Build(ctx)
	if err != nil {
		return nil, fmt.Errorf("building the browser engine: %w", err)
	}
	return files, nil
}

// engineAssets are the engine's assets, when it was built.
func (r *Results) engineAssets() map[string][]byte {
	if r == nil {
		return nil
	}
	return r.engine
}
