package main

import (
	"context"
	"fmt"
)

// --- package auth: who is logged in ---------------------------------------

func authMiddleware(ctx context.Context) context.Context {
	return context.WithValue(ctx, "userID", 42) // the logged-in user
}

func currentUser(ctx context.Context) any { return ctx.Value("userID") }

// --- package billing: whose account is charged -----------------------------

func billingMiddleware(ctx context.Context) context.Context {
	return context.WithValue(ctx, "userID", "acct-9001") // the paying account
}

// --- the application wires both in -----------------------------------------

func main() {
	ctx := authMiddleware(context.Background())
	ctx = billingMiddleware(ctx)

	fmt.Printf("auth thinks the current user is %v (%T)\n", currentUser(ctx), currentUser(ctx))
}
