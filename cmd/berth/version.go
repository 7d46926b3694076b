package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/berth-dev/berth/internal/diff"
	"github.com/berth-dev/berth/internal/monitor"
	"github.com/berth-dev/berth/internal/plan"
)

const versionUsage = `Usage: berth version

Prints berth's version (the module version it was installed at, or the
commit it was built from), the Go toolchain that built it, the plan and
diff schema versions it writes and reads, and the Pulumi engine whose
protocol it serves to programs.

Exit status: 0; 2 on a usage error.
`

// runVersion implements `berth version`.
func runVersion(args []string, stdout io.Writer) error {
	if len(args) > 0 {
		if args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
			_, err := io.WriteString(stdout, versionUsage)
			return err
		}
		return usageErrorf("version", "unexpected argument %q: berth version takes none", args[0])
	}
	version, commit := "(unknown)", ""
	if info, ok := debug.ReadBuildInfo(); ok {
		version = info.Main.Version
		var rev, modified string
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value
			}
		}
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if rev != "" {
			commit = " commit " + rev
			if modified == "true" {
				commit += " (modified)"
			}
		}
	}
	_, err := fmt.Fprintf(stdout, "berth %s%s\n%s %s/%s\nplan schema %d, diff schema %d; engine protocol of Pulumi %s\n",
		version, commit, runtime.Version(), runtime.GOOS, runtime.GOARCH, plan.SchemaVersion, diff.SchemaVersion, monitor.EngineVersion)
	return err
}
