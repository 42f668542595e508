package vai247

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

// fuzzNow is the clock of the fuzzed adapter.
var fuzzNow = time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC)

const (
	fuzzWebhookSecret = "whsec_fuzz"
	fuzzOrderID       = "ord_1"
	// fuzzPaidOrder answers the inquiry a refund makes first.
	fuzzPaidOrder = `{"order_id":"ord_1","amount":19.99,"currency":"USD","status":"paid","created_at":"2026-11-21T07:00:00Z","updated_at":"2026-11-21T07:05:00Z"}`
)

// fuzzGateway is an adapter whose HTTP client answers in process (nothing leaves the machine): the
// inquiry a refund makes first gets fuzzPaidOrder, every other request the current reply.
type fuzzGateway struct {
	g *Gateway

	mu     sync.Mutex
	status int
	body   []byte
}

func (f *fuzzGateway) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		_ = r.Body.Close()
	}
	f.mu.Lock()
	code, body := f.status, f.body
	f.mu.Unlock()
	if strings.HasSuffix(r.URL.Path, wire.pathInquire) && r.Context().Value(refundMarker{}) != nil {
		code, body = http.StatusOK, []byte(fuzzPaidOrder)
	}
	return &http.Response{StatusCode: code, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: r}, nil
}

var sharedFuzzGateway = sync.OnceValues(func() (*fuzzGateway, error) {
	fg := &fuzzGateway{}
	var err error
	fg.g, err = New(Config{
		BaseURL: "http://127.0.0.1:9", AppID: "app_fuzz", APIKey: "key_fuzz", StoreID: "store_fuzz", WebhookSecret: fuzzWebhookSecret,
		HTTPClient: &http.Client{Transport: fg}, Retry: retry.Policy{MaxAttempts: 1}, Now: func() time.Time { return fuzzNow },
	})
	return fg, err
})

func fuzzSetup(f *testing.F) *fuzzGateway {
	fg, err := sharedFuzzGateway()
	if err != nil {
		f.Fatal(err)
	}
	return fg
}

// Replies as VAI247's docs (and the simulator) write them, and broken ones.
var replySeeds = []struct {
	status int
	body   string
}{
	{200, `{"order_id":"ord_1","status":"pending","qr_code":"dvpay://qr/ord_1","expires_at":"2026-11-21T08:30:00Z"}`},
	{200, `{"order_id":"ord_1","status":"pending"}`},
	{200, `{"order_id":"ord_1","amount":19.99,"currency":"USD","status":"paid","created_at":"2026-11-21T07:00:00Z","updated_at":"2026-11-21T07:05:00Z"}`},
	{200, `{"order_id":"ord_1","amount":"19.99","currency":"USD","status":"refunded"}`},
	{200, `{"order_id":"ord_1","amount":4000,"currency":"KHR","status":"processing"}`},
	{200, `{"order_id":"ord_1","amount":19.995,"currency":"USD","status":"paid"}`},
	{200, `{"order_id":"ord_2","amount":19.99,"currency":"USD","status":"paid"}`},
	{200, `{"order_id":"ord_1","status":"cancelled","cancelled_at":"2026-11-21T08:01:00Z"}`},
	{200, `{"refund_id":"rf_1","order_id":"ord_1","amount":19.99,"status":"completed","created_at":"2026-11-21T08:02:00Z"}`},
	{200, `{"refund_id":"rf_1","order_id":"ord_1","amount":5.00,"status":"pending"}`},
	{200, `{"order_id":"ord_1","status":"reversed"}`},
	{200, `<html>ok</html>`},
	{201, `{}`},
	{400, `{"error":{"code":"unsupported_currency","message":"currency not supported","details":{},"request_id":"req_1","timestamp":1795248000}}`},
	{401, `{"error":{"code":"unauthorized","message":"bad key"}}`},
	{404, `{"error":{"code":"order_not_found","message":"no order"}}`},
	{409, `{"error":{"code":"idempotency_conflict","message":"other parameters"}}`},
	{422, `{"error":{"code":"refund_amount_exceeded","message":"too much"}}`},
	{422, `{"error":{"code":"insufficient_funds"}}`},
	{429, `{"error":{"code":"rate_limited"}}`},
	{500, `{"error":{"code":"internal","message":"boom"}}`},
	{503, ``},
	{502, `<html>Bad Gateway</html>`},
	{418, `{"error":{"code":"teapot"}}`},
}

