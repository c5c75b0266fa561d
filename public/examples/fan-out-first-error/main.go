package main

import (
	"context"
	"fmt"
	"sync"
	"time"
)

type backend struct {
	name  string
	takes time.Duration
	fails bool
}

func fetch(ctx context.Context, b backend) error {
	select {
	case <-time.After(b.takes):
		if b.fails {
			return fmt.Errorf("%s: upstream returned 500", b.name)
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func main() {
	backends := []backend{
		{"profile", 200 * time.Millisecond, false},
		{"orders", 300 * time.Millisecond, true},
		{"recommend", time.Second, false},
		{"ads", 2 * time.Second, false},
	}
	start := time.Now()
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)

	lines := make([]string, len(backends))
	var wg sync.WaitGroup
	for i, b := range backends {
		wg.Add(1)
		go func(i int, b backend) {
			defer wg.Done()
			err := fetch(ctx, b)
			if err != nil {
				cancel(err) // the first error cancels everyone else; later calls are no-ops
			}
			lines[i] = fmt.Sprintf("%-9s ended at %-5v err=%v", b.name, time.Since(start), err)
		}(i, b)
	}
	wg.Wait()
	for _, l := range lines {
		fmt.Println(l)
	}
	fmt.Println("request failed because:", context.Cause(ctx))
}
