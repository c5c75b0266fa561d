package main

import "fmt"

func divide(a, b int) int {
	if b == 0 {
		panic("division by zero")
	}
	return a / b
}

func main() {
	fmt.Println(divide(6, 3))
	fmt.Println(divide(1, 0))
}
