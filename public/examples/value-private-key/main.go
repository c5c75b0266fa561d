package main

import (
	"context"
	"fmt"
)

// --- package auth ------------------------------------------------------------

type authKey string // unexported: no other package can name this type

func authMiddleware(ctx context.Context) context.Context {
	return context.WithValue(ctx, authKey("userID"), 42)
}

func currentUser(ctx context.Context) any { return ctx.Value(authKey("userID")) }

// --- package billing ---------------------------------------------------------

type billingKey string

func billingMiddleware(ctx context.Context) context.Context {
	return context.WithValue(ctx, billingKey("userID"), "acct-9001")
}

func account(ctx context.Context) any { return ctx.Value(billingKey("userID")) }

// --- the application ---------------------------------------------------------

func main() {
	ctx := authMiddleware(context.Background())
	ctx = billingMiddleware(ctx)

	fmt.Printf("auth sees user %v, billing sees account %v\n", currentUser(ctx), account(ctx))
	fmt.Println("a plain string finds:", ctx.Value("userID"))
}
