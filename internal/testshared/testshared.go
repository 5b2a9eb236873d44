// Package testshared finds the shared/ folder that sits beside the
// repository (the evaluation corpus, the article-body benchmark, the seed
// article) for tests and benchmarks. Its third-party files are read from
// there at run time, never copied into the repository.
package testshared

import (
	"os"
	"path/filepath"
	"testing"
)

// Path returns shared/<rel> beside the repository root (the directory
// holding go.mod, found upwards from the test's working directory), or
// skips the test with a message naming what is missing.
func Path(tb testing.TB, rel ...string) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Skip("go.mod not found above the test's directory")
		}
		dir = parent
	}
	p := filepath.Join(append([]string{dir, "..", "shared"}, rel...)...)
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("%s is absent: this test needs the shared folder beside the repository", p)
	}
	return p
}
