package runner

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

func TestTrimCacheDropsLeastRecentlyUsed(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	files := []struct {
		name string
		age  time.Duration
	}{{"old", 3 * time.Hour}, {"older", 5 * time.Hour}, {"mid", 2 * time.Hour}, {"new", time.Hour}, {"running", time.Second}}
	for _, f := range files {
		p := filepath.Join(dir, f.name)
		if err := os.WriteFile(p, make([]byte, 100), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, now.Add(-f.age), now.Add(-f.age)); err != nil {
			t.Fatal(err)
		}
	}
	// 500 bytes over a bound of 350: down to 3/4 of it (262), oldest first.
	if err := trimCache(dir, 350); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		_, err := os.Stat(filepath.Join(dir, f.name))
		kept := err == nil
		want := f.name == "new" || f.name == "running"
		if kept != want {
			t.Errorf("%s kept %v, want %v", f.name, kept, want)
		}
	}
	// Under the bound nothing goes; an entry used within the minute stays
	// even over it.
	if err := trimCache(dir, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "running")); err != nil {
		t.Errorf("an entry used a second ago was removed")
	}
}

func TestBinaryCacheIsBounded(t *testing.T) {
	r := &Runner{CacheDir: t.TempDir(), NoResultCache: true, NoSandbox: true}
	bins := filepath.Join(r.CacheDir, "bin")
	if err := os.MkdirAll(bins, 0o755); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(bins, "stale")
	f, err := os.Create(stale)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(BinaryCacheBound + 1); err != nil { // sparse
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	res := runFile(t, r, "order.go", Options{Engine: EngineGo})
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the cache kept %d bytes over its bound: %v", BinaryCacheBound+1, err)
	}
}

// TestCompileLimits: the processes the go command starts, as the compiler
// and the linker, run under the compile step's limits. The shell stands
// for the go command: it starts processes until one of them has the
// limits; without them it would loop until the test's deadline.
func TestCompileLimits(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("rlimits of another process are set on Linux only")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	script := fmt.Sprintf(`until grep -Eq '^Max data size +%d ' /proc/self/limits && grep -Eq '^Max file size +%d ' /proc/self/limits; do :; done`, compileMemory, compileFileSize)
	cmd := exec.CommandContext(ctx, "sh", "-c", script)
	if err := runBounded(cmd); err != nil {
		t.Fatalf("the processes of the compile step never had its limits: %v", err)
	}
}
