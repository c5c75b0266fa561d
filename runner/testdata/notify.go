package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"time"
)

func main() {
	parent, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	ctx, stop := signal.NotifyContext(parent, os.Interrupt)
	defer stop()
	<-ctx.Done()
	other, stopOther := signal.NotifyContext(context.Background(), os.Interrupt)
	stopOther()
	fmt.Println(ctx.Err(), other.Err())
}
