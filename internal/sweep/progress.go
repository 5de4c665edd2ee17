package sweep

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// Progress shows a sweep's progress while it runs. Its methods are called from one goroutine.
type Progress interface {
	// Update reports that done of total seeds have finished, failed of them failing.
	Update(done, failed uint64)
	// Finish removes or ends the display before the summary is printed.
	Finish()
}

// NewProgress returns a progress bar when w is a terminal and plain progress lines otherwise.
func NewProgress(w io.Writer, total uint64) Progress {
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return NewBar(w, total)
	}
	return NewLines(w, total)
}

type bar struct {
	b      *progressbar.ProgressBar
	failed uint64
}

// NewBar returns a progress bar drawn on w (a terminal): seeds done, seeds/s, failures and
// the time left.
func NewBar(w io.Writer, total uint64) Progress {
	b := progressbar.NewOptions64(int64(total),
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription("seeds"),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("seeds"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
	return &bar{b: b}
}

func (p *bar) Update(done, failed uint64) {
	if failed != p.failed {
		p.failed = failed
		p.b.Describe(fmt.Sprintf("seeds, %d failed", failed))
	}
	p.b.Set64(int64(done))
}

func (p *bar) Finish() {
	p.b.Finish() // with OptionClearOnFinish: erases the bar
}

// LinesEvery and LinesAtLeast pace plain progress lines: a line when another tenth of the
// seeds is done but at most one every LinesEvery, and at least one every LinesAtLeast.
const (
	LinesEvery   = 5 * time.Second
	LinesAtLeast = 30 * time.Second
)

type lines struct {
	mu          sync.Mutex
	w           io.Writer
	total       uint64
	now         func() time.Time
	start, last time.Time
	lastTenth   uint64
	done        uint64
	failed      uint64
	stop        chan struct{}
	stopped     sync.WaitGroup
}

// NewLines returns progress as plain lines on w, for logs: never one per seed.
func NewLines(w io.Writer, total uint64) Progress { return newLines(w, total, time.Now, time.Second) }

// newLines checks every tick whether a line is due even though no seed finished; 0 never.
func newLines(w io.Writer, total uint64, now func() time.Time, tick time.Duration) *lines {
	t := now()
	p := &lines{w: w, total: total, now: now, start: t, last: t, stop: make(chan struct{})}
	if tick <= 0 {
		return p
	}
	p.stopped.Add(1)
	go func() {
		defer p.stopped.Done()
		tk := time.NewTicker(tick)
		defer tk.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-tk.C:
				p.mu.Lock()
				p.maybePrint()
				p.mu.Unlock()
			}
		}
	}()
	return p
}

func (p *lines) Update(done, failed uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done, p.failed = done, failed
	p.maybePrint()
}

func (p *lines) maybePrint() {
	t := p.now()
	since := t.Sub(p.last)
	tenth := uint64(0)
	if p.total > 0 {
		tenth = p.done * 10 / p.total
	}
	if !(since >= LinesAtLeast || (since >= LinesEvery && tenth > p.lastTenth)) {
		return
	}
	p.last, p.lastTenth = t, tenth
	elapsed := t.Sub(p.start)
	line := fmt.Sprintf("simgen: %d/%d seeds", p.done, p.total)
	if p.total > 0 {
		line += fmt.Sprintf(" (%d%%)", p.done*100/p.total)
	}
	line += fmt.Sprintf(", %d failed, %s seeds/s, %v elapsed", p.failed, rate(int(p.done), elapsed), elapsed.Round(time.Second))
	if p.done > 0 && p.done < p.total {
		left := time.Duration(float64(elapsed) / float64(p.done) * float64(p.total-p.done))
		line += fmt.Sprintf(", about %v left", left.Round(time.Second))
	}
	fmt.Fprintln(p.w, line)
}

func (p *lines) Finish() {
	close(p.stop)
	p.stopped.Wait()
}
