// Package soak runs the chaos soak: many payments through a route.Router over the registered provider
// simulators, with random faults on every operation, provider outages that trip the circuit breakers,
// and a process crash mid-run followed by Reconcile. A share of the checkouts authorize now and
// capture later (paygate.CaptureManual), at the providers whose capability declaration offers it:
// the merchant then captures all or part of the money, or voids it, under more frequent faults on
// capture, and some captures are cut by a crash right after the router journaled them, for Reconcile
// to settle. At the end it compares the router's journal and what every call returned with the
// simulators' ledgers, and counts double charges, double captures, lost payments and wrong
// statuses; all four must be zero. The soak test in this package and `paygate soak` run it.
package soak

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider/registry"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/route"
	"github.com/paygate-go/paygate/status"
)

// Config sets the size and the violence of a soak. Zero fields take the defaults.
type Config struct {
	Payments    int // how many payments (default 5000)
	Concurrency int // checkouts running at once (default 16)
	// Seed fixes every payment's plan (ids, currency, amount, what the customer and the merchant do)
	// and the sequence of fault draws; 0 draws one (Result.Seed tells which). Which request meets
	// which fault, the outages and the crash depend on timing too, so the counts of two runs with
	// one seed differ.
	Seed uint64
	// FaultPerMille is the chance, per thousand requests, that a request meets a fault (default 100).
	FaultPerMille int
	// CrashAfter is how many payments start before the process crashes (default Payments/2; negative:
	// no crash).
	CrashAfter int
	// Store is the journal (default a route.MemoryStore); pass a database-backed one to soak it too.
	Store route.Store
	// Progress, when set, is told how many payments have finished, as they finish.
	Progress func(done, total int)
	// Logger receives the adapters' and router's logs; nil logs nothing.
	Logger *zap.Logger

	// providers are the providers to soak (default registry.All()); the package's tests add one.
	providers []registry.Entry
}

func (c Config) withDefaults() Config {
	if c.Payments <= 0 {
		c.Payments = 5000
	}
	if c.Concurrency <= 0 {
		c.Concurrency = 16
	}
	if c.Seed == 0 {
		c.Seed = rand.Uint64()
	}
	if c.FaultPerMille <= 0 {
		c.FaultPerMille = 100
	}
	if c.CrashAfter == 0 {
		c.CrashAfter = c.Payments / 2
	}
	if c.Store == nil {
		c.Store = route.NewMemoryStore()
	}
	if c.Logger == nil {
		c.Logger = zap.NewNop()
	}
	if c.providers == nil {
		c.providers = registry.All()
	}
	return c
}

// Result is what a soak found.
type Result struct {
	Seed     uint64
	Payments int
	Captures int // captures the simulators' ledgers hold (of the manual-capture checkouts)
	// DoubleCharges: a payment request id paid (or its money held) more than once, or a refund id
	// refunded more than once.
	DoubleCharges  int
	DoubleCaptures int // an order captured more than once, or for more than its amount
	Lost           int // money, an order or a capture at a provider the journal cannot account for, or an entry left unknown
	WrongStatus    int // a status we report (or a result we returned) that the provider's ledger contradicts
	// Problems describes each non-zero count, one line each (at most 50).
	Problems []string

	Created, Refused, Unknown int            // how creates ended for the merchant (after its own retries)
	Refusals                  map[string]int // refused creates by code
	Failovers                 int            // payments created at a provider other than the first candidate
	Paid, Canceled, Refunds   int
	// Manual counts the checkouts created in manual capture; Authorized those the customer
	// authorized; Voided the authorizations the merchant released (S); CapturesCut the captures a
	// crash cut right after the router journaled them; CapturesUnknown the captures whose merchant
	// was answered U at least once (then called again with the same id).
	Manual, Authorized, Voided, CapturesCut, CapturesUnknown int
	Faults                                                   int              // faults the simulators injected
	BreakerTrips                                             int              // times a provider's breaker opened
	Reconciled                                               int              // journal entries Reconcile settled
	FollowedUp                                               int              // open creates the merchant's own call settled after Reconcile (see soak.followUp)
	CutByCrash                                               int              // checkouts in flight when the process crashed
	Webhooks                                                 int64            // webhook events the adapters' handlers verified and passed on
	VerifiedWebhooks                                         map[string]int64 // the same, by provider
	Duration                                                 time.Duration
}

