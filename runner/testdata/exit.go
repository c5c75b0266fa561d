package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Println("giving up")
	os.Exit(3)
}
