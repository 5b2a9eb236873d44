package deployments_test

import (
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/newsevents/newsevents/internal/testshared"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testshared.RemoveBinary()
	os.Exit(code)
}

// binary is the newsevents binary built from this repository (skipped with
// -short).
func binary(t *testing.T) string { return testshared.Binary(t) }

// runFlags returns the flags `newsevents run -h` lists.
func runFlags(t *testing.T) []string {
	t.Helper()
	out, _ := exec.Command(binary(t), "run", "-h").CombinedOutput() // -h exits 0 or 2 by version
	var flags []string
	for _, m := range regexp.MustCompile(`(?m)^  -([a-z][a-z0-9-]*)`).FindAllStringSubmatch(string(out), -1) {
		flags = append(flags, m[1])
	}
	if len(flags) < 5 {
		t.Fatalf("newsevents run -h lists %d flags:\n%s", len(flags), out)
	}
	return flags
}

// TestDeploymentsUseRealFlags checks that every flag the Dockerfile, the
// compose file and the StatefulSet pass to `newsevents run` exists.
func TestDeploymentsUseRealFlags(t *testing.T) {
	have := runFlags(t)
	var sets = map[string][]string{"Dockerfile CMD": dockerCmd(t)}
	var compose []string
	for _, a := range dig(t, yamlDoc(t, "docker-compose.yml"), "services", "newsevents", "command").([]any) {
		compose = append(compose, a.(string))
	}
	sets["docker-compose.yml"] = compose
	var k8s []string
	sts := k8sDocs(t)["StatefulSet/newsevents"]
	for _, a := range dig(t, sts, "spec", "template", "spec", "containers", 0, "args").([]any) {
		k8s = append(k8s, a.(string))
	}
	sets["k8s/statefulset.yaml"] = k8s
	for where, args := range sets {
		if len(args) == 0 || args[0] != "run" {
			t.Errorf("%s: %q does not start with run", where, args)
			continue
		}
		for _, a := range args[1:] {
			name, ok := strings.CutPrefix(a, "--")
			if !ok {
				continue // a value
			}
			name, _, _ = strings.Cut(name, "=")
			if !slices.Contains(have, name) {
				t.Errorf("%s: newsevents run has no flag --%s (it has %v)", where, name, have)
			}
		}
	}
}
