package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newsevents/newsevents/internal/config"
)

func TestConfigCheck(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.yaml", "feeds:\n  - url: https://example.org/feed.xml\nadmin:\n  addr: 127.0.0.1:9090\n")
	badURL := write("bad.yaml", "feeds:\n  - url: ftp://example.org/feed.xml\n")
	sharded := write("sharded.yaml", "feeds:\n  - url: https://example.org/feed.xml\nshard: 2/3\n")
	unknown := write("typo.yaml", "feeds:\n  - url: https://example.org/feed.xml\nworker: 3\n")
	tests := []struct {
		name       string
		give       []string
		wantCode   int
		wantStdout []string
	}{
		{"valid", []string{"config", "check", good}, 0,
			[]string{"ok   " + good + ": 1 feeds, embedded broker on 127.0.0.1:9092, topics trade.*, 8 workers, state in state, admin on 127.0.0.1:9090"}},
		{"sharded", []string{"config", "check", sharded}, 0, []string{"ok   " + sharded + ": 1 feeds", "admin off, shard 2/3"}},
		{"bad url names file and field", []string{"config", "check", badURL}, 1,
			[]string{"FAIL config " + badURL + `: feeds[0].url: "ftp://example.org/feed.xml": scheme must be http or https`}},
		{"unknown field", []string{"config", "check", unknown}, 1, []string{"FAIL config " + unknown, "worker"}},
		{"one bad of two", []string{"config", "check", good, badURL}, 1, []string{"ok   " + good, "FAIL config " + badURL}},
		{"missing file", []string{"config", "check", filepath.Join(dir, "nope.yaml")}, 1, []string{"FAIL config: open "}},
		{"no file", []string{"config", "check"}, 2, nil},
		{"no subcommand", []string{"config"}, 2, nil},
		{"unknown subcommand", []string{"config", "lint", good}, 2, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.give, &stdout, &stderr)
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d; stderr: %s", code, tt.wantCode, stderr.String())
			}
			for _, w := range tt.wantStdout {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("stdout %q lacks %q", stdout.String(), w)
				}
			}
		})
	}
}

// TestConfigDefaultRoundTrips checks that the printed defaults are a valid
// configuration once a feed is added: what `config default` shows is what
// `run` uses.
func TestConfigDefaultRoundTrips(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"config", "default"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	out := strings.Replace(stdout.String(), "feeds: []", "feeds:\n  - url: https://example.org/feed.xml", 1)
	cfg, err := config.Parse("default.yaml", []byte(out))
	if err != nil {
		t.Fatalf("parsing the printed defaults: %v\n%s", err, out)
	}
	want := config.Default()
	if cfg.Kafka.EmbeddedAddr != want.Kafka.EmbeddedAddr || cfg.Poll.Interval != want.Poll.Interval ||
		cfg.Workers != want.Workers || cfg.Admin.Addr != want.Admin.Addr {
		t.Errorf("round trip changed the defaults: got %+v", cfg)
	}
}

func TestVersion(t *testing.T) {
	tests := []struct {
		give       []string
		wantCode   int
		wantPrefix string
	}{
		{[]string{"version"}, 0, "newsevents "},
		{[]string{"version", "--json"}, 0, "{\n  \"version\": "},
		{[]string{"version", "extra"}, 2, ""},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.give, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.give, &stdout, &stderr)
			if code != tt.wantCode || !strings.HasPrefix(stdout.String(), tt.wantPrefix) {
				t.Errorf("exit %d stdout %q, want %d and prefix %q", code, stdout.String(), tt.wantCode, tt.wantPrefix)
			}
		})
	}
}
