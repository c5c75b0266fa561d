package english

import "testing"

func TestPlural(t *testing.T) {
	for n, want := range map[int]string{0: "no page", 1: "1 page", 2: "2 pages", 10000: "10000 pages"} {
		if got := Plural(n, "page"); got != want {
			t.Errorf("Plural(%d) = %q, want %q", n, got, want)
		}
	}
}
