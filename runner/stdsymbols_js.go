package runner

import (
	"github.com/traefik/yaegi/interp"

	"signalwire/runner/wasmstd"
)

// stdSymbols is the symbols of the packages examples may import, and
// nothing else: linking yaegi's whole standard library would make the
// browser's download 8.6 MB gzip instead of about 5.
func stdSymbols() interp.Exports { return wasmstd.Symbols }
