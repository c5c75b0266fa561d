package preview

import (
	"errors"
	"fmt"

	"signalwire/site"
)

// problem is one thing a build would refuse.
type problem struct {
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
	Msg  string `json:"msg"`
}

// Pos is "file:line", "file" or "".
func (p problem) Pos() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return p.File
}

func (p problem) String() string {
	if pos := p.Pos(); pos != "" {
		return pos + ": " + p.Msg
	}
	return p.Msg
}

// flatten turns the errors of the stages, joined *site.Error values mostly,
// into problems.
func flatten(errs []error) []problem {
	var out []problem
	var walk func(error)
	walk = func(err error) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		var e *site.Error
		if errors.As(err, &e) {
			out = append(out, problem{File: e.File, Line: e.Line, Msg: e.Err.Error()})
			return
		}
		out = append(out, problem{Msg: err.Error()})
	}
	for _, err := range errs {
		walk(err)
	}
	return out
}
