// Command paygate is paygate's command line. Today it has one subcommand, demo, which says what is
// still to come: the checkout demo against the built-in simulators arrives with the adapters and the
// CLI issue. Exit codes: 0 success, 2 usage error.
package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `usage: paygate <command>

commands:
  demo    run a checkout against the built-in provider simulators (coming soon)
`

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "demo":
		fmt.Fprintln(stdout, "paygate demo: coming soon.")
		fmt.Fprintln(stdout, "The demo needs the provider adapters and their simulators, which are not built yet.")
		fmt.Fprintln(stdout, "What exists today: the Gateway contract, exact money amounts and the status/code catalog;")
		fmt.Fprintln(stdout, "run the tests with: go test ./...")
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "paygate: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
}
