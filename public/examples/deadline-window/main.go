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

// try wakes up exactly at a context's deadline and runs both checks at once,
// then reports what they said and what the context says a moment later.
func try() (left time.Duration, seed, fixed, later error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	time.Sleep(time.Second) // wake up exactly at the deadline
	seed, fixed = seedCheck(ctx), fixedCheck(ctx)
	deadline, _ := ctx.Deadline()
	left = time.Until(deadline)
	<-ctx.Done() // let the context's timer run; no time passes
	return left, seed, fixed, ctx.Err()
}

func main() {
	misses := 0
	for i := 0; i < 1000; i++ {
		left, seed, fixed, later := try()
		if seed != nil {
			continue // the timer ran first this time: no window
		}
		misses++
		if misses == 1 {
			fmt.Println("one of the tries, with", left, "left:")
			fmt.Println("  seedCheck: ", seed, "<- the caller reads this as success")
			fmt.Println("  fixedCheck:", fixed)
			fmt.Println("  a moment later, no time passed: ctx.Err() =", later)
		}
	}
	if misses == 0 {
		fmt.Println("in 1000 tries, the timer always ran first")
	}
}
