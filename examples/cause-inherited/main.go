package main

import (
	"context"
	"errors"
	"fmt"
	"time"
)

func main() {
	root, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	child, cancelChild := context.WithCancel(root)
	defer cancelChild()
	grandchild, cancelGrandchild := context.WithTimeout(child, time.Hour)
	defer cancelGrandchild()

	fmt.Println("before: Cause =", context.Cause(grandchild))

	cancel(errors.New("shutting down: config reloaded"))

	fmt.Println("child:      Err =", child.Err(), "| Cause =", context.Cause(child))
	fmt.Println("grandchild: Err =", grandchild.Err(), "| Cause =", context.Cause(grandchild))

	plain, cancelPlain := context.WithCancel(context.Background())
	defer cancelPlain()
	cancelPlain()
	fmt.Println("plain WithCancel: Cause =", context.Cause(plain))
}
