package conformance

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

// Run runs the whole suite against h, each case a subtest on a fresh Env. Cases that need a
// capability the provider lacks skip and say so. After every case the logs written through
// Options.Logger are checked for secrets, card numbers and CVVs.
func Run(t *testing.T, h Harness) {
	t.Helper()
	groups := []struct {
		name  string
		cases []testCase
	}{
		{"harness", harnessCases},
		{"lifecycle", lifecycleCases},
		{"refund", refundCases},
		{"capture", captureCases},
		{"idempotency", idempotencyCases},
		{"faults", faultCases},
		{"codes", codeCases},
		{"validation", validationCases},
		{"amounts", amountCases},
		{"concurrency", concurrencyCases},
		{"webhooks", webhookCases},
		{"logs", logCases},
		{"retry", retryCases},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, c := range g.cases {
				t.Run(c.name, func(t *testing.T) { c.run(t, h) })
			}
		})
	}
}

type testCase struct {
	name string
	run  func(t *testing.T, h Harness)
}

// suite is one case's environment plus the suite's own bookkeeping.
type suite struct {
	*Env
	t    *testing.T
	ctx  context.Context
	logs *observer.ObservedLogs
	log  *zap.Logger
	ids  atomic.Int64
	run  string // random per env, so ids never collide with a real sandbox's history

	notifyURL string // a local sink for notifications no case watches
}

// cardNumbers and cvvs are put into requests by the log cases; none may reach a log line.
var (
	cardNumbers = []string{"4111111111111111", "4111 1111 1111 1111", "5555-5555-5555-4444"}
	cvvs        = []string{`"cvv":"737"`, `"cvc":"7373"`}
)

func newSuite(t *testing.T, h Harness) *suite {
	t.Helper()
	core, logs := observer.New(zapcore.DebugLevel)
	s := &suite{t: t, logs: logs, log: zap.New(core)}
	var b [4]byte
	_, _ = rand.Read(b[:])
	s.run = hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	s.ctx = ctx
	// Notifications the suite does not watch go to a local sink, never to a real host.
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20))
	}))
	t.Cleanup(sink.Close)
	s.notifyURL = sink.URL + "/paygate/notify"
	s.Env = h.New(t, Options{Logger: s.log})
	require.NotNil(t, s.Env, "Harness.New returned nil")
	require.NotNil(t, s.Gateway, "Env.Gateway is nil")
	require.NotNil(t, s.Sim, "Env.Sim is nil")
	if ws, ok := s.Sim.(WebhookURLSetter); ok {
		ws.SetWebhookURL(s.notifyURL)
	}
	t.Cleanup(s.checkLogs)
	return s
}

// checkLogs fails the case if any log line carries a configured secret, a card number or a CVV.
func (s *suite) checkLogs() {
	forbidden := append(append([]string(nil), cardNumbers...), cvvs...)
	for _, sec := range s.Secrets {
		if len(sec) >= 6 {
			forbidden = append(forbidden, sec)
		}
	}
	for _, e := range s.logs.All() {
		line := e.Message + " " + fmt.Sprint(e.ContextMap())
		for _, f := range forbidden {
			if strings.Contains(line, f) {
				s.t.Errorf("a log line contains a secret or card data (%q…): %s", f[:min(4, len(f))], redactForReport(line, f))
			}
		}
	}
}

func redactForReport(line, secret string) string {
	return strings.ReplaceAll(line, secret, "<SECRET>")
}

func (s *suite) wrapped(p retry.Policy) paygate.Gateway {
	p.Logger = s.log
	return retry.Wrap(s.Gateway, p)
}

// fastPolicy keeps retries quick; resolve long enough for a simulator to answer an inquiry.
func fastPolicy() retry.Policy {
	return retry.Policy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond, ResolveFor: 3 * time.Second}
}

func (s *suite) id(prefix string) string {
	return fmt.Sprintf("%s%s%d", prefix, s.run, s.ids.Add(1))
}

// sampleAmounts are the suite's exact amounts for the currencies it names; others get one by digits.
// Values such as 19.99 and 1.005 do not survive a float64 (19.99·100 truncates to 1998), so an
// adapter that moves amounts through a float fails here.
var sampleAmounts = map[string]string{
	"USD": "19.99", "EUR": "19.99", "JPY": "1234", "KRW": "15000", "IDR": "15000", "KWD": "1.005", "KHR": "4000",
}

