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

// The data directory holds up to three files. The term and vote change
// rarely and are small, so metaFile is rewritten whole, atomically, through
// metaTmp. The log grows with every command, so logFile is appended to:
// rewriting it whole on every append would cost time proportional to its
// length. It is rewritten (through logTmp) only after a snapshot, which
// snapshotFile holds, has made its first entries unnecessary.
const (
	metaFile     = "raft-meta"
	metaTmp      = "raft-meta.tmp"
	logFile      = "raft-log"
	logTmp       = "raft-log.tmp"
	snapshotFile = "raft-snapshot"
	snapshotTmp  = "raft-snapshot.tmp"
)

// metadata is the part of the persistent state other than the log.
type metadata struct {
	CurrentTerm int
	VotedFor    int
}

// persistentState is what Raft must not forget across a crash: the current
// term, the vote cast in it, the latest snapshot and the log after it.
type persistentState struct {
	CurrentTerm int
	VotedFor    int
	Snapshot    snapshot
	Log         []Entry // from index Snapshot.Index+1; the in-memory sentinel is not stored
}

// snapshot is the state machine as it stood after applying every entry up
// to Index, of term Term, which it replaces in the log. The zero snapshot
// (Index 0) is the empty state machine before any entry.
type snapshot struct {
	Index int
	Term  int
	State []byte // the key-value store's encoding; nil for Index 0
}

func dataPath(dir, name string) string {
	return dir + string(os.PathSeparator) + name
}

// saveMeta atomically replaces the metadata file in dir. buf is scratch
// space reused between calls.
func saveMeta(dir string, m metadata, buf *bytes.Buffer) error {
	buf.Reset()
	if err := gob.NewEncoder(buf).Encode(m); err != nil {
		return fmt.Errorf("raft: encode metadata: %w", err)
	}
	if err := replaceFile(dir, metaFile, metaTmp, buf.Bytes()); err != nil {
		return fmt.Errorf("raft: save metadata: %w", err)
	}
	return nil
}

// saveSnapshot atomically replaces the snapshot file in dir.
func saveSnapshot(dir string, snap snapshot) error {
	data, err := json.Marshal(snap)
	if err != nil {
		return fmt.Errorf("raft: encode snapshot: %w", err)
	}
	if err := replaceFile(dir, snapshotFile, snapshotTmp, data); err != nil {
		return fmt.Errorf("raft: save snapshot: %w", err)
	}
	return nil
}

