package main

import (
	"context"
	"fmt"
)

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	fmt.Println("before cancel: Err =", ctx.Err())
	select {
	case <-ctx.Done():
		fmt.Println("before cancel: Done is closed")
	default:
		fmt.Println("before cancel: Done is open")
	}

	cancel()
	cancel() // a second call does nothing
	cancel()

	fmt.Println("after cancel:  Err =", ctx.Err())
	<-ctx.Done() // a closed channel never blocks: read it as often as you like
	<-ctx.Done()
	fmt.Println("after cancel:  Done is closed")
}
