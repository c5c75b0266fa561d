package main

import (
	"context"
	"fmt"
	"time"
)

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	ready, done := make(chan bool), make(chan bool)
	go func() { // begins to wait at the instant of the cancel: before or after it?
		ready <- true
		<-ctx.Done()
		done <- true
	}()
	<-ready
	cancel()
	<-done
	ctx2, cancel2 := context.WithCancel(context.Background())
	go func() { // waits long before the cancel
		<-ctx2.Done()
		done <- true
	}()
	time.Sleep(time.Second)
	cancel2()
	fmt.Println(<-done)
}
