package site

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// TestURLScheme checks urlScheme, which reads the scheme by hand, against
// the regular expression of a scheme, after what a browser drops.
func TestURLScheme(t *testing.T) {
	schemeRE := regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.-]*):`)
	want := func(dest string) string {
		dest = strings.TrimLeft(dest, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
		dest = strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(dest)
		m := schemeRE.FindStringSubmatch(dest)
		if m == nil {
			return ""
		}
		return strings.ToLower(m[1])
	}
	for _, dest := range []string{"", ":", "a:", "JavaScript:x", " java\tscript:", "\x01data:x", "1a:", "a1+.-:", "a b:", "é:", "x\xff:", "page.html#a:b", "#frag", "mailto:me", "HTTPS://x"} {
		if got := urlScheme(dest); got != want(dest) {
			t.Errorf("urlScheme(%q) = %q, want %q", dest, got, want(dest))
		}
	}
	pieces := []string{"a", "Z", "0", "+", ".", "-", ":", " ", "\t", "\n", "\r", "\x01", "/", "#", "é", "\xff"}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		if got := urlScheme(b.String()); got != want(b.String()) {
			t.Fatalf("urlScheme(%q) = %q, want %q", b.String(), got, want(b.String()))
		}
	}
}
