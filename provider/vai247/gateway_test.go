package vai247_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/provider/vai247"
	"github.com/paygate-go/paygate/provider/vai247/vai247test"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

// seen is one request a stub VAI247 received.
type seen struct {
	method, path, query string
	header              http.Header
	body                string
}

// stub is a fake VAI247 answering every call with one canned reply, recording what it got. When
// order is set, order lookups (the GET a refund makes first) answer it instead.
type stub struct {
	mu       sync.Mutex
	requests []seen
	status   int
	header   http.Header
	body     string
	order    string
}

const stubOrder = `{"transaction_id":"ord_1","order_id":"ord_1","amount":10.00,"currency":"USD","status":"paid","created_at":"2027-01-15T08:00:00Z","updated_at":"2027-01-15T08:05:00Z"}`

func (s *stub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.requests = append(s.requests, seen{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), string(b)})
	st, h, body := s.status, s.header, s.body
	s.mu.Unlock()
	if r.Method == http.MethodGet && s.order != "" {
		st, h, body = http.StatusOK, nil, s.order
	}
	for k, v := range h {
		w.Header()[k] = v
	}
	w.WriteHeader(st)
	_, _ = io.WriteString(w, body)
}

// posts drops the GETs (order lookups) from what a stub got.
func posts(all []seen) []seen {
	var out []seen
	for _, r := range all {
		if r.method != http.MethodGet {
			out = append(out, r)
		}
	}
	return out
}

func (s *stub) got() []seen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seen(nil), s.requests...)
}

func newStub(t *testing.T, status int, body string, cfg vai247.Config) (*stub, *vai247.Gateway) {
	t.Helper()
	st := &stub{status: status, body: body}
	srv := httptest.NewServer(st)
	t.Cleanup(srv.Close)
	cfg.BaseURL, cfg.AppID, cfg.APIKey, cfg.StoreID = srv.URL, "app-1", "key-secret-1", "store-1"
	cfg.Retry = retry.Policy{MaxAttempts: 1}
	gw, err := vai247.New(cfg)
	require.NoError(t, err)
	t.Cleanup(gw.Close)
	return st, gw
}

var ctx = context.Background()

func usd(v string) money.Amount { return money.MustParse(v, "USD") }

