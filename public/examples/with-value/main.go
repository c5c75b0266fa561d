package main

import (
	"context"
	"fmt"
)

type requestIDKey struct{}

func show(name string, ctx context.Context) {
	fmt.Printf("%-12s request ID = %v\n", name, ctx.Value(requestIDKey{}))
}

func main() {
	root := context.Background()
	req := context.WithValue(root, requestIDKey{}, "req-17")
	child, cancel := context.WithCancel(req) // values flow down to children
	defer cancel()
	retry := context.WithValue(child, requestIDKey{}, "req-17/retry-2") // shadows, for its own subtree

	show("root:", root)
	show("req:", req)
	show("child:", child)
	show("retry:", retry)
	show("req again:", req) // the parent never sees what a child added
}
