package memory

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/internal/logfields"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

// DefaultName is the provider name used when Config.Name is empty.
const DefaultName = "memory"

// DefaultPaymentTTL is how long a payment stays payable when the request sets no ExpiresAt.
const DefaultPaymentTTL = 30 * time.Minute

// AuthorizationHold is how long an AUTHORIZED payment (one created with paygate.CaptureManual and
// paid) holds the customer's money: uncaptured after that, the hold is released on its own and the
// payment ends CANCELED, noticed lazily like expiry. Seven days, the usual card-scheme window.
const AuthorizationHold = 7 * 24 * time.Hour

// DefaultWebhookSchedule returns the waits before each webhook retry when Config.WebhookSchedule is
// nil: 5 s, 30 s, 2 min, 10 min, 1 h (six tries in all). Shrink it for tests with sim.Compress.
func DefaultWebhookSchedule() []time.Duration {
	return []time.Duration{5 * time.Second, 30 * time.Second, 2 * time.Minute, 10 * time.Minute, time.Hour}
}

// Config configures a Gateway. The zero Config is ready to use.
type Config struct {
	// Name is Payment.Provider, Refund.Provider, Event.Provider and Error.Provider; empty means "memory".
	Name string
	// Clock tells the time (UpdatedAt, expiry, webhook timestamps); nil means sim.SystemClock{}. Use a
	// *sim.ManualClock to test expiry without waiting.
	Clock sim.Clock
	// PaymentTTL is how long a payment stays payable when CreateRequest.ExpiresAt is zero; zero or
	// negative means 30 minutes.
	PaymentTTL time.Duration
	// WebhookSecret is the HMAC-SHA256 key of the Memory-Signature header (its bytes are the key);
	// empty means 32 random bytes, hex-encoded, chosen per Gateway.
	WebhookSecret string
	// WebhookClient delivers notifications; nil means sim's default client (10 s timeout).
	WebhookClient *http.Client
	// WebhookSchedule is the wait before each retry of a notification that was not acknowledged; nil
	// means DefaultWebhookSchedule(); an empty non-nil slice means a single try.
	WebhookSchedule []time.Duration
	// Logger receives one Debug entry per call; nil logs nothing.
	Logger *zap.Logger
}

// Gateway is the in-memory provider: a paygate.Gateway and the simulator controls behind it. Create
// it with New and Close it when done. Safe for concurrent use.
type Gateway struct {
	name     string
	clock    sim.Clock
	ttl      time.Duration
	secret   []byte
	log      *zap.Logger
	faults   sim.Faults
	ledger   sim.Ledger
	webhooks *sim.Webhooks
	done     chan struct{} // closed by Close: ends delayed replies
	once     sync.Once

	mu           sync.Mutex
	closed       bool
	payments     map[string]*payment // by PaymentRequestID
	paymentsByID map[string]*payment // by ProviderPaymentID
	refunds      map[string]*refund  // by RefundRequestID
	refundsByID  map[string]*refund  // by ProviderRefundID
	captures     map[string]*capture // by CaptureRequestID
	paySeq       int
	refundSeq    int
	captureSeq   int
}

// payment is the provider's record of one payment.
type payment struct {
	req       paygate.CreateRequest // as first received (Metadata cloned), for idempotency checks
	expiresAt time.Time             // req.ExpiresAt, or the creation time plus the TTL
	p         paygate.Payment       // the current state
	events    int                   // webhook events sent for it
	// heldUntil is when an AUTHORIZED payment's hold lapses (set when it is authorized).
	heldUntil time.Time
}

// capture is the provider's record of one accepted capture, kept to answer its CaptureRequestID again.
type capture struct {
	req paygate.CaptureRequest // as first received, for idempotency checks
	p   *payment               // the payment it captured
}

// refund is the provider's record of one refund.
type refund struct {
	req       paygate.RefundRequest // as first received, for idempotency checks
	r         paygate.Refund
	notifyURL string // where its webhooks go
	events    int
}

var (
	_ paygate.Gateway = (*Gateway)(nil)
	_ retry.Declarer  = (*Gateway)(nil)
)

// New returns an in-memory provider configured by cfg.
func New(cfg Config) *Gateway {
	g := &Gateway{
		name:         cfg.Name,
		clock:        cfg.Clock,
		ttl:          cfg.PaymentTTL,
		secret:       []byte(cfg.WebhookSecret),
		log:          cfg.Logger,
		done:         make(chan struct{}),
		payments:     map[string]*payment{},
		paymentsByID: map[string]*payment{},
		refunds:      map[string]*refund{},
		refundsByID:  map[string]*refund{},
		captures:     map[string]*capture{},
	}
	if g.name == "" {
		g.name = DefaultName
	}
	if g.clock == nil {
		g.clock = sim.SystemClock{}
	}
	if g.ttl <= 0 {
		g.ttl = DefaultPaymentTTL
	}
	if len(g.secret) == 0 {
		g.secret = []byte(hex.EncodeToString(randomBytes(32)))
	}
	// Redacting even though memory logs no request contents: a merchant's logger should never see the
	// webhook secret, whatever a later change logs.
	g.log = provider.NewLogger(g.log, string(g.secret)).With(zap.String("provider", g.name))
	schedule := cfg.WebhookSchedule
	if schedule == nil {
		schedule = DefaultWebhookSchedule()
	}
	g.webhooks = sim.NewWebhooks(sim.WebhookConfig{
		Client:   cfg.WebhookClient,
		Schedule: schedule,
		Accept:   WebhookAcked,
	})
	return g
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (it crashes the program instead)
	return b
}

