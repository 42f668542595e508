// Package vai247test is a fake VAI247 (DVPay) merchant API for tests: real HTTP on loopback, written
// from the provider's documentation (the seed's generation: snake_case, three auth headers), with the
// order state machine, 30-minute expiry on an injectable clock, the error envelope, signed webhooks,
// fault injection and a ledger of what each request really produced.
//
// It implements conformance.Simulator. Start one with NewServer and point the adapter at its URL and
// credentials:
//
//	srv := vai247test.NewServer(vai247test.Config{})
//	defer srv.Close()
//	gw, _ := vai247.New(vai247.Config{BaseURL: srv.URL, AppID: srv.AppID, APIKey: srv.APIKey, StoreID: srv.StoreID,
//		WebhookSecret: srv.WebhookSecret})
//
// # Behaviour
//
// Every call must carry X-App-Id and X-Api-Key matching the server's and X-Timestamp (unix seconds)
// within ±5 minutes of its clock, else 401. POST bodies are JSON objects with exactly the documented
// snake_case fields (unknown fields, a wrong type or a string amount: 400). Amounts are JSON numbers
// in major units: USD with at most 2 decimals in 0.10…10,000, KHR whole riel in 400…40,000,000; other
// currencies 400 unsupported_currency, other amounts 400 invalid_amount.
//
// Orders start pending with a QR code and expire 30 minutes later (Config.OrderTTL). Expiry is
// applied when an order is next touched, and at once by AdvanceClock. States and moves:
//
//	pending     → processing (Scan), paid (Pay), failed (Fail), cancelled (cancel), expired (TTL, Expire)
//	processing  → paid (Pay), failed (Fail), cancelled (cancel)
//	failed      → processing (Scan: the customer tries again), paid (Pay), cancelled (TTL)
//	paid        → completed (Complete), refunded / partially_refunded (refund)
//	completed   → refunded / partially_refunded (refund)
//	partially_refunded → refunded (refund)
//
// Cancel (the seed): only pending or processing orders, else 409 invalid_order_state; a cancelled
// order is never reinstated. Refunds: of a paid, completed or partially refunded order, at most what
// is left (else 422 refund_amount_exceeded), each one completed at once. With Config.RefundSigning
// (the 2026-03-02 version) refunds must carry X-Signature = hex(HMAC-SHA256(APISecret, body +
// X-Timestamp)) (401 invalid_signature) and X-Idempotent-Key, a UUID (400): a repeated key with the
// same order and amount answers the original refund, with another one 409 idempotency_conflict.
//
// An orphan order — one whose create reply never fully reached the merchant (lost, cut, or held
// past the client's patience) — cannot be paid: nobody saw its QR code. Settle acts on the order the
// merchant was last given for a reference_id.
//
// Errors are {"error":{"code","message","details","request_id","timestamp"}}; the codes are
// listed in Codes. Webhooks ({event, order_id, amount, currency, status, timestamp}, every one signed
// with X-DVPay-Signature, the hex HMAC-SHA256 of the body keyed with Server.WebhookSecret) go to the
// URL set with SetWebhookURL, as VAI247's dashboard would, and are retried on Config.WebhookSchedule
// until answered 200 {"status":"received"}.
// Responses are not signed (VAI247 does not sign them), so a CorruptSignature fault answers 500.
//
// Every field it reads or writes is listed in Fields with the doc section it comes from, and a test
// pins every reply, notification and request body to that table. No reply or notification carries
// the merchant's reference_id: VAI247 documents none that does.
package vai247test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/status"
)

// The API's paths, as documented.
const (
	// PathCreate creates an order.
	PathCreate = "/api/v1/payment-gateway/order/create"
	// PathInquire answers for a transaction (or, here, an order) id.
	PathInquire = "/api/v1/payment-gateway/payment/transaction-detail"
	// PathCancel cancels a pending or processing order (the seed).
	PathCancel = "/api/v1/payment-gateway/order/cancel"
	// PathRefund refunds a paid order.
	PathRefund = "/api/v1/payment-gateway/order/refund"
)

