package main

import (
	"context"
	"fmt"
)

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		<-ctx.Done()
		fmt.Println("worker saw", ctx.Err())
		close(done)
	}()
	cancel()
	<-done
}
