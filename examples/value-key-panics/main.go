package main

import (
	"context"
	"fmt"
)

type userKey struct{}

// sliceKey has a slice in it, so two sliceKey values cannot be compared
// with ==, and a map could not hold it.
type sliceKey struct{ path []string }

// try reports the panic that f causes, if any.
func try(what string, f func()) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Printf("%-22s panic: %v\n", what, r)
		}
	}()
	f()
	fmt.Printf("%-22s ok\n", what)
}

func main() {
	ctx := context.Background()
	try("comparable key:", func() { _ = context.WithValue(ctx, userKey{}, "ada") })
	try("nil key:", func() { _ = context.WithValue(ctx, nil, "ada") })
	try("non-comparable key:", func() { _ = context.WithValue(ctx, sliceKey{[]string{"a"}}, "ada") })
	try("nil value:", func() { _ = context.WithValue(ctx, userKey{}, nil) }) // allowed, and useless
}
