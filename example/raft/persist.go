package raft

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
)

// The data directory holds two files. The term and vote change rarely and are
// small, so metaFile is rewritten whole, atomically, through metaTmp. The log
// grows with every command, so logFile is append-only: rewriting it whole on
// every append would cost time proportional to its length.
const (
	metaFile = "raft-meta"
	metaTmp  = "raft-meta.tmp"
	logFile  = "raft-log"
)

// metadata is the part of the persistent state other than the log.
type metadata struct {
	CurrentTerm int
	VotedFor    int
}

// persistentState is what Raft must not forget across a crash: the current
// term, the vote cast in it, and the log. It holds slices only, no maps, so
// its encoding is the same bytes every time.
type persistentState struct {
	CurrentTerm int
	VotedFor    int
	Log         []Entry // from index 1; the in-memory sentinel is not stored
}

func dataPath(dir, name string) string {
	return dir + string(os.PathSeparator) + name
}

// saveMeta atomically replaces the metadata file in dir. The new version is
// written and fsynced under a temporary name and then renamed over the old
// one, so a crash leaves the old or the new version, never a torn mix. The
// directory is fsynced too, or the rename itself could be lost. buf is scratch
// space reused between calls.
func saveMeta(dir string, m metadata, buf *bytes.Buffer) error {
	buf.Reset()
	if err := gob.NewEncoder(buf).Encode(m); err != nil {
		return fmt.Errorf("raft: encode metadata: %w", err)
	}
	tmp := dataPath(dir, metaTmp)
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("raft: save metadata: %w", err)
	}
	if _, err := f.Write(buf.Bytes()); err != nil {
		f.Close()
		return fmt.Errorf("raft: save metadata: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("raft: save metadata: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("raft: save metadata: %w", err)
	}
	if err := os.Rename(tmp, dataPath(dir, metaFile)); err != nil {
		return fmt.Errorf("raft: save metadata: %w", err)
	}
	return syncDir(dir)
}

// makeDataDir creates dir if it does not exist. A new directory's name, like
// a file's, is durable only once its parent directory is synced, so the
// parents of every directory MkdirAll may have created are synced; without
// that, a crash soon after the first start could take the whole data
// directory with it, and with it every vote and entry acknowledged so far.
func makeDataDir(dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("raft: %w", err)
	}
	for d := dir; ; {
		p := parentDir(d)
		if err := syncDir(p); err != nil {
			return err
		}
		if p == d || p == "." || p == string(os.PathSeparator) {
			return nil
		}
		d = p
	}
}

// parentDir returns the directory containing path d.
func parentDir(d string) string {
	sep := string(os.PathSeparator)
	d = strings.TrimRight(d, sep)
	i := strings.LastIndex(d, sep)
	switch {
	case d == "":
		return sep // d was the root
	case i < 0:
		return "."
	case i == 0:
		return sep
	}
	return strings.TrimRight(d[:i], sep)
}

// syncDir makes the directory's entries (created or renamed files) durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("raft: sync data dir: %w", err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("raft: sync data dir: %w", err)
	}
	return nil
}

// logWriter appends entries to the log file. The file is a sequence of JSON
// lines, one entry each. Replaying it applies each entry as "log[Index] = e,
// and drop everything after": an entry whose Index is not past the end
// records that the log was truncated there, as a follower does when it
// deletes a conflicting suffix. So the file never needs rewriting.
type logWriter struct {
	f   *os.File
	buf bytes.Buffer
	enc *json.Encoder // writes into buf
}

// append writes entries and fsyncs them: when it returns, they survive a crash.
func (w *logWriter) append(entries []Entry) error {
	w.buf.Reset()
	for i := range entries {
		if err := w.enc.Encode(&entries[i]); err != nil {
			return fmt.Errorf("raft: encode entry: %w", err)
		}
	}
	if _, err := w.f.Write(w.buf.Bytes()); err != nil {
		return fmt.Errorf("raft: append to log: %w", err)
	}
	if err := w.f.Sync(); err != nil {
		return fmt.Errorf("raft: sync log: %w", err)
	}
	return nil
}

func (w *logWriter) close() error { return w.f.Close() }

// loadState reads the state saved in dir and opens the log for appending. A
// missing file means nothing was ever persisted: term 0, no vote, an empty
// log. A crash in the middle of an append can leave an incomplete last line;
// it was never acknowledged, so it is cut off.
func loadState(dir string) (persistentState, *logWriter, error) {
	st := persistentState{VotedFor: -1}
	data, err := os.ReadFile(dataPath(dir, metaFile))
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return st, nil, fmt.Errorf("raft: load metadata: %w", err)
	default:
		var m metadata
		if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&m); err != nil {
			return st, nil, fmt.Errorf("raft: load metadata %s: %w", dataPath(dir, metaFile), err)
		}
		st.CurrentTerm, st.VotedFor = m.CurrentTerm, m.VotedFor
	}

	path := dataPath(dir, logFile)
	data, err = os.ReadFile(path)
	created := errors.Is(err, os.ErrNotExist)
	if err != nil && !created {
		return st, nil, fmt.Errorf("raft: load log: %w", err)
	}
	var valid int
	st.Log, valid, err = replayLog(data)
	if err != nil {
		return st, nil, fmt.Errorf("raft: load log %s: %w", path, err)
	}
	prevTerm := 0
	for _, e := range st.Log {
		if e.Term < prevTerm || e.Term > st.CurrentTerm {
			return st, nil, fmt.Errorf("raft: load log %s: entry %d has term %d after term %d, current term %d", path, e.Index, e.Term, prevTerm, st.CurrentTerm)
		}
		prevTerm = e.Term
	}

	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return st, nil, fmt.Errorf("raft: open log: %w", err)
	}
	if valid < len(data) {
		err = f.Truncate(int64(valid))
		if err == nil {
			err = f.Sync()
		}
	}
	if err == nil && created {
		err = syncDir(dir) // or a crash could lose the file's name, and its entries with it
	}
	if err != nil {
		f.Close()
		return st, nil, fmt.Errorf("raft: open log: %w", err)
	}
	w := &logWriter{f: f}
	w.enc = json.NewEncoder(&w.buf)
	return st, w, nil
}

// replayLog rebuilds the log from the log file's contents. It returns the log
// and the length of the prefix of data made of complete lines.
func replayLog(data []byte) ([]Entry, int, error) {
	var log []Entry
	valid := 0
	for {
		line, rest, ok := bytes.Cut(data[valid:], []byte("\n"))
		if !ok {
			return log, valid, nil // the rest, if any, is a torn last line
		}
		var e Entry
		if err := json.Unmarshal(line, &e); err != nil {
			return nil, 0, fmt.Errorf("at byte %d: %w", valid, err)
		}
		if e.Index < 1 || e.Index > len(log)+1 {
			return nil, 0, fmt.Errorf("at byte %d: entry index %d after %d entries", valid, e.Index, len(log))
		}
		log = append(log[:e.Index-1], e)
		valid = len(data) - len(rest)
	}
}