// Close stops webhook deliveries and waits for their goroutines to return, and ends delayed replies
// early (they report U TIMEOUT). The Gateway still answers calls after Close but sends no more
// webhooks. Close is idempotent.
func (g *Gateway) Close() {
	g.once.Do(func() {
		g.mu.Lock()
		g.closed = true
		g.mu.Unlock()
		close(g.done)
		g.webhooks.Close()
	})
}

// Idempotency declares that the memory provider dedupes every operation by its request id
// (retry.Declarer), as Capabilities declares it.
func (g *Gateway) Idempotency(op paygate.Op) retry.Idempotency { return declared.IdempotencyOf(op) }

// Inject queues a fault for the next call(s) of f.Op. See the package doc for what each kind does.
func (g *Gateway) Inject(f sim.Fault) { g.faults.Inject(f) }

// Ledger records what reached the provider and what it really created.
func (g *Gateway) Ledger() *sim.Ledger { return &g.ledger }

// Webhooks is the provider's webhook sender, with a record of every delivery.
func (g *Gateway) Webhooks() *sim.Webhooks { return g.webhooks }

// Clock is the provider's clock.
func (g *Gateway) Clock() sim.Clock { return g.clock }

// Pay settles the payment created for paymentRequestID as paid: Settle(ctx, id, sim.Pay).
func (g *Gateway) Pay(paymentRequestID string) error {
	return g.settle(paymentRequestID, sim.Pay, "")
}

// Fail settles the payment created for paymentRequestID as failed, with reason as its FailureReason
// (empty: a default reason).
func (g *Gateway) Fail(paymentRequestID, reason string) error {
	return g.settle(paymentRequestID, sim.Fail, reason)
}

// Expire settles the payment created for paymentRequestID as expired.
func (g *Gateway) Expire(paymentRequestID string) error {
	return g.settle(paymentRequestID, sim.Expire, "")
}

// RequireAction asks the customer of the payment created for paymentRequestID for a further step.
func (g *Gateway) RequireAction(paymentRequestID string) error {
	return g.settle(paymentRequestID, sim.RequireAction, "")
}

// defaultFailureReason is FailureReason when a payment is failed without a reason.
const defaultFailureReason = "declined by the channel (simulated)"

// Settle moves the payment created for paymentRequestID as the customer or the provider would:
//
//	sim.Pay            REQUIRES_ACTION, PENDING → SUCCEEDED (AUTHORIZED when created with CaptureManual)
//	sim.Fail           REQUIRES_ACTION, PENDING → FAILED (FailureReason set)
//	sim.Expire         REQUIRES_ACTION, PENDING → EXPIRED
//	sim.RequireAction  REQUIRES_ACTION, PENDING → REQUIRES_ACTION (the action is issued again)
//
// Settling a final payment into the status it already has, or paying an AUTHORIZED one, does
// nothing; any other settlement of a final or AUTHORIZED payment (capture or cancel that one), an
// unknown id, or an unknown settlement is an error. A payment past its expiry
// expires first. Each change is recorded in the ledger and notified to the payment's NotifyURL.
func (g *Gateway) Settle(ctx context.Context, paymentRequestID string, s sim.Settlement) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return g.settle(paymentRequestID, s, "")
}

// SettleOrder is Settle for one order named by its ProviderPaymentID (conformance.Simulator): the
// memory provider makes one order per PaymentRequestID, so it settles the same payment.
func (g *Gateway) SettleOrder(ctx context.Context, providerPaymentID string, s sim.Settlement) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	g.mu.Lock()
	p := g.paymentsByID[providerPaymentID]
	g.mu.Unlock()
	if p == nil {
		return fmt.Errorf("memory: settle order %q: no such ProviderPaymentID", providerPaymentID)
	}
	return g.settle(p.p.PaymentRequestID, s, "")
}

func (g *Gateway) settle(id string, s sim.Settlement, reason string) error {
	err := g.applySettlement(id, s, reason)
	fs := append(logfields.Payment(id, ""), zap.Stringer("settlement", s))
	if err != nil {
		fs = append(fs, zap.Error(err))
	}
	g.log.Debug("settle", fs...)
	return err
}

