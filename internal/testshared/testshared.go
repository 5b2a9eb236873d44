// Package testshared holds what several packages' tests share: the shared/
// folder that sits beside the repository (the evaluation corpus, the
// article-body benchmark, the seed article), whose third-party files are
// read from there at run time and never copied into the repository, and
// the newsevents binary built from the repository for tests that run it.
package testshared

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

// Root returns the repository root: the directory holding go.mod, found
// upwards from the test's working directory (the test is skipped if none).
func Root(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Skip("go.mod not found above the test's directory")
		}
		dir = parent
	}
}

// Path returns shared/<rel> beside the repository root, or skips the test
// with a message naming what is missing.
func Path(tb testing.TB, rel ...string) string {
	tb.Helper()
	p := filepath.Join(append([]string{Root(tb), "..", "shared"}, rel...)...)
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("%s is absent: this test needs the shared folder beside the repository", p)
	}
	return p
}

// The binary, built once per test process.
var (
	buildOnce sync.Once
	binPath   string
	binErr    error
)

// Binary builds ./cmd/newsevents once per test process and returns the
// path of the executable; with -short it skips the test instead. Call
// RemoveBinary from TestMain to delete it.
func Binary(tb testing.TB) string {
	tb.Helper()
	if testing.Short() {
		tb.Skip("builds and runs the newsevents binary; skipped with -short")
	}
	root := Root(tb)
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "newsevents-test-bin")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "newsevents")
		build := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", binPath, "./cmd/newsevents")
		build.Dir = root
		if out, err := build.CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build: %w\n%s", err, out)
		}
	})
	if binErr != nil {
		tb.Fatal(binErr)
	}
	return binPath
}

// RemoveBinary deletes the binary Binary built, if any.
func RemoveBinary() {
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
}