// replaceFile atomically replaces the file name in dir with data. The new
// version is written and fsynced under the name tmp and then renamed over
// the old one, so a crash leaves the old or the new version, never a torn
// mix. The directory is fsynced too, or the rename itself could be lost.
func replaceFile(dir, name, tmp string, data []byte) error {
	path := dataPath(dir, tmp)
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(path, dataPath(dir, name)); err != nil {
		return err
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
// deletes a conflicting suffix. So an append never needs a rewrite; only a
// snapshot rewrites the file.
type logWriter struct {
	dir string
	f   *os.File // logFile in dir, opened for appending
	buf bytes.Buffer
	enc *json.Encoder // writes into buf
}

// append writes entries and fsyncs them: when it returns, they survive a crash.
func (w *logWriter) append(entries []Entry) error {
	if err := w.encode(entries); err != nil {
		return err
	}
	if _, err := w.f.Write(w.buf.Bytes()); err != nil {
		return fmt.Errorf("raft: append to log: %w", err)
	}
	if err := w.f.Sync(); err != nil {
		return fmt.Errorf("raft: sync log: %w", err)
	}
	return nil
}

// rewrite atomically replaces the log file with one holding just entries,
// after a snapshot made the others unnecessary. The snapshot must be on disk
// first: a crash in between leaves the old file, which loadState trims to
// the snapshot and rewrites.
func (w *logWriter) rewrite(entries []Entry) error {
	if err := w.encode(entries); err != nil {
		return err
	}
	if err := replaceFile(w.dir, logFile, logTmp, w.buf.Bytes()); err != nil {
		return fmt.Errorf("raft: rewrite log: %w", err)
	}
	f, err := os.OpenFile(dataPath(w.dir, logFile), os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("raft: open log: %w", err)
	}
	w.f.Close() // the replaced file's; everything in it was synced
	w.f = f
	return nil
}

// encode leaves entries, one JSON line each, in w.buf.
func (w *logWriter) encode(entries []Entry) error {
	w.buf.Reset()
	for _, e := range entries {
		c := e.Command
		if err := w.enc.Encode(fileEntry{e.Index, e.Term, c.Op, []byte(c.Key), []byte(c.Value), c.ClientID, c.Seq}); err != nil {
			return fmt.Errorf("raft: encode entry: %w", err)
		}
	}
	return nil
}

// fileEntry is an Entry as the log file holds it. Key and value are bytes
// (base64 in JSON), since a JSON string cannot carry bytes that are not
// UTF-8: a replayed log must hold exactly what was appended.
type fileEntry struct {
	Index, Term   int
	Op            Op
	Key, Value    []byte
	ClientID, Seq int64
}

func (f fileEntry) entry() Entry {
	return Entry{Index: f.Index, Term: f.Term, Command: Command{Op: f.Op, Key: string(f.Key), Value: string(f.Value), ClientID: f.ClientID, Seq: f.Seq}}
}

func (w *logWriter) close() error { return w.f.Close() }

// loadState reads the state saved in dir and opens the log for appending. A
// missing file means nothing was ever persisted: term 0, no vote, no
// snapshot, an empty log. A crash in the middle of an append can leave an
// incomplete last line; it was never acknowledged, so it is cut off.
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
	if st.Snapshot, err = loadSnapshot(dir); err != nil {
		return st, nil, err
	}

	path := dataPath(dir, logFile)
	data, err = os.ReadFile(path)
	created := errors.Is(err, os.ErrNotExist)
	if err != nil && !created {
		return st, nil, fmt.Errorf("raft: load log: %w", err)
	}
	log, valid, err := replayLog(data)
	if err == nil {
		st.Log, err = afterSnapshot(log, st.Snapshot)
	}
	if err != nil {
		return st, nil, fmt.Errorf("raft: load log %s: %w", path, err)
	}
	prevTerm := st.Snapshot.Term
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
	w := &logWriter{dir: dir, f: f}
	w.enc = json.NewEncoder(&w.buf)
	if len(st.Log) < len(log) {
		// The snapshot replaced entries the file still holds: a crash came
		// between saving it and rewriting the file. New entries must follow
		// the log as loaded, not the ones the snapshot made stale, so the
		// rewrite is finished first.
		if err := w.rewrite(st.Log); err != nil {
			w.close()
			return st, nil, err
		}
	}
	return st, w, nil
}

// loadSnapshot reads the snapshot file in dir; the zero snapshot if there
// is none.
func loadSnapshot(dir string) (snapshot, error) {
	var snap snapshot
	data, err := os.ReadFile(dataPath(dir, snapshotFile))
	switch {
	case errors.Is(err, os.ErrNotExist):
		return snap, nil
	case err != nil:
		return snap, fmt.Errorf("raft: load snapshot: %w", err)
	}
	if err := json.Unmarshal(data, &snap); err != nil || snap.Index < 1 {
		return snap, fmt.Errorf("raft: load snapshot %s: not a snapshot (%v)", dataPath(dir, snapshotFile), err)
	}
	return snap, nil
}

// replayLog rebuilds the log from the log file's contents. It returns the log
// and the length of the prefix of data made of complete lines. The first
// entry may have any index (a rewritten file starts after a snapshot); each
// later one must fit in the log so far or just after it.
func replayLog(data []byte) ([]Entry, int, error) {
	var log []Entry
	valid := 0
	for {
		line, rest, ok := bytes.Cut(data[valid:], []byte("\n"))
		if !ok {
			return log, valid, nil // the rest, if any, is a torn last line
		}
		var f fileEntry
		if err := json.Unmarshal(line, &f); err != nil {
			return nil, 0, fmt.Errorf("at byte %d: %w", valid, err)
		}
		e := f.entry()
		first := e.Index
		if len(log) > 0 {
			first = log[0].Index
		}
		if e.Index < max(first, 1) || e.Index > first+len(log) {
			return nil, 0, fmt.Errorf("at byte %d: entry index %d after entries %d to %d", valid, e.Index, first, first+len(log)-1)
		}
		log = append(log[:e.Index-first], e)
		valid = len(data) - len(rest)
	}
}

// afterSnapshot returns the entries of log that follow snap. If log holds
// snap's last entry, the entries after it are kept; if it holds another
// entry there, the log is stale and none are (the rule for installing a
// snapshot, which a crash may have interrupted before the log was rewritten).
func afterSnapshot(log []Entry, snap snapshot) ([]Entry, error) {
	if len(log) == 0 {
		return nil, nil
	}
	first, last := log[0].Index, log[len(log)-1].Index
	switch {
	case first > snap.Index+1:
		return nil, fmt.Errorf("the log starts at entry %d, after a snapshot up to %d", first, snap.Index)
	case last <= snap.Index:
		return nil, nil
	case snap.Index < first:
		return log, nil // snap.Index == first-1, or no snapshot
	case log[snap.Index-first].Term != snap.Term:
		return nil, nil
	}
	return log[snap.Index-first+1:], nil
}
