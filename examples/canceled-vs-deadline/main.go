package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"
)

func main() {
	cancelled, cancel := context.WithCancel(context.Background())
	defer cancel()
	cancel()

	expired, cancel2 := context.WithTimeout(context.Background(), time.Second)
	defer cancel2()
	<-expired.Done()

	for _, ctx := range []context.Context{cancelled, expired} {
		err := ctx.Err()
		fmt.Printf("%-28q Canceled=%-5v DeadlineExceeded=%v\n", err.Error(),
			errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded))
	}

	// DeadlineExceeded reports itself as a timeout, like a network error does.
	ne, ok := expired.Err().(net.Error)
	fmt.Println("DeadlineExceeded is a net.Error timeout:", ok && ne.Timeout())

	// The first reason sticks: cancelling an expired context changes nothing.
	cancel2()
	fmt.Println("expired, then cancelled:", expired.Err())
}
