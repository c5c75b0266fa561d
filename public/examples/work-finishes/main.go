package main

import (
	"context"
	"fmt"
	"time"
)

func doWork(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(2 * time.Second):
		return nil
	}
}

// run gives doWork a 3s budget, then either cancels, as defer cancel() does
// on return, or leaves the context alone, and reports when it ended.
func run(callCancel bool) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()

	err := doWork(ctx)
	fmt.Printf("doWork returned after %v: %v\n", time.Since(start), err)
	if callCancel {
		cancel()
	}
	<-ctx.Done() // when does the context, and its timer, end?
	fmt.Printf("  cancel called: %-5v the context ended at %v: %v\n", callCancel, time.Since(start), ctx.Err())
}

func main() {
	run(true)
	run(false)
}
