package main

import (
	"fmt"
	"time"
)

// query stands in for a slow database call. Nothing can stop it.
func query() string {
	time.Sleep(5 * time.Second)
	return "1204 rows"
}

func main() {
	start := time.Now()
	time.AfterFunc(2*time.Second, func() {
		fmt.Println("user closed the tab at", time.Since(start))
	})

	rows := query()
	fmt.Println("query finished at", time.Since(start), "with", rows)
	fmt.Println("response written for nobody; wasted", time.Since(start)-2*time.Second)
}