func sampleAmount(t *testing.T, currency string) money.Amount {
	t.Helper()
	v, ok := sampleAmounts[currency]
	if !ok {
		d, known := money.Digits(currency)
		require.True(t, known, "Capabilities.Currencies has %q, which is not an ISO 4217 currency", currency)
		v = "1000"
		if d > 0 {
			v = "19." + strings.Repeat("9", d) // 19.99, 19.999, 19.9999: none exact in binary
		}
	}
	a, err := money.Parse(v, currency)
	require.NoError(t, err)
	return a
}

func (s *suite) currency() string {
	if len(s.Caps.Currencies) == 0 {
		s.t.Fatal("Capabilities.Currencies is empty: the suite needs at least one currency to create payments in")
	}
	for _, c := range s.Caps.Currencies {
		if c == "USD" {
			return c
		}
	}
	return s.Caps.Currencies[0]
}

func (s *suite) createRequest() *paygate.CreateRequest {
	return s.createRequestIn(s.currency())
}

func (s *suite) createRequestIn(currency string) *paygate.CreateRequest {
	id := s.id("pc")
	return &paygate.CreateRequest{
		PaymentRequestID: id,
		MerchantOrderID:  "ord" + id,
		Amount:           sampleAmount(s.t, currency),
		Description:      "paygate conformance",
		NotifyURL:        s.notifyURL,
		ReturnURL:        "https://merchant.example/paygate/return",
		Customer: paygate.Customer{
			ID: "cust-" + s.run, Email: "buyer@example.com", Phone: "+6281234567890", Country: "ID",
			Terminal: "WEB", IP: "203.0.113.7", UserAgent: "conformance/1.0",
		},
	}
}

// create makes a payment and checks the answer is S and well formed.
func (s *suite) create(gw paygate.Gateway, req *paygate.CreateRequest) *paygate.Payment {
	s.t.Helper()
	p, err := gw.Create(s.ctx, req)
	require.NoError(s.t, err, "create %s", req.PaymentRequestID)
	s.checkPayment(p, req)
	return p
}

func (s *suite) checkPayment(p *paygate.Payment, req *paygate.CreateRequest) {
	s.t.Helper()
	require.NotNil(s.t, p, "an S answer must carry the payment")
	assert.NotEmpty(s.t, p.Provider, "Payment.Provider")
	assert.NotEmpty(s.t, p.ProviderPaymentID, "Payment.ProviderPaymentID")
	assert.True(s.t, p.Status.Valid(), "Payment.Status %q is not a normalized status", p.Status)
	assert.False(s.t, p.Amount.IsZero(), "Payment.Amount is empty")
	assert.True(s.t, p.Amount.Equal(req.Amount), "Payment.Amount %s, sent %s", p.Amount, req.Amount)
	if p.PaymentRequestID != "" {
		assert.Equal(s.t, req.PaymentRequestID, p.PaymentRequestID)
	}
}

// paid creates a payment and settles it as paid.
func (s *suite) paid() (*paygate.CreateRequest, *paygate.Payment) {
	s.t.Helper()
	req := s.createRequest()
	p := s.create(s.Gateway, req)
	require.NoError(s.t, s.Sim.Settle(s.ctx, req.PaymentRequestID, sim.Pay))
	got := s.inquire(req, p)
	require.Equal(s.t, status.PaymentSucceeded, got.Status, "after Settle(Pay)")
	return req, got
}

// inquire asks for the payment by request id when the provider offers that (and its lookup by
// request id does not lag), else by provider id.
func (s *suite) inquire(req *paygate.CreateRequest, p *paygate.Payment) *paygate.Payment {
	s.t.Helper()
	q := &paygate.InquireRequest{ProviderPaymentID: p.ProviderPaymentID}
	if s.Caps.InquireByRequestID && !s.Caps.RequestIDLookupLags {
		q = &paygate.InquireRequest{PaymentRequestID: req.PaymentRequestID}
	}
	got, err := s.Gateway.Inquire(s.ctx, q)
	require.NoError(s.t, err, "inquire")
	s.checkPayment(got, req)
	return got
}

func (s *suite) refundRequest(p *paygate.Payment, amount money.Amount) *paygate.RefundRequest {
	return &paygate.RefundRequest{
		RefundRequestID: s.id("pr"), PaymentRequestID: p.PaymentRequestID, ProviderPaymentID: p.ProviderPaymentID,
		Amount: amount, Reason: "conformance refund",
	}
}

func (s *suite) orders(requestID string) []sim.Order { return s.Sim.Ledger().Orders(requestID) }

