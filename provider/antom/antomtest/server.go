package antomtest

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/status"
)

// DefaultClientID is the client id a Server answers to when Config.ClientID is empty. It has no
// SANDBOX_ prefix, so an adapter configured with it uses the live paths.
const DefaultClientID = "2188120000000001"

// The API paths, relative to the server's URL.
const (
	LivePrefix    = "/ams/api/v1/payments/"         // the live API
	SandboxPrefix = "/ams/sandbox/api/v1/payments/" // the sandbox API: same host, same endpoints
)

// Defaults of Config.
const (
	DefaultPaymentTTL   = 30 * time.Minute     // how long a payment stays payable
	DefaultCancelWindow = 24 * time.Hour       // how long after creation a payment can be cancelled
	DefaultRefundWindow = 365 * 24 * time.Hour // how long after creation a payment can be refunded
	// DefaultAuthorizationHold is how long a manual-capture payment's authorization waits for a capture
	// before Antom cancels it (Antom's capture guides: not captured within 7 days of authorization).
	DefaultAuthorizationHold = 7 * 24 * time.Hour
)

// WebhookSchedule returns Antom's notification retry schedule: after the first try, up to eight
// retries at 0 s, 2 min, 10 min, 10 min, 1 h, 2 h, 6 h and 15 h (within 24 hours). Shrink it for tests
// with sim.Compress.
func WebhookSchedule() []time.Duration {
	return []time.Duration{0, 2 * time.Minute, 10 * time.Minute, 10 * time.Minute, time.Hour, 2 * time.Hour, 6 * time.Hour, 15 * time.Hour}
}

// Config configures a Server. The zero Config is ready to use.
type Config struct {
	// ClientID is the merchant's client id; requests carrying another are CLIENT_INVALID. Empty means
	// DefaultClientID.
	ClientID string
	// MerchantPublicKey verifies the merchant's request signatures (PEM or base64 DER). Empty means the
	// public half of a built-in key pair whose private half is Server.MerchantPrivateKey.
	MerchantPublicKey string
	// AntomPrivateKey signs responses and notifications. Empty means a built-in key whose public half
	// is Server.AntomPublicKey.
	AntomPrivateKey string
	// KeyVersion is the key version the merchant's signature must name; empty means "1".
	KeyVersion string
	// MerchantAccountID, when set, is the only merchantAccountId a request may carry (ACCESS_DENIED
	// otherwise; a request without one is accepted).
	MerchantAccountID string
	// Clock tells the time (expiry, cancel and refund windows, timestamps); nil means the system clock.
	Clock sim.Clock
	// PaymentTTL is how long a payment stays payable when the request has no paymentExpiryTime.
	PaymentTTL time.Duration
	// CancelWindow is how long after creation a payment can be cancelled.
	CancelWindow time.Duration
	// RefundWindow is how long after creation a payment can be refunded.
	RefundWindow time.Duration
	// AuthorizationHold is how long an authorized manual-capture payment waits for its capture before
	// it is cancelled; 0 means DefaultAuthorizationHold.
	AuthorizationHold time.Duration
	// WebhookSchedule is the wait before each notification retry; nil means WebhookSchedule(), an
	// empty non-nil slice a single try.
	WebhookSchedule []time.Duration
	// WebhookClient delivers notifications; nil means a client with a 10 s timeout.
	WebhookClient *http.Client
}

// Server is a running Antom simulator. Create it with NewServer and Close it when done. Safe for
// concurrent use.
type Server struct {
	// URL is the server's root, e.g. http://127.0.0.1:PORT: an adapter's BaseURL.
	URL string
	// ClientID is the client id the server answers to.
	ClientID string
	// MerchantPrivateKey is the merchant's private key (base64 PKCS#8 DER) when Config.MerchantPublicKey
	// is empty, for the adapter to sign with; empty otherwise.
	MerchantPrivateKey string
	// AntomPublicKey is the public key (base64 PKIX DER) that verifies the server's signatures.
	AntomPublicKey string

	cfg         Config
	clock       sim.Clock
	merchantPub *rsa.PublicKey
	antomKey    *rsa.PrivateKey
	keyVersion  string
	srv         *httptest.Server
	faults      sim.Faults
	ledger      sim.Ledger
	webhooks    *sim.Webhooks // live-path notifications, retried on the schedule
	sandboxHook *sim.Webhooks // sandbox-path notifications, sent once
	done        chan struct{}
	closeOnce   sync.Once

	mu           sync.Mutex
	payments     map[string]*payment // by paymentRequestId
	paymentsByID map[string]*payment // by paymentId
	refunds      map[string]*refund  // by refundRequestId
	refundsByID  map[string]*refund  // by refundId
	captures     map[string]*capture // by captureRequestId, failed ones too (same id, same result)
	deferCapture bool                // captures are accepted in process (U) until CompleteCaptures
	seq          int
}

// payment is the simulator's record of a payment.
type payment struct {
	requestID, id     string
	amount            money.Amount
	wire              string // paymentAmount.value as received
	status            string // PROCESSING, PENDING, SUCCESS, FAIL, CANCELLED
	code, message     string // paymentResultCode / Message when FAIL
	createdAt         time.Time
	expiresAt         time.Time
	finishedAt        time.Time // paymentTime: reached SUCCESS or FAIL
	cancelledAt       time.Time
	notifyURL         string
	terminal          string
	sandbox           bool
	refundedMinor     int64 // at Antom's digits
	notifications     int
	redirect          string
	paymentMethodType string
	osType            string
	manual            bool      // paymentFactor.captureMode MANUAL
	authorizedAt      time.Time // when a manual payment was authorized (paid)
	captured          *capture  // its capture, once one succeeded
	description       string    // order.orderDescription, for the payment page
}

// capture is the simulator's record of a capture request: the capture it made, or the F it answered.
type capture struct {
	requestID, id, paymentID string
	amount                   money.Amount
	wire                     string
	createdAt                time.Time
	failCode, failMessage    string // set when the capture was refused
	processing               bool   // accepted, not final yet (DeferCaptures)
}

