package main

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Poll calls check every interval until it reports true or ctx ends.
func Poll(ctx context.Context, interval time.Duration, check func() bool) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for !check() {
		select {
		case <-t.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// PollSleeps looks careful: it checks ctx before every try. But between
// tries it sleeps, and a sleep does not listen.
func PollSleeps(ctx context.Context, interval time.Duration, check func() bool) error {
	for !check() {
		if err := ctx.Err(); err != nil {
			return err
		}
		time.Sleep(interval)
	}
	return nil
}

type pollFunc func(context.Context, time.Duration, func() bool) error

func never() bool { return false }

// weakTest cancels at once, before Poll has started waiting.
func weakTest(name string, poll pollFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	cancel()
	go func() { errc <- poll(ctx, time.Second, never) }()

	if err := <-errc; errors.Is(err, context.Canceled) {
		fmt.Printf("  %-10s PASS: %v\n", name, err)
	} else {
		fmt.Printf("  %-10s FAIL: returned %v\n", name, err)
	}
}

// strongTest cancels while Poll is waiting between two checks, and requires
// it to return at that very instant of the virtual clock.
func strongTest(name string, poll pollFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- poll(ctx, time.Second, never) }()

	time.Sleep(2500 * time.Millisecond) // Poll is now between its 3rd and 4th check
	cancel()
	cancelled := time.Now()
	err := <-errc
	late := time.Since(cancelled)
	verdict := "PASS"
	if late != 0 || !errors.Is(err, context.Canceled) {
		verdict = "FAIL"
	}
	fmt.Printf("  %-10s %s: returned %v after cancel: %v\n", name, verdict, late, err)
}

func main() {
	fmt.Println("weak test: cancel before Poll waits")
	weakTest("Poll", Poll)
	weakTest("PollSleeps", PollSleeps)
	fmt.Println("strong test: cancel while Poll waits")
	strongTest("Poll", Poll)
	strongTest("PollSleeps", PollSleeps)
}