// Summary is the one-line verdict.
func (r Result) Summary() string {
	return fmt.Sprintf("soak: %d payments, %s, %d double charges, %d double captures, %d lost, %d wrong status",
		r.Payments, plural(r.Captures, "capture", "captures"), r.DoubleCharges, r.DoubleCaptures, r.Lost, r.WrongStatus)
}

// Details describes the run's traffic.
func (r Result) Details() string {
	refused := ""
	if len(r.Refusals) > 0 {
		refused = " (" + counts(r.Refusals) + ")"
	}
	hooks := ""
	if len(r.VerifiedWebhooks) > 0 {
		hooks = " (" + counts(r.VerifiedWebhooks) + ")"
	}
	return fmt.Sprintf("seed %d; creates: %d S, %d F%s, %d U (the merchant's view), %s; %d paid, %d cancelled, %s; manual capture: %d created, %d authorized, %s (%d answered U first), %d voided, %s cut by a crash; %s injected, %s, a crash that cut %s, %s reconciled, %d creates settled by the merchant's call after that, %s%s; %s",
		r.Seed, r.Created, r.Refused, refused, r.Unknown, plural(r.Failovers, "failover", "failovers"), r.Paid, r.Canceled, plural(r.Refunds, "refund", "refunds"),
		r.Manual, r.Authorized, plural(r.Captures, "capture", "captures"), r.CapturesUnknown, r.Voided, plural(r.CapturesCut, "capture", "captures"),
		plural(r.Faults, "fault", "faults"), plural(r.BreakerTrips, "breaker trip", "breaker trips"), plural(r.CutByCrash, "checkout", "checkouts"),
		plural(r.Reconciled, "entry", "entries"), r.FollowedUp, plural(r.Webhooks, "verified webhook", "verified webhooks"), hooks, r.Duration.Round(time.Millisecond))
}

