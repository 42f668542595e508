// Package waffotest is a fake Waffo for tests: an HTTP server on loopback that speaks Waffo's acquiring
// API as Waffo documents it, written from Waffo's documentation rather than from the adapter.
//
// It verifies X-API-KEY and the merchant's X-SIGNATURE (SHA256withRSA over the raw body), enforces the
// required fields and Waffo's amount format (a string with exactly 2 decimals, 0 for JPY, KRW, VND, CLP
// and IDR), signs every reply with its own key, dedupes create and refund by request id (A0011 on
// changed parameters), runs the order state machine (PAY_IN_PROGRESS → AUTHORIZATION_REQUIRED →
// PAY_SUCCESS or ORDER_CLOSE, with expiry on an injectable clock; for manual capture
// AUTHED_WAITING_CAPTURE → CAPTURE_IN_PROGRESS → PAY_SUCCESS), refunds up to the paid amount, and
// delivers signed PAYMENT_NOTIFICATION and REFUND_NOTIFICATION webhooks on Waffo's retry schedule until
// the merchant replies {"message":"success"} with a valid signature.
//
// Waffo's sandbox amount triggers work: an order of 9.1 or 91 answers C0001, 9.2 or 92 answers E0001
// and 90 or 990 answers C0005, without creating an order.
//
// Manual capture: an order created with paymentInfo.captureMode "manualCapture" (the SDK's
// PaymentInfo.CaptureMode) is recorded in the ledger with paygate.CaptureManual, and Settle(sim.Pay)
// authorizes it: AUTHED_WAITING_CAPTURE, with a signed PAYMENT_NOTIFICATION. /order/capture (fields:
// the SDK's CaptureOrderParams; merchantId and captureRequestedAt required as in the API reference's
// CaptureOrderRequest, A0003 without them as the sandbox answers) takes the whole order amount:
// CAPTURE_IN_PROGRESS, one ledger capture (sim.Ledger.AddCapture, no request id: Waffo's capture has
// none), then PAY_SUCCESS with a PAYMENT_NOTIFICATION once Config.CaptureSettleAfter has passed on the
// clock, at the order's next look-up (inquiry, cancel, refund, capture) or at Settle(sim.Pay). Waffo
// settles captures asynchronously and says not how fast; settling lazily keeps the simulator's clock
// the only source of time. What Waffo does not document the simulator decides, and says so: a capture
// of an order in any other state is A0013 (Waffo's code for an order whose money is taken or held),
// any captureAmount but the order's is A0008 (amount out of range; Waffo documents no partial capture
// through this API), and a cancel of an authorized or capturing order is A0013 (the lifecycle has no
// way from AUTHED_WAITING_CAPTURE to ORDER_CLOSE; no void). Authorized orders never expire on their
// own: no release of an uncaptured authorization is documented.
//
// Tests drive it through the conformance.Simulator methods: Settle (pay, fail, expire, require action),
// Inject (every provider/sim fault kind, on every operation capture included), Ledger and Webhooks.
package waffotest

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider/sim"
)

// WebhookSchedule is Waffo's webhook retry schedule: after the first try, retries after 30 s, 1 min,
// 4 min, 30 min, 4 h, 8 h and 8 h (8 tries in all). Compress it with sim.Compress in tests.
func WebhookSchedule() []time.Duration {
	return []time.Duration{30 * time.Second, time.Minute, 4 * time.Minute, 30 * time.Minute, 4 * time.Hour, 8 * time.Hour, 8 * time.Hour}
}

// Schedule is WebhookSchedule.
//
// Deprecated: use WebhookSchedule, the name every simulator uses.
func Schedule() []time.Duration { return WebhookSchedule() }

