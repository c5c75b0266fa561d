package runner

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"signalwire/runner/harness"
)

// TestRuntimeCrashAtMemoryLimit: the Go runtime's own crashes when the
// sandbox refuses it memory (seen under both engines: a nil allocation
// dereferenced by the GC or while building a GC mask, a thread whose stack
// cannot be mapped) are reported as the memory limit, as its "out of
// memory" is; without the sandbox's limit, or in the program's own code,
// they are not.
func TestRuntimeCrashAtMemoryLimit(t *testing.T) {
	const limit = 1024 << 20
	crashes, err := filepath.Glob("testdata/crashes/*.txt")
	if err != nil || len(crashes) < 3 {
		t.Fatalf("crashes %v, %v", crashes, err)
	}
	for _, file := range crashes {
		stderr, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		first, _, _ := strings.Cut(string(stderr), "\n")
		t.Run(filepath.Base(file), func(t *testing.T) {
			r := &raw{rawStdout: []byte("1900\n"), rawStderr: append([]byte("before\n"), stderr...), exitCode: harness.ExitPanic, dataLimit: limit}
			res := r.result(EngineYaegi, "big.go", Options{})
			if res.Err == nil || res.Err.Kind != KindMemory || !strings.Contains(res.Err.Msg, "more than 1024 MiB") {
				t.Fatalf("err %v, want the memory limit", res.Err)
			}
			if got, want := res.Combined(), "1900\nbefore\n"+first+"\n"; got != want {
				t.Errorf("output %q, want %q", got, want)
			}
			// Without the sandbox no limit refused the runtime anything.
			r = &raw{rawStderr: stderr, exitCode: harness.ExitPanic}
			if res := r.result(EngineYaegi, "big.go", Options{}); res.Err == nil || res.Err.Kind == KindMemory {
				t.Errorf("without the sandbox: err %v", res.Err)
			}
		})
	}
	if _, where := refusedMemory(mustRead(t, "testdata/crashes/gc-span-queue.txt")); !strings.HasSuffix(where, " in runtime.(*spanQueue).tryDrain") {
		t.Errorf("where %q", where)
	}
	// A nil dereference in the program is its own panic, not the limit,
	// and so is a fault outside the runtime.
	for _, stderr := range []string{
		"panic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x48f1c2]\n\ngoroutine 1 [running]:\nmain.main()\n\t/tmp/main.go:7 +0x2\nexit status 2\n",
		"SIGSEGV: segmentation violation\nPC=0x48b6af m=6 sigcode=1 addr=0x0\n\ngoroutine 0 gp=0x3c081e1012c0 m=6 mp=0x3c081e4c4008 [idle]:\nmain.f(0x0)\n",
		"SIGSEGV: segmentation violation\nPC=0x48b6af m=6 sigcode=1 addr=0x8\n\ngoroutine 0 gp=0x3c081e1012c0 m=6 mp=0x3c081e4c4008 [idle]:\nruntime.f(0x0)\n",
	} {
		r := &raw{rawStderr: []byte(stderr), exitCode: harness.ExitPanic, dataLimit: limit}
		if res := r.result(EngineGo, "main.go", Options{}); res.Err != nil && res.Err.Kind == KindMemory {
			t.Errorf("%q: reported as the memory limit", stderr)
		}
	}
}

func mustRead(t *testing.T, file string) string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// FuzzRefusedMemory: whatever a crashed child wrote, the classifier does
// not panic, and a crash it finds is where it says, with a reason.
func FuzzRefusedMemory(f *testing.F) {
	crashes, _ := filepath.Glob("testdata/crashes/*.txt")
	for _, file := range crashes {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add("SIGSEGV: segmentation violation\nPC=0x1 m=0 sigcode=1 addr=0x0\n\ngoroutine 0 x\nruntime.(*a).b(")
	f.Fuzz(func(t *testing.T, stderr string) {
		i, where := refusedMemory(stderr)
		if i < 0 {
			return
		}
		if i >= len(stderr) || where == "" {
			t.Fatalf("crash at %d of %d bytes, reason %q", i, len(stderr), where)
		}
		r := &raw{rawStderr: []byte(stderr), exitCode: harness.ExitPanic, dataLimit: 1 << 30}
		if res := r.result(EngineGo, "main.go", Options{}); res.Err == nil || res.Err.Kind != KindMemory {
			t.Fatalf("err %v, want the memory limit", res.Err)
		}
	})
}
