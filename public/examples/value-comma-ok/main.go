package main

import (
	"context"
	"errors"
	"fmt"
)

type keyType string

const userIDKey keyType = "userID"

var errNoUser = errors.New("no user ID in context")

func userID(ctx context.Context) (int, error) {
	id, ok := ctx.Value(userIDKey).(int) // ok is false when missing or of another type
	if !ok {
		return 0, errNoUser
	}
	return id, nil
}

func main() {
	for _, ctx := range []context.Context{
		context.WithValue(context.Background(), userIDKey, 123),
		context.Background(),
		context.WithValue(context.Background(), userIDKey, "123"), // a string, not an int
	} {
		id, err := userID(ctx)
		fmt.Println("id =", id, "err =", err)
	}
}
