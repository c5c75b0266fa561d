package site

import (
	"context"
	"fmt"
	"sync"
)

// engineState is the part of a Site that keeps the last engine built.
type engineState struct {
	engineMu    sync.Mutex
	engineFiles map[string][]byte
}

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
	s.engineMu.Lock()
	s.engineFiles = files
	s.engineMu.Unlock()
	return files, nil
}

// PrepareEngine builds the browser engine now, for renders of results that
// did not come from [Site.RunWith], such as the live preview's. It does
// nothing without an Engine.
func (s *Site) PrepareEngine(ctx context.Context) error {
	_, err := s.buildEngine(ctx)
	return err
}

// engineAssets are the engine's assets: those built with the results, or
// else those PrepareEngine built.
func (s *Site) engineAssets(r *Results) map[string][]byte {
	if r != nil && r.engine != nil {
		return r.engine
	}
	s.engineMu.Lock()
	defer s.engineMu.Unlock()
	return s.engineFiles
}