// DefaultOrderTTL is how long an order stays payable.
const DefaultOrderTTL = 30 * time.Minute

// TimestampWindow is how far X-Timestamp may be from the server's clock.
const TimestampWindow = 5 * time.Minute

// WebhookSchedule is the simulator's retry schedule for webhooks (VAI247 documents none): 1 minute,
// 5 minutes, 30 minutes, 2 hours and 6 hours after the tries before. Compress it with sim.Compress in
// tests.
func WebhookSchedule() []time.Duration {
	return []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 6 * time.Hour}
}

// DefaultWebhookSchedule is WebhookSchedule.
//
// Deprecated: use WebhookSchedule, the name every simulator uses.
func DefaultWebhookSchedule() []time.Duration { return WebhookSchedule() }

// Codes are the error codes the simulator answers, with their HTTP status (DECISION: VAI247's docs
// name only insufficient_funds). A ReplyCode fault with a code not listed here answers HTTP 500.
var Codes = map[string]int{
	"invalid_request":        http.StatusBadRequest,
	"invalid_amount":         http.StatusBadRequest,
	"unsupported_currency":   http.StatusBadRequest,
	"unauthorized":           http.StatusUnauthorized,
	"invalid_signature":      http.StatusUnauthorized,
	"account_suspended":      http.StatusForbidden,
	"order_not_found":        http.StatusNotFound,
	"invalid_order_state":    http.StatusConflict,
	"idempotency_conflict":   http.StatusConflict,
	"refund_amount_exceeded": http.StatusUnprocessableEntity,
	"insufficient_funds":     http.StatusUnprocessableEntity,
	"rate_limit_exceeded":    http.StatusTooManyRequests,
	"internal_error":         http.StatusInternalServerError,
	"service_unavailable":    http.StatusServiceUnavailable,
}

// Config configures a Server. Empty credentials are generated, the webhook secret too (a random one),
// so notifications are always signed.
type Config struct {
	AppID, APIKey, APISecret, StoreID, WebhookSecret string
	// RefundSigning requires the 2026-03-02 refund authentication (X-Signature, X-Idempotent-Key).
	RefundSigning bool
	// Clock is the server's time; nil means the system clock. AdvanceClock needs a *sim.ManualClock.
	Clock sim.Clock
	// OrderTTL is how long an order stays payable; 0 means 30 minutes.
	OrderTTL time.Duration
	// WebhookSchedule is the wait before each webhook retry; nil means WebhookSchedule() (compress it
	// with sim.Compress in tests).
	WebhookSchedule []time.Duration
}

// Server is a running VAI247 simulator. It is safe for concurrent use.
type Server struct {
	// URL is the API root to give the adapter as BaseURL.
	URL string
	// The credentials the server accepts.
	AppID, APIKey, APISecret, StoreID, WebhookSecret string

	cfg      Config
	clock    sim.Clock
	ttl      time.Duration
	srv      *httptest.Server
	faults   sim.Faults
	ledger   sim.Ledger
	webhooks *sim.Webhooks
	done     chan struct{}
	closeMu  sync.Once

	mu         sync.Mutex
	orders     map[string]*order
	given      map[string]*order // per reference_id, the order the merchant was last given
	refunds    []*refund
	keys       map[string]*keyed // X-Idempotent-Key → the refund it made
	webhookURL string
	seq        int
}

type order struct {
	id, ref, qr      string
	amount, refunded money.Amount
	wire             string
	digits           int
	status           string
	created, updated time.Time
	expires          time.Time
	given            bool
}

type refund struct {
	id, orderID, ref string
	amount           money.Amount
	created          time.Time
}

type keyed struct {
	fingerprint string
	reply       []byte
}

