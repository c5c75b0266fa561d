package main

import "fmt"

func fail() {
	panic("boom")
}

func main() {
	fmt.Println("about to fail")
	fail()
}
