package traceview

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// browser returns a Chromium or Chrome binary on PATH, or "".
func browser() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// headless runs the browser headless on page with args, and returns its standard output. The
// page's script must not throw.
func headless(t *testing.T, bin, page string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args = append([]string{"--headless", "--disable-gpu", "--no-sandbox", "--window-size=1400,900",
		"--user-data-dir=" + t.TempDir(), "--no-first-run", "--enable-logging=stderr"}, args...)
	cmd := exec.CommandContext(ctx, bin, append(args, "file://"+page)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "%s %v\n%s", bin, args, stderr.String())
	assert.NotRegexp(t, `Uncaught|TypeError|ReferenceError`, stderr.String(), "the page's script failed")
	return stdout.Bytes()
}

// TestBrowser loads pages in a headless Chromium: the script must run without errors (the
// lanes are in the DOM) and draw something (the screenshot is not blank). Skipped without a
// browser.
func TestBrowser(t *testing.T) {
	bin := browser()
	if bin == "" {
		t.Skip("no chromium, chromium-browser or google-chrome on PATH: the page is not checked in a browser (on Debian: apt-get install chromium)")
	}
	dir := t.TempDir()
	t.Run("synthetic", func(t *testing.T) {
		t.Parallel()
		evs, _ := synthTrace()
		page := filepath.Join(dir, "synth.html")
		writePage(t, page, evs)
		shot := filepath.Join(dir, "shot.png")
		// #event=20 selects event 20, a message's delivery; rows=1 draws a row per goroutine.
		dom := string(headless(t, bin, page+"#rows=1&event=20", "--screenshot="+shot, "--dump-dom"))

		f, err := os.Open(shot)
		require.NoError(t, err, "the browser wrote no screenshot")
		img, err := png.Decode(f)
		f.Close()
		require.NoError(t, err)
		colors, inked := pixelVariety(img)
		t.Logf("screenshot %v: %d colors, %.1f%% not white", img.Bounds().Size(), colors, inked*100)
		assert.Greater(t, colors, 50, "a blank or nearly blank screenshot")
		assert.Greater(t, inked, 0.03, "a blank or nearly blank screenshot")

		for _, n := range []string{"main", "n1", "n2", "n3"} {
			assert.Regexp(t, `<div class="lane-label[^"]*" data-node="`+n+`"[^>]*>`+n+`</div>`, dom, "the script drew lane %s", n)
		}
		assert.Contains(t, dom, `data-rendered="`+strconv.Itoa(len(evs))+`"`)
		assert.Regexp(t, `<td>event</td><td class="mono">#20 of `+strconv.Itoa(len(evs)), dom, "the side panel shows the event")
		assert.Contains(t, dom, "<h2>Message</h2>", "and its message")
		assert.Regexp(t, `<input id="split" type="checkbox"[^>]*>`, dom)
	})
	t.Run("100k events", func(t *testing.T) {
		t.Parallel()
		big := filepath.Join(dir, "big.html")
		evs := bigTrace(100_000, 8)
		writePage(t, big, evs)
		dom := string(headless(t, bin, big+"#scale=linear", "--dump-dom"))
		m := regexp.MustCompile(`data-rendered="(\d+)" data-script-ms="(\d+)" data-load-ms="(\d+)"`).FindStringSubmatch(dom)
		require.NotNil(t, m, "the script ran to the end on a large trace")
		assert.Equal(t, strconv.Itoa(len(evs)), m[1])
		t.Logf("%s events: script %s ms, page %s ms", m[1], m[2], m[3])
		assert.Contains(t, dom, `data-node="node7"`)
	})
	t.Run("degenerate", func(t *testing.T) {
		t.Parallel()
		// A process that died at once: the meta line and nothing else, no node.
		page := filepath.Join(dir, "meta.html")
		tr := mustRead(t, `{"step":0,"t":0,"ev":"meta","seed":1,"program":"x"}`+"\n")
		var buf bytes.Buffer
		require.NoError(t, Render(&buf, tr, Options{}))
		require.NoError(t, os.WriteFile(page, buf.Bytes(), 0o666))
		dom := string(headless(t, bin, page+"#scale=order&rows=1&event=1", "--dump-dom"))
		assert.Contains(t, dom, `data-rendered="1"`)
		assert.Contains(t, dom, "unknown: the trace has no end event")
	})
}

func writePage(t *testing.T, path string, evs []Event) {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, Render(&buf, &Trace{Name: filepath.Base(path), Events: evs}, Options{}))
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o666))
}

// pixelVariety returns the number of distinct colors in img (sampled) and the share of
// pixels that are not white.
func pixelVariety(img image.Image) (colors int, inked float64) {
	seen := map[[3]uint32]bool{}
	b := img.Bounds()
	total, notWhite := 0, 0
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
			total++
			if r>>8 < 245 || g>>8 < 245 || bl>>8 < 245 {
				notWhite++
			}
		}
	}
	return len(seen), float64(notWhite) / float64(max(total, 1))
}
