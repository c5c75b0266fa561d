package main

import (
	"context"
	"fmt"
	"time"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	child, cancelChild := context.WithCancel(ctx)
	defer cancelChild()
	time.Sleep(100 * time.Millisecond) // wakes at the deadline's instant
	cancel()                           // which comes first depends on scheduling
	<-child.Done()
	fmt.Println(ctx.Err())
}
