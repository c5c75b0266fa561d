package main

import (
	"context"
	"fmt"
	"time"
)

func report(name string, ctx context.Context) {
	deadline, ok := ctx.Deadline()
	if !ok {
		fmt.Printf("%s: no deadline\n", name)
		return
	}
	fmt.Printf("%s: deadline %s, %v left\n", name, deadline.Format("15:04:05.000"), time.Until(deadline))
}

func main() {
	report("Background", context.Background())

	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	report("WithTimeout(1.5s)", ctx)

	time.Sleep(time.Second)
	report("one second later", ctx)
}