// refund is the simulator's record of a refund.
type refund struct {
	requestID, id, paymentID string
	amount                   money.Amount
	wire                     string
	metadata                 string // the refund request's metadata, returned as is
	createdAt                time.Time
	notifyURL                string
	sandbox                  bool
}

// NewServer starts a simulator on a loopback port. Like httptest.NewServer (and waffotest's and
// vai247test's NewServer) it panics when it cannot start: here, when Config.MerchantPublicKey or
// Config.AntomPrivateKey does not parse, or the built-in keys cannot be made.
func NewServer(cfg Config) *Server {
	merchant, antom, err := builtinKeys()
	if err != nil {
		panic(fmt.Sprintf("antomtest: the built-in keys: %v", err))
	}
	s := &Server{
		cfg: cfg, clock: cfg.Clock, ClientID: cfg.ClientID, keyVersion: cfg.KeyVersion,
		done:     make(chan struct{}),
		payments: map[string]*payment{}, paymentsByID: map[string]*payment{},
		refunds: map[string]*refund{}, refundsByID: map[string]*refund{}, captures: map[string]*capture{},
	}
	if s.clock == nil {
		s.clock = sim.SystemClock{}
	}
	if s.ClientID == "" {
		s.ClientID = DefaultClientID
	}
	if s.keyVersion == "" {
		s.keyVersion = "1"
	}
	if s.cfg.PaymentTTL <= 0 {
		s.cfg.PaymentTTL = DefaultPaymentTTL
	}
	if s.cfg.CancelWindow <= 0 {
		s.cfg.CancelWindow = DefaultCancelWindow
	}
	if s.cfg.RefundWindow <= 0 {
		s.cfg.RefundWindow = DefaultRefundWindow
	}
	if s.cfg.AuthorizationHold <= 0 {
		s.cfg.AuthorizationHold = DefaultAuthorizationHold
	}
	if cfg.MerchantPublicKey == "" {
		s.merchantPub, s.MerchantPrivateKey = &merchant.priv.PublicKey, merchant.privateB64
	} else if s.merchantPub, err = parsePublic(cfg.MerchantPublicKey); err != nil {
		panic(fmt.Sprintf("antomtest: Config.MerchantPublicKey: %v", err))
	}
	if cfg.AntomPrivateKey == "" {
		s.antomKey, s.AntomPublicKey = antom.priv, antom.publicB64
	} else {
		if s.antomKey, err = parsePrivate(cfg.AntomPrivateKey); err != nil {
			panic(fmt.Sprintf("antomtest: Config.AntomPrivateKey: %v", err))
		}
		kp, err := newKeyPair(s.antomKey)
		if err != nil {
			panic(fmt.Sprintf("antomtest: Config.AntomPrivateKey: %v", err))
		}
		s.AntomPublicKey = kp.publicB64
	}
	schedule := cfg.WebhookSchedule
	if schedule == nil {
		schedule = WebhookSchedule()
	}
	s.webhooks = sim.NewWebhooks(sim.WebhookConfig{Client: cfg.WebhookClient, Schedule: schedule, Accept: acknowledged})
	s.sandboxHook = sim.NewWebhooks(sim.WebhookConfig{Client: cfg.WebhookClient, Schedule: []time.Duration{}, Accept: acknowledged})

	hc := sim.HTTPConfig{Faults: &s.faults, Ledger: &s.ledger, CodeReply: s.codeReply, Sign: s.signResponse, Done: s.done}
	mux := http.NewServeMux()
	for _, ep := range []struct {
		name    string
		op      paygate.Op
		id      func([]byte) string
		process func(*http.Request, []byte) sim.Reply
	}{
		{"pay", paygate.OpCreate, paymentLedgerID, s.pay},
		{"inquiryPayment", paygate.OpInquire, paymentLedgerID, s.inquiryPayment},
		{"cancel", paygate.OpCancel, paymentLedgerID, s.cancel},
		{"refund", paygate.OpRefund, refundLedgerID, s.refund},
		{"inquiryRefund", paygate.OpInquireRefund, refundLedgerID, s.inquiryRefund},
		{"capture", paygate.OpCapture, captureLedgerID, s.capture},
	} {
		h := sim.Serve(hc, sim.Endpoint{
			Op:        ep.op,
			RequestID: func(_ *http.Request, body []byte) string { return ep.id(body) },
			Process:   s.authenticated(ep.process),
		})
		mux.Handle("POST "+LivePrefix+ep.name, h)
		mux.Handle("POST "+SandboxPrefix+ep.name, h)
	}
	s.cashier().Mount(mux, "/cashier/") // the payment page normalUrl points to (page.go)
	mux.HandleFunc("/", s.noInterface)
	s.srv = httptest.NewServer(mux)
	s.URL = s.srv.URL
	return s
}

// Close stops the server, releases delayed replies and stops notification retries. Idempotent.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		s.srv.Close()
		s.webhooks.Close()
		s.sandboxHook.Close()
	})
}

// Inject queues a fault for the next call(s) of f.Op (conformance.Simulator).
func (s *Server) Inject(f sim.Fault) { s.faults.Inject(f) }

// SetChaos draws a fault for every request that no injected fault strikes (see sim.Faults.SetChaos);
// nil turns it off.
func (s *Server) SetChaos(fn func(op paygate.Op) (sim.Fault, bool)) { s.faults.SetChaos(fn) }

// Ledger records what reached the server and what it created (conformance.Simulator).
func (s *Server) Ledger() *sim.Ledger { return &s.ledger }

// Webhooks records the notifications of payments and refunds made through the live path
// (conformance.Simulator).
func (s *Server) Webhooks() *sim.Webhooks { return s.webhooks }

// SandboxWebhooks records the notifications of payments and refunds made through the sandbox path,
// each sent once.
func (s *Server) SandboxWebhooks() *sim.Webhooks { return s.sandboxHook }

// Clock is the server's clock.
func (s *Server) Clock() sim.Clock { return s.clock }