// Config configures a Server. The zero value works.
type Config struct {
	// Clock drives order times and expiry; nil is the system clock.
	Clock sim.Clock
	// OrderTTL is how long an order stays payable when the merchant sets no orderExpiredAt; 0 means 30 min.
	OrderTTL time.Duration
	// WebhookSchedule is the retry schedule after the first try; nil means Webhooks, and when that is
	// nil too, WebhookSchedule(). An empty non-nil slice means a single try.
	WebhookSchedule []time.Duration
	// Webhooks is the old name of WebhookSchedule, still read when WebhookSchedule is nil.
	//
	// Deprecated: use WebhookSchedule, the name every simulator uses.
	Webhooks []time.Duration
	// WebhookClient sends notifications; nil uses a client with a 10 s timeout.
	WebhookClient *http.Client
	// FlatWebhooks sends notifications without the "result" wrapper (the shape one Waffo docs page shows).
	FlatWebhooks bool
	// Keys are the key pairs to use; nil uses a pair generated once per process (key generation is slow).
	Keys *Keys
	// CaptureSettleAfter is how long, on Clock, a captured order stays CAPTURE_IN_PROGRESS before it
	// becomes PAY_SUCCESS (with a PAYMENT_NOTIFICATION). Waffo settles captures asynchronously and
	// says not how fast; the simulator settles one when the order is next looked up (inquiry, cancel,
	// refund, capture) at or after that time, or when Settle(sim.Pay) is called on it. 0: the next
	// look-up settles it.
	CaptureSettleAfter time.Duration
}

// Keys are the simulator's credentials as PEM strings: the merchant's pair (the merchant signs with
// the private key; the simulator verifies with the public one) and Waffo's pair (the simulator signs;
// the merchant verifies with WaffoPublicKey).
type Keys struct {
	MerchantPrivateKey, MerchantPublicKey string
	WaffoPrivateKey, WaffoPublicKey       string
}

// GenerateKeys makes fresh RSA-2048 pairs.
func GenerateKeys() (*Keys, error) {
	mPriv, mPub, err := pemPair()
	if err != nil {
		return nil, err
	}
	wPriv, wPub, err := pemPair()
	if err != nil {
		return nil, err
	}
	return &Keys{MerchantPrivateKey: mPriv, MerchantPublicKey: mPub, WaffoPrivateKey: wPriv, WaffoPublicKey: wPub}, nil
}

func pemPair() (priv, pub string, err error) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", "", err
	}
	p8, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return "", "", err
	}
	spki, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		return "", "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: p8})),
		string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: spki})), nil
}

var sharedKeys = sync.OnceValues(GenerateKeys)

// Server is a running fake Waffo. Close it when done.
type Server struct {
	// URL is the API base URL, ending in /api/v1: use it as waffo.Config.BaseURL.
	URL string
	// APIKey and MerchantID are the credentials the simulator accepts.
	APIKey, MerchantID string
	// Keys are the key pairs in use.
	Keys Keys

	srv   *httptest.Server
	clock sim.Clock
	ttl   time.Duration
	flat  bool

	captureAfter time.Duration
	faults       sim.Faults
	ledger       sim.Ledger
	webhooks     *sim.Webhooks
	done         chan struct{}
	close        sync.Once

	merchantKey *rsa.PublicKey
	waffoKey    *rsa.PrivateKey

	mu      sync.Mutex
	seq     int
	orders  map[string]*order // by acquiringOrderId
	byReqID map[string]*order // by paymentRequestId
	refunds map[string]*refund
	byRefID map[string]*refund // by refundRequestId

	undocumented []string // request fields outside requestFields, as "endpoint field"
}

// NewServer starts a simulator on a loopback port. It panics if it cannot (as httptest does).
func NewServer(cfg Config) *Server {
	keys := cfg.Keys
	if keys == nil {
		k, err := sharedKeys()
		if err != nil {
			panic(fmt.Sprintf("waffotest: generating keys: %v", err))
		}
		keys = k
	}
	s := &Server{
		APIKey: "sim_api_key_" + rand.Text(), MerchantID: "1000000201", Keys: *keys,
		clock: cfg.Clock, ttl: cfg.OrderTTL, flat: cfg.FlatWebhooks, captureAfter: cfg.CaptureSettleAfter, done: make(chan struct{}),
		orders: map[string]*order{}, byReqID: map[string]*order{}, refunds: map[string]*refund{}, byRefID: map[string]*refund{},
	}
	if s.clock == nil {
		s.clock = sim.SystemClock{}
	}
	if s.ttl <= 0 {
		s.ttl = 30 * time.Minute
	}
	var err error
	if s.merchantKey, err = parsePublic(keys.MerchantPublicKey); err != nil {
		panic(fmt.Sprintf("waffotest: Keys.MerchantPublicKey: %v", err))
	}
	if s.waffoKey, err = parsePrivate(keys.WaffoPrivateKey); err != nil {
		panic(fmt.Sprintf("waffotest: Keys.WaffoPrivateKey: %v", err))
	}
	schedule := cfg.WebhookSchedule
	if schedule == nil {
		schedule = cfg.Webhooks
	}
	if schedule == nil {
		schedule = WebhookSchedule()
	}
	s.webhooks = sim.NewWebhooks(sim.WebhookConfig{Client: cfg.WebhookClient, Schedule: schedule, AcceptReply: s.acked})
	s.srv = httptest.NewServer(s.routes())
	s.URL = s.srv.URL + "/api/v1"
	return s
}

