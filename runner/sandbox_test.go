package runner

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	allowlistOnce   sync.Once
	allowlistRunner *Runner
)

// noSandboxRunner shares the test runner's cache but runs without the OS
// sandbox, as on a machine that has none.
func noSandboxRunner(t *testing.T) *Runner {
	t.Helper()
	shared := testRunner(t)
	allowlistOnce.Do(func() {
		allowlistRunner = &Runner{CacheDir: shared.CacheDir, NoResultCache: true, NoSandbox: true}
	})
	return allowlistRunner
}

// sandboxed skips the test where the machine offers no sandbox (the
// fallback's tests still run there), or fails it when
// SIGNALWIRE_REQUIRE_SANDBOX is set, as CI should on a machine that has one.
func sandboxed(t *testing.T) *Runner {
	t.Helper()
	r := testRunner(t)
	if iso := r.Isolation(t.Context()); iso != IsolationSandbox {
		if os.Getenv("SIGNALWIRE_REQUIRE_SANDBOX") != "" {
			t.Fatalf("isolation is %q on this machine, and SIGNALWIRE_REQUIRE_SANDBOX is set", iso)
		}
		t.Skipf("isolation is %q on this machine", iso)
	}
	return r
}

func TestSandboxEscapesSeeNothing(t *testing.T) {
	r := sandboxed(t)
	tmpl, err := os.ReadFile("testdata/sandbox/escape.go.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	reached := make(chan struct{}, 4)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Close()
			reached <- struct{}{}
		}
	}()
	sock := filepath.Join(t.TempDir(), "x.sock")
	src := strings.NewReplacer("{{PID}}", fmt.Sprint(os.Getpid()), "{{SOCK}}", sock, "{{ADDR}}", l.Addr().String()).Replace(string(tmpl))
	engines(t, func(t *testing.T, e Engine) {
		res, err := r.Run(t.Context(), "escape.go", []byte(src), Options{Engine: e, Realtime: true})
		if err != nil {
			t.Fatal(err)
		}
		if res.Err != nil || res.Stdout() != "tried the binary\nmine <nil>\n" {
			t.Fatalf("got %q, err %v; want only the example's own file", res.Combined(), res.Err)
		}
		if res.Isolation != IsolationSandbox {
			t.Errorf("isolation %q, want %q", res.Isolation, IsolationSandbox)
		}
	})
	if _, err := os.Stat(sock); err == nil {
		t.Errorf("%s was created on the host", sock)
	}
	select {
	case <-reached:
		t.Error("an example reached the test's listener on the host's loopback")
	default:
	}
}

func TestFallbackToAllowlist(t *testing.T) {
	r := noSandboxRunner(t)
	if iso := r.Isolation(t.Context()); iso != IsolationAllowlist {
		t.Fatalf("isolation %q, want %q", iso, IsolationAllowlist)
	}
	engines(t, func(t *testing.T, e Engine) {
		res := runFile(t, r, "sandbox/stdlib.go", Options{Engine: e})
		wantErr(t, res, KindRefused, 5)
		if res.Isolation != IsolationAllowlist || !strings.Contains(res.Err.Msg, "without the OS sandbox") {
			t.Errorf("isolation %q, message %q", res.Isolation, res.Err.Msg)
		}
		res = runFile(t, r, "timeout.go", Options{Engine: e})
		if res.Err != nil || res.Isolation != IsolationAllowlist {
			t.Errorf("err %v, isolation %q", res.Err, res.Isolation)
		}
	})
}

func TestSandboxOffByEnvironment(t *testing.T) {
	t.Setenv(SandboxEnv, "off")
	r := &Runner{CacheDir: testRunner(t).CacheDir, NoResultCache: true}
	if iso := r.Isolation(t.Context()); iso != IsolationAllowlist {
		t.Fatalf("isolation %q with %s=off, want %q", iso, SandboxEnv, IsolationAllowlist)
	}
}

func TestHarmlessStandardLibraryInSandbox(t *testing.T) {
	r := sandboxed(t)
	want := `walk . true
walk sub true
walk sub/words.txt false
[0 1]
`
	engines(t, func(t *testing.T, e Engine) {
		res := runFile(t, r, "sandbox/stdlib.go", Options{Engine: e})
		if res.Err != nil {
			t.Fatalf("%v\n%s", res.Err, res.Combined())
		}
		out := res.Stdout()
		if !strings.HasPrefix(out, want) || !strings.HasSuffix(out, "Z28=\n<w><n>2</n></w>\n[hello 0 hello 1] 4\n") {
			t.Fatalf("got\n%s", out)
		}
	})
}