// plural is n and the noun in the right number.
func plural[N int | int64](n N, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// counts is "a 2, b 1": a map's counts by name, in name order.
func counts[N int | int64](m map[string]N) string {
	parts := make([]string, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

// OK reports whether nothing went wrong.
func (r Result) OK() bool {
	return r.DoubleCharges == 0 && r.DoubleCaptures == 0 && r.Lost == 0 && r.WrongStatus == 0
}

// Run runs one soak.
func Run(ctx context.Context, cfg Config) (Result, error) {
	cfg = cfg.withDefaults()
	start := time.Now()
	env, err := newEnv(cfg.providers, cfg.Logger)
	if err != nil {
		return Result{}, err
	}
	defer env.close()
	s := &soak{cfg: cfg, env: env, rnd: rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)),
		payments: make([]*checkout, cfg.Payments), res: Result{Seed: cfg.Seed, Payments: cfg.Payments, Refusals: map[string]int{}}}
	s.startChaos()
	stopOutages := s.outages()
	// Captures cut by a crash go through a router of their own, on a journal that dies for each
	// such capture right after the router opened it (its own process, crashing once per capture).
	s.capCrash = &captureCrash{Store: cfg.Store, armed: map[string]string{}, dead: map[string]bool{}}
	if s.capRouter, err = s.router("soak-capture-crash", s.capCrash); err != nil {
		return Result{}, err
	}

	// The first process runs until the crash.
	first := &crashable{Store: cfg.Store}
	r1, err := s.router("soak-process-1", first)
	if err != nil {
		return Result{}, err
	}
	crashAt := cfg.CrashAfter
	if crashAt < 0 || crashAt > cfg.Payments {
		crashAt = cfg.Payments
	}
	ctx1, cancel := context.WithCancel(ctx)
	defer cancel()
	crash := func() { // mid-run: checkouts are in flight, and their process is gone at once
		first.dead.Store(true)
		cancel()
	}
	s.run(ctx1, r1, 0, crashAt, crash)

	// The second process starts on the same journal and reconciles before it takes traffic.
	r2, err := s.router("soak-process-2", cfg.Store)
	if err != nil {
		return Result{}, err
	}
	if crashAt < cfg.Payments {
		rep, err := r2.Reconcile(ctx)
		if err != nil {
			return Result{}, err
		}
		s.res.Reconciled += rep.Resolved
		s.run(ctx, r2, crashAt, cfg.Payments, nil)
	}

	// The storm ends; whatever is still unknown is settled by Reconcile, as an operator would.
	stopOutages()
	s.stopChaos()
	if err := s.reconcileAll(ctx, r2); err != nil {
		return Result{}, err
	}
	s.followUp(ctx, r2)
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	s.verify(ctx, r2)
	s.res.VerifiedWebhooks = map[string]int64{}
	for name, n := range env.verified {
		s.res.VerifiedWebhooks[name] = n.Load()
		s.res.Webhooks += n.Load()
	}
	s.res.Duration = time.Since(start)
	return s.res, nil
}

// soak is one run's state.
type soak struct {
	cfg Config
	env *env

	mu       sync.Mutex // guards rnd, res and the counters below
	rnd      *rand.Rand
	res      Result
	payments []*checkout
	done     int
	outage   string // the provider currently down, if any

	capCrash  *captureCrash // the journal as the capture-crashing process sees it
	capRouter *route.Router // that process's router
	// bare holds, for each process's router, a second router of that process on the same journal
	// whose providers resolve nothing within the call (one send, no inquiry), as a merchant may
	// configure: half the captures go through it, so a provider's U reaches the router's journal
	// and is settled there, by the merchant's next call with the same id or by Reconcile.
	bare map[*route.Router]*route.Router
}

// soakLease is the routers' lease: above the longest call of the soak's retry policy and client
// timeouts (about 2.5 s), and short enough that the leases the crash leaves behind expire, for
// Reconcile to take over, while the storm is still on.
const soakLease = 5 * time.Second

// router is a process's router, named name, on store (with its bare twin, see soak.bare).
func (s *soak) router(name string, store route.Store) (*route.Router, error) {
	r, err := s.newRouter(name, store, soakRetry)
	if err != nil {
		return nil, err
	}
	bare, err := s.newRouter(name+"-bare", store, retry.Policy{MaxAttempts: 1, ResolveFor: -1})
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.bare == nil {
		s.bare = map[*route.Router]*route.Router{}
	}
	s.bare[r] = bare
	return r, nil
}

// bareOf is r's bare twin.
func (s *soak) bareOf(r *route.Router) *route.Router {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bare[r]
}

// soakRetry is the routers' retry policy: a few quick resends, and resolution by inquiry within
// the soak's lease.
var soakRetry = retry.Policy{MaxAttempts: 3, BaseDelay: 5 * time.Millisecond, MaxDelay: 40 * time.Millisecond, ResolveFor: 600 * time.Millisecond}

func (s *soak) newRouter(name string, store route.Store, policy retry.Policy) (*route.Router, error) {
	return route.New(route.Config{
		Providers: s.env.gateways(),
		Rules:     rules(s.cfg.providers),
		Store:     store,
		Lease:     soakLease,
		Instance:  name,
		Retry:     policy,
		Breaker: route.BreakerSettings{Failures: 3, OpenFor: 150 * time.Millisecond, OnStateChange: func(_, _, to string) {
			if to == "open" {
				s.mu.Lock()
				s.res.BreakerTrips++
				s.mu.Unlock()
			}
		}},
		Logger: s.cfg.Logger,
		Rand:   rand.New(rand.NewPCG(s.cfg.Seed+1, 7)),
	})
}

// intN draws from the soak's seeded source.
func (s *soak) intN(n int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rnd.IntN(n)
}

// startChaos makes every simulator draw a fault for FaultPerMille of its requests, and fail every
// request while it is the provider in an outage.
func (s *soak) startChaos() {
	for _, p := range s.env.providers {
		p.sim.SetChaos(func(op paygate.Op) (sim.Fault, bool) {
			s.mu.Lock()
			defer s.mu.Unlock()
			if s.outage == p.name {
				s.res.Faults++
				if s.rnd.IntN(2) == 0 {
					return sim.Fault{Kind: sim.DropBeforeProcessing}, true
				}
				return sim.Fault{Kind: sim.ReplyStatus, Status: 503}, true
			}
			rate := s.cfg.FaultPerMille
			if op == paygate.OpCapture {
				rate = min(3*rate, 500) // captures are few: fault them more, to meet every path
			}
			if s.rnd.IntN(1000) >= rate {
				return sim.Fault{}, false
			}
			s.res.Faults++
			f := sim.Fault{Kind: p.faults[s.rnd.IntN(len(p.faults))]}
			switch f.Kind {
			case sim.DelayReply:
				f.Delay = replyDelay
			case sim.ReplyStatus:
				f.Status = []int{429, 500, 502, 503, 504}[s.rnd.IntN(5)]
			case sim.ReplyCode:
				codes := p.unknown
				if op == paygate.OpCreate && s.rnd.IntN(2) == 0 {
					codes = p.rejected
				}
				f.Code = codes[s.rnd.IntN(len(codes))]
			}
			return f, true
		})
	}
}

func (s *soak) stopChaos() {
	for _, p := range s.env.providers {
		p.sim.SetChaos(nil)
	}
}

// outages takes one provider down at a time, briefly, again and again, so breakers open and close.
func (s *soak) outages() (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-done:
				return
			case <-time.After(time.Duration(700+s.intN(600)) * time.Millisecond):
			}
			s.mu.Lock()
			s.outage = s.env.providers[s.rnd.IntN(len(s.env.providers))].name
			s.mu.Unlock()
			select {
			case <-done:
			case <-time.After(time.Duration(400+s.intN(400)) * time.Millisecond):
			}
			s.mu.Lock()
			s.outage = ""
			s.mu.Unlock()
		}
	})
	return func() {
		close(done)
		wg.Wait()
		s.mu.Lock()
		s.outage = ""
		s.mu.Unlock()
	}
}

