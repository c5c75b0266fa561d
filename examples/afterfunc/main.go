package main

import (
	"context"
	"fmt"
	"time"
)

func main() {
	start := time.Now()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	ran := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		// Runs in a goroutine of its own, once, after ctx is done.
		fmt.Println("cleanup ran at", time.Since(start))
		close(ran)
	})
	fmt.Println("AfterFunc registered; nothing runs yet")

	time.Sleep(2 * time.Second)
	cancel()
	<-ran
	fmt.Println("stop() after it ran:", stop()) // false: too late to stop it
}