func TestWireFormatOfEveryCall(t *testing.T) {
	fixed := time.Unix(1_800_000_000, 0)
	cfg := vai247.Config{Now: func() time.Time { return fixed }}

	t.Run("create", func(t *testing.T) {
		st, gw := newStub(t, 200, `{"order_id":"ord_1","status":"pending","qr_code":"QR","expires_at":"2027-01-15T08:30:00Z"}`, cfg)
		p, err := gw.Create(ctx, &paygate.CreateRequest{PaymentRequestID: "p-1", Amount: usd("19.99"), NotifyURL: "https://shop.example/n"})
		require.NoError(t, err)
		r := st.got()[0]
		assert.Equal(t, "POST", r.method)
		assert.Equal(t, "/api/v1/payment-gateway/order/create", r.path)
		assert.Equal(t, `{"store_id":"store-1","amount":19.99,"currency":"USD","reference_id":"p-1"}`, r.body, "amount is a JSON number")
		assert.Equal(t, "app-1", r.header.Get("X-App-Id"))
		assert.Equal(t, "key-secret-1", r.header.Get("X-Api-Key"))
		assert.Equal(t, "1800000000", r.header.Get("X-Timestamp"), "unix seconds")
		assert.Equal(t, "application/json", r.header.Get("Content-Type"))
		assert.Empty(t, r.header.Get("X-Signature"))
		assert.Equal(t, status.PaymentRequiresAction, p.Status)
		assert.Equal(t, "ord_1", p.ProviderPaymentID)
		assert.Equal(t, "pending", p.ProviderStatus)
		require.NotNil(t, p.Action)
		assert.Equal(t, paygate.ActionQRCode, p.Action.Kind)
		assert.Equal(t, "QR", p.Action.QRCode)
		assert.Equal(t, time.Date(2027, 1, 15, 8, 30, 0, 0, time.UTC), p.Action.ExpiresAt.UTC())
		assert.True(t, p.Amount.Equal(usd("19.99")))
	})
	t.Run("create KHR", func(t *testing.T) {
		st, gw := newStub(t, 200, `{"order_id":"ord_1","status":"pending","qr_code":"QR"}`, cfg)
		_, err := gw.Create(ctx, &paygate.CreateRequest{PaymentRequestID: "p-1", Amount: money.MustParse("40000000", "KHR")})
		require.NoError(t, err)
		assert.Equal(t, `{"store_id":"store-1","amount":40000000,"currency":"KHR","reference_id":"p-1"}`, st.got()[0].body)
	})
	t.Run("inquire", func(t *testing.T) {
		st, gw := newStub(t, 200, `{"transaction_id":"t1","order_id":"ord_1","amount":4000,"currency":"KHR","status":"refunded",`+
			`"created_at":"2027-01-15T08:00:00Z","updated_at":"2027-01-15T08:10:00Z"}`, cfg)
		p, err := gw.Inquire(ctx, &paygate.InquireRequest{ProviderPaymentID: "ord_1"})
		require.NoError(t, err)
		r := st.got()[0]
		assert.Equal(t, "GET", r.method)
		assert.Equal(t, "/api/v1/payment-gateway/payment/transaction-detail", r.path)
		assert.Equal(t, "transaction_id=ord_1", r.query)
		assert.Empty(t, r.body)
		assert.Equal(t, "1800000000", r.header.Get("X-Timestamp"))
		assert.Equal(t, status.PaymentSucceeded, p.Status)
		assert.True(t, p.Amount.Equal(money.MustParse("4000", "KHR")))
		assert.True(t, p.Refunded.Equal(p.Amount), "refunded: the whole amount")
		assert.Equal(t, time.Date(2027, 1, 15, 8, 10, 0, 0, time.UTC), p.UpdatedAt.UTC())
	})
	t.Run("cancel, as the seed", func(t *testing.T) {
		st, gw := newStub(t, 200, `{"order_id":"ord_abc123xyz","status":"cancelled","cancelled_at":"2025-10-04T11:15:00Z"}`, cfg)
		p, err := gw.Cancel(ctx, &paygate.CancelRequest{ProviderPaymentID: "ord_abc123xyz", Reason: "Customer changed mind"})
		require.NoError(t, err)
		r := st.got()[0]
		assert.Equal(t, "/api/v1/payment-gateway/order/cancel", r.path)
		assert.Equal(t, `{"order_id":"ord_abc123xyz","reason":"Customer changed mind"}`, r.body)
		assert.Equal(t, status.PaymentCanceled, p.Status)
		assert.Equal(t, time.Date(2025, 10, 4, 11, 15, 0, 0, time.UTC), p.UpdatedAt.UTC())

		_, err = gw.Cancel(ctx, &paygate.CancelRequest{ProviderPaymentID: "ord_abc123xyz"})
		require.NoError(t, err)
		assert.Equal(t, `{"order_id":"ord_abc123xyz"}`, st.got()[1].body, "reason is optional")
	})
	t.Run("refund, later-version signing", func(t *testing.T) {
		c := cfg
		c.RefundSigning, c.APISecret = true, "api-secret-1"
		st, gw := newStub(t, 200, `{"refund_id":"rf_1","order_id":"ord_1","amount":5.25,"status":"completed","created_at":"2027-01-15T09:00:00Z"}`, c)
		st.order = stubOrder
		rreq := &paygate.RefundRequest{RefundRequestID: "r-1", ProviderPaymentID: "ord_1", Amount: usd("5.25"), Reason: "damaged"}
		r1, err := gw.Refund(ctx, rreq)
		require.NoError(t, err)
		_, err = gw.Refund(ctx, rreq)
		require.NoError(t, err)
		got := posts(st.got())
		r := got[0]
		assert.Equal(t, "/api/v1/payment-gateway/order/refund", r.path)
		assert.Equal(t, `{"order_id":"ord_1","amount":5.25,"reason":"damaged","reference_id":"r-1"}`, r.body)
		m := hmac.New(sha256.New, []byte("api-secret-1"))
		m.Write([]byte(r.body + "1800000000"))
		assert.Equal(t, hex.EncodeToString(m.Sum(nil)), r.header.Get("X-Signature"))
		assert.Regexp(t, `^[0-9a-f-]{36}$`, r.header.Get("X-Idempotent-Key"))
		assert.Equal(t, r.header.Get("X-Idempotent-Key"), got[1].header.Get("X-Idempotent-Key"), "the same key on a resend")
		assert.Equal(t, "app-1", r.header.Get("X-App-Id"))
		assert.Equal(t, status.RefundSucceeded, r1.Status)
		assert.Equal(t, "rf_1", r1.ProviderRefundID)
		assert.True(t, r1.Amount.Equal(usd("5.25")))
	})
	t.Run("refund, seed version", func(t *testing.T) {
		st, gw := newStub(t, 200, `{"refund_id":"rf_1","order_id":"ord_1","amount":5.25,"status":"completed"}`, cfg)
		st.order = stubOrder
		_, err := gw.Refund(ctx, &paygate.RefundRequest{RefundRequestID: "r-1", ProviderPaymentID: "ord_1", Amount: usd("5.25")})
		require.NoError(t, err)
		r := posts(st.got())[0]
		assert.Empty(t, r.header.Get("X-Signature"))
		assert.Empty(t, r.header.Get("X-Idempotent-Key"))
		assert.Equal(t, `{"order_id":"ord_1","amount":5.25,"reference_id":"r-1"}`, r.body)
	})
}