// FuzzReplies: whatever VAI247 answers to create, inquire, cancel or refund, the adapter is S only for
// a 2xx body it can read, about the order asked about, with a valid status and (for create and
// refund) exactly the amount sent, or (for inquire) an amount read exactly; F only for a 4xx answer the
// error table calls definite; and never F for a 5xx, a 429 or a 2xx body it cannot read.
func FuzzReplies(f *testing.F) {
	fg := fuzzSetup(f)
	for _, s := range replySeeds {
		for op := range uint8(4) {
			f.Add(op, s.status, []byte(s.body))
		}
	}
	amount := money.MustParse("19.99", "USD")
	f.Fuzz(func(t *testing.T, op uint8, httpStatus int, body []byte) {
		if httpStatus < 100 || httpStatus > 599 {
			httpStatus = 100 + (httpStatus%500+500)%500 // a status net/http can carry
		}
		fg.mu.Lock()
		fg.status, fg.body = httpStatus, body
		fg.mu.Unlock()
		ctx := context.Background()
		var err error
		var pay *paygate.Payment
		var ref *paygate.Refund
		switch op % 4 {
		case 0:
			pay, err = fg.g.Create(ctx, &paygate.CreateRequest{PaymentRequestID: "pay_1", Amount: amount, ReturnURL: "https://shop.example/r"})
		case 1:
			pay, err = fg.g.Inquire(ctx, &paygate.InquireRequest{ProviderPaymentID: fuzzOrderID})
		case 2:
			pay, err = fg.g.Cancel(ctx, &paygate.CancelRequest{ProviderPaymentID: fuzzOrderID})
		case 3:
			ref, err = fg.g.Refund(withRefundMarker(ctx), &paygate.RefundRequest{RefundRequestID: "rf_req_1", ProviderPaymentID: fuzzOrderID, Amount: amount})
		}
		_, decodeErr := decodeObject(body)
		ok2xx := httpStatus >= 200 && httpStatus <= 299
		switch paygate.OutcomeOf(err) {
		case status.Failure:
			var pe *paygate.Error
			errors.As(err, &pe)
			switch {
			case pay != nil || ref != nil:
				t.Fatal("F with a result")
			case httpStatus >= 500 || httpStatus == http.StatusTooManyRequests:
				t.Fatalf("F from HTTP %d: %v", httpStatus, err)
			case ok2xx:
				t.Fatalf("F from a 2xx answer %q: %v", body, err)
			case pe == nil || pe.HTTPStatus != httpStatus || classify(httpStatus, pe.ProviderCode).outcome != status.Failure:
				t.Fatalf("F that the error table does not give for HTTP %d: %v", httpStatus, err)
			}
		case status.Success:
			switch {
			case !ok2xx || decodeErr != nil:
				t.Fatalf("S from HTTP %d %q", httpStatus, body)
			case pay != nil:
				checkPayment(t, op%4, pay, amount)
			case ref != nil:
				if ref.Provider != Name || !ref.Status.Valid() || ref.ProviderPaymentID != fuzzOrderID || ref.Amount != amount || ref.ProviderRefundID == "" {
					t.Fatalf("refund %+v from %q", ref, body)
				}
			default:
				t.Fatal("S without a result")
			}
		default:
			if pay != nil || ref != nil {
				t.Fatal("U with a result")
			}
		}
	})
}

type refundMarker struct{}

// withRefundMarker marks a refund's context, so the in-process client answers the inquiry the refund
// makes first with a paid order and only the refund itself with the fuzzed reply.
func withRefundMarker(ctx context.Context) context.Context {
	return context.WithValue(ctx, refundMarker{}, true)
}

func checkPayment(t *testing.T, op uint8, p *paygate.Payment, amount money.Amount) {
	t.Helper()
	if p.Provider != Name || !p.Status.Valid() || p.ProviderPaymentID == "" {
		t.Fatalf("payment %+v", p)
	}
	switch op {
	case 0:
		if p.Amount != amount || p.PaymentRequestID != "pay_1" {
			t.Fatalf("create answered %+v", p)
		}
		if p.Status == status.PaymentRequiresAction && (p.Action == nil || p.Action.QRCode == "") {
			t.Fatalf("REQUIRES_ACTION without a QR code: %+v", p)
		}
	case 1, 2:
		if p.ProviderPaymentID != fuzzOrderID {
			t.Fatalf("asked about %s, answered about %s", fuzzOrderID, p.ProviderPaymentID)
		}
		if op == 1 {
			if wire, err := wireAmount(paygate.OpInquire, "Amount", p.Amount, false); err != nil {
				t.Fatalf("inquired amount %v does not write back: %v", p.Amount, err)
			} else if back, err := parseAmount(wire, p.Amount.Currency()); err != nil || back != p.Amount {
				t.Fatalf("inquired amount %v writes as %s, which reads as %v, %v", p.Amount, wire, back, err)
			}
		}
	}
}

