package main

import (
	"fmt"
	"time"
)

func main() {
	start := time.Now()
	ticker := time.NewTicker(15 * time.Minute)
	defer ticker.Stop()
	for i := 0; i < 4; i++ {
		<-ticker.C
	}
	fmt.Println("waited", time.Since(start))
}
