package fssim

import (
	"io/fs"
	"os"
	"path/filepath"
)

// Home makes dir, a directory of the real file system, visible at the same
// absolute path on the simulated disk and makes it the working directory, at
// boot and after every crash: a test reads its testdata, and a program its
// configuration, by the relative paths it uses natively.
//
// The directory is a snapshot, read lazily: a directory's entries are read
// from the real file system when a path first goes through it, with the
// contents of its regular files; reading a directory gives its entries in
// name order, as every listing of this file system does. What is read is
// durable, and whatever the simulation writes stays on the simulated disk:
// the real tree is never written. Times are the simulation's (the moment an
// entry was read), so nothing of the real machine's clock enters the run.
// Entries that cannot be read (a permission error, a special file) are left
// out. dir must be absolute and clean; "/" is refused (nothing is made
// visible), since the whole real file system would be.
func (f *FS) Home(dir string) {
	if dir == "/" || !filepath.IsAbs(dir) || filepath.Clean(dir) != dir {
		return
	}
	d := f.root
	for _, c := range splitPath(dir) {
		next := d.ents[c]
		if next == nil {
			next = f.newInode(fs.ModeDir | 0o755)
			d.ents[c] = next // durable: never recorded as a change
			next.nlink = 1
		}
		d = next
	}
	d.lower = dir
	f.home = dir
	f.cwd = dir
}

// fill reads the entries of a directory still backed by the real file system
// (n.lower set), once.
func (f *FS) fill(n *inode) {
	dir := n.lower
	n.lower = ""
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents { // in name order
		if n.ents[e.Name()] != nil {
			continue
		}
		if c := f.readLower(filepath.Join(dir, e.Name()), e.Type()); c != nil {
			n.ents[e.Name()] = c
			c.nlink = 1
		}
	}
}

// readLower returns the inode for the real file path of type typ: a
// directory to be filled when reached, a symbolic link, or a regular file
// with its contents; nil for anything else or on an error.
func (f *FS) readLower(path string, typ fs.FileMode) *inode {
	info, err := os.Lstat(path)
	if err != nil || info.Mode().Type() != typ {
		return nil // changed since the listing
	}
	perm := info.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
	switch {
	case typ.IsDir():
		n := f.newInode(fs.ModeDir | perm)
		n.lower = path
		return n
	case typ&fs.ModeSymlink != 0:
		target, err := os.Readlink(path)
		if err != nil || target == "" {
			return nil
		}
		n := f.newInode(fs.ModeSymlink | 0o777)
		n.target = target
		return n
	case typ.IsRegular():
		data, err := os.ReadFile(path)
		if err != nil {
			return nil
		}
		n := f.newInode(perm)
		n.data.writeAt(data, 0)
		return n
	}
	return nil
}
