//go:build goexperiment.jsonv2

package main

import "fmt"

func main() {
	fmt.Println("built although go build excludes it")
}
