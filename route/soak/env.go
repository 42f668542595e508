package soak

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
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
	// caps is the adapter's declaration (its registry Spec's): whether it takes manual capture,
	// partial captures and voids decides what the soak's manual-capture checkouts do there.
	caps pgprovider.Capabilities
}

// manual reports whether the provider declares manual capture (and the Capture that goes with it).
func (p *provider) manual() bool {
	return p.caps.Captures(paygate.CaptureManual) && p.caps.Offers(paygate.OpCapture)
}

// env is the registered providers' simulators, their adapters and the webhook receiver.
type env struct {
	entries   []registry.Entry // the providers as registered (Config.Providers)
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

// newEnv starts the simulator of every provider in entries and builds its adapter from the
// simulator's credentials, as a merchant would from theirs.
func newEnv(entries []registry.Entry, log *zap.Logger) (_ *env, err error) {
	e := &env{entries: entries, byName: map[string]*provider{}, verified: map[string]*atomic.Int64{}}
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
	for _, r := range entries {
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
			unknown: spec.Chaos.UnknownCodes, rejected: spec.Chaos.RejectCodes, caps: r.Adapter.Capabilities})
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

// rules route the soak's payments over entries: Cambodian customers to VAI247 first, other dollars
// mostly to Waffo, yen to Antom first. Every other provider in entries that takes dollars shares the
// first tier of the dollar rule, so a provider joins the soak by registering. A named provider missing
// from entries is left out of the rules.
func rules(entries []registry.Entry) []route.Rule {
	usd := []route.Target{{Provider: walletProvider, Priority: 0, Weight: 2}, {Provider: yenProvider, Priority: 0, Weight: 1}, {Provider: khqrProvider, Priority: 1}}
	for _, e := range entries {
		named := slices.ContainsFunc(usd, func(t route.Target) bool { return t.Provider == e.Name() })
		cur := e.Adapter.Capabilities.Currencies
		if !named && (cur == nil || slices.Contains(cur, "USD")) {
			usd = append(usd, route.Target{Provider: e.Name(), Priority: 0, Weight: 1})
		}
	}
	rules := []route.Rule{
		{Name: "cambodia", Currencies: []string{"USD"}, Countries: []string{"KH"}, Targets: []route.Target{
			{Provider: khqrProvider, Priority: 0}, {Provider: walletProvider, Priority: 1}, {Provider: yenProvider, Priority: 2}}},
		{Name: "usd", Currencies: []string{"USD"}, Targets: usd},
		{Name: "jpy", Currencies: []string{"JPY"}, Targets: []route.Target{
			{Provider: yenProvider, Priority: 0}, {Provider: walletProvider, Priority: 1}}},
	}
	absent := func(t route.Target) bool {
		return !slices.ContainsFunc(entries, func(e registry.Entry) bool { return e.Name() == t.Provider })
	}
	for i := range rules {
		rules[i].Targets = slices.DeleteFunc(rules[i].Targets, absent)
	}
	return slices.DeleteFunc(rules, func(r route.Rule) bool { return len(r.Targets) == 0 })
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

// captureCrash is the journal as the capture-crashing process sees it: a capture armed here dies
// right after the Put that opens it (the router's lease and the open capture are written, then the
// process is gone, whether or not its request reached the provider): from then on this process can
// neither read nor write that capture or its payment. What was written stays, for Reconcile.
type captureCrash struct {
	route.Store
	mu    sync.Mutex
	armed map[string]string // capture request id → its payment request id
	dead  map[string]bool   // "kind/request id" this process can no longer touch
}

// arm makes the capture id of the payment paymentID crash right after it is journaled as open.
func (c *captureCrash) arm(id, paymentID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.armed[id] = paymentID
}

// disarm forgets id (its call has returned), and reports whether it crashed.
func (c *captureCrash) disarm(id string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.armed, id)
	return c.dead[string(route.KindCapture)+"/"+id]
}

func (c *captureCrash) isDead(k route.Kind, id string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.dead[string(k)+"/"+id]
}

func (c *captureCrash) Get(ctx context.Context, k route.Kind, id string) (*route.Entry, error) {
	if c.isDead(k, id) {
		return nil, errCrashed
	}
	return c.Store.Get(ctx, k, id)
}

func (c *captureCrash) Put(ctx context.Context, e *route.Entry) error {
	if c.isDead(e.Kind, e.RequestID) {
		return errCrashed
	}
	c.mu.Lock()
	paymentID, armed := c.armed[e.RequestID]
	c.mu.Unlock()
	err := c.Store.Put(ctx, e)
	if err == nil && armed && e.Kind == route.KindCapture && e.Open == paygate.OpCapture {
		c.mu.Lock()
		c.dead[string(route.KindCapture)+"/"+e.RequestID] = true
		c.dead[string(route.KindPayment)+"/"+paymentID] = true
		c.mu.Unlock()
	}
	return err
}

// manualAt reports whether a create of req may ask for manual capture: the first rule it matches
// has a provider that declares it (the router sends it only to those).
func (e *env) manualAt(req *paygate.CreateRequest) bool {
	for _, rl := range rules(e.entries) {
		if !rl.Matches(req) {
			continue
		}
		return slices.ContainsFunc(rl.Targets, func(t route.Target) bool {
			p, ok := e.byName[t.Provider]
			return ok && p.manual()
		})
	}
	return false
}
