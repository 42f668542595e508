package stripe_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/internal/benchloop"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/provider/stripe"
	"github.com/paygate-go/paygate/provider/stripe/stripetest"
	"github.com/paygate-go/paygate/status"
)

// The benchmarks run each operation through the adapter (impl=adapter) and through baseClient
// (impl=baseline), a minimal Stripe client written by hand from Stripe's API reference
// (docs.stripe.com/api: authentication, versioning, idempotent_requests, payment_intents, refunds)
// that does the same HTTP exchanges: form-encoded POSTs with Authorization: Bearer, Stripe-Version and
// Idempotency-Key, GETs with the first two, a capped body, JSON decoded into small structs whose
// integer amounts become money.Amount exactly. Compare them with `benchstat -col /impl`. Stripe signs
// no responses, so, as for VAI247, there is no cryptography per op: the adapter's own overhead is
// what the comparison shows.

const benchPool = 8 // paid intents an inquiry benchmark cycles through

// benchEnv is one simulator with an adapter and a baseline client pointed at it. No webhook URL is
// set, so the simulator sends no webhooks (it still records its events).
type benchEnv struct {
	srv  *stripetest.Server
	gw   *stripe.Gateway
	base *baseClient
}

func newBenchEnv(b *testing.B) *benchEnv {
	b.Helper()
	srv := stripetest.NewServer(stripetest.Config{})
	b.Cleanup(srv.Close)
	gw, err := stripe.New(stripe.Config{BaseURL: srv.URL, SecretKey: srv.SecretKey, Logger: zap.NewNop()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(gw.Close)
	base := &baseClient{baseURL: srv.URL, key: srv.SecretKey, version: stripe.APIVersion, hc: baseHTTPClient()}
	b.Cleanup(base.hc.CloseIdleConnections)
	return &benchEnv{srv: srv, gw: gw, base: base}
}

// createReq is the create both implementations send: no payment method, so the intent stays
// requires_payment_method (the customer's browser would confirm it with Stripe.js) and the simulator
// does no settlement work.
func createReq(id string, amount money.Amount) *paygate.CreateRequest {
	return &paygate.CreateRequest{PaymentRequestID: id, Amount: amount}
}

// paidIntents creates n intents through the adapter, pays them in the simulator and returns their ids.
func (e *benchEnv) paidIntents(b *testing.B, prefix string, n int, amount money.Amount) []string {
	b.Helper()
	ctx := context.Background()
	ids := make([]string, n)
	for i := range ids {
		p, err := e.gw.Create(ctx, createReq(prefix+strconv.Itoa(i), amount))
		if err != nil {
			b.Fatal(err)
		}
		if err := e.srv.SettleOrder(ctx, p.ProviderPaymentID, sim.Pay); err != nil {
			b.Fatal(err)
		}
		ids[i] = p.ProviderPaymentID
	}
	return ids
}

var (
	tenUSD   = money.MustParse("10.00", "USD")
	bigUSD   = money.MustParse("10000.00", "USD") // room for a refund of a cent per op
	centUSD  = money.MustParse("0.01", "USD")
	runCount atomic.Int64 // makes request ids unique across benchmark runs
)

func runPrefix(kind string) string {
	return fmt.Sprintf("%s%d-", kind, runCount.Add(1))
}

// BenchmarkCreate: one POST /v1/payment_intents per op on both sides.
func BenchmarkCreate(b *testing.B) {
	b.Run("impl=adapter", func(b *testing.B) {
		e := newBenchEnv(b)
		ctx, prefix := context.Background(), runPrefix("ca")
		benchloop.Measure(b, func(i int) error {
			p, err := e.gw.Create(ctx, createReq(prefix+strconv.Itoa(i), tenUSD))
			if err != nil {
				return err
			}
			if p.Status != status.PaymentRequiresAction || p.Action == nil || p.Action.ClientSecret == "" || p.ProviderPaymentID == "" {
				return fmt.Errorf("unexpected payment %+v", p)
			}
			return nil
		})
	})
	b.Run("impl=baseline", func(b *testing.B) {
		e := newBenchEnv(b)
		ctx, prefix := context.Background(), runPrefix("cb")
		benchloop.Measure(b, func(i int) error {
			pi, err := e.base.create(ctx, prefix+strconv.Itoa(i), tenUSD)
			if err != nil {
				return err
			}
			if pi.Status != "requires_payment_method" || pi.ClientSecret == "" || pi.ID == "" {
				return fmt.Errorf("unexpected intent %+v", pi)
			}
			return nil
		})
	})
}

// BenchmarkInquire: one GET /v1/payment_intents/{id}?expand[]=latest_charge per op on both sides.
func BenchmarkInquire(b *testing.B) {
	b.Run("impl=adapter", func(b *testing.B) {
		e := newBenchEnv(b)
		ids := e.paidIntents(b, runPrefix("ia"), benchPool, tenUSD)
		ctx := context.Background()
		benchloop.Measure(b, func(i int) error {
			p, err := e.gw.Inquire(ctx, &paygate.InquireRequest{ProviderPaymentID: ids[i%len(ids)]})
			if err != nil {
				return err
			}
			if p.Status != status.PaymentSucceeded || !p.Amount.Equal(tenUSD) || !p.Captured.Equal(tenUSD) {
				return fmt.Errorf("unexpected payment %+v", p)
			}
			return nil
		})
	})
	b.Run("impl=baseline", func(b *testing.B) {
		e := newBenchEnv(b)
		ids := e.paidIntents(b, runPrefix("ib"), benchPool, tenUSD)
		ctx := context.Background()
		benchloop.Measure(b, func(i int) error {
			pi, err := e.base.inquire(ctx, ids[i%len(ids)])
			if err != nil {
				return err
			}
			if pi.Status != "succeeded" || !pi.amount.Equal(tenUSD) || !pi.received.Equal(tenUSD) {
				return fmt.Errorf("unexpected intent %+v", pi)
			}
			return nil
		})
	})
}

// BenchmarkRefund refunds 0.01 USD of one large paid intent per op, each with a new refund id. Both
// implementations read the intent first, as the adapter does (RefundablePayment: the currency must
// be the payment's and it must not be only authorized): GET /v1/payment_intents/{id}?expand[]=
// latest_charge, then POST /v1/refunds — two round trips per op.
func BenchmarkRefund(b *testing.B) {
	b.Run("impl=adapter", func(b *testing.B) {
		e := newBenchEnv(b)
		prefix := runPrefix("ra")
		intent := e.paidIntents(b, prefix, 1, bigUSD)[0]
		ctx := context.Background()
		benchloop.Measure(b, func(i int) error {
			r, err := e.gw.Refund(ctx, &paygate.RefundRequest{RefundRequestID: prefix + "r" + strconv.Itoa(i), ProviderPaymentID: intent, Amount: centUSD})
			if err != nil {
				return err
			}
			if r.Status != status.RefundSucceeded || !r.Amount.Equal(centUSD) {
				return fmt.Errorf("unexpected refund %+v", r)
			}
			return nil
		})
	})
	b.Run("impl=baseline", func(b *testing.B) {
		e := newBenchEnv(b)
		prefix := runPrefix("rb")
		intent := e.paidIntents(b, prefix, 1, bigUSD)[0]
		ctx := context.Background()
		benchloop.Measure(b, func(i int) error {
			r, err := e.base.refund(ctx, prefix+"r"+strconv.Itoa(i), intent, centUSD)
			if err != nil {
				return err
			}
			if r.Status != "succeeded" || !r.amount.Equal(centUSD) {
				return fmt.Errorf("unexpected refund %+v", r)
			}
			return nil
		})
	})
}

// BenchmarkParallel runs creates and inquiries alternately from 64 goroutines (SetParallelism(32) on
// 2 CPUs; 32×GOMAXPROCS in general) sharing one adapter (or one baseline client): a lock held across a
// call would serialise them and show as ns/op far above the serial figures divided by the cores.
func BenchmarkParallel(b *testing.B) {
	b.Run("impl=adapter", func(b *testing.B) {
		e := newBenchEnv(b)
		ids := e.paidIntents(b, runPrefix("pa"), benchPool, tenUSD)
		prefix := runPrefix("pa")
		ctx := context.Background()
		benchloop.MeasureParallel(b, 32, func(i int64) error {
			if i%2 == 0 {
				p, err := e.gw.Create(ctx, createReq(prefix+strconv.FormatInt(i, 10), tenUSD))
				if err != nil || p.Status != status.PaymentRequiresAction {
					return fmt.Errorf("create: %v %+v", err, p)
				}
				return nil
			}
			p, err := e.gw.Inquire(ctx, &paygate.InquireRequest{ProviderPaymentID: ids[i%benchPool]})
			if err != nil || p.Status != status.PaymentSucceeded {
				return fmt.Errorf("inquire: %v %+v", err, p)
			}
			return nil
		})
	})
	b.Run("impl=baseline", func(b *testing.B) {
		e := newBenchEnv(b)
		ids := e.paidIntents(b, runPrefix("pb"), benchPool, tenUSD)
		prefix := runPrefix("pb")
		ctx := context.Background()
		benchloop.MeasureParallel(b, 32, func(i int64) error {
			if i%2 == 0 {
				pi, err := e.base.create(ctx, prefix+strconv.FormatInt(i, 10), tenUSD)
				if err != nil || pi.Status != "requires_payment_method" {
					return fmt.Errorf("create: %v %+v", err, pi)
				}
				return nil
			}
			pi, err := e.base.inquire(ctx, ids[i%benchPool])
			if err != nil || pi.Status != "succeeded" {
				return fmt.Errorf("inquire: %v %+v", err, pi)
			}
			return nil
		})
	})
}

// ---- the baseline: a minimal Stripe client from the API reference ----

// baseMaxBody caps a reply body, as the adapter's transport does by default.
const baseMaxBody = 1 << 20

// baseHTTPClient is configured as the adapter's default client: a clone of http.DefaultTransport
// (keep-alive) requiring TLS 1.2 and keeping as many idle connections per host, a 30 s timeout and no
// redirects.
func baseHTTPClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	tr.MaxIdleConnsPerHost = provider.DefaultMaxIdleConnsPerHost
	tr.MaxIdleConns = max(tr.MaxIdleConns, provider.DefaultMaxIdleConnsPerHost)
	return &http.Client{
		Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

type baseClient struct {
	baseURL, key, version string
	hc                    *http.Client
}

// The metadata keys the baseline writes: the same as the adapter's, so the simulator's ledger and
// Settle see both alike.
const (
	baseMetaPayment = "paygate_payment_request_id"
	baseMetaRefund  = "paygate_refund_request_id"
)

// send makes one call and decodes the 2xx reply's body, within the cap, into out. A POST carries
// the form and the Idempotency-Key.
func (c *baseClient) send(ctx context.Context, method, path string, form url.Values, idemKey string, out any) error {
	var rd io.Reader
	if method == http.MethodPost {
		rd = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, c.baseURL+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.key)
	req.Header.Set("Stripe-Version", c.version)
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Idempotency-Key", idemKey)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	reply, err := io.ReadAll(io.LimitReader(resp.Body, baseMaxBody+1))
	if err != nil {
		return err
	}
	if len(reply) > baseMaxBody {
		return errors.New("reply over the size cap")
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("stripe answered HTTP %d: %s", resp.StatusCode, reply)
	}
	return json.NewDecoder(bytes.NewReader(reply)).Decode(out)
}

// baseAmount reads Stripe's integer amount (minor units) exactly. The baseline knows only USD, the
// benchmarks' currency, which Stripe writes in cents.
func baseAmount(n int64, currency string) (money.Amount, error) {
	if currency != "usd" {
		return money.Amount{}, fmt.Errorf("the baseline reads only usd, not %q", currency)
	}
	if n < 0 {
		return money.Amount{}, fmt.Errorf("amount %d is negative", n)
	}
	return money.FromMinorAt(n, "USD", 2)
}

// baseCents is a USD amount as Stripe's integer cents, refusing what cents cannot carry.
func baseCents(a money.Amount) (int64, error) {
	if a.Currency() != "USD" {
		return 0, fmt.Errorf("the baseline sends only USD, not %s", a.Currency())
	}
	return a.MinorAt(2)
}

type baseIntent struct {
	ID             string            `json:"id"`
	Amount         int64             `json:"amount"`
	AmountReceived int64             `json:"amount_received"`
	Currency       string            `json:"currency"`
	Status         string            `json:"status"`
	ClientSecret   string            `json:"client_secret"`
	Metadata       map[string]string `json:"metadata"`
	// LatestCharge is the charge's id, or (expanded) the charge: only amount_refunded is read.
	LatestCharge json.RawMessage `json:"latest_charge"`

	amount, received, refunded money.Amount
}

// read converts the intent's amounts, the expanded charge's amount_refunded too.
func (pi *baseIntent) read() error {
	var err error
	if pi.amount, err = baseAmount(pi.Amount, pi.Currency); err != nil {
		return err
	}
	if pi.received, err = baseAmount(pi.AmountReceived, pi.Currency); err != nil {
		return err
	}
	if len(pi.LatestCharge) > 0 && pi.LatestCharge[0] == '{' {
		var ch struct {
			AmountRefunded int64 `json:"amount_refunded"`
		}
		if err := json.Unmarshal(pi.LatestCharge, &ch); err != nil {
			return err
		}
		if pi.refunded, err = baseAmount(ch.AmountRefunded, pi.Currency); err != nil {
			return err
		}
	}
	return nil
}

// create is POST /v1/payment_intents with amount, currency and our id in metadata, no method.
func (c *baseClient) create(ctx context.Context, id string, amount money.Amount) (*baseIntent, error) {
	cents, err := baseCents(amount)
	if err != nil {
		return nil, err
	}
	form := url.Values{"amount": {strconv.FormatInt(cents, 10)}, "currency": {"usd"}, "metadata[" + baseMetaPayment + "]": {id}}
	var pi baseIntent
	if err := c.send(ctx, http.MethodPost, "/v1/payment_intents", form, "base-create-"+id, &pi); err != nil {
		return nil, err
	}
	if err := pi.read(); err != nil {
		return nil, err
	}
	if pi.ID == "" || pi.Metadata[baseMetaPayment] != id || !pi.amount.Equal(amount) {
		return nil, errors.New("the reply is not about the intent created")
	}
	return &pi, nil
}

// inquire is GET /v1/payment_intents/{id}?expand[]=latest_charge (the charge has the refunded amount).
func (c *baseClient) inquire(ctx context.Context, id string) (*baseIntent, error) {
	var pi baseIntent
	if err := c.send(ctx, http.MethodGet, "/v1/payment_intents/"+url.PathEscape(id)+"?expand%5B%5D=latest_charge", nil, "", &pi); err != nil {
		return nil, err
	}
	if pi.ID != id {
		return nil, errors.New("the reply is about another intent")
	}
	if err := pi.read(); err != nil {
		return nil, err
	}
	return &pi, nil
}

type baseRefund struct {
	ID            string            `json:"id"`
	Amount        int64             `json:"amount"`
	Currency      string            `json:"currency"`
	Status        string            `json:"status"`
	PaymentIntent string            `json:"payment_intent"`
	Metadata      map[string]string `json:"metadata"`

	amount money.Amount
}

// refund reads the intent (its currency and state), then POSTs /v1/refunds with our refund id in
// metadata.
func (c *baseClient) refund(ctx context.Context, refundID, intentID string, amount money.Amount) (*baseRefund, error) {
	pi, err := c.inquire(ctx, intentID)
	if err != nil {
		return nil, err
	}
	if pi.amount.Currency() != amount.Currency() {
		return nil, errors.New("refund currency differs from the payment's")
	}
	if pi.Status != "succeeded" {
		return nil, fmt.Errorf("the payment is %s: nothing to refund", pi.Status)
	}
	cents, err := baseCents(amount)
	if err != nil {
		return nil, err
	}
	form := url.Values{"payment_intent": {intentID}, "amount": {strconv.FormatInt(cents, 10)},
		"metadata[" + baseMetaRefund + "]": {refundID}, "metadata[" + baseMetaPayment + "]": {pi.Metadata[baseMetaPayment]}}
	var r baseRefund
	if err := c.send(ctx, http.MethodPost, "/v1/refunds", form, "base-refund-"+refundID, &r); err != nil {
		return nil, err
	}
	if r.ID == "" || r.PaymentIntent != intentID || r.Metadata[baseMetaRefund] != refundID {
		return nil, errors.New("the reply is not about the refund asked for")
	}
	if r.amount, err = baseAmount(r.Amount, r.Currency); err != nil {
		return nil, err
	}
	if !r.amount.Equal(amount) {
		return nil, errors.New("the reply refunds another amount")
	}
	return &r, nil
}
