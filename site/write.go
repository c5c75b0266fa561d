package site

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Write writes the files of a site, by slash-separated path, into the
// directory dir, replacing what dir held. The files go to a new directory
// beside dir, which then takes dir's place, so a failed write never leaves
// a half-written site: dir is the old site or the new one. (Between the two
// renames of the swap dir is briefly absent; a failed second rename puts
// the old site back.)
//
// A write killed before it finished (kill -9) leaves its temporary
// directories, .DIR.new-N and .DIR.old-N, beside dir; the next Write
// removes them. Two Writes to the same dir must not run at once.
//
// Write refuses to replace a directory that is not empty and holds no
// index.html: that is not a site, and a mistyped -o must not delete it.
func Write(dir string, files map[string][]byte) (err error) {
	dir = filepath.Clean(dir)
	names := make([]string, 0, len(files))
	for name := range files {
		if !fs.ValidPath(name) || name == "." {
			return fmt.Errorf("writing site: bad file name %q", name)
		}
		names = append(names, name)
	}
	slices.Sort(names)
	if err = checkReplaceable(dir); err != nil {
		return err
	}
	parent, base := filepath.Split(dir)
	if parent == "" {
		parent = "."
	}
	if err = os.MkdirAll(parent, 0o777); err != nil {
		return err
	}
	if err = removeStale(parent, base); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".new-")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	for _, name := range names {
		p := filepath.Join(tmp, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			return err
		}
	}
	return swap(tmp, dir)
}

// removeStale removes the temporary directories that earlier writes of
// the site base in parent left behind: those named as Write names them,
// and no others.
func removeStale(parent, base string) error {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !e.IsDir() || !isTempName(e.Name(), base) {
			continue
		}
		if err := os.RemoveAll(filepath.Join(parent, e.Name())); err != nil {
			return fmt.Errorf("removing what an interrupted build left: %w", err)
		}
	}
	return nil
}

// isTempName reports whether name is a temporary directory of Write for
// the site base: ".BASE.new-N" or ".BASE.old-N", N being os.MkdirTemp's
// decimal random part.
func isTempName(name, base string) bool {
	rest, ok := strings.CutPrefix(name, "."+base+".")
	if !ok {
		return false
	}
	n, ok := strings.CutPrefix(rest, "new-")
	if !ok {
		n, ok = strings.CutPrefix(rest, "old-")
	}
	return ok && n != "" && strings.Trim(n, "0123456789") == ""
}

// checkReplaceable reports why dir may not be replaced by a site.
func checkReplaceable(dir string) error {
	fi, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return nil
	}
	if _, err := os.Stat(filepath.Join(dir, "index.html")); err != nil {
		return fmt.Errorf("refusing to replace %s: it is not empty and has no index.html, so it is not a site", dir)
	}
	return nil
}

// swap puts the directory tmp in the place of dir.
func swap(tmp, dir string) error {
	old := filepath.Join(filepath.Dir(tmp), strings.Replace(filepath.Base(tmp), ".new-", ".old-", 1))
	hadOld := false
	if _, err := os.Lstat(dir); err == nil {
		if err := os.Rename(dir, old); err != nil {
			return err
		}
		hadOld = true
	}
	if err := os.Rename(tmp, dir); err != nil {
		if hadOld {
			if rerr := os.Rename(old, dir); rerr != nil {
				return fmt.Errorf("%w; the old site is in %s", err, old)
			}
		}
		return err
	}
	if hadOld {
		if err := os.RemoveAll(old); err != nil {
			return fmt.Errorf("site written to %s, but removing the old one: %w", dir, err)
		}
	}
	return nil
}
