package route

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sony/gobreaker/v2"
	"go.uber.org/zap"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

// Name is Error.Provider on the errors the router itself returns (no provider was asked).
const Name = "route"

// Config configures a Router.
type Config struct {
	// Providers are the gateways to route between, by the name rules use. Pass the adapters
	// themselves: the router wraps each with retry.Wrap(gw, Retry). The name becomes Payment.Provider
	// and Refund.Provider of what the router returns, so two accounts of one adapter stay apart.
	Providers map[string]paygate.Gateway
	// Rules choose the candidates for a new payment; the first that matches wins. A create no rule
	// matches is F NOT_SUPPORTED, with nothing sent.
	Rules []Rule
	// Store is the journal; nil means a new MemoryStore.
	Store Store
	// Retry is the policy each provider is wrapped with (zero: retry.Default()).
	Retry retry.Policy
	// Breaker configures the per-provider circuit breakers.
	Breaker BreakerSettings
	// Lease is how long one call may hold a journal entry while it writes (create, capture, cancel, refund,
	// or Reconcile settling it); zero means DefaultLease. Every write takes the entry's lease in the
	// same compare-and-swap that opens it, and gives it back with the answer. A call that meets the
	// live lease of another call on this Router waits for that call to return (or for its own context
	// to end: then U), and answers from what it recorded. While a call of another Router sharing the
	// Store (another machine) holds a live lease, a call with the same id sends nothing and answers U
	// at once (CodeInProgress, ErrLeased). Reconcile leaves leased entries alone.
	// The call holding the lease is cut off (its context ends) at 90% of Lease, so its write cannot
	// still be on its way when the lease ends; the rest allows for clocks that differ between
	// machines. A lease left by a crashed process expires after Lease, and Reconcile takes it over.
	// Set it above the longest call you expect, retries and resolution by inquiry included.
	Lease time.Duration
	// Instance names this router in the leases it takes, for the errors and logs of other routers
	// that meet them; empty means the host name and process id. Lease owners add a random number
	// drawn per Router, so routers that share an Instance still keep their leases apart.
	Instance string
	// ReconcileAfter is optional tuning for several machines sharing the Store: how old an open
	// journal entry must be before Reconcile touches it, or before a call with the same id takes "not
	// found" as proof that the open write did not land. Leases already keep calls of other machines
	// apart, so zero is safe.
	ReconcileAfter time.Duration
	// Logger receives routing decisions (never card data or secrets: the refusing provider's error it logs
	// on a failover prints redacted, see paygate.Error); nil logs nothing.
	Logger *zap.Logger
	// Now tells the time for journal entries; nil means time.Now.
	Now func() time.Time
	// Rand draws the weighted order of same-priority targets; nil means a randomly seeded source.
	Rand *rand.Rand
}

// Router is a paygate.Gateway over several providers. It is safe for concurrent use.
//
// Creates go to the candidates of the first matching rule, in priority and weighted order, skipping
// providers whose circuit breaker is open. A create moves to the next candidate only after an F listed
// in FailoverCodes, always with the same PaymentRequestID; a U never moves. Every other call goes to the
// provider the journal names as the payment's owner.
//
// The router reads each provider's capability declaration (provider.CapabilitiesOf, see
// ProviderCapabilities): an operation a provider does not offer is never sent to it. A create skips
// that candidate; any other call is F NOT_SUPPORTED at once, without touching the journal or the
// provider's breaker. A provider that declares nothing is sent every operation.
type Router struct {
	cfg      Config
	store    Store
	gateways map[string]paygate.Gateway       // retry.Wrap'd
	caps     map[string]provider.Capabilities // the declarations of the providers that declare theirs
	breakers map[string]*gobreaker.TwoStepCircuitBreaker[struct{}]
	picker   *picker
	log      *zap.Logger
	now      func() time.Time
	lease    time.Duration

	tokenPrefix string        // Instance, "#", a random number in letters, "/": every lease token this router writes starts so
	calls       atomic.Uint64 // numbers this router's calls, for their lease tokens
	runningMu   sync.Mutex
	running     map[string]chan struct{} // this router's calls now running, by token: closed when one returns
}