// Close stops the server and pending webhook retries.
func (s *Server) Close() {
	s.close.Do(func() {
		close(s.done)
		s.webhooks.Close()
		s.srv.CloseClientConnections()
		s.srv.Close()
	})
}

// Inject queues a fault for the next call(s) of an operation.
func (s *Server) Inject(f sim.Fault) { s.faults.Inject(f) }

// SetChaos draws a fault for every request that no injected fault strikes (see sim.Faults.SetChaos);
// nil turns it off.
func (s *Server) SetChaos(fn func(op paygate.Op) (sim.Fault, bool)) { s.faults.SetChaos(fn) }

// ClearFaults drops every fault still queued.
func (s *Server) ClearFaults() { s.faults.Clear() }

// Ledger records what reached the simulator and what it created.
func (s *Server) Ledger() *sim.Ledger { return &s.ledger }

// Webhooks is the notification sender, for inspecting deliveries.
func (s *Server) Webhooks() *sim.Webhooks { return s.webhooks }

// Settle acts on the order created for paymentRequestID as the user or Waffo would.
func (s *Server) Settle(_ context.Context, paymentRequestID string, st sim.Settlement) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.byReqID[paymentRequestID]
	if !ok {
		return fmt.Errorf("waffotest: no order for paymentRequestId %q", paymentRequestID)
	}
	return s.settle(o, st)
}

// SettleOrder acts on one order by its acquiringOrderId.
func (s *Server) SettleOrder(_ context.Context, acquiringOrderID string, st sim.Settlement) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[acquiringOrderID]
	if !ok {
		return fmt.Errorf("waffotest: no order %q", acquiringOrderID)
	}
	return s.settle(o, st)
}

// Faults lists the fault kinds the simulator can inject: all of them.
func Faults() []sim.FaultKind {
	return []sim.FaultKind{sim.DropBeforeProcessing, sim.LoseReply, sim.DelayReply, sim.ReplyStatus, sim.ReplyCode, sim.CorruptBody, sim.CorruptSignature}
}

// routes serves the six endpoints under /api/v1.
func (s *Server) routes() http.Handler {
	cfg := sim.HTTPConfig{Faults: &s.faults, Ledger: &s.ledger, CodeReply: s.codeReply, Sign: s.sign, Done: s.done}
	mux := http.NewServeMux()
	for _, ep := range []struct {
		path string
		op   paygate.Op
		id   string
		fn   func(*request) reply
	}{
		{"/api/v1/order/create", paygate.OpCreate, "paymentRequestId", s.create},
		{"/api/v1/order/inquiry", paygate.OpInquire, "paymentRequestId", s.inquire},
		{"/api/v1/order/cancel", paygate.OpCancel, "paymentRequestId", s.cancel},
		{"/api/v1/order/capture", paygate.OpCapture, "paymentRequestId", s.capture},
		{"/api/v1/order/refund", paygate.OpRefund, "refundRequestId", s.refund},
		{"/api/v1/refund/inquiry", paygate.OpInquireRefund, "refundRequestId", s.inquireRefund},
	} {
		mux.Handle("POST "+ep.path, sim.Serve(cfg, sim.Endpoint{
			Op:        ep.op,
			RequestID: func(_ *http.Request, body []byte) string { return requestID(body, ep.id) },
			Process:   func(r *http.Request, body []byte) sim.Reply { return s.process(r, body, ep.fn) },
		}))
	}
	s.cashier().Mount(mux) // the payment page, /pay/<acquiringOrderId> (page.go)
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		s.write(w, reply{status: http.StatusNotFound, code: "A0003", msg: "no such API"})
	})
	return mux
}
