package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/sync/errgroup"
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

// call is the group's task for b: it notes how b ended in *line.
func call(ctx context.Context, b backend, start time.Time, line *string) func() error {
	return func() error {
		err := fetch(ctx, b)
		*line = fmt.Sprintf("%-9s ended at %-5v err=%v", b.name, time.Since(start), err)
		return err
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
	g, ctx := errgroup.WithContext(context.Background())
	lines := make([]string, len(backends))
	for i, b := range backends {
		g.Go(call(ctx, b, start, &lines[i]))
	}
	err := g.Wait()
	for _, l := range lines {
		fmt.Println(l)
	}
	fmt.Println("Wait:          ", err)
	fmt.Println("Cause(ctx):    ", context.Cause(ctx))
	fmt.Println("ctx.Err():     ", ctx.Err())
	fmt.Println("a cancellation?", errors.Is(err, context.Canceled))
}
