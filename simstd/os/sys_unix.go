//go:build unix

package os

import (
	"io/fs"
	"reflect"
	"syscall"

	"github.com/simgen/simgen/internal/fssim"
)

// statT builds the *syscall.Stat_t of a simulated inode. Field types differ
// between architectures, so it sets them by kind.
func statT(fsys *fssim.FS, st fssim.Stat) *syscall.Stat_t {
	var s syscall.Stat_t
	mode := uint64(st.Mode.Perm())
	switch {
	case st.Mode.IsDir():
		mode |= syscall.S_IFDIR
	case st.Mode&fs.ModeSymlink != 0:
		mode |= syscall.S_IFLNK
	default:
		mode |= syscall.S_IFREG
	}
	if st.Mode&fs.ModeSetuid != 0 {
		mode |= syscall.S_ISUID
	}
	if st.Mode&fs.ModeSetgid != 0 {
		mode |= syscall.S_ISGID
	}
	if st.Mode&fs.ModeSticky != 0 {
		mode |= syscall.S_ISVTX
	}
	v := reflect.ValueOf(&s).Elem()
	set := func(name string, x int64) {
		f := v.FieldByName(name)
		if !f.IsValid() {
			return
		}
		switch f.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			f.SetInt(x)
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			f.SetUint(uint64(x))
		}
	}
	set("Dev", int64(fsys.Dev()))
	set("Ino", int64(st.Ino))
	set("Nlink", int64(st.Nlink))
	set("Mode", int64(mode))
	set("Uid", int64(st.Uid))
	set("Gid", int64(st.Gid))
	set("Size", st.Size)
	set("Blksize", 4096)
	set("Blocks", (st.Size+511)/512)
	for name, t := range map[string]int64{"Atim": st.Atime.UnixNano(), "Mtim": st.Mtime.UnixNano(), "Ctim": st.Ctime.UnixNano()} {
		if f := v.FieldByName(name); f.IsValid() {
			f.Set(reflect.ValueOf(syscall.NsecToTimespec(t)))
		}
	}
	return &s
}
