package main

import (
	"fmt"
	"time"
)

func main() {
	fmt.Println("sleeping for two days")
	time.Sleep(48 * time.Hour)
	fmt.Println("awake")
}
