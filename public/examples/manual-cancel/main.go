package main

import (
	"context"
	"fmt"
	"time"
)

// poll checks for new mail every 100ms until ctx is cancelled.
func poll(ctx context.Context, done chan<- struct{}) {
	defer close(done)
	start := time.Now()
	ticker := time.NewTicker(100 * time.Millisecond)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			fmt.Println("poller stopped at", time.Since(start), "because", ctx.Err())
			return
		case <-ticker.C:
			fmt.Println("checked mail at", time.Since(start))
		}
	}
}

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	go poll(ctx, done)

	time.Sleep(350 * time.Millisecond) // the user clicks "stop"
	cancel()
	<-done
}
