//go:build ignore

package main

import (
	"context"
	"time"
)

func main() {
	ctx := context.Background()

	// There is no method that changes a context: these do not compile.
	ctx.Cancel()
	ctx.SetDeadline(time.Now().Add(time.Second))
}
