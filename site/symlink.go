package site

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
)

// A book may hold symbolic links, for a file kept elsewhere in the book,
// but none that leaves it: what a link names is published in the site, and
// a link to /etc/passwd would publish that. A file system that cannot read
// links (an embed.FS) cannot hold any.

// maxLinks bounds the links followed from one name, as the kernel does.
const maxLinks = 40

// resolveLink returns the name, inside fsys, of the file that name
// finally refers to, following symbolic links, and what it is. It fails,
// naming the link's target, for a link that leaves fsys.
func resolveLink(fsys fs.FS, name string) (string, fs.FileInfo, error) {
	rl, ok := fsys.(fs.ReadLinkFS)
	if !ok {
		info, err := fs.Stat(fsys, name)
		return name, info, err
	}
	for range maxLinks {
		info, err := rl.Lstat(name)
		if err != nil || info.Mode()&fs.ModeSymlink == 0 {
			return name, info, err
		}
		target, err := rl.ReadLink(name)
		if err != nil {
			return name, nil, err
		}
		next := path.Join(path.Dir(name), target)
		if path.IsAbs(target) || !fs.ValidPath(next) {
			return name, nil, fmt.Errorf("symbolic link to %s leaves the book: a book's files must be inside it", target)
		}
		name = next
	}
	return name, nil, fmt.Errorf("more than %d symbolic links in a row", maxLinks)
}

// readBookFile reads the file name of fsys, which may be a symbolic link
// to a file inside the book. A missing file's error is fs.ErrNotExist.
func readBookFile(fsys fs.FS, name string) ([]byte, error) {
	target, info, err := resolveLink(fsys, name)
	if err != nil {
		return nil, err
	}
	if info.IsDir() {
		return nil, errors.New("a directory, where a file belongs")
	}
	return fs.ReadFile(fsys, target)
}
