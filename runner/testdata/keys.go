package main

import (
	"context"
	"fmt"
)

type userKey struct{}
type requestKey struct{}

func main() {
	ctx := context.WithValue(context.Background(), userKey{}, "alice")
	fmt.Println(ctx.Value(requestKey{}))
}
