package main

import (
	"context"
	"errors"
	"fmt"
	"time"
)

func main() {
	ctx, cancel := context.WithTimeoutCause(context.Background(), time.Second,
		errors.New("inventory lookup too slow")) // does not wrap DeadlineExceeded
	defer cancel()
	<-ctx.Done()

	fmt.Println("Err:  ", ctx.Err(), "| Is(DeadlineExceeded) =",
		errors.Is(ctx.Err(), context.DeadlineExceeded))
	fmt.Println("Cause:", context.Cause(ctx), "| Is(DeadlineExceeded) =",
		errors.Is(context.Cause(ctx), context.DeadlineExceeded))
}
