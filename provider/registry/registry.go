// Package registry is the one list of paygate's providers: each adapter's provider.Spec (name,
// settings and their environment variables and flags, constructor, capabilities, code and status
// tables) next to its simulator's sim.Spec. The `paygate` command and the README generator read it,
// so nothing outside this list and the adapters' own folders names a provider.
//
// Adding a provider: write its folder (the adapter with ConfigFromEnv, New, Close, Capabilities and
// an exported Spec; its simulator package with a Spec), add one line to entries below, and run
// `go generate ./...` for the README's tables. The command then takes --provider NAME with the
// adapter's flags, `paygate sim` starts its simulator and writes its section of the simulator file,
// and the README lists its codes and statuses. This package's test checks that the adapter and its
// simulator agree.
package registry

import (
	"fmt"
	"strings"

	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/provider/antom"
	"github.com/paygate-go/paygate/provider/antom/antomtest"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/provider/stripe"
	"github.com/paygate-go/paygate/provider/stripe/stripetest"
	"github.com/paygate-go/paygate/provider/vai247"
	"github.com/paygate-go/paygate/provider/vai247/vai247test"
	"github.com/paygate-go/paygate/provider/waffo"
	"github.com/paygate-go/paygate/provider/waffo/waffotest"
)

// Entry is one registered provider: its adapter and its simulator.
type Entry struct {
	Adapter   provider.Spec
	Simulator sim.Spec
}

// Name is the provider's name (the adapter's and the simulator's, which agree).
func (e Entry) Name() string { return e.Adapter.Name }

// entries are the providers, in the order the command and the README list them.
var entries = []Entry{
	{waffo.Spec(), waffotest.Spec()},
	{antom.Spec(), antomtest.Spec()},
	{vai247.Spec(), vai247test.Spec()},
	{stripe.Spec(), stripetest.Spec()},
}

// All returns every registered provider, in order. The slice is the caller's.
func All() []Entry {
	return append([]Entry(nil), entries...)
}

// Names returns the providers' names, in order.
func Names() []string {
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	return names
}

// Lookup returns the provider registered under name.
func Lookup(name string) (Entry, bool) {
	for _, e := range entries {
		if e.Name() == name {
			return e, true
		}
	}
	return Entry{}, false
}

// UnknownError is the error for a provider name that is not registered.
func UnknownError(name string) error {
	return fmt.Errorf("unknown provider %q: use %s", name, Choice(Names(), "or"))
}

// Choice joins names for prose: "a", "a or b", "a, b or c".
func Choice(names []string, conj string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " " + conj + " " + names[len(names)-1]
}
