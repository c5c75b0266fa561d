package runner

import (
	"testing"
	"time"
)

// BenchmarkSandboxCost runs the same cached binary in the OS sandbox and
// without it, alternately, and reports the time of each, the time the
// sandbox adds per run and their ratio. The interpreter's child builds
// the same sandbox in place, at the same cost.
func BenchmarkSandboxCost(b *testing.B) {
	dir := b.TempDir()
	sandboxed := &Runner{CacheDir: dir, NoResultCache: true}
	if iso := sandboxed.Isolation(b.Context()); iso == IsolationAllowlist {
		b.Skip("no OS sandbox on this machine")
	}
	plain := &Runner{CacheDir: dir, NoResultCache: true, NoSandbox: true}
	src := benchSource(b, "timeout.go")
	o := Options{Engine: EngineGo, NoTrace: true}
	benchRun(b, sandboxed, "timeout.go", src, o) // build once; both share the binary
	var in, out time.Duration
	for b.Loop() {
		start := time.Now()
		benchRun(b, sandboxed, "timeout.go", src, o)
		mid := time.Now()
		benchRun(b, plain, "timeout.go", src, o)
		in += mid.Sub(start)
		out += time.Since(mid)
	}
	n := float64(b.N)
	b.ReportMetric(float64(in.Microseconds())/1000/n, "sandbox-ms/run")
	b.ReportMetric(float64(out.Microseconds())/1000/n, "allowlist-ms/run")
	b.ReportMetric(float64((in-out).Microseconds())/1000/n, "added-ms/run")
	b.ReportMetric(float64(in)/float64(out), "ratio")
}
