package main

import (
	"context"
	"fmt"
	"time"
)

var latency = []time.Duration{500 * time.Millisecond, 400 * time.Millisecond, 100 * time.Millisecond}

// call is a flaky service: the first two calls are too slow.
func call(ctx context.Context, attempt int) error {
	select {
	case <-time.After(latency[attempt]):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func main() {
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second) // the whole budget
	defer cancel()

	for attempt := 0; attempt < len(latency); attempt++ {
		actx, acancel := context.WithTimeout(ctx, 300*time.Millisecond) // one try
		err := call(actx, attempt)
		acancel()
		fmt.Printf("attempt %d ended at %v: %v\n", attempt+1, time.Since(start), err)
		if err == nil || ctx.Err() != nil {
			return
		}
		time.Sleep(100 * time.Millisecond) // back off before the next try
	}
}
