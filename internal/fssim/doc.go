// Package fssim is the simulated disk of a simgen node: an in-memory POSIX
// file system with Linux's system-call semantics (errors are syscall.Errno
// values, as open(2), rename(2), unlink(2) … return them) and a durability
// model, so that a crash of the node loses exactly what a real crash may
// lose. simstd/os builds package os on top of it; simstd/fault configures
// its faults.
//
// # One disk per node
//
// Of returns the file system of a kernel.Node, created on first use and kept
// in Node.Ext, so it survives Kill and Restart as a disk does. Each node has
// its own tree, its own working directory (reset to its boot value when the
// node is killed) and its own descriptor numbers. Every node's tree starts
// with the directories / and /tmp, both durable, and with the process's
// working directory (a test's package directory) at its real path, as a
// read-only snapshot of the real one that the node may change (FS.Home); it
// is the node's working directory at boot.
//
// # Durability
//
// Every inode has a volatile state (what the node's processes see) and a
// durable state (what survives a crash). When the node is killed, the file
// system rolls back to the durable state:
//
//   - File contents and metadata (size, mode, times) become durable when the
//     file is synced: File.Sync (fsync) on any descriptor of the file, or
//     each write of a descriptor opened with O_SYNC. Close does not sync.
//   - A directory entry that was created, removed or replaced (create, mkdir,
//     link, symlink, unlink, rmdir, rename) becomes durable only when its
//     parent directory is synced: open the directory and call Sync on it.
//     This is what POSIX promises (ext4's journal often persists entries
//     sooner, but does not promise to), and what careful databases rely on:
//     after creating or renaming a file, fsync the directory. A rename
//     between two directories needs both synced; if only one is, the crash
//     keeps the file under both names or under neither.
//   - Syncing a file does not make its name durable, and syncing a directory
//     does not make the contents of its files durable.
//   - A file whose durable name is gone after the crash is gone; an inode
//     still named by a durable entry comes back with its durable contents
//     (empty if it was never synced).
//
// With torn writes enabled (Faults.TornWrites), a crash keeps, for each file
// with unsynced changes, a random prefix of its pending changes instead of
// none: the first k writes and truncations since the last sync (k uniform
// from none to all), half the time the next write cut at a uniformly random
// byte, and nothing after. The draws come from the run's generator, file
// after file in a deterministic order, and each torn file is mixed into the
// trace hash.
//
// After a crash, descriptors opened before it are dead (operations fail as
// on a closed file), the working directory is the boot one again, and descriptor
// numbers start again at 3.
//
// # Cost
//
// Keeping both states is cheap: a file keeps an undo log of its changes
// since its last sync (an append records only the old size, an overwrite
// the bytes it replaced, a truncation the 64 KiB chunks it cut, handed over
// rather than copied), and a directory the durable binding of each name it
// changed. Sync drops the log, so it costs O(1) whatever the file size; a
// crash replays the logs backwards. Contents are kept in 64 KiB chunks, so
// a growing file is never copied. A file rewritten many times without a
// sync keeps every overwritten byte until it is synced or the node crashes.
//
// # Faults
//
// Faults (per run, or per node) inject EIO into writes and syncs (WriteErr)
// and into reads (ReadErr) with the given probabilities, drawn from the
// run's generator only when the probability is positive, so that a run
// without faults draws nothing. A failed write writes nothing; a failed
// sync makes nothing durable. Each injected fault is mixed into the trace
// hash with Sim.Event.
//
// # What is not modelled
//
// Permissions are stored and reported but not enforced (processes run as
// root), the umask is fixed at 022, there is no size limit (ENOSPC), access
// times are set only by Chtimes, and directory listings are in name order.
// Symbolic links are supported; hard links to directories are not (EPERM,
// as on Linux).
package fssim
