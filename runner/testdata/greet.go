package main

import (
	"context"
	"fmt"
)

type key string

// A program that does not wait: the benchmarks of an edit time building
// it, with nothing of the clock in the way.
func main() {
	ctx := context.WithValue(context.Background(), key("user"), "ada")
	for i := 1; i <= 3; i++ {
		fmt.Println("hello", ctx.Value(key("user")), i)
	}
}
