//go:build unix

package runner

import (
	"syscall"
	"testing"
	"time"
)

// BenchmarkSandboxCost runs the same cached binary in the OS sandbox and
// without it, alternately, and reports the wall time of each, the time the
// sandbox adds per run and their ratio; and the CPU time (the runner's and
// its children's, user and system), which a busy machine does not inflate
// as much. The interpreter's child builds the same sandbox in place.
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
	var in, out, cpuIn, cpuOut time.Duration
	for b.Loop() {
		c0, start := cpuTime(), time.Now()
		benchRun(b, sandboxed, "timeout.go", src, o)
		c1, mid := cpuTime(), time.Now()
		benchRun(b, plain, "timeout.go", src, o)
		c2 := cpuTime()
		in += mid.Sub(start)
		out += time.Since(mid)
		cpuIn += c1 - c0
		cpuOut += c2 - c1
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(b.N) }
	b.ReportMetric(ms(in), "sandbox-ms/run")
	b.ReportMetric(ms(out), "allowlist-ms/run")
	b.ReportMetric(ms(in-out), "added-ms/run")
	b.ReportMetric(float64(in)/float64(out), "ratio")
	b.ReportMetric(ms(cpuIn-cpuOut), "added-cpu-ms/run")
}

// cpuTime is the CPU time of this process and its waited-for children.
func cpuTime() time.Duration {
	var total time.Duration
	for _, who := range []int{syscall.RUSAGE_SELF, syscall.RUSAGE_CHILDREN} {
		var ru syscall.Rusage
		if err := syscall.Getrusage(who, &ru); err != nil {
			continue
		}
		total += time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return total
}
