package main

import (
	"context"
	"fmt"
	"time"
)

// frozen has a deadline but no timer: its Done never closes.
type frozen struct{ context.Context }

func (f frozen) Deadline() (time.Time, bool) { return time.Now(), true }

func main() {
	ctx, cancel := context.WithCancel(frozen{context.Background()})
	cancel()
	fmt.Println(ctx.Err())
}
