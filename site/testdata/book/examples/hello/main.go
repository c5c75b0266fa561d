package main

import (
	"context"
	"fmt"
	"os"
	"time"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	fmt.Println("waiting")
	<-ctx.Done()
	fmt.Fprintln(os.Stderr, "stopped:", ctx.Err())
}
