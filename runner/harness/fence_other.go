//go:build !linux

package harness

import "errors"

// Enter fails: the sandbox needs Linux namespaces.
func (f *Fence) Enter() error { return errors.New("the sandbox needs Linux") }

// Rule is a Landlock rule: the access rights granted below a path.
type Rule struct {
	Path   string
	Access uint64
}

// Rules returns nothing: there is no Landlock.
func (f *Fence) Rules() []Rule { return nil }

// LandlockABI returns 0: there is no Landlock.
func LandlockABI() int { return 0 }
