package buildenv

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/semver"
)

// vendored is one module of vendor/modules.txt.
type vendored struct {
	path, version string
	goVersion     string   // from "## explicit; go 1.N"; "" if not recorded
	packages      []string // import paths, all within path
}

// useVendor reports whether the go command builds root's module from its vendor directory:
// with -mod=vendor, or by default when vendor/modules.txt exists and the go line is 1.14 or
// later.
func useVendor(root string, mf *modfile.File, goflags string) bool {
	for _, f := range strings.Fields(goflags) {
		switch f {
		case "-mod=vendor", "--mod=vendor":
			return true
		case "-mod=mod", "--mod=mod", "-mod=readonly", "--mod=readonly":
			return false
		}
	}
	if _, err := os.Stat(filepath.Join(root, "vendor", "modules.txt")); err != nil {
		return false
	}
	return mf.Go != nil && semver.Compare("v"+mf.Go.Version, "v1.14") >= 0
}

// replaceVendored gives each module of root's vendor directory a directory of its own under
// cache (its vendored files and a go.mod) and makes mf require and replace the module with it.
// The variants' build then needs neither the vendor directory, which cannot gain simstd, nor
// the module cache or network. It returns each module's directory by module path.
func replaceVendored(mf *modfile.File, root, cache string) (map[string]string, error) {
	data, err := os.ReadFile(filepath.Join(root, "vendor", "modules.txt"))
	if err != nil {
		return nil, err
	}
	mods := parseModulesTxt(string(data))
	roots := map[string]bool{}
	for _, m := range mods {
		roots[m.path] = true
	}
	dirs := map[string]string{}
	for _, m := range mods {
		dir, err := writeVendored(root, cache, m, roots)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", m.path, err)
		}
		if err := replaceModule(mf, Module{Path: m.path, Dir: dir}); err != nil {
			return nil, err
		}
		if !requires(mf.Require, m.path) {
			mf.AddNewRequire(m.path, m.version, true)
		}
		dirs[m.path] = dir
	}
	return dirs, nil
}

// remapVendored moves the overlay's entries for files under root/vendor to the directories
// replaceVendored gave their modules.
func remapVendored(overlay map[string]string, root string, dirs map[string]string) map[string]string {
	vendor := filepath.Join(root, "vendor") + string(filepath.Separator)
	out := map[string]string{}
	for from, to := range overlay {
		rel, ok := strings.CutPrefix(from, vendor)
		if !ok {
			out[from] = to
			continue
		}
		rel = filepath.ToSlash(rel)
		best := ""
		for mod := range dirs {
			if strings.HasPrefix(rel, mod+"/") && len(mod) > len(best) {
				best = mod
			}
		}
		if best == "" {
			out[from] = to
			continue
		}
		out[filepath.Join(dirs[best], filepath.FromSlash(strings.TrimPrefix(rel, best+"/")))] = to
	}
	return out
}

// parseModulesTxt reads the modules of a vendor/modules.txt.
func parseModulesTxt(text string) []*vendored {
	var mods []*vendored
	var cur *vendored
	for _, line := range strings.Split(text, "\n") {
		switch {
		case strings.HasPrefix(line, "# "):
			f := strings.Fields(line[2:])
			cur = nil
			if len(f) >= 2 && f[1] != "=>" {
				cur = &vendored{path: f[0], version: f[1]}
				mods = append(mods, cur)
			}
		case strings.HasPrefix(line, "## "):
			if cur == nil {
				continue
			}
			for _, a := range strings.Split(line[3:], ";") {
				if v, ok := strings.CutPrefix(strings.TrimSpace(a), "go "); ok {
					cur.goVersion = v
				}
			}
		case line != "" && cur != nil:
			cur.packages = append(cur.packages, line)
		}
	}
	return mods
}

// writeVendored copies m's vendored packages into a directory under cache named by their
// content, with a go.mod, and returns it. Package directories are copied whole (embedded
// files live in subdirectories) except for subdirectories that are other modules' roots.
func writeVendored(root, cache string, m *vendored, roots map[string]bool) (string, error) {
	files := map[string][]byte{}
	gomod := "module " + m.path + "\n"
	if m.goVersion != "" {
		gomod += "\ngo " + m.goVersion + "\n"
	}
	files["go.mod"] = []byte(gomod)
	for _, pkg := range m.packages {
		rel := strings.TrimPrefix(strings.TrimPrefix(pkg, m.path), "/")
		src := filepath.Join(root, "vendor", filepath.FromSlash(pkg))
		err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			sub, _ := filepath.Rel(filepath.Join(root, "vendor"), p)
			if d.IsDir() {
				if p != src && roots[filepath.ToSlash(sub)] {
					return fs.SkipDir
				}
				return nil
			}
			if !d.Type().IsRegular() {
				return nil
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			inMod, _ := filepath.Rel(src, p)
			files[pathJoin(rel, filepath.ToSlash(inMod))] = data
			return nil
		})
		if err != nil {
			return "", err
		}
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s@%s\x00", m.path, m.version)
	for _, name := range sortedKeys(files) {
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(files[name]))
		h.Write(files[name])
	}
	dir := filepath.Join(cache, "vendor", hex.EncodeToString(h.Sum(nil))[:24])
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
		return dir, nil
	}
	return dir, writeTree(dir, files)
}

func pathJoin(a, b string) string {
	if a == "" {
		return b
	}
	return a + "/" + b
}
