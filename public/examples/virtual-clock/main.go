package main

import (
	"context"
	"fmt"
	"time"
)

func main() {
	fmt.Println("start:", time.Now())
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()

	<-ctx.Done() // an hour-long wait...
	fmt.Println("end:  ", time.Now())
	fmt.Println("ctx:  ", ctx.Err())
}
