package main

import (
	"context"
	"errors"
	"fmt"
)

type keyType string

const userIDKey keyType = "userID"

var errNoUser = errors.New("no user ID in context")

// userID tells the two failures apart: a missing ID is a normal case (a
// background job, an anonymous request); an ID of another type is a bug.
func userID(ctx context.Context) (int, error) {
	v := ctx.Value(userIDKey)
	if v == nil {
		return 0, errNoUser
	}
	id, ok := v.(int) // the two-value form never panics
	if !ok {
		return 0, fmt.Errorf("user ID in context has type %T, want int", v)
	}
	return id, nil
}

func main() {
	for _, c := range []struct {
		who string
		ctx context.Context
	}{
		{"request:       ", context.WithValue(context.Background(), userIDKey, 123)},
		{"background job:", context.Background()},
		{"bad middleware:", context.WithValue(context.Background(), userIDKey, "123")}, // a string, not an int
	} {
		id, err := userID(c.ctx)
		fmt.Println(c.who, "id =", id, "err =", err, "| missing:", errors.Is(err, errNoUser))
	}
}
