//go:build ignore

package main

import "context"

func main() {
	ctx := context.Background()
	ctx.Cancel()
}
