// Package english writes the small pieces of English that messages share.
package english

import "strconv"

// Plural counts n of a noun whose plural takes an s: "no example",
// "1 example", "3 examples".
func Plural(n int, noun string) string {
	switch n {
	case 0:
		return "no " + noun
	case 1:
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
