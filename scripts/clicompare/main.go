// Command clicompare runs command lines in turn, interleaved, and prints the
// median wall and CPU time of each with its ratio to the first, the
// baseline: two builds of the tool and a hello-world binary compared in one
// run, under the same load.
//
//	go build -o /tmp/new .
//	git worktree add /tmp/base main && (cd /tmp/base && go build -o /tmp/old .)
//	printf 'package main\n\nfunc main() { println("hello") }\n' >/tmp/hello.go && go build -o /tmp/hello /tmp/hello.go
//	go run ./scripts/clicompare -n 40 /tmp/hello \
//		'/tmp/old run -engine yaegi -nocache examples/timeout/main.go' \
//		'/tmp/new run -engine yaegi -nocache examples/timeout/main.go'
//
// Each command line is split at spaces (no quoting) and runs in the
// current directory; a failure stops everything with its output.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strings"
	"time"
)

func main() {
	n := flag.Int("n", 20, "runs of each command line")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: clicompare [-n RUNS] BASELINE COMMAND...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() < 2 || *n < 1 {
		flag.Usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := compare(ctx, *n, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "clicompare:", err)
		os.Exit(1)
	}
}

func compare(ctx context.Context, n int, lines []string) error {
	wall := make([][]time.Duration, len(lines))
	cpu := make([][]time.Duration, len(lines))
	for range n {
		for i, line := range lines {
			f := strings.Fields(line)
			cmd := exec.CommandContext(ctx, f[0], f[1:]...)
			began := time.Now()
			out, err := cmd.CombinedOutput()
			if err != nil {
				return fmt.Errorf("%s: %v\n%s", line, err, out)
			}
			wall[i] = append(wall[i], time.Since(began))
			cpu[i] = append(cpu[i], cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime())
		}
	}
	base := median(wall[0])
	for i, line := range lines {
		w := median(wall[i])
		fmt.Printf("%8.1f ms wall %6.2fx  %8.1f ms cpu  %s\n", ms(w), float64(w)/float64(base), ms(median(cpu[i])), line)
	}
	return nil
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }
