package main

import "fmt"

func main() {
	fmt.Println("counting")
	for i := range 3 {
		fmt.Println(i)
	}
}