// oneOrder checks the ledger holds exactly one order for the request id (the no-double-charge check)
// and returns it.
func (s *suite) oneOrder(requestID string) sim.Order {
	s.t.Helper()
	os := s.orders(requestID)
	require.Len(s.t, os, 1, "orders in the simulator's ledger for %s", requestID)
	return os[0]
}

func (s *suite) need(ok bool, capability string) {
	s.t.Helper()
	if !ok {
		s.t.Skipf("skipped: the provider does not offer %s (Capabilities)", capability)
	}
}

func minor(a money.Amount, n int64) money.Amount {
	m, err := money.FromMinor(n, a.Currency())
	if err != nil {
		panic(err)
	}
	return m
}

var harnessCases = []testCase{
	{"declares-what-the-suite-needs", func(t *testing.T, h Harness) {
		// Fault and code cases skip what a simulator cannot do; without these the S/F/U checks would
		// all skip and the suite would pass anything.
		s := newSuite(t, h)
		for _, k := range []sim.FaultKind{sim.DropBeforeProcessing, sim.LoseReply, sim.ReplyCode} {
			assert.True(t, slices.Contains(s.Caps.Faults, k), "Capabilities.Faults must include %s: every simulator can inject it", k)
		}
		var f, u bool
		for _, fc := range s.FaultCodes {
			if fc.Op == paygate.OpCreate {
				f = f || fc.Outcome == status.Failure
				u = u || fc.Outcome == status.Unknown
			}
		}
		assert.True(t, f && u, "Env.FaultCodes must hold at least one F and one U code on create")
		assert.NotEmpty(t, s.Caps.Currencies, "Capabilities.Currencies is empty")
		assert.NotEmpty(t, s.Caps.Settlements, "Capabilities.Settlements is empty")
		if s.Caps.Webhooks {
			assert.NotNil(t, s.WebhookHandler, "Caps.Webhooks but no Env.WebhookHandler")
			assert.NotNil(t, s.WebhookAcked, "Caps.Webhooks but no Env.WebhookAcked")
		}
	}},
	{"agrees-with-the-declaration", func(t *testing.T, h Harness) {
		// The harness tests what the adapter declares (the declaration the router and the README
		// read): it may leave a capability out, saying why, but never claim one the adapter does not
		// declare, or the suite would hold the adapter to a promise no one else relies on.
		s := newSuite(t, h)
		decl, ok := provider.CapabilitiesOf(s.Gateway)
		if !ok {
			t.Skip("skipped: Env.Gateway declares no capabilities (provider.Capable)")
		}
		checkAgainstDeclaration(t, s.Caps, decl)
	}},
}

// checkAgainstDeclaration fails t for each capability the harness claims and decl does not declare,
// and logs each one decl declares that the harness leaves out.
func checkAgainstDeclaration(t *testing.T, c Capabilities, decl provider.Capabilities) {
	t.Helper()
	d := CapabilitiesFrom(decl)
	for _, f := range []struct {
		name              string
		claimed, declared bool
	}{
		{"PartialRefund", c.PartialRefund, d.PartialRefund},
		{"MultipleRefunds", c.MultipleRefunds, d.MultipleRefunds},
		{"CancelAfterPayment", c.CancelAfterPayment, d.CancelAfterPayment},
		{"ManualCapture", c.ManualCapture, d.ManualCapture},
		{"PartialCapture", c.PartialCapture, d.PartialCapture},
		{"Void", c.Void, d.Void},
		{"RefundInquiry", c.RefundInquiry, d.RefundInquiry},
		{"IdempotentCreate", c.IdempotentCreate, d.IdempotentCreate},
		{"InquireByRequestID", c.InquireByRequestID, d.InquireByRequestID},
		{"RequiresAction", c.RequiresAction, d.RequiresAction},
		{"Webhooks", c.Webhooks, d.Webhooks},
	} {
		switch {
		case f.claimed && !f.declared:
			t.Errorf("Capabilities.%s: the harness claims it, but the adapter does not declare it (its provider.Capabilities); build Env.Caps with CapabilitiesFrom", f.name)
		case !f.claimed && f.declared:
			t.Logf("Capabilities.%s: the adapter declares it, but this harness does not test it", f.name)
		}
	}
	if len(decl.Currencies) == 0 {
		return // whatever the provider accepts
	}
	for _, cur := range c.Currencies {
		if !slices.Contains(decl.Currencies, cur) {
			t.Errorf("Capabilities.Currencies: the harness claims %s, but the adapter does not declare it (its provider.Capabilities.Currencies)", cur)
		}
	}
}
