package buildenv

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// copyModules gives each of cfg.Modules that lies in the module cache a copy under the cache
// with the overlay's files in place (the go command refuses to overlay files in the module
// cache), and returns the copies as replacements together with the rest of the overlay. A
// copy's directory is named by the module and every file the overlay puts in it, so a run that
// rewrites a module the same way reuses it.
func copyModules(cfg Config, env goEnv, overlay map[string]string) ([]Module, map[string]string, error) {
	if env.GOMODCACHE == "" {
		return nil, overlay, nil
	}
	modcache := filepath.Clean(env.GOMODCACHE) + string(filepath.Separator)
	rest := map[string]string{}
	for k, v := range overlay {
		rest[k] = v
	}
	var reps []Module
	for _, m := range cfg.Modules {
		if m.Dir == "" || !strings.HasPrefix(filepath.Clean(m.Dir)+string(filepath.Separator), modcache) {
			continue
		}
		prefix := filepath.Clean(m.Dir) + string(filepath.Separator)
		own := map[string]string{} // path relative to the module → replacement
		for from, to := range rest {
			if rel, ok := strings.CutPrefix(from, prefix); ok {
				own[filepath.ToSlash(rel)] = to
				delete(rest, from)
			}
		}
		if len(own) == 0 {
			continue
		}
		dir, err := copyModule(cfg.Cache, m, own)
		if err != nil {
			return nil, nil, fmt.Errorf("copying %s@%s to hold its variant: %w", m.Path, m.Version, err)
		}
		reps = append(reps, Module{Path: m.Path, Version: m.Version, Dir: dir})
	}
	sort.Slice(reps, func(i, j int) bool { return reps[i].Path < reps[j].Path })
	return reps, rest, nil
}

// copyModule copies m's directory, with the files of own replaced (or removed, for ""), to a
// directory under cache, and returns it. Unchanged files are hard links where the file system
// allows: module cache files are never modified.
func copyModule(cache string, m Module, own map[string]string) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s@%s\x00%s\x00", m.Path, m.Version, m.Dir)
	for _, rel := range sortedKeys(own) {
		// Replacement files are named by their content (see simgen test's cache).
		fmt.Fprintf(h, "%s\x00%s\x00", rel, own[rel])
	}
	dir := filepath.Join(cache, "deps", strings.ReplaceAll(m.Path, "/", "_")+"@"+m.Version+"-"+hex.EncodeToString(h.Sum(nil))[:16])
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
		return dir, nil
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o777); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".tmp-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	err = filepath.WalkDir(m.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(m.Dir, p)
		to := filepath.Join(tmp, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o777)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		if repl, ok := own[filepath.ToSlash(rel)]; ok {
			if repl == "" {
				return nil
			}
			return copyFile(repl, to)
		}
		if os.Link(p, to) == nil {
			return nil
		}
		return copyFile(p, to)
	})
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(filepath.Join(tmp, "go.mod")); err != nil {
		// A module without a go.mod of its own (from before modules): the go command
		// synthesizes one in the module cache, but a replacement directory needs it.
		if err := os.WriteFile(filepath.Join(tmp, "go.mod"), []byte("module "+m.Path+"\n"), 0o666); err != nil {
			return "", err
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, statErr := os.Stat(filepath.Join(dir, "go.mod")); statErr == nil {
			return dir, nil
		}
		return "", err
	}
	return dir, nil
}

func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}