// acknowledged reports whether a notification reply is Antom's required acknowledgement: HTTP 200 and
// a result whose status is S and code SUCCESS.
func acknowledged(code int, body []byte) bool {
	if code != http.StatusOK {
		return false
	}
	var ack struct {
		Result result `json:"result"`
	}
	return json.Unmarshal(body, &ack) == nil && ack.Result.ResultStatus == "S" && ack.Result.ResultCode == "SUCCESS"
}

// --- the HTTP layer ---------------------------------------------------------------------------------

// reply is an Antom JSON answer with HTTP 200.
func reply(v any) sim.Reply {
	return sim.Reply{Header: http.Header{"Content-Type": {"application/json; charset=UTF-8"}}, Body: encode(v)}
}

// failure is the answer carrying only a result with code, and message when given.
func failure(code, message string) sim.Reply {
	r := codeResult(code)
	if message != "" {
		r.ResultMessage = message
	}
	return reply(struct {
		Result result `json:"result"`
	}{r})
}

func (s *Server) codeReply(_ paygate.Op, _ *http.Request, _ []byte, code string) sim.Reply {
	return failure(code, "")
}

// signResponse adds Antom's response headers: client-id, response-time and the signature over
// "POST <request path>\n<client-id>.<response-time>.<body>".
func (s *Server) signResponse(r *http.Request, h http.Header, body []byte) {
	rt := s.clock.Now().Format(time.RFC3339)
	h.Set("client-id", s.ClientID)
	h.Set("response-time", rt)
	h.Set("signature", signatureHeader(s.antomKey, s.keyVersion, signedContent(r.Method, r.URL.Path, s.ClientID, rt, body)))
}

func (s *Server) noInterface(w http.ResponseWriter, _ *http.Request) {
	rep := failure("NO_INTERFACE_DEF", "")
	for k, v := range rep.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(http.StatusNotFound)
	_, _ = w.Write(rep.Body)
}

// authenticated checks what Antom checks before any endpoint runs — the client id, the media type,
// the signature, the merchant account and that every scalar is a string, or of the type Antom's SDK
// sends it as (see sdkScalars) — and then runs process.
func (s *Server) authenticated(process func(*http.Request, []byte) sim.Reply) func(*http.Request, []byte) sim.Reply {
	return func(r *http.Request, body []byte) sim.Reply {
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(strings.ToLower(ct), "application/json") {
			return failure("MEDIA_TYPE_NOT_ACCEPTABLE", "")
		}
		if r.Header.Get("client-id") != s.ClientID {
			return failure("CLIENT_INVALID", "")
		}
		sig, err := parseSignatureHeader(r.Header.Get("signature"))
		switch {
		case err != nil:
			return failure("INVALID_SIGNATURE", "The signature header is malformed: "+err.Error())
		case sig.algorithm != "RSA256":
			return failure("INVALID_SIGNATURE", "The signature algorithm must be RSA256.")
		case sig.keyVersion != s.keyVersion:
			return failure("KEY_NOT_FOUND", "")
		}
		rt := r.Header.Get("request-time")
		if rt == "" {
			return failure("INVALID_SIGNATURE", "The request-time header is missing.")
		}
		if !verifyContent(s.merchantPub, signedContent(r.Method, r.URL.Path, s.ClientID, rt, body), sig.sig) {
			return failure("INVALID_SIGNATURE", "")
		}
		if err := checkScalars(body); err != nil {
			return failure("PARAM_ILLEGAL", err.Error())
		}
		var acct struct {
			MerchantAccountID string `json:"merchantAccountId"`
		}
		_ = json.Unmarshal(body, &acct)
		if s.cfg.MerchantAccountID != "" && acct.MerchantAccountID != "" && acct.MerchantAccountID != s.cfg.MerchantAccountID {
			return failure("ACCESS_DENIED", "")
		}
		return process(r, body)
	}
}

// paymentLedgerID is the id a payment request is counted under: its paymentRequestId, else paymentId.
func paymentLedgerID(body []byte) string {
	var ref paymentRef
	_ = json.Unmarshal(body, &ref)
	if ref.PaymentRequestID != "" {
		return ref.PaymentRequestID
	}
	return ref.PaymentID
}

// captureLedgerID is the id a capture request is counted under: its captureRequestId.
func captureLedgerID(body []byte) string {
	var ref struct {
		CaptureRequestID string `json:"captureRequestId"`
	}
	_ = json.Unmarshal(body, &ref)
	return ref.CaptureRequestID
}

// refundLedgerID is the id a refund request is counted under: its refundRequestId, else refundId.
func refundLedgerID(body []byte) string {
	var ref refundRef
	_ = json.Unmarshal(body, &ref)
	if ref.RefundRequestID != "" {
		return ref.RefundRequestID
	}
	return ref.RefundID
}

func sandboxPath(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, SandboxPrefix) }

func decode(body []byte, v any) error {
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("the body does not decode: %v", err)
	}
	return nil
}

// --- the state machine ------------------------------------------------------------------------------

// ledgerStatus is the normalized status the ledger records for p.
func ledgerStatus(p *payment) status.Payment {
	switch p.status {
	case "SUCCESS":
		if p.manual && p.captured == nil {
			return status.PaymentAuthorized
		}
		if p.manual && p.captured.processing {
			return status.PaymentPending
		}
		return status.PaymentSucceeded
	case "PENDING":
		return status.PaymentPending
	case "CANCELLED":
		return status.PaymentCanceled
	case "FAIL":
		if p.code == "ORDER_IS_CLOSED" {
			return status.PaymentExpired
		}
		return status.PaymentFailed
	}
	return status.PaymentRequiresAction
}

func (s *Server) refundedAmount(p *payment) money.Amount {
	if p.refundedMinor == 0 {
		return money.Amount{}
	}
	a, _ := money.FromMinorAt(p.refundedMinor, p.amount.Currency(), antomDigits[p.amount.Currency()])
	return a
}

