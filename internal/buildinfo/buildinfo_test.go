package buildinfo

import (
	"runtime/debug"
	"testing"
)

func TestGet(t *testing.T) {
	rev := []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123456789abcdef0123"},
		{Key: "vcs.modified", Value: "false"},
	}
	dirty := []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123456789abcdef0123"},
		{Key: "vcs.modified", Value: "true"},
	}
	tests := []struct {
		name    string
		giveLD  string
		giveBI  *debug.BuildInfo
		want    string
		wantRev string
	}{
		{"ldflags win", "v1.2.3", &debug.BuildInfo{Main: debug.Module{Version: "v0.9.0"}, Settings: rev}, "v1.2.3", "0123456789abcdef0123"},
		{"go install module@version", "", &debug.BuildInfo{Main: debug.Module{Version: "v0.9.0"}}, "v0.9.0", ""},
		{"checkout build", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: rev}, "devel-0123456789ab", "0123456789abcdef0123"},
		{"dirty checkout", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: dirty}, "devel-0123456789ab-dirty", "0123456789abcdef0123"},
		{"no vcs info", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "devel", ""},
		{"no build info", "", nil, "devel", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := get(tt.giveLD, tt.giveBI)
			if got.Version != tt.want {
				t.Errorf("Version = %q, want %q", got.Version, tt.want)
			}
			if got.Revision != tt.wantRev {
				t.Errorf("Revision = %q, want %q", got.Revision, tt.wantRev)
			}
			if got.GoVersion == "" || got.Platform == "" {
				t.Errorf("GoVersion %q Platform %q: want both set", got.GoVersion, got.Platform)
			}
		})
	}
}

func TestStringShowsRevisionOnce(t *testing.T) {
	tests := []struct {
		give Info
		want string
	}{
		{Info{Version: "v1.2.3", Revision: "0123456789abcdef", GoVersion: "go1.26.8", Platform: "linux/amd64"}, "newsevents v1.2.3 (0123456789ab) go1.26.8 linux/amd64"},
		{Info{Version: "devel-0123456789ab", Revision: "0123456789abcdef", GoVersion: "go1.26.8", Platform: "linux/amd64"}, "newsevents devel-0123456789ab go1.26.8 linux/amd64"},
		{Info{Version: "v1.2.3", GoVersion: "go1.26.8", Platform: "linux/arm64"}, "newsevents v1.2.3 go1.26.8 linux/arm64"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.give.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}
