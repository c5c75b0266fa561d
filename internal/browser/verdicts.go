package browser

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// NoVerdictsEnv, when set, makes every check run as if none had passed
// before: CI sets it.
const NoVerdictsEnv = "SIGNALWIRE_TEST_NOCACHE"

// Verdicts remembers the browser checks that passed, as go test remembers
// the packages whose tests passed: each by a key made of everything the
// check reads (the bytes of the page and of each file it loads, the check's
// own code, axe-core, the browser's version, the view). A check whose key
// is known passed with exactly these inputs, and runs again only when one
// of them changes. Only passes are remembered, with what the check noted.
// A check is deterministic here: the site is static, and the examples run
// on a virtual clock.
type Verdicts struct {
	dir     string // "" when NoVerdictsEnv is set
	browser string
}

// verdictIdle is how long a verdict stays unused before it is removed.
const verdictIdle = 30 * 24 * time.Hour

var pruneOnce sync.Once

// OpenVerdicts opens the verdicts of the checks named name (a test's name)
// under the user's cache directory, for the browser of ctx (a context from
// New).
func OpenVerdicts(t testing.TB, ctx context.Context, name string) *Verdicts {
	t.Helper()
	ua, err := chromedp.Run(ctx, chromedp.Evaluate[string](`navigator.userAgent`))
	if err != nil {
		t.Fatalf("the browser's version: %v", err)
	}
	return OpenVerdictsOf(t, name, ua)
}

// OpenVerdictsOf is OpenVerdicts for checks run by another program than a
// browser (Node), whose version is given.
func OpenVerdictsOf(t testing.TB, name, version string) *Verdicts {
	t.Helper()
	v := &Verdicts{browser: version}
	if os.Getenv(NoVerdictsEnv) != "" {
		t.Logf("%s is set: every check runs", NoVerdictsEnv)
		return v
	}
	root, err := os.UserCacheDir()
	if err != nil {
		t.Logf("no cache directory (%v): every check runs", err)
		return v
	}
	root = filepath.Join(root, "signalwire", "test", "verdicts")
	v.dir = filepath.Join(root, name)
	if err := os.MkdirAll(v.dir, 0o755); err != nil {
		t.Logf("no cache directory (%v): every check runs", err)
		v.dir = ""
		return v
	}
	pruneOnce.Do(func() { pruneVerdicts(root, time.Now().Add(-verdictIdle)) })
	return v
}

// Key returns the key of a check that reads parts, the browser's version
// included.
func (v *Verdicts) Key(parts ...[]byte) string {
	h := sha256.New()
	for _, p := range append([][]byte{[]byte(v.browser)}, parts...) {
		var n [8]byte
		for i, l := 0, uint64(len(p)); i < 8; i++ {
			n[i] = byte(l >> (8 * i))
		}
		h.Write(n[:])
		h.Write(p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Passed reports whether the check of key passed before, and what it noted
// then.
func (v *Verdicts) Passed(key string) (note []byte, ok bool) {
	if v.dir == "" {
		return nil, false
	}
	p := filepath.Join(v.dir, key)
	note, err := os.ReadFile(p)
	if err != nil {
		return nil, false
	}
	now := time.Now()
	os.Chtimes(p, now, now) // in use: not idle
	return note, true
}

// Pass records that the check of key passed, with its note. A failure to
// record costs only a run of the check next time.
func (v *Verdicts) Pass(key string, note []byte) {
	if v.dir == "" {
		return
	}
	tmp, err := os.CreateTemp(v.dir, ".tmp-")
	if err != nil {
		return
	}
	_, err = tmp.Write(note)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(v.dir, key))
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
}

// pruneVerdicts removes the verdicts not used since before.
func pruneVerdicts(root string, before time.Time) {
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() {
			return nil
		}
		if info, err := d.Info(); err == nil && info.ModTime().Before(before) {
			os.Remove(p)
		}
		return nil
	})
}

// ownSource is this package's code: how it starts the browser, sets the
// view and runs axe.
//
//go:embed browser.go
var browserSource string

//go:embed axe.go
var axeGoSource string

// CheckKey is the part of a check's key that stands for this package's
// code and axe-core.
func CheckKey() []byte {
	return []byte(browserSource + axeGoSource + axeSource)
}

// PassedBefore reports whether the check of key passed before, and says so
// in t's log; if not, a pass of t is remembered when t ends. what names
// the check in the log.
func (v *Verdicts) PassedBefore(t testing.TB, key, what string) bool {
	t.Helper()
	if _, ok := v.Passed(key); ok {
		t.Logf("%s: passed before with the same bytes (%s checks it again)", what, NoVerdictsEnv)
		return true
	}
	t.Cleanup(func() {
		if !t.Failed() {
			v.Pass(key, nil)
		}
	})
	return false
}

// TreeParts returns the path, relative to dir, and the bytes of every file
// under dir, in order: the parts of a key for checks that read a whole
// site.
func TreeParts(dir string) ([][]byte, error) {
	var parts [][]byte
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		parts = append(parts, []byte(filepath.ToSlash(rel)), b)
		return nil
	})
	return parts, err
}
