package main

import (
	"context"
	"errors"
	"fmt"
	"time"
)

func main() {
	start := time.Now()

	// The request has 1s left; billing asks for 5s, with a cause.
	request, cancelRequest := context.WithTimeout(context.Background(), time.Second)
	defer cancelRequest()
	billing, cancelBilling := context.WithTimeoutCause(request, 5*time.Second,
		errors.New("billing took longer than 5s"))
	defer cancelBilling()

	// The parent's deadline is earlier, so WithTimeoutCause made no timer at
	// all: what it returned is a plain cancellable child.
	fmt.Println("billing is:", billing)
	<-billing.Done()
	fmt.Println("ended at:  ", time.Since(start))
	fmt.Println("Err:       ", billing.Err())
	fmt.Println("Cause:     ", context.Cause(billing)) // not "billing took longer than 5s"

	// cancel(nil) is allowed, and records the plain Canceled as the cause.
	job, cancelJob := context.WithCancelCause(context.Background())
	defer cancelJob(nil)
	cancelJob(nil)
	fmt.Println("cancel(nil):", context.Cause(job), "| is Canceled:", context.Cause(job) == context.Canceled)
}