func TestRefusedBeforeAnyCall(t *testing.T) {
	st, gw := newStub(t, 200, `{}`, vai247.Config{})
	calls := map[string]struct {
		call func() error
		code status.Code
	}{
		"EUR": {func() error {
			_, err := gw.Create(ctx, &paygate.CreateRequest{PaymentRequestID: "p", Amount: money.MustParse("10", "EUR")})
			return err
		}, status.CodeUnsupportedCurrency},
		"USD below 0.10": {func() error {
			_, err := gw.Create(ctx, &paygate.CreateRequest{PaymentRequestID: "p", Amount: usd("0.09")})
			return err
		}, status.CodeInvalidRequest},
		"KHR above 40,000,000": {func() error {
			_, err := gw.Create(ctx, &paygate.CreateRequest{PaymentRequestID: "p", Amount: money.MustParse("40000001", "KHR")})
			return err
		}, status.CodeInvalidRequest},
		"KHR with cents": {func() error {
			_, err := gw.Create(ctx, &paygate.CreateRequest{PaymentRequestID: "p", Amount: money.MustParse("500.50", "KHR")})
			return err
		}, status.CodeInvalidRequest},
		"refund in JPY": {func() error {
			_, err := gw.Refund(ctx, &paygate.RefundRequest{RefundRequestID: "r", ProviderPaymentID: "o", Amount: money.MustParse("100", "JPY")})
			return err
		}, status.CodeUnsupportedCurrency},
		"invalid request": {func() error {
			_, err := gw.Create(ctx, &paygate.CreateRequest{Amount: usd("10")})
			return err
		}, status.CodeInvalidRequest},
		"inquire by request id": {func() error {
			_, err := gw.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: "p"})
			return err
		}, status.CodeNotSupported},
		"cancel by request id": {func() error {
			_, err := gw.Cancel(ctx, &paygate.CancelRequest{PaymentRequestID: "p"})
			return err
		}, status.CodeNotSupported},
		"refund by request id": {func() error {
			_, err := gw.Refund(ctx, &paygate.RefundRequest{RefundRequestID: "r", PaymentRequestID: "p", Amount: usd("1")})
			return err
		}, status.CodeNotSupported},
		"inquire refund": {func() error {
			_, err := gw.InquireRefund(ctx, &paygate.InquireRefundRequest{RefundRequestID: "r"})
			return err
		}, status.CodeNotSupported},
	}
	for name, c := range calls {
		t.Run(name, func(t *testing.T) {
			err := c.call()
			assert.Equal(t, status.Failure, paygate.OutcomeOf(err), "%v", err)
			assert.Equal(t, c.code, paygate.CodeOf(err))
		})
	}
	assert.Empty(t, st.got(), "nothing reached VAI247")
}

