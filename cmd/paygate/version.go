package main

import (
	"flag"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// modulePath is paygate's module, whose version the command reports.
const modulePath = "github.com/paygate-go/paygate"

func runVersion(args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("paygate version", flag.ContinueOnError)
	if err := parseFlags(fs, args, stderr); err != nil {
		return exitUsage, err
	}
	info, _ := debug.ReadBuildInfo()
	fmt.Fprintln(stdout, versionLine(info, runtime.Version()))
	return exitOK, nil
}

// versionLine is "paygate VERSION (GO)": the module's version as the build recorded it (v1.2.3 when
// installed with go install …@v1.2.3, "(devel)" when built from a checkout, with the VCS revision
// when the build recorded one), and the Go version.
func versionLine(info *debug.BuildInfo, goVersion string) string {
	version := "unknown"
	var rev, modified string
	if info != nil {
		if info.Main.Path == modulePath {
			version = info.Main.Version
		} else {
			for _, d := range info.Deps {
				if d.Path == modulePath {
					version = d.Version
					if d.Replace != nil {
						version += " => " + d.Replace.Path
					}
				}
			}
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					modified = ", modified"
				}
			}
		}
	}
	if version == "" {
		version = "(devel)"
	}
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		version += " (commit " + rev + modified + ")"
	}
	return fmt.Sprintf("paygate %s %s", version, goVersion)
}
