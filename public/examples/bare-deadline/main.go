package main

import (
	"context"
	"fmt"
	"time"
)

// step waits for a dependency, giving it its own time budget.
func step(ctx context.Context, budget, takes time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	select {
	case <-time.After(takes):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func handle(ctx context.Context) error {
	if err := step(ctx, 500*time.Millisecond, 100*time.Millisecond); err != nil { // users
		return err
	}
	if err := step(ctx, time.Second, 1500*time.Millisecond); err != nil { // orders
		return err
	}
	return step(ctx, 300*time.Millisecond, 50*time.Millisecond) // prices
}

func main() {
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := handle(ctx)
	fmt.Printf("request failed after %v: %v\n", time.Since(start), err)
}