// NewServer starts a simulator on a loopback port. Close it when done.
func NewServer(cfg Config) *Server {
	s := &Server{
		AppID: or(cfg.AppID, "app_"+rand.Text()[:12]), APIKey: or(cfg.APIKey, "key_"+rand.Text()),
		APISecret: or(cfg.APISecret, "sec_"+rand.Text()), StoreID: or(cfg.StoreID, "store_"+rand.Text()[:8]),
		WebhookSecret: or(cfg.WebhookSecret, "whsec_"+rand.Text()),
		cfg:           cfg, clock: cfg.Clock, ttl: cfg.OrderTTL, done: make(chan struct{}),
		orders: map[string]*order{}, given: map[string]*order{}, keys: map[string]*keyed{},
	}
	if s.clock == nil {
		s.clock = sim.SystemClock{}
	}
	if s.ttl <= 0 {
		s.ttl = DefaultOrderTTL
	}
	schedule := cfg.WebhookSchedule
	if schedule == nil {
		schedule = WebhookSchedule()
	}
	s.webhooks = sim.NewWebhooks(sim.WebhookConfig{Schedule: schedule, Accept: Acked})
	hc := sim.HTTPConfig{Faults: &s.faults, Ledger: &s.ledger, CodeReply: s.codeReply, Done: s.done}
	mux := http.NewServeMux()
	mux.Handle("POST "+PathCreate, s.trackDelivery(sim.Serve(hc, sim.Endpoint{Op: paygate.OpCreate, RequestID: bodyField("reference_id"), Process: s.create})))
	mux.Handle("GET "+PathInquire, sim.Serve(hc, sim.Endpoint{Op: paygate.OpInquire, RequestID: func(r *http.Request, _ []byte) string {
		return r.URL.Query().Get("transaction_id")
	}, Process: s.inquire}))
	mux.Handle("POST "+PathCancel, sim.Serve(hc, sim.Endpoint{Op: paygate.OpCancel, RequestID: bodyField("order_id"), Process: s.cancel}))
	mux.Handle("POST "+PathRefund, sim.Serve(hc, sim.Endpoint{Op: paygate.OpRefund, RequestID: bodyField("reference_id"), Process: s.refund}))
	s.cashier().Mount(mux) // the payment page, /pay/<order_id> (page.go)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		rep := s.fail(http.StatusNotFound, "not_found", "no such endpoint: "+r.Method+" "+r.URL.Path)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rep.Status)
		_, _ = w.Write(rep.Body)
	})
	s.srv = httptest.NewServer(mux)
	s.URL = s.srv.URL
	return s
}

func or(v, def string) string {
	if v != "" {
		return v
	}
	return def
}

// Close stops the server and its pending webhook retries.
func (s *Server) Close() {
	s.closeMu.Do(func() {
		close(s.done)
		s.webhooks.Close()
		s.srv.Close()
	})
}

// Acked reports whether a merchant's reply acknowledges a notification: HTTP 200 with a JSON body
// whose status is "received".
func Acked(status int, body []byte) bool {
	var r struct {
		Status string `json:"status"`
	}
	return status == http.StatusOK && json.Unmarshal(body, &r) == nil && r.Status == "received"
}

// Inject queues a fault for the next call(s) of an operation.
func (s *Server) Inject(f sim.Fault) { s.faults.Inject(f) }

// SetChaos draws a fault for every request that no injected fault strikes (see sim.Faults.SetChaos);
// nil turns it off.
func (s *Server) SetChaos(fn func(op paygate.Op) (sim.Fault, bool)) { s.faults.SetChaos(fn) }

// Ledger records what reached the server and what it produced.
func (s *Server) Ledger() *sim.Ledger { return &s.ledger }

// Webhooks is the server's webhook sender.
func (s *Server) Webhooks() *sim.Webhooks { return s.webhooks }

// SetWebhookURL sets where notifications go, as the merchant does in VAI247's dashboard ("" sends
// none).
func (s *Server) SetWebhookURL(url string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhookURL = url
}

// AdvanceClock moves the server's manual clock forward by d and expires every order whose time has
// passed. It panics unless Config.Clock is a *sim.ManualClock.
func (s *Server) AdvanceClock(d time.Duration) {
	mc, ok := s.clock.(*sim.ManualClock)
	if !ok {
		panic("vai247test: AdvanceClock needs Config.Clock to be a *sim.ManualClock")
	}
	mc.Advance(d)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range s.orders {
		s.expire(o)
	}
}