func TestErrorAnswersKeepTheRawAnswer(t *testing.T) {
	tests := []struct {
		status  int
		body    string
		header  http.Header
		outcome status.Outcome
		code    status.Code
		raw     string
	}{
		{400, `{"error":{"code":"invalid_amount","message":"bad amount","details":{},"request_id":"req_1","timestamp":1}}`, nil, status.Failure, status.CodeInvalidRequest, "invalid_amount"},
		{401, `{"error":{"code":"unauthorized","message":"nope"}}`, nil, status.Failure, status.CodeAuthentication, "unauthorized"},
		{403, `{"error":{"code":"account_suspended","message":"suspended"}}`, nil, status.Failure, status.CodePermissionDenied, "account_suspended"},
		{404, `{"error":{"code":"order_not_found","message":"no"}}`, nil, status.Failure, status.CodeNotFound, "order_not_found"},
		{409, `{"error":{"code":"invalid_order_state","message":"paid"}}`, nil, status.Failure, status.CodeInvalidState, "invalid_order_state"},
		{422, `{"error":{"code":"insufficient_funds","message":"low"}}`, nil, status.Failure, status.CodeInsufficientFunds, "insufficient_funds"},
		{429, `{"error":{"code":"rate_limit_exceeded","message":"slow"}}`, http.Header{"Retry-After": {"7"}}, status.Unknown, status.CodeRateLimited, "rate_limit_exceeded"},
		{500, `{"error":{"code":"internal_error","message":"oops"}}`, nil, status.Unknown, status.CodeProviderError, "internal_error"},
		{503, `<html>maintenance</html>`, nil, status.Unknown, status.CodeUnavailable, ""},
		{502, ``, nil, status.Unknown, status.CodeUnavailable, ""},
		{400, `not json`, nil, status.Failure, status.CodeInvalidRequest, ""},
		{200, `{"order_id":`, nil, status.Unknown, status.CodeProviderError, ""},
		{200, `{"order_id":"ord_1","status":"weird","amount":1,"currency":"USD"}`, nil, status.Unknown, status.CodeProviderError, ""},
		{200, `{"order_id":"ord_2","status":"paid","amount":1,"currency":"USD"}`, nil, status.Unknown, status.CodeProviderError, ""},
		{200, `{"order_id":"ord_1","status":"paid","amount":1.005,"currency":"USD"}`, nil, status.Unknown, status.CodeProviderError, ""},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.status)+" "+tt.raw+" "+tt.body, func(t *testing.T) {
			st, gw := newStub(t, tt.status, tt.body, vai247.Config{})
			st.header = tt.header
			_, err := gw.Inquire(ctx, &paygate.InquireRequest{ProviderPaymentID: "ord_1"})
			assert.Equal(t, tt.outcome, paygate.OutcomeOf(err), "%v", err)
			assert.Equal(t, tt.code, paygate.CodeOf(err))
			var pe *paygate.Error
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tt.raw, pe.ProviderCode)
			assert.Equal(t, vai247.Name, pe.Provider)
			assert.Equal(t, tt.status, pe.HTTPStatus)
			if tt.header != nil {
				assert.Equal(t, 7*time.Second, pe.RetryAfter)
			}
			assert.NotContains(t, pe.Error(), "key-secret-1")
		})
	}
}

func TestStatusMappingEndToEnd(t *testing.T) {
	srv, gw := newPair(t, vai247.Config{}, vai247test.Config{})
	p, err := gw.Create(ctx, &paygate.CreateRequest{PaymentRequestID: "p-map", Amount: usd("12.34")})
	require.NoError(t, err)
	for provider, want := range map[string]status.Payment{
		"pending": status.PaymentRequiresAction, "processing": status.PaymentPending, "paid": status.PaymentSucceeded,
		"completed": status.PaymentSucceeded, "failed": status.PaymentPending, "cancelled": status.PaymentCanceled,
		"expired": status.PaymentExpired, "refunded": status.PaymentSucceeded, "partially_refunded": status.PaymentSucceeded,
	} {
		require.NoError(t, srv.SetStatus(p.ProviderPaymentID, provider))
		got, err := gw.Inquire(ctx, &paygate.InquireRequest{ProviderPaymentID: p.ProviderPaymentID})
		require.NoError(t, err, provider)
		assert.Equal(t, want, got.Status, provider)
		assert.Equal(t, provider, got.ProviderStatus)
		assert.True(t, got.Amount.Equal(usd("12.34")))
		if want == status.PaymentSucceeded {
			assert.True(t, got.Captured.Equal(usd("12.34")), "%s: paid in full, no hold: Captured %s", provider, got.Captured)
		} else {
			assert.True(t, got.Captured.IsZero(), "%s: nothing taken: Captured %s", provider, got.Captured)
		}
	}
	require.NoError(t, srv.SetStatus(p.ProviderPaymentID, "on_hold"))
	_, err = gw.Inquire(ctx, &paygate.InquireRequest{ProviderPaymentID: p.ProviderPaymentID})
	assert.Equal(t, status.Unknown, paygate.OutcomeOf(err), "a status we cannot read is never guessed")
}

