package main

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// step waits for a dependency. If its budget runs out, the cause says which.
func step(ctx context.Context, name string, budget, takes time.Duration) error {
	ctx, cancel := context.WithTimeoutCause(ctx, budget,
		fmt.Errorf("%s: no answer within %v: %w", name, budget, context.DeadlineExceeded))
	defer cancel()
	select {
	case <-time.After(takes):
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

func handle(ctx context.Context) error {
	if err := step(ctx, "users", 500*time.Millisecond, 100*time.Millisecond); err != nil {
		return err
	}
	if err := step(ctx, "orders", time.Second, 1500*time.Millisecond); err != nil {
		return err
	}
	return step(ctx, "prices", 300*time.Millisecond, 50*time.Millisecond)
}

func main() {
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := handle(ctx)
	fmt.Printf("request failed after %v: %v\n", time.Since(start), err)
	fmt.Println("still a deadline error:", errors.Is(err, context.DeadlineExceeded))
}
