package os

import (
	"io/fs"
	"os"
)

// Flags to OpenFile, as in package os.
const (
	O_RDONLY int = os.O_RDONLY // open the file read-only.
	O_WRONLY int = os.O_WRONLY // open the file write-only.
	O_RDWR   int = os.O_RDWR   // open the file read-write.
	O_APPEND int = os.O_APPEND // append data to the file when writing.
	O_CREATE int = os.O_CREATE // create a new file if none exists.
	O_EXCL   int = os.O_EXCL   // used with O_CREATE, file must not exist.
	O_SYNC   int = os.O_SYNC   // open for synchronous I/O: every write is durable.
	O_TRUNC  int = os.O_TRUNC  // truncate regular writable file when opened.
)

// Seek whence values.
//
// Deprecated: Use io.SeekStart, io.SeekCurrent, and io.SeekEnd.
const (
	SEEK_SET int = 0 // seek relative to the origin of the file
	SEEK_CUR int = 1 // seek relative to the current offset
	SEEK_END int = 2 // seek relative to the end
)

// Path separators, as in package os.
const (
	PathSeparator     = os.PathSeparator     // OS-specific path separator
	PathListSeparator = os.PathListSeparator // OS-specific path list separator
)

// File mode bits, as in package os (they are io/fs's).
const (
	ModeDir        = fs.ModeDir        // d: is a directory
	ModeAppend     = fs.ModeAppend     // a: append-only
	ModeExclusive  = fs.ModeExclusive  // l: exclusive use
	ModeTemporary  = fs.ModeTemporary  // T: temporary file; Plan 9 only
	ModeSymlink    = fs.ModeSymlink    // L: symbolic link
	ModeDevice     = fs.ModeDevice     // D: device file
	ModeNamedPipe  = fs.ModeNamedPipe  // p: named pipe (FIFO)
	ModeSocket     = fs.ModeSocket     // S: Unix domain socket
	ModeSetuid     = fs.ModeSetuid     // u: setuid
	ModeSetgid     = fs.ModeSetgid     // g: setgid
	ModeCharDevice = fs.ModeCharDevice // c: Unix character device, when ModeDevice is set
	ModeSticky     = fs.ModeSticky     // t: sticky
	ModeIrregular  = fs.ModeIrregular  // ?: non-regular file; nothing else is known about this file

	// Mask for the type bits. For regular files, none will be set.
	ModeType = fs.ModeType

	ModePerm = fs.ModePerm // Unix permission bits, 0o777
)

// DevNull is the name of the operating system's “null device”.
const DevNull = os.DevNull

// Portable analogs of some common system call errors: the standard
// library's own values, so errors.Is works across rewritten and
// non-rewritten code.
var (
	ErrInvalid    = os.ErrInvalid    // "invalid argument"
	ErrPermission = os.ErrPermission // "permission denied"
	ErrExist      = os.ErrExist      // "file already exists"
	ErrNotExist   = os.ErrNotExist   // "file does not exist"
	ErrClosed     = os.ErrClosed     // "file already closed"

	ErrNoDeadline       = os.ErrNoDeadline       // "file type does not support deadline"
	ErrDeadlineExceeded = os.ErrDeadlineExceeded // "i/o timeout"
)

// Process errors, the standard library's own values.
var (
	// ErrProcessDone indicates a Process has finished.
	ErrProcessDone = os.ErrProcessDone
	// ErrNoHandle indicates that a Process has no handle.
	ErrNoHandle = os.ErrNoHandle
)

// The signals present on all systems, the standard library's own values.
var (
	Interrupt Signal = os.Interrupt
	Kill      Signal = os.Kill
)

// Args hold the command-line arguments, starting with the program name. It
// starts as the standard library's os.Args (the same backing array);
// assigning to it does not change os.Args, which package flag reads.
var Args = os.Args

// Types shared with the standard library.
type (
	// DirEntry is fs.DirEntry.
	DirEntry = fs.DirEntry
	// FileInfo is fs.FileInfo.
	FileInfo = fs.FileInfo
	// FileMode is fs.FileMode.
	FileMode = fs.FileMode
	// PathError is fs.PathError.
	PathError = fs.PathError
	// LinkError is os.LinkError.
	LinkError = os.LinkError
	// SyscallError is os.SyscallError.
	SyscallError = os.SyscallError
	// Signal is os.Signal.
	Signal = os.Signal
	// Process is os.Process.
	Process = os.Process
	// ProcessState is os.ProcessState.
	ProcessState = os.ProcessState
)

// Environment, process identity and error classification: the standard
// library's, shared by every node of a simulation.

// Getenv retrieves the value of the environment variable named by the key.
func Getenv(key string) string { return os.Getenv(key) }

// LookupEnv retrieves the value of the environment variable named by the key.
func LookupEnv(key string) (string, bool) { return os.LookupEnv(key) }

// Setenv sets the value of the environment variable named by the key.
func Setenv(key, value string) error { return os.Setenv(key, value) }

// Unsetenv unsets a single environment variable.
func Unsetenv(key string) error { return os.Unsetenv(key) }

// Clearenv deletes all environment variables.
func Clearenv() { os.Clearenv() }

// Environ returns a copy of strings representing the environment.
func Environ() []string { return os.Environ() }

// Expand replaces ${var} or $var in the string based on the mapping function.
func Expand(s string, mapping func(string) string) string { return os.Expand(s, mapping) }

// ExpandEnv replaces ${var} or $var in the string according to the values of
// the current environment variables.
func ExpandEnv(s string) string { return os.ExpandEnv(s) }

// Getuid returns the numeric user id of the caller.
func Getuid() int { return os.Getuid() }

// Geteuid returns the numeric effective user id of the caller.
func Geteuid() int { return os.Geteuid() }

// Getgid returns the numeric group id of the caller.
func Getgid() int { return os.Getgid() }

// Getegid returns the numeric effective group id of the caller.
func Getegid() int { return os.Getegid() }

// Getgroups returns a list of the numeric ids of groups that the caller belongs to.
func Getgroups() ([]int, error) { return os.Getgroups() }

// Getpagesize returns the underlying system's memory page size.
func Getpagesize() int { return os.Getpagesize() }

// Executable returns the path name for the executable that started the
// current process.
func Executable() (string, error) { return os.Executable() }

// UserHomeDir returns the current user's home directory ($HOME). In a
// simulation the directory need not exist on the node's disk.
func UserHomeDir() (string, error) { return os.UserHomeDir() }

// UserCacheDir returns the default root directory to use for user-specific
// cached data.
func UserCacheDir() (string, error) { return os.UserCacheDir() }

// UserConfigDir returns the default root directory to use for user-specific
// configuration data.
func UserConfigDir() (string, error) { return os.UserConfigDir() }

// IsExist reports whether err says that a file or directory already exists.
func IsExist(err error) bool { return os.IsExist(err) }

// IsNotExist reports whether err says that a file or directory does not exist.
func IsNotExist(err error) bool { return os.IsNotExist(err) }

// IsPermission reports whether err says that permission is denied.
func IsPermission(err error) bool { return os.IsPermission(err) }

// IsTimeout reports whether err says that a timeout occurred.
func IsTimeout(err error) bool { return os.IsTimeout(err) }

// IsPathSeparator reports whether c is a directory separator character.
func IsPathSeparator(c uint8) bool { return os.IsPathSeparator(c) }

// NewSyscallError returns, as an error, a new SyscallError with the given
// system call name and error details (nil if err is nil).
func NewSyscallError(syscall string, err error) error { return os.NewSyscallError(syscall, err) }
