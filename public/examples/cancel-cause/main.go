package main

import (
	"context"
	"errors"
	"fmt"
	"time"
)

var errClientGone = errors.New("client closed the connection")

func main() {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)

	time.AfterFunc(2*time.Second, func() { cancel(errClientGone) })
	<-ctx.Done()

	fmt.Println("ctx.Err():          ", ctx.Err())
	fmt.Println("context.Cause(ctx): ", context.Cause(ctx))
	fmt.Println("is errClientGone:   ", errors.Is(context.Cause(ctx), errClientGone))
}