// FuzzParseAmount: an amount VAI247 writes (a JSON number, or a string holding one) reads as exactly
// its value in a currency VAI247 uses, never rounded and never negative, and writes back to the
// canonical number that reads as the same amount; every non-negative amount VAI247's digits can carry
// writes to a number that reads back as it.
func FuzzParseAmount(f *testing.F) {
	for _, s := range []struct {
		raw, currency string
		minor         int64
	}{
		{`19.99`, "USD", 1999}, {`"19.99"`, "USD", 1999}, {`4000`, "KHR", 4000}, {`4000.00`, "KHR", 400000}, {`19.995`, "USD", 1},
		{`1.999e1`, "USD", 1}, {`1e30`, "USD", 1}, {`1e-2`, "USD", 1}, {`-1`, "USD", 1}, {`"-1"`, "USD", 1}, {`"abc"`, "USD", 1},
		{`null`, "USD", 0}, {`19.99`, "EUR", 1}, {`0`, "USD", 0}, {`00`, "USD", 0}, {`"1e400000"`, "USD", 1}, {`92233720368547758.07`, "USD", 1 << 62},
	} {
		f.Add([]byte(s.raw), s.currency, s.minor)
	}
	f.Fuzz(func(t *testing.T, raw []byte, currency string, minor int64) {
		if a, err := parseAmount(raw, currency); err == nil {
			var n json.Number
			if err := json.Unmarshal(raw, &n); err != nil {
				t.Fatalf("%s read as %v, but it is not a number", raw, a)
			}
			exact, err := decimal.NewFromString(n.String())
			if err != nil || !exact.Equal(a.Decimal()) || a.Currency() != currency || a.Decimal().IsNegative() {
				t.Fatalf("%s %s read as %v", raw, currency, a)
			}
			w, err := wireAmount(paygate.OpInquire, "Amount", a, false)
			if err != nil {
				t.Fatalf("%v read from VAI247 does not write back: %v", a, err)
			}
			if want := exact.StringFixed(int32(currencies[currency].digits)); string(w) != want {
				t.Fatalf("%v writes as %s, want %s", a, w, want)
			}
			if back, err := parseAmount(w, currency); err != nil || back != a {
				t.Fatalf("%v writes as %s, which reads as %v, %v", a, w, back, err)
			}
		}
		rule, ok := currencies[currency]
		if !ok || minor < 0 {
			return // VAI247 takes no other currency, and no negative amount (requests refuse them first)
		}
		a, err := money.FromMinorAt(minor, currency, rule.digits)
		if err != nil {
			return
		}
		w, err := wireAmount(paygate.OpCreate, "Amount", a, false)
		if err != nil {
			t.Fatalf("%v fits VAI247's %d digits but does not write: %v", a, rule.digits, err)
		}
		if back, err := parseAmount(w, currency); err != nil || back != a {
			t.Fatalf("%v writes as %s, which reads as %v, %v", a, w, back, err)
		}
	})
}