// ---- requests ----

// bodyField returns the string field name of a JSON body, for the ledger ("" when absent).
func bodyField(name string) func(*http.Request, []byte) string {
	return func(_ *http.Request, body []byte) string {
		var m map[string]json.RawMessage
		if json.Unmarshal(body, &m) != nil {
			return ""
		}
		var v string
		_ = json.Unmarshal(m[name], &v)
		return v
	}
}

// authenticate checks the three headers and the timestamp window.
func (s *Server) authenticate(r *http.Request) *sim.Reply {
	if !equal(r.Header.Get("X-App-Id"), s.AppID) || !equal(r.Header.Get("X-Api-Key"), s.APIKey) {
		rep := s.fail(http.StatusUnauthorized, "unauthorized", "invalid X-App-Id or X-Api-Key")
		return &rep
	}
	ts, err := strconv.ParseInt(r.Header.Get("X-Timestamp"), 10, 64)
	if err != nil {
		rep := s.fail(http.StatusUnauthorized, "unauthorized", "X-Timestamp must be unix seconds")
		return &rep
	}
	if d := s.clock.Now().Sub(time.Unix(ts, 0)); d > TimestampWindow || d < -TimestampWindow {
		rep := s.fail(http.StatusUnauthorized, "unauthorized", "X-Timestamp is more than 5 minutes from the server's time")
		return &rep
	}
	return nil
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// decode reads body strictly into dst (a struct with the documented fields).
func decode(r *http.Request, body []byte, dst any) error {
	if ct := r.Header.Get("Content-Type"); ct != "application/json" && !bytes.HasPrefix([]byte(ct), []byte("application/json;")) {
		return errors.New("Content-Type must be application/json")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(dst); err != nil {
		return fmt.Errorf("malformed JSON body: %v", err)
	}
	if dec.More() {
		return errors.New("data after the JSON body")
	}
	return nil
}

type currencyRule struct {
	digits   int
	min, max decimal.Decimal
}

var currencyRules = map[string]currencyRule{
	"USD": {2, decimal.RequireFromString("0.10"), decimal.RequireFromString("10000")},
	"KHR": {0, decimal.RequireFromString("400"), decimal.RequireFromString("40000000")},
}

var plainNumber = regexp.MustCompile(`^(0|[1-9][0-9]*)(\.[0-9]+)?$`)

// amount reads a JSON number in major units exactly; checkRange applies the payment range.
func amount(n json.Number, currency string, checkRange bool) (money.Amount, int, error) {
	rule, ok := currencyRules[currency]
	if !ok {
		return money.Amount{}, 0, errUnsupportedCurrency
	}
	if !plainNumber.MatchString(string(n)) {
		return money.Amount{}, 0, fmt.Errorf("amount %q is not a plain positive number", n)
	}
	d := decimal.RequireFromString(string(n))
	if !d.Shift(int32(rule.digits)).IsInteger() {
		return money.Amount{}, 0, fmt.Errorf("%s amounts have at most %d decimal places", currency, rule.digits)
	}
	if !d.IsPositive() || checkRange && (d.LessThan(rule.min) || d.GreaterThan(rule.max)) {
		return money.Amount{}, 0, fmt.Errorf("%s amounts must be from %s to %s", currency, rule.min, rule.max)
	}
	a, err := money.Parse(d.StringFixed(int32(rule.digits)), currency)
	return a, rule.digits, err
}

var errUnsupportedCurrency = errors.New("only USD and KHR are supported")

// isNumber reports whether the raw JSON value is a number (not a string holding one).
func isNumber(n json.Number) bool { return n != "" }

// ---- create ----

type createBody struct {
	StoreID     string      `json:"store_id"`
	Amount      json.Number `json:"amount"`
	Currency    string      `json:"currency"`
	ReferenceID string      `json:"reference_id"`
}

func (s *Server) create(r *http.Request, body []byte) sim.Reply {
	if rep := s.authenticate(r); rep != nil {
		return *rep
	}
	var b createBody
	if err := decode(r, body, &b); err != nil {
		return s.fail(http.StatusBadRequest, "invalid_request", err.Error())
	}
	if !bytes.Contains(body, []byte(`"amount":`+string(b.Amount))) || !isNumber(b.Amount) {
		return s.fail(http.StatusBadRequest, "invalid_request", "amount must be a JSON number")
	}
	if b.StoreID != s.StoreID {
		return s.fail(http.StatusBadRequest, "invalid_request", "unknown store_id")
	}
	a, digits, err := amount(b.Amount, b.Currency, true)
	if errors.Is(err, errUnsupportedCurrency) {
		return s.fail(http.StatusBadRequest, "unsupported_currency", err.Error())
	}
	if err != nil {
		return s.fail(http.StatusBadRequest, "invalid_amount", err.Error())
	}
	now := s.clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	o := &order{
		id: fmt.Sprintf("ord_%s%d", rand.Text()[:10], s.seq), ref: b.ReferenceID, amount: a, wire: string(b.Amount), digits: digits,
		status: "pending", created: now, updated: now, expires: now.Add(s.ttl),
	}
	o.qr = "dvpay://qr/" + o.id
	s.orders[o.id] = o
	s.ledger.AddOrder(sim.Order{RequestID: o.ref, ProviderID: o.id, Amount: a, WireAmount: o.wire, Status: ledgerStatus(o.status), CreatedAt: now})
	rep := s.ok(map[string]any{"order_id": o.id, "status": o.status, "qr_code": o.qr, "expires_at": o.expires.UTC().Format(time.RFC3339)})
	if hold, ok := r.Context().Value(holdKey{}).(*createHold); ok {
		hold.orderID, hold.body = o.id, rep.Body
	}
	return rep
}

// createHold carries the order a create made and its reply, so trackDelivery can tell whether the
// merchant got it.
type createHold struct {
	orderID string
	body    []byte
}

type holdKey struct{}

// recorder notes what a handler wrote.
type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (rc *recorder) WriteHeader(code int) {
	rc.status = code
	rc.ResponseWriter.WriteHeader(code)
}

func (rc *recorder) Write(b []byte) (int, error) {
	if rc.status == 0 {
		rc.status = http.StatusOK
	}
	rc.body.Write(b)
	return rc.ResponseWriter.Write(b)
}

// trackDelivery marks an order as given to the merchant only when its create reply was written
// whole to a client that was still there. A lost, cut or abandoned reply leaves an orphan.
func (s *Server) trackDelivery(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hold := &createHold{}
		r = r.WithContext(context.WithValue(r.Context(), holdKey{}, hold))
		rc := &recorder{ResponseWriter: w}
		h.ServeHTTP(rc, r) // a LoseReply fault panics out of here: the order stays an orphan
		if hold.orderID == "" || rc.status != http.StatusOK || !bytes.Equal(rc.body.Bytes(), hold.body) || r.Context().Err() != nil {
			return
		}
		// Marked before this handler returns, which is when net/http flushes the small reply: the
		// merchant cannot hold the QR code before the order counts as given.
		s.mu.Lock()
		defer s.mu.Unlock()
		if o := s.orders[hold.orderID]; o != nil {
			o.given = true
			s.given[o.ref] = o
		}
	})
}

