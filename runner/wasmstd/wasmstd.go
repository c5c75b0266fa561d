// Package wasmstd holds yaegi's symbols of the standard packages that
// examples may import (runner.AllowedImports) and no others: the browser's
// interpreter links this instead of yaegi's stdlib, whose symbols of every
// standard package would almost double the download. The go1_*.go files are
// copied from yaegi's stdlib directory by gen.go.
package wasmstd

//go:generate go run gen.go

import "reflect"

// Symbols stores the symbols per package, as yaegi's stdlib.Symbols.
var Symbols = map[string]map[string]reflect.Value{}

// MapTypes is yaegi's stdlib.MapTypes, which the copied files may fill.
var MapTypes = map[reflect.Value][]reflect.Type{}

func init() {
	Symbols["."] = map[string]reflect.Value{
		"MapTypes": reflect.ValueOf(MapTypes),
	}
}
