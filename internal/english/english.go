// Package english writes the small pieces of English that messages and
// descriptions share.
package english

import "strconv"

// Plural returns n and the noun, with an s unless n is 1: "1 context",
// "3 goroutines", "0 pages".
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
