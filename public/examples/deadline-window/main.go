package main

import (
	"context"
	"fmt"
	"time"
)

// seedCheck is the usual "has the deadline passed?" test.
func seedCheck(ctx context.Context) error {
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) <= 0 {
		return ctx.Err() // may still be nil: the timer has not fired yet
	}
	return nil
}

// fixedCheck names the error itself instead of asking ctx for it.
func fixedCheck(ctx context.Context) error {
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) <= 0 {
		return context.DeadlineExceeded
	}
	return nil
}

func main() {
	seedNil, fixedNil := 0, 0
	for i := 0; i < 1000; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		time.Sleep(time.Second) // wake up exactly at the deadline
		if seedCheck(ctx) == nil {
			seedNil++
		}
		if fixedCheck(ctx) == nil {
			fixedNil++
		}
		cancel()
	}
	fmt.Println("deadline passed, seedCheck still said nil in some tries:", seedNil > 0)
	fmt.Println("deadline passed, fixedCheck said nil in", fixedNil, "of 1000 tries")
}