func TestRefusedImportsSayWhy(t *testing.T) {
	r := sandboxed(t)
	for name, tc := range map[string]struct {
		src  string
		line int
		why  string
	}{
		"exec":      {"package main\n\nimport \"os/exec\"\n\nfunc main() { exec.Command(\"true\").Run() }\n", 3, "starts other programs"},
		"unsafe":    {"package main\n\nimport _ \"unsafe\"\n\nfunc main() {}\n", 3, "memory safety"},
		"debug":     {"package main\n\nimport \"runtime/debug\"\n\nfunc main() { debug.SetMemoryLimit(1 << 40) }\n", 3, "limits the harness sets"},
		"process":   {"package main\n\nimport \"os\"\n\nfunc main() {\n\tos.StartProcess(\"/bin/true\", nil, nil)\n}\n", 6, "starts other programs"},
		"runtime":   {"package main\n\nimport \"runtime\"\n\nfunc main() {\n\truntime.Goexit()\n}\n", 6, "only"},
		"synctest":  {"package main\n\nimport \"testing/synctest\"\n\nfunc main() { synctest.Wait() }\n", 3, "synctest bubble"},
		"thirdpart": {"package main\n\nimport \"github.com/example/errgroup\"\n\nfunc main() { _ = errgroup.Group{} }\n", 3, "standard library and the packages the runner carries (golang.org/x/sync/errgroup"},
		"uncarried": {"package main\n\nimport \"golang.org/x/sync/semaphore\"\n\nfunc main() { _ = semaphore.NewWeighted(1) }\n", 3, "README.md says how to add one"},
	} {
		t.Run(name, func(t *testing.T) {
			res, err := r.Run(t.Context(), "main.go", []byte(tc.src), Options{Engine: EngineGo})
			if err != nil {
				t.Fatal(err)
			}
			wantErr(t, res, KindRefused, tc.line)
			if !strings.Contains(res.Err.Msg, tc.why) {
				t.Errorf("message %q does not say %q", res.Err.Msg, tc.why)
			}
		})
	}
}

func TestMemoryCappedFromTheStart(t *testing.T) {
	r := sandboxed(t)
	for _, name := range []string{"initmemory.go", "bigglobal.go", "bigarray.go", "bigimported.go"} {
		t.Run(name, func(t *testing.T) {
			engines(t, func(t *testing.T, e Engine) {
				// The runtime does not always survive the refused
				// allocation (TestRuntimeCrashAtMemoryLimit): its
				// crash is the limit too.
				res := runFile(t, r, "sandbox/"+name, Options{Engine: e})
				if res.Err == nil || res.Err.Kind != KindMemory {
					t.Fatalf("err %v, want %s; output %q", res.Err, KindMemory, res.Combined())
				}
			})
		})
	}
}

func TestHugeLiteralStoppedBeforeCompiling(t *testing.T) {
	engines(t, func(t *testing.T, e Engine) {
		res := runFile(t, testRunner(t), "sandbox/hugeliteral.go", Options{Engine: e})
		wantErr(t, res, KindMemory, 5)
		if !strings.Contains(res.Err.Msg, "x needs 1.0 GiB") {
			t.Errorf("message %q", res.Err.Msg)
		}
		local := "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tvar x [1e10]byte\n\tfmt.Println(len(x))\n}\n"
		res, err := testRunner(t).Run(t.Context(), "local.go", []byte(local), Options{Engine: e})
		if err != nil {
			t.Fatal(err)
		}
		wantErr(t, res, KindMemory, 6)
	})
}

func TestBothEnginesApart(t *testing.T) {
	r := sandboxed(t)
	for i := range 2 {
		res := runFile(t, r, "sandbox/port.go", Options{Engine: EngineBoth, Realtime: true})
		if res.Err != nil || res.Divergence != nil {
			t.Fatalf("run %d: err %v, divergence %v", i, res.Err, res.Divergence)
		}
		if got := res.Stdout(); got != "hello from the example's own loopback\n" {
			t.Fatalf("run %d: %q", i, got)
		}
	}
}

func TestBuildConstraints(t *testing.T) {
	engines(t, func(t *testing.T, e Engine) {
		res := runFile(t, testRunner(t), "sandbox/jsonv2.go", Options{Engine: e})
		wantErr(t, res, KindCompile, 1)
		if !strings.Contains(res.Err.Msg, "goexperiment.jsonv2") {
			t.Errorf("message %q does not name the constraint", res.Err.Msg)
		}
		res = runFile(t, testRunner(t), "sandbox/ignore.go", Options{Engine: e})
		if res.Err != nil || res.Stdout() != "kept out of go vet, run by the runner\n" {
			t.Errorf("//go:build ignore: err %v, output %q", res.Err, res.Combined())
		}
	})
}

func TestInitOnTheVirtualClock(t *testing.T) {
	want := "second init at 2000-01-01T01:00:00Z\nfirst init done at 2000-01-01T01:00:00Z\n"
	engines(t, func(t *testing.T, e Engine) {
		res := runFile(t, testRunner(t), "sandbox/initclock.go", Options{Engine: e, Timeout: time.Minute})
		if res.Err != nil || res.Stdout() != want {
			t.Fatalf("got %q, err %v; want %q", res.Stdout(), res.Err, want)
		}
	})
}

func TestSandboxProbe(t *testing.T) {
	sandboxed(t)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	abi := machine.abi
	if err := probeSandbox(t.Context(), exe, abi); err != nil {
		t.Errorf("the test binary, whose TestMain calls runner.ChildMain: %v", err)
	}
	// A program that does not turn into the child cannot tell: the runner
	// says what its main must do.
	err = probeSandbox(t.Context(), "/bin/true", abi)
	if err == nil || !strings.Contains(err.Error(), "runner.IsChild()") {
		t.Errorf("probing with /bin/true: %v, want a message naming runner.IsChild", err)
	}
}

func TestOutOfMemoryMessages(t *testing.T) {
	for _, msg := range []string{"out of memory", "runtime: out of memory", "runtime: cannot allocate memory", "out of memory (stackalloc)", "pageAlloc: out of memory"} {
		if !outOfMemory(msg) {
			t.Errorf("%q is not taken for an allocation failure", msg)
		}
	}
	for _, msg := range []string{"all goroutines are asleep - deadlock!", "concurrent map writes", "stack overflow"} {
		if outOfMemory(msg) {
			t.Errorf("%q is taken for an allocation failure", msg)
		}
	}
}
