// Command paygate is paygate's command line: a demo checkout on the built-in provider simulators,
// the simulators themselves as a local server for clients in any language, an example merchant site
// on them to pay through each provider's page in a browser (checkout), one-off calls to a
// provider (create, inquire, capture, cancel, refund, inquire-refund), a webhook listener and the
// routing soak.
//
// Exit codes: 0 when the call succeeded (S), 1 when it definitely failed (F), 3 when its outcome is
// unknown (U: resend it with the same ids, or inquire), 2 for a usage error. Commands that are not a
// single call (demo, sim, soak, webhook listen) exit 0 when all went well and 1 otherwise.
//
//	go run ./cmd/paygate demo
//	go run ./cmd/paygate sim --out sim.json
//	go run ./cmd/paygate create --provider waffo --sim sim.json --amount 10.00 --currency USD --email a@b.example --notify-url https://shop.example/notify
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/paygate-go/paygate/provider/registry"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// Exit codes.
const (
	exitOK      = 0 // S, or the command did what it should
	exitFailure = 1 // F, or the command found a problem
	exitUsage   = 2 // the command line is wrong
	exitUnknown = 3 // U: the outcome is not known
)

// usage is the command's help; the providers and their environment variables come from the registry.
var usage = strings.NewReplacer("{providers}", providerChoices(), "{envs}", envPrefixes(), "{manual}", manualCaptureProviders(), "{void}", voidProviders()).Replace(`usage: paygate <command> [flags]

commands:
  demo             a checkout against each provider and through the router, on the built-in simulators
  sim              run the provider simulators on loopback and write their URLs and credentials to a JSON file
  checkout         a tiny merchant site on the simulators: pay by hand in a browser, through each provider's page
  create           create a payment           } at --provider {providers}, with credentials
  inquire          inquire a payment          } from flags, the provider's environment variables
  capture          capture an authorized one  } ({envs}) or --sim FILE;
  cancel           cancel (or void) a payment } prints JSON; exit 0 S, 1 F, 3 U, 2 usage
  refund           refund a payment           }
  inquire-refund   inquire a refund           }
  webhook listen   verify a provider's webhooks and print them as normalized events
  soak             the routing chaos soak: payments through three faulty simulators, checked against their ledgers
  version          print paygate's module version and the Go version it was built with

Authorize now, capture later: 'paygate create --capture manual' holds the money when the customer
pays (the payment ends AUTHORIZED) and 'paygate capture' takes it (manual capture {manual});
'paygate cancel' releases it instead where the provider offers that (the void: {void}).

Run 'paygate <command> -h' for a command's flags.
`)

// envPrefixes are the providers' environment variables as a pattern each: "WAFFO_*, ANTOM_*, VAI247_*".
func envPrefixes() string {
	var prefixes []string
	for _, e := range registry.All() {
		if len(e.Adapter.Settings) > 0 {
			env := e.Adapter.Settings[0].Env
			prefixes = append(prefixes, env[:strings.Index(env, "_")+1]+"*")
		}
	}
	return strings.Join(prefixes, ", ")
}

// env reads an environment variable; tests pass their own.
type env func(string) string

func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv env) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	var code int
	var err error
	switch cmd {
	case "demo":
		code, err = runDemo(ctx, rest, stdout, stderr)
	case "sim":
		code, err = runSim(ctx, rest, stdout, stderr)
	case "checkout":
		code, err = runCheckout(ctx, rest, stdout, stderr)
	case "create", "inquire", "capture", "cancel", "refund", "inquire-refund":
		code, err = runCall(ctx, cmd, rest, stdout, stderr, getenv)
	case "webhook":
		webhookUsage := "usage: paygate webhook listen --provider " + providerChoices() + " --addr 127.0.0.1:8080 (see 'paygate webhook listen -h')\n"
		switch {
		case len(rest) > 0 && (rest[0] == "-h" || rest[0] == "--help" || rest[0] == "-help" || rest[0] == "help"):
			fmt.Fprint(stdout, webhookUsage)
			return exitOK
		case len(rest) == 0 || rest[0] != "listen":
			fmt.Fprint(stderr, webhookUsage)
			return exitUsage
		}
		code, err = runWebhookListen(ctx, rest[1:], stdout, stderr, getenv)
	case "version":
		code, err = runVersion(rest, stdout, stderr)
	case "soak":
		code, err = runSoak(ctx, rest, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		fmt.Fprintf(stderr, "paygate: unknown command %q\n\n%s", cmd, usage)
		return exitUsage
	}
	if err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "paygate %s: %v\n", cmd, err)
			return exitUsage
		}
		if errors.Is(err, errHelp) {
			return exitOK
		}
		fmt.Fprintf(stderr, "paygate %s: %v\n", cmd, err)
		if code == exitOK {
			code = exitFailure
		}
	}
	return code
}
