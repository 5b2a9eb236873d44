// Package buildinfo says which build of newsevents is running.
//
// Release builds set the version at link time:
//
//	go build -ldflags "-X github.com/newsevents/newsevents/internal/buildinfo.Version=v1.2.3" ./cmd/newsevents
//
// Without it the version comes from the module information the Go toolchain
// embeds (debug.ReadBuildInfo): the module version for `go install
// module@version`, and the VCS revision for builds from a checkout.
package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Version is set with -ldflags "-X .../internal/buildinfo.Version=...".
// Empty means "ask debug.ReadBuildInfo".
var Version = ""

// Revision is the VCS revision, set with -ldflags "-X
// .../internal/buildinfo.Revision=..." where the build has no VCS
// information (a container build without .git). Empty means "ask
// debug.ReadBuildInfo".
var Revision = ""

// Info describes one build.
type Info struct {
	Version   string `json:"version"`
	Revision  string `json:"revision,omitempty"`
	Time      string `json:"time,omitempty"`
	Modified  bool   `json:"modified,omitempty"`
	GoVersion string `json:"go_version"`
	Platform  string `json:"platform"`
}

// Get returns the information of the running binary.
func Get() Info {
	bi, _ := debug.ReadBuildInfo()
	info := get(Version, bi)
	if Revision != "" && info.Revision == "" {
		info.Revision = Revision
	}
	return info
}

// get is Get with its inputs made explicit, for tests.
func get(ldVersion string, bi *debug.BuildInfo) Info {
	info := Info{
		Version:   ldVersion,
		GoVersion: runtime.Version(),
		Platform:  runtime.GOOS + "/" + runtime.GOARCH,
	}
	if bi != nil {
		if bi.GoVersion != "" {
			info.GoVersion = bi.GoVersion
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				info.Revision = s.Value
			case "vcs.time":
				info.Time = s.Value
			case "vcs.modified":
				info.Modified = s.Value == "true"
			}
		}
		if info.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			info.Version = bi.Main.Version
		}
	}
	if info.Version == "" {
		info.Version = "devel"
		if info.Revision != "" {
			info.Version += "-" + short(info.Revision)
			if info.Modified {
				info.Version += "-dirty"
			}
		}
	}
	return info
}

func short(rev string) string {
	if len(rev) > 12 {
		return rev[:12]
	}
	return rev
}

// String is the one line `newsevents version` prints.
func (i Info) String() string {
	s := "newsevents " + i.Version
	if i.Revision != "" && i.Version != "devel-"+short(i.Revision) && i.Version != "devel-"+short(i.Revision)+"-dirty" {
		s += " (" + short(i.Revision) + ")"
	}
	return fmt.Sprintf("%s %s %s", s, i.GoVersion, i.Platform)
}