// run plays checkouts from..to-1 through r, Concurrency at a time, until they finish or ctx ends.
// With crash set, it calls crash instead of starting checkout to, while the others are in flight.
func (s *soak) run(ctx context.Context, r *route.Router, from, to int, crash func()) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range s.cfg.Concurrency {
		wg.Go(func() {
			for i := range next {
				c := s.newCheckout(i)
				c.play(ctx, s, r)
				s.mu.Lock()
				if ctx.Err() != nil {
					s.res.CutByCrash++
				}
				s.done++
				done := s.done
				s.mu.Unlock()
				if s.cfg.Progress != nil {
					s.cfg.Progress(done, s.cfg.Payments)
				}
			}
		})
	}
feed:
	for i := from; i < to; i++ {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	if crash != nil {
		crash()
	}
	close(next)
	wg.Wait()
}

// followUp is the merchant's checkout service once the storm is over and Reconcile has run: it asks
// once more, with the same ids, about each create it still does not know and the journal still has
// open. That is how such a create is settled at a provider whose lookup by request id lags, where
// Reconcile cannot tell "not there" from "not indexed yet" (Stripe answers the same create within
// its 24 h key window with the saved answer, or makes it once); elsewhere Reconcile has settled it
// already. The customer has gone: nothing is paid.
func (s *soak) followUp(ctx context.Context, r *route.Router) {
	for _, c := range s.payments {
		if c == nil || c.outcome != status.Unknown {
			continue
		}
		if e, err := s.cfg.Store.Get(ctx, route.KindPayment, c.req.PaymentRequestID); err != nil || e.Open != paygate.OpCreate {
			continue
		}
		p, err := r.Create(ctx, c.req)
		if out := paygate.OutcomeOf(err); out != status.Unknown {
			c.outcome, c.payment, c.err = out, p, err
			s.res.FollowedUp++
		}
	}
}

// reconcileAll runs Reconcile until the journal has nothing open (bounded).
func (s *soak) reconcileAll(ctx context.Context, r *route.Router) error {
	for round := range 40 {
		rep, err := r.Reconcile(ctx)
		if err != nil {
			return err
		}
		s.res.Reconciled += rep.Resolved
		if len(rep.Unresolved) == 0 && rep.Skipped == 0 {
			return nil
		}
		if round == 39 {
			return nil // verify reports what is left as lost
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond): // let breakers close
		}
	}
	return nil
}
