package main

import (
	"context"
	"fmt"
	"time"
)

// doWork pretends to be a job that needs two seconds. It gives up as soon as
// ctx is done.
func doWork(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(2 * time.Second):
		return nil
	}
}

func main() {
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()

	err := doWork(ctx)
	fmt.Printf("doWork returned after %v: %v\n", time.Since(start), err)
}
