package runner

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// resultKey identifies a run: the example, the runner, the Go toolchain and
// every option that changes what the program does.
func (r *Runner) resultKey(ctx context.Context, file string, src []byte, o Options) (string, error) {
	if r.NoResultCache {
		return "", nil
	}
	goVersion := runtime.Version() // the interpreter's Go
	if o.Engine != EngineYaegi {
		t, err := r.toolchain(ctx)
		if err != nil {
			return "", err
		}
		goVersion = t.version
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%v\x00%d\x00%d\x00%d\x00%d\x00%d\x00%v\x00%s\x00",
		Version(), goVersion, file, o.Engine, o.Realtime, o.Timeout, o.Budget, o.OutputLimit, o.MemoryLimit, o.GOMAXPROCS, o.NoTrace, r.Isolation(ctx))
	h.Write(src)
	return hex.EncodeToString(h.Sum(nil))[:32], nil
}

func (r *Runner) resultPath(key string) string {
	return filepath.Join(r.cacheDir(), "results", key+".json")
}

func (r *Runner) cachedResult(key string) *Result {
	if key == "" {
		return nil
	}
	b, err := os.ReadFile(r.resultPath(key))
	if err != nil {
		return nil
	}
	var res Result
	if err := json.Unmarshal(b, &res); err != nil {
		return nil
	}
	res.Cached = true
	used(r.resultPath(key))
	return &res
}

// storeResult keeps res unless it depends on the machine's speed or load.
func (r *Runner) storeResult(key string, res *Result) {
	if key == "" || !cacheable(res) {
		return
	}
	b, err := json.Marshal(res)
	if err != nil {
		return
	}
	p := r.resultPath(key)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return
	}
	// A failed write only costs a rerun next time.
	if writeFileAtomic(p, b) == nil {
		trimCache(filepath.Dir(p), ResultCacheBound)
	}
}

func cacheable(res *Result) bool {
	for _, x := range []*Result{res, interpreted(res)} {
		if x == nil || x.Err == nil {
			continue
		}
		switch x.Err.Kind {
		case KindTimeout, KindNetwork, KindStuck, KindMemory:
			return false
		}
	}
	return true
}

func interpreted(res *Result) *Result {
	if res.Divergence == nil {
		return nil
	}
	return res.Divergence.Interpreted
}
