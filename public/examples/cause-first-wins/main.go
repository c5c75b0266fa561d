package main

import (
	"context"
	"errors"
	"fmt"
	"time"
)

func main() {
	// Several cancels: only the first one counts, cause included.
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	cancel(errors.New("first: disk full"))
	cancel(errors.New("second: shutting down"))
	fmt.Println("two cancels:           ", context.Cause(ctx))

	// WithTimeoutCause: the cause is used only if the timer fires first.
	ctx2, cancel2 := context.WithTimeoutCause(context.Background(), time.Second,
		errors.New("billing took longer than 1s"))
	defer cancel2()
	time.Sleep(2 * time.Second)
	cancel2()
	fmt.Println("timer fired, then cancel:", context.Cause(ctx2))

	ctx3, cancel3 := context.WithTimeoutCause(context.Background(), time.Second,
		errors.New("billing took longer than 1s"))
	defer cancel3()
	cancel3() // the returned func is a plain CancelFunc: no cause to give
	fmt.Println("cancelled before timer:  ", context.Cause(ctx3))
}
