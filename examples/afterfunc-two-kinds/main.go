package main

import (
	"context"
	"fmt"
	"time"
)

func main() {
	start := time.Now()
	ran := make(chan string, 2)

	request, cancelRequest := context.WithCancel(context.Background())
	defer cancelRequest()
	ctx, cancel := context.WithTimeout(request, time.Second)
	defer cancel()

	// Both are meant to release a lock held for this work.
	timer := time.AfterFunc(time.Second, func() {
		ran <- fmt.Sprintf("time.AfterFunc    ran at %v: it only knows its duration", time.Since(start))
	})
	defer timer.Stop()
	stop := context.AfterFunc(ctx, func() {
		ran <- fmt.Sprintf("context.AfterFunc ran at %v: %v", time.Since(start), context.Cause(ctx))
	})
	defer stop()

	time.Sleep(300 * time.Millisecond)
	cancelRequest() // the client goes away: the parent ends, and ctx with it
	fmt.Println(<-ran)
	fmt.Println(<-ran)
}