// setStatus changes p's status, records it in the ledger and notifies it. Callers hold s.mu.
func (s *Server) setStatus(p *payment, st, code, message string, at time.Time) {
	p.status, p.code, p.message = st, code, message
	switch st {
	case "SUCCESS", "FAIL":
		p.finishedAt = at
		if st == "SUCCESS" && p.manual {
			p.authorizedAt = at
		}
	case "CANCELLED":
		p.cancelledAt = at
	}
	s.ledger.SetOrderStatus(p.id, ledgerStatus(p), s.refundedAmount(p))
	switch st {
	case "SUCCESS":
		s.notifyPayment(p, "PAYMENT_RESULT", codeResult("SUCCESS"))
	case "PENDING":
		s.notifyPayment(p, "PAYMENT_PENDING", codeResult("SUCCESS"))
	case "FAIL":
		r := codeResult(code)
		r.ResultStatus = "F"
		if message != "" {
			r.ResultMessage = message
		}
		s.notifyPayment(p, "PAYMENT_RESULT", r)
	}
}

// expireIfDue closes p when it is past its expiry and not final, and cancels an authorized
// manual-capture payment that was not captured within the authorization hold (Antom: 7 days), without
// a notification (Antom documents none for it). Callers hold s.mu.
func (s *Server) expireIfDue(p *payment, now time.Time) {
	if (p.status == "PROCESSING") && !now.Before(p.expiresAt) {
		s.setStatus(p, "FAIL", "ORDER_IS_CLOSED", "The order is closed.", p.expiresAt)
	}
	if p.manual && p.status == "SUCCESS" && p.captured == nil && p.refundedMinor == 0 {
		if lapse := p.authorizedAt.Add(s.cfg.AuthorizationHold); !now.Before(lapse) {
			s.setStatus(p, "CANCELLED", "", "", lapse)
		}
	}
}

func (s *Server) newID(prefix string, now time.Time) string {
	s.seq++
	return fmt.Sprintf("%s%s%016d", now.UTC().Format("20060102"), prefix, s.seq)
}

func isoTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

