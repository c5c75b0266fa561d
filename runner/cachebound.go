package runner

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"time"
)

// Bounds of the caches under [Runner.CacheRoot]. Past its bound, a cache
// drops its least recently used entries until it is at three quarters of
// it; entries used within the last minute stay, as a run may be about to
// use them.
const (
	BinaryCacheBound = 512 << 20 // compiled examples
	ResultCacheBound = 64 << 20  // results
)

// Bounds of one compilation of an example: the go command and every
// compiler and linker it starts.
const (
	compileTimeout  = 2 * time.Minute
	compileMemory   = 2 << 30   // RLIMIT_DATA of each process
	compileFileSize = 256 << 20 // RLIMIT_FSIZE: the binary, the objects
)

// runBounded runs the go command with the compile limits. They are set on
// the go command as soon as it has started, before it starts the compiler:
// the processes it starts inherit them.
func runBounded(cmd *exec.Cmd) error {
	if err := cmd.Start(); err != nil {
		return err
	}
	if err := limitProcess(cmd.Process.Pid, compileMemory, compileFileSize); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return err
	}
	return cmd.Wait()
}

// used marks a cache entry as just used.
func used(path string) {
	now := time.Now()
	os.Chtimes(path, now, now) // best effort: a missed mark only ages the entry
}

// trimCache removes the least recently used files of dir while their total
// size is over bound.
func trimCache(dir string, bound int64) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	type file struct {
		path string
		size int64
		used time.Time
	}
	var files []file
	var total int64
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		files = append(files, file{filepath.Join(dir, e.Name()), info.Size(), info.ModTime()})
		total += info.Size()
	}
	if total <= bound {
		return nil
	}
	sort.Slice(files, func(i, j int) bool { return files[i].used.Before(files[j].used) })
	recent := time.Now().Add(-time.Minute)
	for _, f := range files {
		if total <= bound*3/4 || f.used.After(recent) {
			break
		}
		if err := os.Remove(f.path); err != nil && !os.IsNotExist(err) {
			return err
		}
		total -= f.size
	}
	return nil
}
