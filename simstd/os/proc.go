package os

import (
	"os"
	"syscall"

	"github.com/simgen/simgen/internal/kernel"
)

// Exit causes the current program to exit with the given status code.
//
// In a simulation, Exit called on a node other than the default one is that
// node's process exiting: the node is killed (as Node.Kill: its goroutines
// stop, its unsynced disk state is lost, and Restart can boot it again),
// and Exit does not return. On the default node, which runs the
// simulation's main goroutine and stands for the whole program, Exit ends
// the run with a *kernel.ExitError (simstd.KindExit): the run is reported
// with its seed, trace hash and trace like any other, and the test fails
// (as go test fails a test that exits) or the program (simstd.Main) exits
// with code once the report is written. Unlike os.Exit, the deferred
// functions of the run's goroutines still run as the goroutines are unwound
// (the kernel's way of ending them), but outside the run: a simulation
// operation in one ends it at once.
func Exit(code int) {
	if g := kernel.Current(); g != nil {
		if n := g.Node(); n.ID() != 0 {
			g.Sim().Event(uint64(code))
			if err := n.Kill(); err != nil {
				panic(err)
			}
			g.Sync() // the node is down: never returns
			panic("simgen internal error: os.Exit returned on a killed node")
		}
		g.Exit(code, "os.Exit", "")
	}
	os.Exit(code)
}

// pidBase is the process id of the default node's process in a simulation;
// node i runs pidBase+i.
const pidBase = 1000

// Getpid returns the process id of the caller: outside a simulation the
// real one; inside, 1000 plus the node's number (the default node is 0),
// so that the run does not depend on the real process.
func Getpid() int {
	if g := kernel.Current(); g != nil {
		return pidBase + g.Node().ID()
	}
	return os.Getpid()
}

// Getppid returns the process id of the caller's parent: 1 in a simulation.
func Getppid() int {
	if kernel.Current() != nil {
		return 1
	}
	return os.Getppid()
}

// FindProcess looks for a running process by its pid, as os.FindProcess.
func FindProcess(pid int) (*Process, error) { return os.FindProcess(pid) }

// ProcAttr holds the attributes that will be applied to a new process
// started by StartProcess. It is os.ProcAttr with Files of this package's
// File type (real files only).
type ProcAttr struct {
	// If Dir is non-empty, the child changes into the directory before
	// creating the process.
	Dir string
	// If Env is non-nil, it gives the environment variables for the new
	// process in the form returned by Environ. If it is nil, the result of
	// Environ will be used.
	Env []string
	// Files specifies the open files inherited by the new process. The first
	// three entries correspond to standard input, standard output, and
	// standard error. A nil entry corresponds to that file being closed when
	// the process starts.
	Files []*File
	// Operating system-specific process creation attributes.
	Sys *syscall.SysProcAttr
}

// StartProcess starts a new real process, as os.StartProcess. In a
// simulation it fails with an error wrapping errors.ErrUnsupported: a real
// process would make the run depend on the machine. Simulated files cannot
// be passed to a process.
func StartProcess(name string, argv []string, attr *ProcAttr) (*Process, error) {
	if kernel.Current() != nil {
		return nil, &PathError{Op: "fork/exec", Path: name, Err: errUnsupported("starting a process")}
	}
	var a *os.ProcAttr
	if attr != nil {
		a = &os.ProcAttr{Dir: attr.Dir, Env: attr.Env, Sys: attr.Sys}
		for _, f := range attr.Files {
			switch {
			case f == nil:
				a.Files = append(a.Files, nil)
			case f.f != nil:
				a.Files = append(a.Files, f.f)
			default:
				return nil, &PathError{Op: "fork/exec", Path: name, Err: errUnsupported("passing a simulated file to a process")}
			}
		}
	}
	return os.StartProcess(name, argv, a)
}

// Pipe returns a connected pair of real Files, as os.Pipe. Pipes are not
// simulated: in a simulation Pipe fails with an error wrapping
// errors.ErrUnsupported.
func Pipe() (r *File, w *File, err error) {
	if kernel.Current() != nil {
		return nil, nil, NewSyscallError("pipe2", errUnsupported("os.Pipe"))
	}
	rf, wf, err := os.Pipe()
	if err != nil {
		return nil, nil, err
	}
	return wrap(rf), wrap(wf), nil
}
