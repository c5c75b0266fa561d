package main

import (
	"fmt"
	"time"
)

var started time.Time

func init() {
	time.Sleep(time.Hour)
	started = time.Now()
}

func init() {
	fmt.Println("second init at", time.Now().UTC().Format(time.RFC3339))
}

func main() {
	fmt.Println("first init done at", started.UTC().Format(time.RFC3339))
}
