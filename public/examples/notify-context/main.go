package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"time"
)

func main() {
	// Stop on Ctrl+C, or when the parent's time is up, whichever comes first.
	parent, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	ctx, stop := signal.NotifyContext(parent, os.Interrupt)
	defer stop()

	fmt.Println("serving; press Ctrl+C to stop")
	<-ctx.Done()
	fmt.Println("shutting down because:", context.Cause(ctx))

	// stop() ends the context too, and hands Ctrl+C back to the default
	// behaviour (exit the program).
	ctx2, stop2 := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop2()
	stop2()
	fmt.Println("after stop():", ctx2.Err())
}
