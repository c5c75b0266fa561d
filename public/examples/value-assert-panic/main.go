package main

import (
	"context"
	"fmt"
)

type keyType string

const userIDKey keyType = "userID"

func userID(ctx context.Context) int {
	return ctx.Value(userIDKey).(int) // fine... as long as the value is there
}

func main() {
	ctx := context.WithValue(context.Background(), userIDKey, 123)
	fmt.Println("with the value:", userID(ctx))

	// A background job forgot the auth middleware.
	fmt.Println("without it:", userID(context.Background()))
}