// pay is POST …/payments/pay for CASHIER_PAYMENT.
func (s *Server) pay(r *http.Request, body []byte) sim.Reply {
	var req payRequest
	if err := decode(body, &req); err != nil {
		return failure("PARAM_ILLEGAL", err.Error())
	}
	switch {
	case req.ProductCode != "CASHIER_PAYMENT":
		return failure("PARAM_ILLEGAL", "productCode must be CASHIER_PAYMENT.")
	case req.PaymentRequestID == "" || len(req.PaymentRequestID) > 64:
		return failure("PARAM_ILLEGAL", "paymentRequestId is required, at most 64 characters.")
	case req.Order == nil || req.Order.ReferenceOrderID == "" || req.Order.OrderDescription == "":
		return failure("PARAM_ILLEGAL", "order.referenceOrderId and order.orderDescription are required.")
	case (req.Order.Env == nil || req.Order.Env.TerminalType == "") && (req.Env == nil || req.Env.TerminalType == ""):
		return failure("PARAM_ILLEGAL", "env.terminalType (or order.env.terminalType) is required.")
	case req.PaymentMethod == nil || req.PaymentMethod.PaymentMethodType == "":
		return failure("PARAM_ILLEGAL", "paymentMethod.paymentMethodType is required.")
	case req.PaymentRedirectURL == "":
		return failure("PARAM_ILLEGAL", "paymentRedirectUrl is required.")
	}
	manual := false
	if req.PaymentFactor != nil {
		switch req.PaymentFactor.CaptureMode {
		case "", "AUTOMATIC":
		case "MANUAL":
			manual = true
		default:
			return failure("PARAM_ILLEGAL", "paymentFactor.captureMode must be AUTOMATIC or MANUAL.")
		}
	}
	amt, code, err := readAmount(req.PaymentAmount, "paymentAmount")
	if err != nil {
		return failure(code, err.Error())
	}
	orderAmt, code, err := readAmount(req.Order.OrderAmount, "order.orderAmount")
	if err != nil {
		return failure(code, err.Error())
	}
	if !orderAmt.Equal(amt) {
		return failure("PARAM_ILLEGAL", "order.orderAmount must equal paymentAmount.")
	}
	terminal, osType := "", ""
	if req.Order.Env != nil {
		terminal, osType = req.Order.Env.TerminalType, req.Order.Env.OSType
	}
	if terminal == "" {
		terminal, osType = req.Env.TerminalType, req.Env.OSType
	}
	now := s.clock.Now()
	expires := now.Add(s.cfg.PaymentTTL)
	if req.PaymentExpiryTime != "" {
		t, err := time.Parse(time.RFC3339, req.PaymentExpiryTime)
		if err != nil || !t.After(now) {
			return failure("PARAM_ILLEGAL", "paymentExpiryTime must be a future ISO 8601 time.")
		}
		expires = t
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.payments[req.PaymentRequestID]; p != nil {
		if !p.amount.Equal(amt) {
			return failure("REPEAT_REQ_INCONSISTENT", "")
		}
		s.expireIfDue(p, now)
		return s.payAnswer(p)
	}
	p := &payment{
		requestID: req.PaymentRequestID, id: s.newID("1140", now), amount: amt, wire: req.PaymentAmount.Value,
		status: "PROCESSING", createdAt: now, expiresAt: expires, notifyURL: req.PaymentNotifyURL,
		terminal: terminal, sandbox: sandboxPath(r), redirect: req.PaymentRedirectURL,
		paymentMethodType: req.PaymentMethod.PaymentMethodType, osType: osType, manual: manual,
		description: req.Order.OrderDescription,
	}
	s.payments[p.requestID] = p
	s.paymentsByID[p.id] = p
	order := sim.Order{
		RequestID: p.requestID, ProviderID: p.id, Amount: amt, WireAmount: p.wire,
		Status: ledgerStatus(p), CreatedAt: now,
	}
	if manual {
		order.CaptureMode = paygate.CaptureManual
	}
	s.ledger.AddOrder(order)
	return s.payAnswer(p)
}

// payAnswer is pay's answer for p in its current state: in process with the cashier's URLs while the
// user has not paid; SUCCESS once paid; the failure once failed or closed; in process without URLs
// while the payment awaits its final result. Callers hold s.mu.
func (s *Server) payAnswer(p *payment) sim.Reply {
	resp := payResponse{
		PaymentRequestID: p.requestID, PaymentID: p.id, PaymentAmount: writeAmount(p.amount),
		PaymentCreateTime: isoTime(p.createdAt),
	}
	switch p.status {
	case "PROCESSING":
		resp.Result = codeResult("PAYMENT_IN_PROCESS")
		resp.NormalURL = s.URL + "/cashier/" + p.id
		switch p.terminal {
		case "WAP":
			resp.SchemeURL = "antomtest://cashier/" + p.id
		case "APP":
			resp.SchemeURL = "antomtest://cashier/" + p.id
			resp.ApplinkURL = s.URL + "/applink/" + p.id
		}
	case "PENDING":
		resp.Result = codeResult("PAYMENT_IN_PROCESS")
	case "SUCCESS":
		resp.Result = codeResult("SUCCESS")
	case "CANCELLED":
		return failure("ORDER_IS_CLOSED", "The payment was cancelled.")
	default: // FAIL
		r := codeResult(p.code)
		r.ResultStatus = "F"
		return reply(struct {
			Result result `json:"result"`
		}{r})
	}
	return reply(resp)
}

// findPayment looks a payment up by paymentId, which wins, else paymentRequestId. Callers hold s.mu.
func (s *Server) findPayment(ref paymentRef) *payment {
	if ref.PaymentID != "" {
		return s.paymentsByID[ref.PaymentID]
	}
	return s.payments[ref.PaymentRequestID]
}

// inquiryPayment is POST …/payments/inquiryPayment.
func (s *Server) inquiryPayment(_ *http.Request, body []byte) sim.Reply {
	var ref paymentRef
	if err := decode(body, &ref); err != nil {
		return failure("PARAM_ILLEGAL", err.Error())
	}
	if ref.PaymentID == "" && ref.PaymentRequestID == "" {
		return failure("PARAM_ILLEGAL", "paymentId or paymentRequestId is required.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.findPayment(ref)
	if p == nil {
		return failure("ORDER_NOT_EXIST", "")
	}
	s.expireIfDue(p, s.clock.Now())
	resp := inquiryResponse{
		Result: codeResult("SUCCESS"), PaymentStatus: p.status,
		PaymentRequestID: p.requestID, PaymentID: p.id, PaymentAmount: writeAmount(p.amount),
		PaymentCreateTime: isoTime(p.createdAt), PaymentTime: isoTime(p.finishedAt),
	}
	switch p.status {
	case "FAIL":
		resp.PaymentResultCode, resp.PaymentResultMessage = p.code, p.message
	case "SUCCESS":
		resp.PaymentResultCode, resp.PaymentResultMessage = "SUCCESS", "Success"
		if p.manual {
			resp.AuthExpiryTime = isoTime(p.authorizedAt.Add(s.cfg.AuthorizationHold))
		}
		if c := p.captured; c != nil {
			t := transaction{
				TransactionID: c.id, TransactionType: "CAPTURE", TransactionStatus: "PROCESSING",
				TransactionAmount: writeAmount(c.amount), TransactionRequestID: c.requestID,
			}
			if !c.processing {
				r := codeResult("SUCCESS")
				t.TransactionResult, t.TransactionStatus, t.TransactionTime = &r, "SUCCESS", isoTime(c.createdAt)
			}
			resp.Transactions = []transaction{t}
		}
	case "PROCESSING", "PENDING":
		resp.PaymentResultCode, resp.PaymentResultMessage = "PAYMENT_IN_PROCESS", "The payment is being processed."
	case "CANCELLED":
		resp.PaymentResultCode, resp.PaymentResultMessage = "ORDER_IS_CLOSED", "The payment was cancelled."
	}
	return reply(resp)
}

// cancel is POST …/payments/cancel.
func (s *Server) cancel(_ *http.Request, body []byte) sim.Reply {
	var ref paymentRef
	if err := decode(body, &ref); err != nil {
		return failure("PARAM_ILLEGAL", err.Error())
	}
	if ref.PaymentID == "" && ref.PaymentRequestID == "" {
		return failure("PARAM_ILLEGAL", "paymentId or paymentRequestId is required.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.findPayment(ref)
	if p == nil {
		return failure("ORDER_NOT_EXIST", "")
	}
	now := s.clock.Now()
	answer := func() sim.Reply {
		return reply(cancelResponse{Result: codeResult("SUCCESS"), PaymentID: p.id, PaymentRequestID: p.requestID, CancelTime: isoTime(p.cancelledAt)})
	}
	if p.status == "CANCELLED" {
		return answer()
	}
	if now.Sub(p.createdAt) > s.cfg.CancelWindow {
		return failure("CANCEL_WINDOW_EXCEED", "")
	}
	s.expireIfDue(p, now)
	switch {
	case p.status == "FAIL":
		return failure("ORDER_STATUS_INVALID", "")
	case p.refundedMinor > 0:
		// Antom's documented answer (cancel, TRANSACTION_TO_BE_CANCELED_ALREADY_REFUNDED): the code's
		// general message, not one naming the refund.
		return failure("PROCESS_FAIL", "")
	}
	s.setStatus(p, "CANCELLED", "", "", now)
	return answer()
}

// refund is POST …/payments/refund.
func (s *Server) refund(r *http.Request, body []byte) sim.Reply {
	var req refundRequest
	if err := decode(body, &req); err != nil {
		return failure("PARAM_ILLEGAL", err.Error())
	}
	switch {
	case req.RefundRequestID == "" || len(req.RefundRequestID) > 64:
		return failure("PARAM_ILLEGAL", "refundRequestId is required, at most 64 characters.")
	case req.PaymentID == "":
		return failure("PARAM_ILLEGAL", "paymentId is required.")
	case len(req.Metadata) > 2048:
		return failure("PARAM_ILLEGAL", "metadata is longer than 2048 characters.")
	}
	amt, code, err := readAmount(req.RefundAmount, "refundAmount")
	if err != nil {
		return failure(code, err.Error())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	answer := func(f *refund) sim.Reply {
		return reply(refundResponse{
			Result: codeResult("SUCCESS"), RefundRequestID: f.requestID, RefundID: f.id, PaymentID: f.paymentID,
			RefundAmount: writeAmount(f.amount), RefundTime: isoTime(f.createdAt),
		})
	}
	if f := s.refunds[req.RefundRequestID]; f != nil {
		if f.paymentID != req.PaymentID || !f.amount.Equal(amt) {
			return failure("REPEAT_REQ_INCONSISTENT", "")
		}
		return answer(f)
	}
	p := s.paymentsByID[req.PaymentID]
	if p == nil {
		return failure("ORDER_NOT_EXIST", "")
	}
	now := s.clock.Now()
	s.expireIfDue(p, now)
	if p.status != "SUCCESS" {
		return failure("ORDER_STATUS_INVALID", "Only a successful payment can be refunded.")
	}
	if p.manual && (p.captured == nil || p.captured.processing) {
		return failure("ORDER_STATUS_INVALID", "Only captured money can be refunded.")
	}
	if now.Sub(p.createdAt) > s.cfg.RefundWindow {
		return failure("REFUND_WINDOW_EXCEED", "")
	}
	if amt.Currency() != p.amount.Currency() {
		return failure("PARAM_ILLEGAL", "refundAmount.currency must be the payment's currency.")
	}
	minor, _ := amt.MinorAt(antomDigits[amt.Currency()])
	paid, _ := p.amount.MinorAt(antomDigits[amt.Currency()])
	if p.captured != nil { // a manual payment refunds what was captured
		paid, _ = p.captured.amount.MinorAt(antomDigits[amt.Currency()])
	}
	if p.refundedMinor+minor > paid {
		return failure("REFUND_AMOUNT_EXCEED", "")
	}
	p.refundedMinor += minor
	f := &refund{
		requestID: req.RefundRequestID, id: s.newID("2140", now), paymentID: p.id, amount: amt,
		wire: req.RefundAmount.Value, createdAt: now, notifyURL: req.RefundNotifyURL, sandbox: sandboxPath(r),
		metadata: req.Metadata,
	}
	s.refunds[f.requestID] = f
	s.refundsByID[f.id] = f
	s.ledger.AddRefund(sim.Refund{
		RequestID: f.requestID, ProviderID: f.id, ProviderPaymentID: p.id, Amount: amt, WireAmount: f.wire,
		Status: status.RefundSucceeded, CreatedAt: now,
	})
	s.ledger.SetOrderStatus(p.id, ledgerStatus(p), s.refundedAmount(p))
	s.notifyRefund(f)
	return answer(f)
}

// inquiryRefund is POST …/payments/inquiryRefund.
func (s *Server) inquiryRefund(_ *http.Request, body []byte) sim.Reply {
	var ref refundRef
	if err := decode(body, &ref); err != nil {
		return failure("PARAM_ILLEGAL", err.Error())
	}
	if ref.RefundID == "" && ref.RefundRequestID == "" {
		return failure("PARAM_ILLEGAL", "refundId or refundRequestId is required.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.refundsByID[ref.RefundID]
	if ref.RefundID == "" {
		f = s.refunds[ref.RefundRequestID]
	}
	if f == nil {
		return failure("ORDER_NOT_EXIST", "The refund does not exist.")
	}
	return reply(inquiryRefundResponse{
		Result: codeResult("SUCCESS"), RefundID: f.id, RefundRequestID: f.requestID,
		RefundAmount: writeAmount(f.amount), RefundStatus: "SUCCESS", RefundTime: isoTime(f.createdAt),
		Metadata: f.metadata,
	})
}

// capture is POST …/payments/capture: one capture per authorized manual-capture payment, of at most
// the authorized amount; the same captureRequestId gets the same result, S or F.
func (s *Server) capture(_ *http.Request, body []byte) sim.Reply {
	var req captureRequest
	if err := decode(body, &req); err != nil {
		return failure("PARAM_ILLEGAL", err.Error())
	}
	switch {
	case req.CaptureRequestID == "" || len(req.CaptureRequestID) > 64:
		return failure("PARAM_ILLEGAL", "captureRequestId is required, at most 64 characters.")
	case req.PaymentID == "":
		return failure("PARAM_ILLEGAL", "paymentId is required.")
	}
	amt, code, err := readAmount(req.CaptureAmount, "captureAmount")
	if err != nil {
		return failure(code, err.Error())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.captures[req.CaptureRequestID]; c != nil {
		if c.paymentID != req.PaymentID || !c.amount.Equal(amt) {
			return failure("REPEAT_REQ_INCONSISTENT", "")
		}
		return s.captureAnswer(c)
	}
	p := s.paymentsByID[req.PaymentID]
	if p == nil {
		return failure("ORDER_NOT_EXIST", "")
	}
	now := s.clock.Now()
	s.expireIfDue(p, now)
	c := &capture{requestID: req.CaptureRequestID, paymentID: p.id, amount: amt, wire: req.CaptureAmount.Value, createdAt: now}
	cmp, err := amt.Cmp(p.amount)
	switch {
	case !p.manual || p.status != "SUCCESS" || p.captured != nil:
		c.failCode, c.failMessage = "ORDER_STATUS_INVALID", "Only an authorized payment made with captureMode MANUAL can be captured, once."
	case err != nil:
		return failure("PARAM_ILLEGAL", "captureAmount.currency must be the payment's currency.")
	case cmp > 0:
		c.failCode = "CAPTURE_AMOUNT_EXCEED_AUTH_LIMIT"
	}
	s.captures[c.requestID] = c
	if c.failCode != "" {
		return s.captureAnswer(c)
	}
	c.id = s.newID("1240", now)
	c.processing = s.deferCapture
	p.captured = c
	s.ledger.AddCapture(sim.Capture{
		RequestID: c.requestID, ProviderID: c.id, ProviderPaymentID: p.id, Amount: amt, WireAmount: c.wire, CreatedAt: now,
	})
	s.ledger.SetOrderStatus(p.id, ledgerStatus(p), s.refundedAmount(p))
	if !c.processing {
		s.notifyCapture(p, c)
	}
	return s.captureAnswer(c)
}

// captureAnswer is capture's answer for c: its F, or S with the capture. Callers hold s.mu.
func (s *Server) captureAnswer(c *capture) sim.Reply {
	if c.processing {
		// Antom's capture docs: U, the result to be learnt from notifyCapture or inquiryPayment.
		return failure("UNKNOWN_EXCEPTION", "")
	}
	if c.failCode != "" {
		return failure(c.failCode, c.failMessage)
	}
	return reply(captureResponse{
		Result: codeResult("SUCCESS"), CaptureRequestID: c.requestID, CaptureID: c.id, PaymentID: c.paymentID,
		CaptureAmount: writeAmount(c.amount), CaptureTime: isoTime(c.createdAt),
	})
}

// --- controls ---------------------------------------------------------------------------------------

// Settle moves the payment created for paymentRequestID as the user would (conformance.Simulator):
//
//	sim.Pay            PROCESSING, PENDING → SUCCESS, notified PAYMENT_RESULT S
//	sim.Fail           PROCESSING, PENDING → FAIL (USER_BALANCE_NOT_ENOUGH), notified F
//	sim.Expire         PROCESSING, PENDING → FAIL (ORDER_IS_CLOSED), notified F
//	sim.RequireAction  PROCESSING → PROCESSING (the user still has to act at the cashier)
//
// Settling a final payment into the state it is in does nothing; any other change of a final payment,
// or an unknown id, is an error.
func (s *Server) Settle(ctx context.Context, paymentRequestID string, st sim.Settlement) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.payments[paymentRequestID]
	if p == nil {
		return fmt.Errorf("antomtest: settle %q: no payment was created for this paymentRequestId", paymentRequestID)
	}
	return s.settle(p, st)
}

// SettleOrder is Settle for the payment with the given paymentId (conformance.Simulator).
func (s *Server) SettleOrder(ctx context.Context, paymentID string, st sim.Settlement) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.paymentsByID[paymentID]
	if p == nil {
		return fmt.Errorf("antomtest: settle order %q: no such paymentId", paymentID)
	}
	return s.settle(p, st)
}

// Pend moves the payment created for paymentRequestID to PENDING — the user has paid and the payment
// method has not given the final result — and notifies PAYMENT_PENDING.
func (s *Server) Pend(paymentRequestID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.payments[paymentRequestID]
	if p == nil {
		return fmt.Errorf("antomtest: pend %q: no payment was created for this paymentRequestId", paymentRequestID)
	}
	s.expireIfDue(p, s.clock.Now())
	if p.status != "PROCESSING" {
		return fmt.Errorf("antomtest: pend %q: the payment is %s, not PROCESSING", paymentRequestID, p.status)
	}
	s.setStatus(p, "PENDING", "", "", s.clock.Now())
	return nil
}

// settle applies st to p. Callers hold s.mu.
func (s *Server) settle(p *payment, st sim.Settlement) error {
	now := s.clock.Now()
	s.expireIfDue(p, now)
	var target, code, message string
	switch st {
	case sim.Pay:
		target = "SUCCESS"
	case sim.Fail:
		target, code, message = "FAIL", "USER_BALANCE_NOT_ENOUGH", codes["USER_BALANCE_NOT_ENOUGH"].message
	case sim.Expire:
		target, code, message = "FAIL", "ORDER_IS_CLOSED", codes["ORDER_IS_CLOSED"].message
	case sim.RequireAction:
		target = "PROCESSING"
	default:
		return fmt.Errorf("antomtest: unknown settlement %v", st)
	}
	if p.status != "PROCESSING" && p.status != "PENDING" {
		if p.status == target && p.code == code {
			return nil
		}
		return fmt.Errorf("antomtest: cannot %v payment %s: it is %s", st, p.id, p.status)
	}
	if target == "PROCESSING" {
		if p.status != "PROCESSING" {
			return fmt.Errorf("antomtest: cannot %v payment %s: it is %s", st, p.id, p.status)
		}
		return nil
	}
	s.setStatus(p, target, code, message, now)
	return nil
}

// PaymentInfo is what the simulator holds about a payment, as it read it from the wire.
type PaymentInfo struct {
	PaymentRequestID  string
	PaymentID         string
	Status            string // PROCESSING, PENDING, SUCCESS, FAIL or CANCELLED
	ResultCode        string // paymentResultCode of a FAIL
	Amount            money.Amount
	PaymentMethodType string
	TerminalType      string
	OSType            string
	RedirectURL       string
	NotifyURL         string
	Sandbox           bool         // created through the sandbox path
	CaptureMode       string       // paymentFactor.captureMode as received: "", AUTOMATIC or MANUAL
	Captured          money.Amount // what its capture took (zero when none)
}

// Payment returns what the simulator holds about the payment created for paymentRequestID.
func (s *Server) Payment(paymentRequestID string) (PaymentInfo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.payments[paymentRequestID]
	if p == nil {
		return PaymentInfo{}, false
	}
	return PaymentInfo{
		PaymentRequestID: p.requestID, PaymentID: p.id, Status: p.status, ResultCode: p.code, Amount: p.amount,
		PaymentMethodType: p.paymentMethodType, TerminalType: p.terminal, OSType: p.osType, RedirectURL: p.redirect,
		NotifyURL: p.notifyURL, Sandbox: p.sandbox, CaptureMode: captureModeOf(p), Captured: capturedOf(p),
	}, true
}

func captureModeOf(p *payment) string {
	if p.manual {
		return "MANUAL"
	}
	return ""
}

func capturedOf(p *payment) money.Amount {
	if p.captured == nil {
		return money.Amount{}
	}
	return p.captured.amount
}

// DeferCaptures makes the captures accepted from now on stay in process, as Antom's capture may: the
// capture answers U (UNKNOWN_EXCEPTION, to every resend as well), inquiryPayment lists it with
// transactionStatus PROCESSING, and the ledger already counts it. CompleteCaptures finishes them.
func (s *Server) DeferCaptures(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deferCapture = on
}

// CompleteCaptures finishes every capture in process: SUCCESS, notified by notifyCapture.
func (s *Server) CompleteCaptures() {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	for _, p := range s.paymentsByID {
		if c := p.captured; c != nil && c.processing {
			c.processing, c.createdAt = false, now
			s.ledger.SetOrderStatus(p.id, ledgerStatus(p), s.refundedAmount(p))
			s.notifyCapture(p, c)
		}
	}
}

// AdvanceClock moves the server's manual clock forward by d (conformance.ClockAdvancer) and applies
// what the time passing does to every payment: unpaid ones past their expiry close, and authorized
// manual-capture ones not captured within Config.AuthorizationHold are cancelled. It panics unless
// Config.Clock is a *sim.ManualClock.
func (s *Server) AdvanceClock(d time.Duration) {
	mc, ok := s.clock.(*sim.ManualClock)
	if !ok {
		panic("antomtest: AdvanceClock needs Config.Clock to be a *sim.ManualClock")
	}
	mc.Advance(d)
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	for _, p := range s.paymentsByID {
		s.expireIfDue(p, now)
	}
}

// --- notifications ----------------------------------------------------------------------------------

// notifyPayment sends notifyPayment for p. Callers hold s.mu.
func (s *Server) notifyPayment(p *payment, notifyType string, r result) {
	if p.notifyURL == "" {
		return
	}
	p.notifications++
	body := encode(paymentNotification{
		NotifyType: notifyType, Result: r, PaymentRequestID: p.requestID, PaymentID: p.id,
		PaymentAmount: writeAmount(p.amount), PaymentCreateTime: isoTime(p.createdAt), PaymentTime: isoTime(p.finishedAt),
	})
	s.send(fmt.Sprintf("%s_%d", p.id, p.notifications), p.notifyURL, body, p.sandbox)
}

// notifyRefund sends notifyRefund for f. Callers hold s.mu.
func (s *Server) notifyRefund(f *refund) {
	if f.notifyURL == "" {
		return
	}
	body := encode(refundNotification{
		NotifyType: "REFUND_RESULT", Result: codeResult("SUCCESS"), RefundStatus: "SUCCESS",
		RefundRequestID: f.requestID, RefundID: f.id,
		RefundAmount: writeAmount(f.amount), RefundTime: isoTime(f.createdAt), Metadata: f.metadata,
	})
	s.send(f.id+"_1", f.notifyURL, body, f.sandbox)
}

// notifyCapture sends notifyCapture (CAPTURE_RESULT S) for c to the payment's notify URL. Callers
// hold s.mu.
func (s *Server) notifyCapture(p *payment, c *capture) {
	if p.notifyURL == "" {
		return
	}
	body := encode(captureNotification{
		NotifyType: "CAPTURE_RESULT", Result: codeResult("SUCCESS"), CaptureRequestID: c.requestID, PaymentID: p.id,
		CaptureID: c.id, CaptureAmount: writeAmount(c.amount), CaptureTime: isoTime(c.createdAt),
	})
	s.send(c.id+"_1", p.notifyURL, body, p.sandbox)
}

func (s *Server) send(eventID, target string, body []byte, sandbox bool) {
	path := notifyPath(target)
	sign := func() http.Header {
		return s.notificationHeader(path, strconv.FormatInt(s.clock.Now().UnixMilli(), 10), body, false)
	}
	if sandbox {
		s.sandboxHook.SendSigned(eventID, target, body, sign)
		return
	}
	s.webhooks.SendSigned(eventID, target, body, sign)
}

// notifyPath is the path a notification to target is signed over.
func notifyPath(target string) string {
	u, err := url.Parse(target)
	if err != nil || u.Path == "" {
		return "/"
	}
	return u.EscapedPath()
}

// notificationHeader is the headers of a notification: client-id, request-time (left out when omit),
// and the signature over "POST <path>\n<client-id>.<request-time>.<body>".
func (s *Server) notificationHeader(path, requestTime string, body []byte, omit bool) http.Header {
	h := http.Header{}
	h.Set("Content-Type", "application/json; charset=UTF-8")
	h.Set("client-id", s.ClientID)
	if !omit {
		h.Set("request-time", requestTime)
	}
	h.Set("signature", signatureHeader(s.antomKey, s.keyVersion, signedContent(http.MethodPost, path, s.ClientID, requestTime, body)))
	return h
}

// DeliverOptions shape one notification sent with Deliver.
type DeliverOptions struct {
	// RequestTime is the request-time sent and signed; empty means the clock's now, in epoch
	// milliseconds.
	RequestTime string
	// OmitRequestTime leaves the request-time header out (the signature is still computed, over
	// RequestTime).
	OmitRequestTime bool
}

// Deliver sends one notification body to target now, once and synchronously, signed as Antom signs
// notifications, outside the retry schedule and without recording it, and returns the receiver's
// answer. It is the hook for testing what a receiver does with a notification whose request-time is
// stale, in the future or missing.
func (s *Server) Deliver(ctx context.Context, target string, body []byte, o DeliverOptions) (int, []byte, error) {
	rt := o.RequestTime
	if rt == "" {
		rt = strconv.FormatInt(s.clock.Now().UnixMilli(), 10)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header = s.notificationHeader(notifyPath(target), rt, body, o.OmitRequestTime)
	c := s.cfg.WebhookClient
	if c == nil {
		c = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if err != nil {
		return resp.StatusCode, b, errors.Join(errors.New("antomtest: reading the reply"), err)
	}
	return resp.StatusCode, b, nil
}
