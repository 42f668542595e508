package soak

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider/antom"
	"github.com/paygate-go/paygate/provider/antom/antomtest"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/provider/vai247"
	"github.com/paygate-go/paygate/provider/vai247/vai247test"
	"github.com/paygate-go/paygate/provider/waffo"
	"github.com/paygate-go/paygate/provider/waffo/waffotest"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/route"
)

// simulator is what the soak needs of each provider's simulator.
type simulator interface {
	SettleOrder(ctx context.Context, providerPaymentID string, s sim.Settlement) error
	Ledger() *sim.Ledger
	SetChaos(fn func(op paygate.Op) (sim.Fault, bool))
	Close()
}

// provider is one simulated acquirer: its simulator, our adapter pointed at it, and what the chaos
// may do to it.
type provider struct {
	name     string
	sim      simulator
	gateway  paygate.Gateway
	settle   []sim.Settlement // what a customer may do to its payments
	faults   []sim.FaultKind
	unknown  []string // provider codes that mean U
	rejected []string // provider codes a create may be refused with, each a failover code
}

// env is the three simulators, their adapters and the webhook receiver.
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

func newEnv(log *zap.Logger) (*env, error) {
	e := &env{byName: map[string]*provider{}, verified: map[string]*atomic.Int64{}}
	client := &http.Client{Timeout: clientTimeout}
	policy := retry.Policy{MaxAttempts: 3, BaseDelay: 5 * time.Millisecond, MaxDelay: 40 * time.Millisecond, ResolveFor: 600 * time.Millisecond}

	ws := waffotest.NewServer(waffotest.Config{WebhookSchedule: sim.Compress(waffotest.WebhookSchedule(), 1_000_000)})
	wgw, err := waffo.New(waffo.Config{
		BaseURL: ws.URL, APIKey: ws.APIKey, MerchantID: ws.MerchantID, PrivateKey: ws.Keys.MerchantPrivateKey,
		WaffoPublicKey: ws.Keys.WaffoPublicKey, HTTPClient: client, Logger: log, Retry: policy,
	})
	if err != nil {
		ws.Close()
		return nil, fmt.Errorf("soak: waffo adapter: %w", err)
	}
	e.add(&provider{name: waffo.Name, sim: ws, gateway: wgw,
		settle:   []sim.Settlement{sim.Pay, sim.Fail, sim.Expire},
		faults:   waffotest.Faults(),
		unknown:  []string{"E0001"},
		rejected: []string{"C0005", "C0001"}})

	as := antomtest.NewServer(antomtest.Config{WebhookSchedule: sim.Compress(antomtest.WebhookSchedule(), 1_000_000)})
	agw, err := antom.New(antom.Config{
		BaseURL: as.URL, ClientID: as.ClientID, PrivateKey: as.MerchantPrivateKey, AntomPublicKey: as.AntomPublicKey,
		PaymentMethodType: "ALIPAY_CN", HTTPClient: client, Logger: log, Retry: policy,
	})
	if err != nil {
		as.Close()
		e.close()
		return nil, fmt.Errorf("soak: antom adapter: %w", err)
	}
	e.add(&provider{name: antom.Name, sim: as, gateway: agw,
		settle: []sim.Settlement{sim.Pay, sim.Fail, sim.Expire},
		faults: []sim.FaultKind{sim.DropBeforeProcessing, sim.LoseReply, sim.DelayReply, sim.ReplyStatus,
			sim.ReplyCode, sim.CorruptBody, sim.CorruptSignature},
		unknown:  []string{"UNKNOWN_EXCEPTION"},
		rejected: []string{"RISK_REJECT"}})

	vs := vai247test.NewServer(vai247test.Config{RefundSigning: true, WebhookSchedule: sim.Compress(vai247test.WebhookSchedule(), 1_000_000)})
	vgw, err := vai247.New(vai247.Config{
		BaseURL: vs.URL, AppID: vs.AppID, APIKey: vs.APIKey, APISecret: vs.APISecret, StoreID: vs.StoreID,
		WebhookSecret: vs.WebhookSecret, RefundSigning: true, HTTPClient: client, Logger: log, Retry: policy,
	})
	if err != nil {
		vs.Close()
		e.close()
		return nil, fmt.Errorf("soak: vai247 adapter: %w", err)
	}
	// VAI247's failed is not final (the adapter reports it Pending), so customers here pay or abandon.
	e.add(&provider{name: vai247.Name, sim: vs, gateway: vgw,
		settle:   []sim.Settlement{sim.Pay, sim.Expire},
		faults:   []sim.FaultKind{sim.DropBeforeProcessing, sim.LoseReply, sim.DelayReply, sim.ReplyStatus, sim.ReplyCode, sim.CorruptBody},
		unknown:  []string{"internal_error", "service_unavailable"},
		rejected: []string{"unsupported_currency"}})

	// Webhooks land here and are verified by the adapters' own handlers (VAI247's with the simulator's
	// webhook secret); the soak counts what each handler passed on.
	count := func(name string) func(context.Context, *paygate.Event) error {
		n := &atomic.Int64{}
		e.verified[name] = n
		return func(context.Context, *paygate.Event) error { n.Add(1); return nil }
	}
	mux := http.NewServeMux()
	waffoHook, antomHook := wgw.WebhookHandler(count(waffo.Name)), agw.WebhookHandler(count(antom.Name))
	mux.Handle("/notify", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Client-Id") != "" { // Antom names the client; Waffo does not
			antomHook.ServeHTTP(w, r)
			return
		}
		waffoHook.ServeHTTP(w, r)
	}))
	mux.Handle("/vai247", vgw.WebhookHandler(count(vai247.Name)))
	e.hooks = httptest.NewServer(mux)
	e.notifyURL = e.hooks.URL + "/notify"
	vs.SetWebhookURL(e.hooks.URL + "/vai247")
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
		if c, ok := p.gateway.(interface{ CloseIdleConnections() }); ok {
			c.CloseIdleConnections()
		}
		if c, ok := p.gateway.(interface{ Close() }); ok {
			c.Close()
		}
	}
	if e.hooks != nil {
		e.hooks.Close()
	}
}

// rules route the soak's payments: Cambodian customers to VAI247 first, other dollars mostly to Waffo,
// yen to Antom first.
func rules() []route.Rule {
	return []route.Rule{
		{Name: "cambodia", Currencies: []string{"USD"}, Countries: []string{"KH"}, Targets: []route.Target{
			{Provider: vai247.Name, Priority: 0}, {Provider: waffo.Name, Priority: 1}, {Provider: antom.Name, Priority: 2}}},
		{Name: "usd", Currencies: []string{"USD"}, Targets: []route.Target{
			{Provider: waffo.Name, Priority: 0, Weight: 2}, {Provider: antom.Name, Priority: 0, Weight: 1}, {Provider: vai247.Name, Priority: 1}}},
		{Name: "jpy", Currencies: []string{"JPY"}, Targets: []route.Target{
			{Provider: antom.Name, Priority: 0}, {Provider: waffo.Name, Priority: 1}}},
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