// FuzzNotification: through the webhook handler (with a webhook secret), a body without its valid
// X-DVPay-Signature never reaches the merchant's function; a signed one reaches it exactly when it
// decodes, is fresh and maps to an event, and then with an event whose id depends only on the body,
// whose type is the mapped event's, with a valid status and the amount VAI247 wrote, exactly.
func FuzzNotification(f *testing.F) {
	fg := fuzzSetup(f)
	ts := strconv.FormatInt(fuzzNow.Unix(), 10)
	for _, s := range []string{
		`{"event":"payment.success","order_id":"ord_1","amount":19.99,"currency":"USD","status":"paid","timestamp":` + ts + `}`,
		`{"event":"payment.processing","order_id":"ord_1","amount":"4000","currency":"KHR","status":"processing","timestamp":` + ts + `}`,
		`{"event":"payment.failed","order_id":"ord_1","amount":19.99,"currency":"USD","status":"failed","timestamp":` + ts + `}`,
		`{"event":"refund.completed","order_id":"ord_1","amount":5.00,"currency":"USD","status":"partially_refunded","timestamp":` + ts + `}`,
		`{"event":"order.created","order_id":"ord_1","amount":19.99,"currency":"USD","status":"pending","timestamp":` + ts + `}`,
		`{"event":"payment.success","order_id":"ord_1","amount":19.99,"currency":"USD","status":"paid","timestamp":1}`,
		`{"event":"payment.success","order_id":"ord_1","amount":19.995,"currency":"USD","status":"paid","timestamp":` + ts + `}`,
		`{"event":"payment.success","order_id":"ord_1","amount":19.99,"currency":"EUR","status":"paid","timestamp":` + ts + `}`,
		`{"event":"payment.success","order_id":"ord_1","amount":19.99,"currency":"USD","status":"paid","timestamp":"` + ts + `"}`,
		`{"event":"payment.success","order_id":"ord_1","amount":19.99,"currency":"USD","status":"paid","timestamp":1.5e9}`,
		`{"event":"payment.success"}`, `{}`, `null`, ``,
	} {
		f.Add([]byte(s), uint8(0), "")
		f.Add([]byte(s), uint8(1), "")
		f.Add([]byte(s), uint8(2), "00ff")
	}
	var got *paygate.Event
	handler := fg.g.WebhookHandler(func(_ context.Context, ev *paygate.Event) error { got = ev; return nil })
	f.Fuzz(func(t *testing.T, body []byte, sigMode uint8, sig string) {
		req := httptest.NewRequest(http.MethodPost, "/webhooks/vai247", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		mac := provider.SignHMACSHA256([]byte(fuzzWebhookSecret), body)
		switch sigMode % 3 {
		case 1:
			sig = hex.EncodeToString(mac)
			req.Header.Set(wire.hdrWebhookSignature, sig)
		case 2:
			req.Header.Set(wire.hdrWebhookSignature, sig)
		default:
			sig = ""
		}
		raw, err := hex.DecodeString(strings.TrimSpace(sig))
		signed := err == nil && bytes.Equal(raw, mac)
		got = nil
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		if !signed {
			if got != nil || rec.Code != http.StatusUnauthorized {
				t.Fatalf("an unsigned body reached the merchant (HTTP %d, %v)", rec.Code, got)
			}
			return
		}
		n, err := decodeNotification(body)
		var ev *paygate.Event
		if err == nil {
			if age := fuzzNow.Sub(n.at); age <= DefaultWebhookMaxAge && age >= -WebhookFutureSkew {
				ev, _ = n.event()
			}
		}
		if (got != nil) != (ev != nil) {
			t.Fatalf("%q: the merchant got %+v, the notification maps to %+v (HTTP %d)", body, got, ev, rec.Code)
		}
		if ev == nil {
			if rec.Code == http.StatusOK && (err != nil || webhookEvents[n.name] != "") {
				t.Fatalf("%q acknowledged without an event", body)
			}
			return
		}
		if got.ID != ev.ID || !strings.HasPrefix(ev.ID, "evt_") || ev.Type != webhookEvents[n.name] || ev.Provider != Name || rec.Code != http.StatusOK {
			t.Fatalf("%q: event %+v (the merchant got %+v, HTTP %d)", body, ev, got, rec.Code)
		}
		var amt money.Amount
		switch {
		case ev.Payment != nil && ev.Refund == nil && ev.Type == paygate.EventPaymentUpdated:
			if !ev.Payment.Status.Valid() || ev.Payment.ProviderStatus != n.st || ev.Payment.ProviderPaymentID != n.orderID {
				t.Fatalf("payment %+v from %q", ev.Payment, body)
			}
			amt = ev.Payment.Amount
		case ev.Refund != nil && ev.Payment == nil && ev.Type == paygate.EventRefundUpdated:
			if ev.Refund.Status != status.RefundSucceeded || ev.Refund.ProviderPaymentID != n.orderID {
				t.Fatalf("refund %+v from %q", ev.Refund, body)
			}
			amt = ev.Refund.Amount
		default:
			t.Fatalf("event %+v", ev)
		}
		if a, err := parseAmount(n.amount, n.currency); err != nil || a != amt {
			t.Fatalf("event amount %v; the notification's is %s %s (%v)", amt, n.amount, n.currency, err)
		}
	})
}
