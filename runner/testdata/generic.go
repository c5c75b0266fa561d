package main

import (
	"cmp"
	"fmt"
	"slices"
)

// yaegi interprets slices and cmp from their source: see
// withoutGenericSources.
func main() {
	xs := []int{1, 2, 3}
	fmt.Println(slices.Contains(xs, 2), slices.Index(xs, 3), cmp.Compare(1, 2))
}