// DefaultLease is Config.Lease when it is zero: above retry.Default's longest call (three sends of
// at most 30 s each, their waits, then a minute of inquiries) would be too long to wait after a crash,
// so calls that outlast it end U and are settled later, by a call with the same id or by Reconcile.
const DefaultLease = 2 * time.Minute

// New checks cfg and returns a Router.
func New(cfg Config) (*Router, error) {
	if len(cfg.Providers) == 0 {
		return nil, errors.New("route: Config.Providers is empty")
	}
	r := &Router{
		cfg: cfg, store: cfg.Store, gateways: map[string]paygate.Gateway{}, caps: map[string]provider.Capabilities{},
		breakers: map[string]*gobreaker.TwoStepCircuitBreaker[struct{}]{},
		log:      cfg.Logger, now: cfg.Now, lease: cfg.Lease,
	}
	if r.lease == 0 {
		r.lease = DefaultLease
	}
	if r.lease < time.Second {
		return nil, fmt.Errorf("route: Config.Lease is %s: a lease shorter than a second would cut off calls before a provider answers; leave it zero for %s", cfg.Lease, DefaultLease)
	}
	instance := cfg.Instance
	if instance == "" {
		host, _ := os.Hostname()
		instance = host + "/" + strconv.Itoa(os.Getpid())
	}
	r.tokenPrefix = tokenPrefix(instance, rand.Uint64())
	r.running = map[string]chan struct{}{}
	if r.store == nil {
		r.store = NewMemoryStore()
	}
	if r.log == nil {
		r.log = zap.NewNop()
	}
	if r.now == nil {
		r.now = time.Now
	}
	rnd := cfg.Rand
	if rnd == nil {
		rnd = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	r.picker = &picker{rnd: rnd}
	bs := cfg.Breaker.withDefaults()
	for name, gw := range cfg.Providers {
		if name == "" || gw == nil {
			return nil, fmt.Errorf("route: provider %q has no name or a nil Gateway", name)
		}
		r.gateways[name] = retry.Wrap(gw, cfg.Retry)
		if c, ok := provider.CapabilitiesOf(gw); ok {
			r.caps[name] = c
		}
		r.breakers[name] = newBreaker(name, bs)
	}
	if len(cfg.Rules) == 0 {
		return nil, errors.New("route: Config.Rules is empty: add at least a catch-all rule")
	}
	for i := range cfg.Rules {
		if err := cfg.Rules[i].check(cfg.Providers); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Providers returns the providers' names, sorted.
func (r *Router) Providers() []string {
	names := make([]string, 0, len(r.gateways))
	for n := range r.gateways {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// ProviderCapabilities returns what provider declares it offers (provider.CapabilitiesOf), and false
// for an unknown provider or one that declares nothing. The router sends a provider no operation its
// declaration leaves out: such a call is F NOT_SUPPORTED with nothing sent.
func (r *Router) ProviderCapabilities(name string) (provider.Capabilities, bool) {
	c, ok := r.caps[name]
	return c, ok
}

// offers reports whether provider name may be sent op: it declares op, or declares nothing.
func (r *Router) offers(name string, op paygate.Op) bool {
	c, ok := r.caps[name]
	return !ok || c.Offers(op)
}

// errNotOffered marks the F for an operation a provider does not offer (see notOffered).
var errNotOffered = errors.New("route: the provider does not offer this operation")

// notOffered is the F for op at a provider whose declaration leaves it out: nothing was sent, the
// journal was not touched, and the provider's breaker was not asked (a probe slot must go to a call
// that tests the provider).
func notOffered(name string, op paygate.Op) *paygate.Error {
	return &paygate.Error{
		Provider: name, Op: op, Outcome: status.Failure, Code: status.CodeNotSupported,
		Message: fmt.Sprintf("provider %q does not offer %s (its declared capabilities), so nothing was sent", name, op),
		Err:     errors.Join(retry.ErrNotSent, errNotOffered),
	}
}

// BreakerState returns the state of a provider's circuit breaker: "closed", "half-open" or "open"
// ("" for an unknown provider).
func (r *Router) BreakerState(provider string) string {
	b, ok := r.breakers[provider]
	if !ok {
		return ""
	}
	return b.State().String()
}

// Candidates returns, in the order they would be tried, the providers a create of req may go to, and
// the rule that chose them. It sends nothing; breakers are not consulted. A create asking for a capture
// mode other than automatic goes only to providers whose declaration accepts it
// (provider.Capabilities.Captures; a provider that declares nothing is not ruled out), so a manual
// capture never fails over to a provider that would take the money at once.
func (r *Router) Candidates(req *paygate.CreateRequest) (rule string, providers []string) {
	for i := range r.cfg.Rules {
		if rl := &r.cfg.Rules[i]; rl.Matches(req) {
			return rl.Name, slices.DeleteFunc(r.picker.order(rl.Targets), func(name string) bool {
				return !r.captures(name, req.CaptureMode)
			})
		}
	}
	return "", nil
}

// captures reports whether provider name may be sent a create in capture mode m: automatic always;
// another mode if the provider declares it (and Capture with it), or declares nothing.
func (r *Router) captures(name string, m paygate.CaptureMode) bool {
	if m == paygate.CaptureAutomatic {
		return true
	}
	c, ok := r.caps[name]
	return !ok || c.Captures(m) && c.Offers(paygate.OpCapture)
}

// call runs fn against provider name through its breaker. An op the provider does not offer is F
// NOT_SUPPORTED at once (notOffered), before the journal or the breaker. Journal writes that must
// precede the send (taking the entry's lease) go in before; if before fails, fn is not called and its
// error is returned. sent reports whether fn was called: when it is false, nothing reached the provider
// (breakerRefused tells which). While h holds a lease, fn's context ends before the lease does.
func call[T any](ctx context.Context, r *Router, h *hold, name string, op paygate.Op, before func() error, fn func(ctx context.Context, gw paygate.Gateway) (T, error)) (v T, sent bool, err error) {
	b, ok := r.breakers[name]
	if !ok {
		// The journal names a provider this router was not configured with (it was removed).
		return v, false, &paygate.Error{
			Provider: Name, Op: op, Outcome: status.Failure, Code: status.CodeUnavailable, Err: retry.ErrNotSent,
			Message: fmt.Sprintf("provider %q, which the journal names for this call, is not in Config.Providers, so nothing was sent; add it back", name),
		}
	}
	if !r.offers(name, op) {
		return v, false, notOffered(name, op)
	}
	done, err := b.Allow()
	if err != nil {
		return v, false, breakerOpen(name, op, err)
	}
	if before != nil {
		if err := before(); err != nil {
			done(errNotCalled)
			return v, false, err
		}
	}
	if h != nil && !h.until.IsZero() {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, h.until)
		defer cancel()
	}
	v, err = fn(ctx, r.gateways[name])
	done(err)
	return v, true, err
}

// breakerRefused reports whether err is a breaker's refusal (nothing sent).
func breakerRefused(err error) bool {
	return errors.Is(err, gobreaker.ErrOpenState) || errors.Is(err, gobreaker.ErrTooManyRequests)
}

// othersBusy reports whether another call may be sending e's open write right now, so that an
// inquiry that finds nothing proves nothing yet: another call holds e's lease, or, with
// Config.ReconcileAfter set, the entry was written more recently than that.
func (r *Router) othersBusy(h *hold, e *Entry) bool {
	if r.cfg.ReconcileAfter > 0 && e.UpdatedAt.After(r.now().Add(-r.cfg.ReconcileAfter)) {
		return true
	}
	return r.heldByOther(h, e)
}

// errInFlight is why a write is still unknown when another call may be sending it right now.
var errInFlight = errors.New("route: another call may be sending the same write now, so an inquiry that finds nothing proves nothing yet")

// journalError is the error for a call the journal could not support. It is F (nothing was sent in
// this call) only when the router knows no earlier call of the same write may have landed; otherwise U.
func journalError(op paygate.Op, definite bool, cause error) *paygate.Error {
	e := &paygate.Error{Provider: Name, Op: op, Code: status.CodeUnavailable, Err: cause}
	if definite {
		e.Outcome = status.Failure
		e.Message = "the payment journal could not be written, so nothing was sent; retry with the same id once the journal store is back"
		e.Err = errors.Join(retry.ErrNotSent, cause)
	} else {
		e.Outcome = status.Unknown
		e.Message = "the payment journal could not be read or written, and an earlier call with this id may have reached a provider; retry with the same id once the journal store is back"
	}
	return e
}

// notFound is the F for an id the journal does not know.
func notFound(op paygate.Op, what, id string) *paygate.Error {
	return &paygate.Error{
		Provider: Name, Op: op, Outcome: status.Failure, Code: status.CodeNotFound,
		Message: fmt.Sprintf("the router's journal has no %s %q: it was not created through this router (or no provider created it); check the id", what, id),
	}
}

// save writes e, then, if another call changed the entry meanwhile, reads it again and reapplies
// change (the provider's answer is newer than whatever that writer knew). change must be idempotent.
// It gives back h's lease in the same write (h may be nil: a call that holds none).
func (r *Router) save(ctx context.Context, h *hold, e *Entry, change func(*Entry)) error {
	// What a provider answered is recorded even if the caller gives up right after: otherwise the
	// entry stays open until Reconcile. Bounded, so a stuck store cannot hold the call forever.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	change = h.releasing(change)
	change(e)
	for range 8 {
		e.UpdatedAt = r.now()
		err := r.store.Put(ctx, e)
		if err == nil || !errors.Is(err, ErrConflict) {
			if err != nil {
				r.log.Warn("route: journal write failed; the entry stays as it was and Reconcile will resolve it",
					zap.String("kind", string(e.Kind)), zap.String("request_id", e.RequestID), zap.Error(err))
			}
			return err
		}
		fresh, gerr := r.store.Get(ctx, e.Kind, e.RequestID)
		if gerr != nil {
			return gerr
		}
		*e = *fresh
		change(e)
	}
	return fmt.Errorf("route: journal entry %s %q kept changing", e.Kind, e.RequestID)
}

// sawPayment records a payment a provider answered with (any op): it exists, with this status. A
// create that was open has landed; so has the op itself.
func sawPayment(op paygate.Op, p *paygate.Payment) func(*Entry) {
	return func(e *Entry) {
		e.Status = string(p.Status)
		if p.ProviderPaymentID != "" {
			e.ProviderID = p.ProviderPaymentID
		}
		if op.Write() || e.Open == paygate.OpCreate {
			// The op succeeded, or the open create is now known to have: the payment exists.
			e.Outcome, e.Code = status.Success, status.CodeOK
		}
		if e.Open == paygate.OpCreate || e.Open == op {
			e.Open = ""
		}
	}
}

// sawError records err as the answer to write op on e.
func sawError(op paygate.Op, err error) func(*Entry) {
	return func(e *Entry) {
		e.Outcome, e.Code = paygate.OutcomeOf(err), paygate.CodeOf(err)
		if e.Outcome == status.Unknown {
			// An open create stays open: it is the write a later create, an inquiry or Reconcile
			// must settle, and settling it by inquiry settles a later write too.
			if e.Open != paygate.OpCreate {
				e.Open = op
			}
			return
		}
		if e.Open == op {
			e.Open = ""
		}
	}
}

// exists reports whether a provider has answered with the entry's object.
func (e *Entry) exists() bool { return e.Status != "" || e.ProviderID != "" }

func withProvider(p *paygate.Payment, name string) *paygate.Payment {
	if p != nil {
		p.Provider = name
	}
	return p
}

func refundWithProvider(f *paygate.Refund, name string) *paygate.Refund {
	if f != nil {
		f.Provider = name
	}
	return f
}

// Idempotency declares how the router treats a write sent again with the same ids (retry.Declarer),
// for a retry.Wrap around it. Reads are deduped. A write is deduped when every provider dedupes it;
// otherwise it is still safe to resend, because the journal sends a known id only to its owner, and to
// a provider that does not dedupe only after an inquiry shows the first try did not land.
func (r *Router) Idempotency(op paygate.Op) retry.Idempotency {
	if !op.Write() {
		return retry.Idempotency{Dedupes: true}
	}
	for _, gw := range r.gateways {
		if !retry.IdempotencyOf(gw, op).Dedupes {
			return retry.Idempotency{ResendSafe: "the router's journal sends a known " + string(op) +
				" only to the provider that owns it, and resends it to a provider that does not dedupe it only after an inquiry shows the earlier try did not land"}
		}
	}
	return retry.Idempotency{Dedupes: true}
}
