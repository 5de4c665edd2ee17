// Package os is the simulated variant of the standard library's os package:
// simgen rewrites an import of "os" to this package. It declares every
// exported name of package os (api_test.go checks it against the standard
// library), so that rewritten code compiles unchanged.
//
// Outside a simulation (package initialization, native goroutines, a
// variant used natively) every function is the standard library's, on the
// real file system. Inside a simulation, file system operations act on the
// disk of the calling goroutine's node (see simstd.Node): an in-memory file
// system (internal/fssim) with Linux semantics, which survives Kill and
// Restart of the node but keeps, after a Kill, only what was made durable:
//
//   - a file's contents and metadata when the file was synced (File.Sync,
//     or every write of a file opened with O_SYNC);
//   - a created, removed or renamed directory entry when its parent
//     directory was synced (open the directory and call Sync on it).
//
// Close does not sync, and neither does WriteFile. Disk faults (EIO on
// reads, writes and syncs, torn writes on a crash) are configured with
// simstd/fault.SetDisk.
//
// Every file operation in a simulation is a scheduling point, so the seed
// decides how goroutines interleave around I/O; functions that make several
// operations (ReadFile, MkdirAll, RemoveAll, …) make several points. Times
// are the virtual clock's. Errors are those package os returns on Linux,
// with the same types, Op strings and syscall.Errno values
// (*PathError{Op: "open", Path: name, Err: syscall.ENOENT}, *LinkError for
// Rename, ErrClosed after Close…), so errors.Is(err, fs.ErrNotExist) and
// friends behave the same.
//
// Every node's disk starts with the process's working directory (a test's
// package directory) at its real path, as a snapshot read lazily from the
// real one: testdata is found by the paths a test uses natively, and what
// the simulation writes there stays on the simulated disk. Each node has its
// own working directory (Chdir, Getwd; that directory at boot and after a
// restart), and TempDir is "/tmp", which every node's disk has.
// Hostname is the node's name and Getpid is 1000 plus the node's number.
// Exit on a node other than the default one kills that node (see Exit).
//
// Files are this package's *File, which wraps either a real *os.File
// (Stdin, Stdout, Stderr, NewFile, and files opened outside a simulation) or
// a simulated file; the standard files stay real in a simulation, so output
// still reaches the terminal. The environment (Getenv, Setenv, …), Args and
// the process functions are the process's, shared by all nodes. Not
// simulated: Pipe and StartProcess fail in a simulation with an error
// wrapping errors.ErrUnsupported, and SyscallConn of a simulated file does
// too. Permissions are stored but not enforced, and the umask is 022.
//
// Since *File is not *os.File, standard library APIs that take an *os.File
// (os/exec's ExtraFiles, net.FileConn, …) do not accept it; values of the
// shared types (FileInfo, FileMode, DirEntry, PathError, LinkError,
// Process, Signal, …) cross freely.
package os