// ---- inquire ----

func (s *Server) inquire(r *http.Request, _ []byte) sim.Reply {
	if rep := s.authenticate(r); rep != nil {
		return *rep
	}
	id := r.URL.Query().Get("transaction_id")
	if id == "" {
		return s.fail(http.StatusBadRequest, "invalid_request", "transaction_id is required")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orders[id] // DECISION: an order id is accepted as transaction_id
	if o == nil {
		return s.fail(http.StatusNotFound, "order_not_found", "no transaction or order "+id)
	}
	s.expire(o)
	return s.ok(map[string]any{
		"transaction_id": "txn_" + o.id, "order_id": o.id, "amount": json.Number(o.amount.Decimal().StringFixed(int32(o.digits))),
		"currency": o.amount.Currency(), "status": o.status,
		"created_at": o.created.UTC().Format(time.RFC3339), "updated_at": o.updated.UTC().Format(time.RFC3339),
	})
}

// ---- cancel ----

type cancelBody struct {
	OrderID string `json:"order_id"`
	Reason  string `json:"reason"`
}

func (s *Server) cancel(r *http.Request, body []byte) sim.Reply {
	if rep := s.authenticate(r); rep != nil {
		return *rep
	}
	var b cancelBody
	if err := decode(r, body, &b); err != nil {
		return s.fail(http.StatusBadRequest, "invalid_request", err.Error())
	}
	if b.OrderID == "" {
		return s.fail(http.StatusBadRequest, "invalid_request", "order_id is required")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orders[b.OrderID]
	if o == nil {
		return s.fail(http.StatusNotFound, "order_not_found", "no order "+b.OrderID)
	}
	s.expire(o)
	switch o.status {
	case "pending", "processing":
	case "paid", "completed", "refunded", "partially_refunded":
		return s.fail(http.StatusConflict, "invalid_order_state", "the order is "+o.status+": completed orders must be refunded instead")
	case "cancelled":
		return s.fail(http.StatusConflict, "invalid_order_state", "the order is already cancelled")
	default:
		return s.fail(http.StatusConflict, "invalid_order_state", "only pending or processing orders can be cancelled; this one is "+o.status)
	}
	s.setStatus(o, "cancelled")
	return s.ok(map[string]any{"order_id": o.id, "status": o.status, "cancelled_at": o.updated.UTC().Format(time.RFC3339)})
}

// ---- refund ----

type refundBody struct {
	OrderID     string      `json:"order_id"`
	Amount      json.Number `json:"amount"`
	Reason      string      `json:"reason"`
	ReferenceID string      `json:"reference_id"`
}

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func (s *Server) refund(r *http.Request, body []byte) sim.Reply {
	if rep := s.authenticate(r); rep != nil {
		return *rep
	}
	key := ""
	if s.cfg.RefundSigning {
		sig, err := hex.DecodeString(r.Header.Get("X-Signature"))
		msg := append(bytes.Clone(body), r.Header.Get("X-Timestamp")...)
		if err != nil || !provider.VerifyHMACSHA256([]byte(s.APISecret), msg, sig) {
			return s.fail(http.StatusUnauthorized, "invalid_signature", "X-Signature does not match HMAC-SHA256(api secret, body + timestamp)")
		}
		key = r.Header.Get("X-Idempotent-Key")
		if !uuidPattern.MatchString(key) {
			return s.fail(http.StatusBadRequest, "invalid_request", "X-Idempotent-Key must be a UUID")
		}
	}
	var b refundBody
	if err := decode(r, body, &b); err != nil {
		return s.fail(http.StatusBadRequest, "invalid_request", err.Error())
	}
	if b.OrderID == "" || !bytes.Contains(body, []byte(`"amount":`+string(b.Amount))) || !isNumber(b.Amount) {
		return s.fail(http.StatusBadRequest, "invalid_request", "order_id and a numeric amount are required")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	fingerprint := b.OrderID + "\x00" + string(b.Amount)
	if k := s.keys[key]; key != "" && k != nil {
		if k.fingerprint != fingerprint {
			return s.fail(http.StatusConflict, "idempotency_conflict", "X-Idempotent-Key was already used for another refund")
		}
		return sim.Reply{Body: k.reply}
	}
	o := s.orders[b.OrderID]
	if o == nil {
		return s.fail(http.StatusNotFound, "order_not_found", "no order "+b.OrderID)
	}
	s.expire(o)
	switch o.status {
	case "paid", "completed", "partially_refunded":
	default:
		return s.fail(http.StatusConflict, "invalid_order_state", "only paid or completed orders can be refunded; this one is "+o.status)
	}
	a, _, err := amount(b.Amount, o.amount.Currency(), false)
	if err != nil {
		return s.fail(http.StatusBadRequest, "invalid_amount", err.Error())
	}
	left := o.amount
	if !o.refunded.IsZero() {
		left, _ = o.amount.Sub(o.refunded) // same currency: both are the order's
	}
	if c, err := a.Cmp(left); err != nil || c > 0 {
		return s.fail(http.StatusUnprocessableEntity, "refund_amount_exceeded", fmt.Sprintf("at most %s is left to refund", left))
	}
	now := s.clock.Now()
	s.seq++
	rf := &refund{id: fmt.Sprintf("rf_%s%d", rand.Text()[:10], s.seq), orderID: o.id, ref: b.ReferenceID, amount: a, created: now}
	s.refunds = append(s.refunds, rf)
	if o.refunded.IsZero() {
		o.refunded = a
	} else {
		o.refunded, _ = o.refunded.Add(a)
	}
	s.ledger.AddRefund(sim.Refund{RequestID: rf.ref, ProviderID: rf.id, ProviderPaymentID: o.id, Amount: a, WireAmount: string(b.Amount),
		Status: status.RefundSucceeded, CreatedAt: now})
	next := "partially_refunded"
	if o.refunded.Equal(o.amount) {
		next = "refunded"
	}
	s.setStatus(o, next)
	s.notify(o, "refund.completed", a)
	rep := s.ok(map[string]any{"refund_id": rf.id, "order_id": o.id, "amount": json.Number(string(b.Amount)), "status": "completed",
		"created_at": now.UTC().Format(time.RFC3339)})
	if key != "" {
		s.keys[key] = &keyed{fingerprint: fingerprint, reply: rep.Body}
	}
	return rep
}

// ---- replies ----

func (s *Server) ok(v map[string]any) sim.Reply {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // unreachable: the values are strings and json.Numbers
	}
	return sim.Reply{Status: http.StatusOK, Body: b}
}

// fail is the error envelope.
func (s *Server) fail(httpStatus int, code, message string) sim.Reply {
	b, _ := json.Marshal(map[string]any{"error": map[string]any{
		"code": code, "message": message, "details": map[string]any{},
		"request_id": "req_" + rand.Text()[:12], "timestamp": s.clock.Now().Unix(),
	}})
	return sim.Reply{Status: httpStatus, Body: b}
}

// codeReply answers a ReplyCode fault: the envelope with code at its status (500 when unlisted).
func (s *Server) codeReply(_ paygate.Op, _ *http.Request, _ []byte, code string) sim.Reply {
	st, ok := Codes[code]
	if !ok {
		st = http.StatusInternalServerError
	}
	return s.fail(st, code, "injected "+code)
}

// ---- state ----

// ledgerStatus is the normalized view the ledger keeps of a VAI247 status. failed is not final at
// VAI247 (the customer may try again), so the ledger keeps it pending.
func ledgerStatus(st string) status.Payment {
	switch st {
	case "pending":
		return status.PaymentRequiresAction
	case "processing", "failed":
		return status.PaymentPending
	case "paid", "completed", "refunded", "partially_refunded":
		return status.PaymentSucceeded
	case "cancelled":
		return status.PaymentCanceled
	case "expired":
		return status.PaymentExpired
	}
	return status.Payment("")
}

// setStatus moves o. Callers hold s.mu.
func (s *Server) setStatus(o *order, st string) {
	o.status, o.updated = st, s.clock.Now()
	s.ledger.SetOrderStatus(o.id, ledgerStatus(st), o.refunded)
}

// expire applies the TTL: a pending order expires; a failed one is cancelled (VAI247's failed →
// cancelled). Callers hold s.mu.
func (s *Server) expire(o *order) {
	if s.clock.Now().Before(o.expires) {
		return
	}
	switch o.status {
	case "pending":
		s.setStatus(o, "expired")
	case "failed":
		s.setStatus(o, "cancelled")
	}
}