func (g *Gateway) applySettlement(id string, s sim.Settlement, reason string) error {
	var target status.Payment
	switch s {
	case sim.Pay:
		target = status.PaymentSucceeded
	case sim.Fail:
		target = status.PaymentFailed
		if reason == "" {
			reason = defaultFailureReason
		}
	case sim.Expire:
		target = status.PaymentExpired
	case sim.RequireAction:
		target = status.PaymentRequiresAction
	default:
		return fmt.Errorf("memory: settle %q: unknown settlement %v", id, s)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	p := g.payments[id]
	if p == nil {
		return fmt.Errorf("memory: settle %q: no payment was created for this PaymentRequestID", id)
	}
	now := g.clock.Now()
	g.expireIfDue(p, now)
	cur := p.p.Status
	manual := p.req.CaptureMode == paygate.CaptureManual
	if cur == status.PaymentAuthorized {
		if s == sim.Pay {
			return nil
		}
		return fmt.Errorf("memory: settle %q: cannot %v a payment that is already %s: capture it, or cancel it to release the hold", id, s, cur)
	}
	if cur.Final() {
		if cur == target {
			return nil
		}
		return fmt.Errorf("memory: settle %q: cannot %v a payment that is already %s", id, s, cur)
	}
	switch {
	case target == status.PaymentFailed:
		p.p.FailureReason = reason
	case target == status.PaymentSucceeded && manual:
		// The customer's payment only authorizes a manual-capture payment: the money is held.
		target = status.PaymentAuthorized
		p.heldUntil = now.Add(AuthorizationHold)
	case target == status.PaymentSucceeded:
		p.p.Captured = p.p.Amount // taken when paid
	}
	g.setStatus(p, target, now)
	return nil
}

// errClosed is the cause of a delayed reply cut short by Close.
var errClosed = errors.New("memory: gateway closed")

// providerStatus is the memory provider's own status string for each status it uses.
var providerStatus = map[status.Payment]string{
	status.PaymentPending:        "pending",
	status.PaymentRequiresAction: "requires_action",
	status.PaymentAuthorized:     "authorized",
	status.PaymentSucceeded:      "succeeded",
	status.PaymentFailed:         "failed",
	status.PaymentCanceled:       "canceled",
	status.PaymentExpired:        "expired",
}

// refundProviderStatus is the memory provider's own status string for each refund status.
var refundProviderStatus = map[status.Refund]string{
	status.RefundPending:   "pending",
	status.RefundSucceeded: "succeeded",
	status.RefundFailed:    "failed",
}

// action is the next step for the customer of payment p.
func (g *Gateway) action(p *payment) *paygate.Action {
	pid := p.p.ProviderPaymentID
	if strings.EqualFold(p.req.Method.Type, "QR") {
		return &paygate.Action{Kind: paygate.ActionQRCode, QRCode: "paygate-memory://pay/" + pid, ExpiresAt: p.expiresAt}
	}
	return &paygate.Action{Kind: paygate.ActionRedirect, URL: "https://checkout.memory.paygate.invalid/pay/" + pid, ExpiresAt: p.expiresAt}
}

// setStatus moves p to st at time at, records it in the ledger and sends a webhook. Callers hold g.mu.
func (g *Gateway) setStatus(p *payment, st status.Payment, at time.Time) {
	p.p.Status = st
	p.p.ProviderStatus = providerStatus[st]
	p.p.UpdatedAt = at
	if st == status.PaymentRequiresAction || st == status.PaymentPending {
		p.p.Action = g.action(p)
	} else {
		p.p.Action = nil // final, or AUTHORIZED: the customer has nothing left to do
	}
	g.ledger.SetOrderStatus(p.p.ProviderPaymentID, st, p.p.Refunded)
	g.notifyPayment(p)
}

// expireIfDue expires p when it is past its expiry and not yet paid, and releases the hold of an
// AUTHORIZED payment past its AuthorizationHold (it ends CANCELED). Callers hold g.mu.
func (g *Gateway) expireIfDue(p *payment, now time.Time) {
	switch {
	case p.p.Status == status.PaymentAuthorized:
		if !now.Before(p.heldUntil) {
			g.setStatus(p, status.PaymentCanceled, p.heldUntil)
		}
	case !p.p.Status.Final() && !now.Before(p.expiresAt):
		g.setStatus(p, status.PaymentExpired, p.expiresAt)
	}
}

// copyPayment returns a copy of p that shares nothing with the provider's state.
func copyPayment(p *paygate.Payment) *paygate.Payment {
	c := *p
	if p.Action != nil {
		a := *p.Action
		c.Action = &a
	}
	return &c
}

func copyRefund(r *paygate.Refund) *paygate.Refund {
	c := *r
	return &c
}

// cloneCreateRequest copies req deeply enough that the caller cannot change the stored request.
func cloneCreateRequest(req *paygate.CreateRequest) paygate.CreateRequest {
	c := *req
	c.Metadata = maps.Clone(req.Metadata)
	return c
}
