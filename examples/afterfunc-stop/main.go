package main

import (
	"context"
	"fmt"
	"time"
)

func main() {
	// 1. stop() before the context ends: the function never runs.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stop := context.AfterFunc(ctx, func() { fmt.Println("1: ran (should not happen)") })
	fmt.Println("1: stop() =", stop()) // true: we stopped it in time
	cancel()
	time.Sleep(time.Second)
	fmt.Println("1: a second after cancel, nothing ran")

	// 2. AfterFunc on a context that is already done runs the function at once.
	ran := make(chan struct{})
	context.AfterFunc(ctx, func() {
		fmt.Println("2: ran immediately: ctx was already", ctx.Err())
		close(ran)
	})
	<-ran
}
