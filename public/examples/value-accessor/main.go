package main

import (
	"context"
	"fmt"
)

// User is what the auth layer knows about the caller.
type User struct {
	ID   int
	Name string
}

type userKey struct{}

// WithUser returns a copy of ctx that carries u.
func WithUser(ctx context.Context, u User) context.Context {
	return context.WithValue(ctx, userKey{}, u)
}

// UserFrom returns the user stored in ctx, if any.
func UserFrom(ctx context.Context) (User, bool) {
	u, ok := ctx.Value(userKey{}).(User)
	return u, ok
}

func greet(ctx context.Context) string {
	u, ok := UserFrom(ctx)
	if !ok {
		return "hello, stranger"
	}
	return fmt.Sprintf("hello, %s (#%d)", u.Name, u.ID)
}

func main() {
	ctx := context.Background()
	fmt.Println(greet(ctx))
	fmt.Println(greet(WithUser(ctx, User{ID: 42, Name: "Ada"})))
}
