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

// PollBroken sleeps instead of listening: it gives up only after 20 tries.
func PollBroken(ctx context.Context, interval time.Duration, check func() bool) error {
	for i := 0; i < 20 && !check(); i++ {
		time.Sleep(interval)
	}
	return errors.New("gave up")
}

// testStopsOnCancel is what a test would do: start, cancel, expect a prompt return.
func testStopsOnCancel(name string, poll func(context.Context, time.Duration, func() bool) error) {
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- poll(ctx, 100*time.Millisecond, func() bool { return false }) }()

	time.Sleep(350 * time.Millisecond)
	cancel()
	cancelled := time.Now()
	select {
	case err := <-errc:
		fmt.Printf("%-10s PASS: returned %v after cancel: %v\n", name, time.Since(cancelled), err)
	case <-time.After(time.Second):
		fmt.Printf("%-10s FAIL: still running 1s after cancel\n", name)
		<-errc // let it finish before the next test
	}
}

func main() {
	testStopsOnCancel("Poll", Poll)
	testStopsOnCancel("PollBroken", PollBroken)
}
