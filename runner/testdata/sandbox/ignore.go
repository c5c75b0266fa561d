//go:build ignore

package main

import "fmt"

func main() {
	fmt.Println("kept out of go vet, run by the runner")
}
