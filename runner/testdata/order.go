package main

import (
	"fmt"
	"log"
	"os"
)

func main() {
	fmt.Println("one")
	fmt.Fprintln(os.Stderr, "two")
	fmt.Fprint(os.Stdout, "three\n")
	log.SetFlags(0)
	log.Print("four")
	fmt.Print("five\n")
}