func TestTimestampWindow(t *testing.T) {
	for _, tt := range []struct {
		skew time.Duration
		ok   bool
	}{{0, true}, {4 * time.Minute, true}, {-4 * time.Minute, true}, {6 * time.Minute, false}, {-6 * time.Minute, false}} {
		t.Run(tt.skew.String(), func(t *testing.T) {
			clock := sim.NewManualClock(time.Now())
			srv, gw := newPair(t, vai247.Config{Now: func() time.Time { return clock.Now().Add(tt.skew) }}, vai247test.Config{Clock: clock})
			_, err := gw.Create(ctx, &paygate.CreateRequest{PaymentRequestID: "p-ts", Amount: usd("1.00")})
			if tt.ok {
				assert.NoError(t, err)
				return
			}
			assert.Equal(t, status.Failure, paygate.OutcomeOf(err), "%v", err)
			assert.Equal(t, status.CodeAuthentication, paygate.CodeOf(err))
			assert.Empty(t, srv.Ledger().Orders("p-ts"))
		})
	}
}

func TestWrongCredentialsAreAuthentication(t *testing.T) {
	srv, _ := newPair(t, vai247.Config{}, vai247test.Config{})
	gw, err := vai247.New(vai247.Config{BaseURL: srv.URL, AppID: srv.AppID, APIKey: "wrong-key", StoreID: srv.StoreID})
	require.NoError(t, err)
	_, err = gw.Create(ctx, &paygate.CreateRequest{PaymentRequestID: "p", Amount: usd("1.00")})
	assert.Equal(t, status.CodeAuthentication, paygate.CodeOf(err))
	assert.Equal(t, status.Failure, paygate.OutcomeOf(err))
}

func TestIdempotencyDeclarations(t *testing.T) {
	for _, signing := range []bool{false, true} {
		_, gw := newStub(t, 200, `{}`, vai247.Config{RefundSigning: signing, APISecret: "s"})
		c := gw.Idempotency(paygate.OpCreate)
		assert.False(t, c.Dedupes, "VAI247 does not dedupe create")
		assert.Equal(t, vai247.Orphan, c.ResendSafe)
		assert.True(t, gw.Idempotency(paygate.OpCancel).Resendable())
		assert.Equal(t, signing, gw.Idempotency(paygate.OpRefund).Dedupes)
		assert.Equal(t, signing, gw.Idempotency(paygate.OpRefund).Resendable(), "a refund without a key is never resent")
		assert.True(t, gw.Idempotency(paygate.OpInquire).Resendable())
		wrapped := retry.Wrap(gw, retry.Policy{})
		assert.Equal(t, c, retry.IdempotencyOf(wrapped, paygate.OpCreate), "retry.Wrap sees the declaration")
	}
}

func TestNewChecksConfig(t *testing.T) {
	_, err := vai247.New(vai247.Config{AppID: "a", APIKey: "k"})
	assert.ErrorContains(t, err, "StoreID")
	_, err = vai247.New(vai247.Config{AppID: "a", APIKey: "k", StoreID: "s", RefundSigning: true})
	assert.ErrorContains(t, err, "APISecret")
	_, err = vai247.New(vai247.Config{AppID: "a", APIKey: "k", StoreID: "s", BaseURL: "http://example.com"})
	assert.Error(t, err, "plain http only to loopback")
	_, err = vai247.New(vai247.Config{AppID: "a", APIKey: "k", StoreID: "s", WebhookMaxAge: -1})
	assert.Error(t, err)
	gw, err := vai247.New(vai247.Config{AppID: "a", APIKey: "k", StoreID: "s"})
	require.NoError(t, err)
	assert.NotNil(t, gw)
}

func contextWithTimeout(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, d)
}
