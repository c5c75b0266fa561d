package main

import (
	"context"
	"fmt"
	"time"
)

// handle got its ctx from a caller that had "nothing better" to pass.
func handle(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	fmt.Println("deadline set:", ctx != nil)
}

func main() {
	var ctx context.Context // the zero value of an interface: nil
	handle(ctx)
}
