package preview

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// maxDebounce bounds how long changes that keep coming are held back.
const maxDebounce = time.Second

// watcher reports the files that change under some trees of a directory,
// in batches: a batch goes out once no change has come for quiet.
type watcher struct {
	dir   string
	roots []string // slash-separated, relative to dir
	quiet time.Duration
	log   io.Writer
	fw    *fsnotify.Watcher
}

// newWatcher watches dir and every directory of the trees roots under it.
// A root that does not exist yet is watched once it is created.
func newWatcher(dir string, roots []string, quiet time.Duration, log io.Writer) (*watcher, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	w := &watcher{dir: dir, roots: roots, quiet: quiet, log: log, fw: fw}
	if err := fw.Add(dir); err != nil {
		fw.Close()
		return nil, fmt.Errorf("watching %s: %w", dir, err)
	}
	w.sync()
	return w, nil
}

// Close stops watching.
func (w *watcher) Close() error { return w.fw.Close() }

// sync watches the directories of the trees that are not watched yet.
// (fsnotify watches one directory, not a tree, and forgets one that is
// removed.)
func (w *watcher) sync() {
	watched := map[string]bool{}
	for _, p := range w.fw.WatchList() {
		watched[p] = true
	}
	for _, root := range w.roots {
		top := filepath.Join(w.dir, filepath.FromSlash(root))
		filepath.WalkDir(top, func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.IsDir() {
				return nil // gone since, or not there yet
			}
			if p != top && ignored(d.Name()) {
				return filepath.SkipDir
			}
			if !watched[p] {
				if err := w.fw.Add(p); err != nil {
					fmt.Fprintf(w.log, "watching %s: %v\n", p, err)
				}
			}
			return nil
		})
	}
}

// ignored reports whether a file name is an editor's or the system's, not
// the author's: hidden files, backups, swap files, vim's write test.
func ignored(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "#") ||
		strings.HasSuffix(name, "~") || strings.HasSuffix(name, ".swp") ||
		strings.HasSuffix(name, ".swx") || name == "4913"
}

// relevant returns the slash-separated path of an event's file relative to
// dir, or "" when it is outside the trees or ignored.
func (w *watcher) relevant(name string) string {
	rel, err := filepath.Rel(w.dir, name)
	if err != nil {
		return ""
	}
	rel = filepath.ToSlash(rel)
	if ignored(filepath.Base(name)) {
		return ""
	}
	for _, root := range w.roots {
		if rel == root || strings.HasPrefix(rel, root+"/") {
			return rel
		}
	}
	return ""
}

// batch returns the paths of a batch, sorted, less the files that came
// and went within it: an editor's or sed's temporary files.
func (w *watcher) batch(pending map[string]bool) []string {
	var paths []string
	for p, created := range pending {
		if created {
			if _, err := os.Lstat(filepath.Join(w.dir, filepath.FromSlash(p))); err != nil {
				continue
			}
		}
		paths = append(paths, p)
	}
	slices.Sort(paths)
	return paths
}

// run sends batches of changed paths to out until ctx is done. Changes that
// come while out is not ready join the batch waiting.
func (w *watcher) run(ctx context.Context, out chan<- []string) {
	pending := map[string]bool{} // changed paths; true when created in this batch
	var (
		first time.Time // of the changes pending
		timer = time.NewTimer(time.Hour)
		ready bool
	)
	timer.Stop()
	defer timer.Stop()
	for {
		var send chan<- []string
		var batch []string
		if ready && len(pending) > 0 {
			batch = w.batch(pending)
			if len(batch) == 0 {
				clear(pending)
				ready = false
				continue
			}
			send = out
		}
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.fw.Events:
			if !ok {
				return
			}
			rel := w.relevant(ev.Name)
			if rel == "" || ev.Op == fsnotify.Chmod {
				continue
			}
			if ev.Has(fsnotify.Create) {
				w.sync() // a new directory is to be watched too
			}
			if len(pending) == 0 {
				first = time.Now()
			}
			pending[rel] = pending[rel] || ev.Has(fsnotify.Create)
			ready = false
			timer.Reset(max(0, min(w.quiet, time.Until(first.Add(maxDebounce)))))
		case err, ok := <-w.fw.Errors:
			if !ok {
				return
			}
			fmt.Fprintf(w.log, "watching %s: %v\n", w.dir, err)
		case <-timer.C:
			ready = true
		case send <- batch:
			clear(pending)
			ready = false
		}
	}
}
