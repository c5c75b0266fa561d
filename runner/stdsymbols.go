//go:build !js

package runner

import (
	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
)

// stdSymbols is yaegi's standard library, from which interpSymbols keeps
// what the sandbox allows. The browser's build (stdsymbols_js.go) links
// only the allowed packages' symbols, to keep the download small.
func stdSymbols() interp.Exports { return stdlib.Symbols }
