package soak

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/paygate-go/paygate"
	pgprovider "github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/provider/registry"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/route"
)

// provider is one simulated acquirer: its simulator, our adapter pointed at it, and what the chaos
// may do to it (its simulator's sim.Spec.Chaos).
type provider struct {
	name     string
	sim      sim.Instance
	gateway  pgprovider.Adapter
	settle   []sim.Settlement // what a customer may do to its payments
	faults   []sim.FaultKind
	unknown  []string // provider codes that mean U
	rejected []string // provider codes a create may be refused with, each a failover code
}

// env is the registered providers' simulators, their adapters and the webhook receiver.
type env struct {
	providers []*provider
	byName    map[string]*provider
	hooks     *httptest.Server
	verified  map[string]*atomic.Int64 // webhook events each provider's handler verified and passed on
	notifyURL string
}

// Client timeouts: a DelayReply holds the reply past the client's timeout, so the call ends U.
const (
	clientTimeout = 400 * time.Millisecond
	replyDelay    = 800 * time.Millisecond
)

// newEnv starts every registered provider's simulator and builds its adapter from the simulator's
// credentials, as a merchant would from theirs.
func newEnv(log *zap.Logger) (_ *env, err error) {
	e := &env{byName: map[string]*provider{}, verified: map[string]*atomic.Int64{}}
	defer func() {
		if err != nil {
			e.close()
		}
	}()
	client := &http.Client{Timeout: clientTimeout}
	policy := retry.Policy{MaxAttempts: 3, BaseDelay: 5 * time.Millisecond, MaxDelay: 40 * time.Millisecond, ResolveFor: 600 * time.Millisecond}

	// Webhooks land here and are verified by the adapters' own handlers (with the simulators'
	// keys and secrets); the soak counts what each handler passed on. Providers whose notification
	// URL is set in their dashboard get /NAME; the others share /notify, as a routed payment may land
	// at any of them. Routes are added once the adapters exist.
	mux := http.NewServeMux()
	e.hooks = httptest.NewServer(mux)
	e.notifyURL = e.hooks.URL + "/notify"
	count := func(name string) func(context.Context, *paygate.Event) error {
		n := &atomic.Int64{}
		e.verified[name] = n
		return func(context.Context, *paygate.Event) error { n.Add(1); return nil }
	}
	var perRequest []http.Handler
	for _, r := range registry.All() {
		name, spec := r.Name(), r.Simulator
		opts := sim.StartOptions{WebhookSpeedup: 1_000_000}
		if spec.DashboardWebhook {
			opts.WebhookURL = e.hooks.URL + "/" + name
		}
		inst, err := spec.Start(opts)
		if err != nil {
			return nil, fmt.Errorf("soak: %s simulator: %w", name, err)
		}
		env := inst.Env()
		gw, err := r.Adapter.Open(func(k string) string { return env[k] }, pgprovider.Common{HTTPClient: client, Logger: log, Retry: policy})
		if err != nil {
			inst.Close()
			return nil, fmt.Errorf("soak: %s adapter: %w", name, err)
		}
		e.add(&provider{name: name, sim: inst, gateway: gw, settle: spec.Chaos.Settlements, faults: spec.Chaos.Faults,
			unknown: spec.Chaos.UnknownCodes, rejected: spec.Chaos.RejectCodes})
		if spec.DashboardWebhook {
			mux.Handle("/"+name, gw.WebhookHandler(count(name)))
		} else {
			perRequest = append(perRequest, gw.WebhookHandler(count(name)))
		}
	}
	mux.Handle("/notify", sim.FirstAccepting(perRequest...))
	return e, nil
}

func (e *env) add(p *provider) {
	e.providers = append(e.providers, p)
	e.byName[p.name] = p
}

func (e *env) gateways() map[string]paygate.Gateway {
	m := map[string]paygate.Gateway{}
	for _, p := range e.providers {
		m[p.name] = p.gateway
	}
	return m
}

func (e *env) close() {
	for _, p := range e.providers {
		p.sim.SetChaos(nil)
		p.sim.Close()
		p.gateway.Close()
	}
	if e.hooks != nil {
		e.hooks.Close()
	}
}

// The soak's providers by the part its routing plan gives them: data, the providers' names.
const (
	khqrProvider   = "vai247" // Cambodian customers' dollars first
	walletProvider = "waffo"  // most other dollars
	yenProvider    = "antom"  // yen first
)

// rules route the soak's payments: Cambodian customers to VAI247 first, other dollars mostly to Waffo,
// yen to Antom first. Every other registered provider that takes dollars shares the first tier of the
// dollar rule, so a provider joins the soak by registering.
func rules() []route.Rule {
	usd := []route.Target{{Provider: walletProvider, Priority: 0, Weight: 2}, {Provider: yenProvider, Priority: 0, Weight: 1}, {Provider: khqrProvider, Priority: 1}}
	for _, e := range registry.All() {
		named := slices.ContainsFunc(usd, func(t route.Target) bool { return t.Provider == e.Name() })
		cur := e.Adapter.Capabilities.Currencies
		if !named && (cur == nil || slices.Contains(cur, "USD")) {
			usd = append(usd, route.Target{Provider: e.Name(), Priority: 0, Weight: 1})
		}
	}
	return []route.Rule{
		{Name: "cambodia", Currencies: []string{"USD"}, Countries: []string{"KH"}, Targets: []route.Target{
			{Provider: khqrProvider, Priority: 0}, {Provider: walletProvider, Priority: 1}, {Provider: yenProvider, Priority: 2}}},
		{Name: "usd", Currencies: []string{"USD"}, Targets: usd},
		{Name: "jpy", Currencies: []string{"JPY"}, Targets: []route.Target{
			{Provider: yenProvider, Priority: 0}, {Provider: walletProvider, Priority: 1}}},
	}
}

// errCrashed is what the crashed process's journal answers: it is gone.
var errCrashed = errors.New("soak: the process crashed")

// crashable is the journal as one process sees it: after crash, that process can no longer write (or
// read) it, while the store itself, and what was written before, survives for the next process.
type crashable struct {
	route.Store
	dead atomic.Bool
}

func (c *crashable) Get(ctx context.Context, k route.Kind, id string) (*route.Entry, error) {
	if c.dead.Load() {
		return nil, errCrashed
	}
	return c.Store.Get(ctx, k, id)
}

func (c *crashable) FindByProviderID(ctx context.Context, k route.Kind, id string) ([]*route.Entry, error) {
	if c.dead.Load() {
		return nil, errCrashed
	}
	return c.Store.FindByProviderID(ctx, k, id)
}

func (c *crashable) Put(ctx context.Context, e *route.Entry) error {
	if c.dead.Load() {
		return errCrashed
	}
	return c.Store.Put(ctx, e)
}

func (c *crashable) Unresolved(ctx context.Context) ([]*route.Entry, error) {
	if c.dead.Load() {
		return nil, errCrashed
	}
	return c.Store.Unresolved(ctx)
}
