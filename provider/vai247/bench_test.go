package vai247_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"go.uber.org/zap"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/internal/benchloop"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/provider/vai247"
	"github.com/paygate-go/paygate/provider/vai247/vai247test"
	"github.com/paygate-go/paygate/status"
)

// The benchmarks run each operation through the adapter (impl=adapter) and through baseClient
// (impl=baseline), a minimal VAI247 client written by hand from the provider's docs that does the same
// HTTP exchanges: the X-App-Id, X-Api-Key and X-Timestamp headers, and for refunds (RefundSigning, the
// 2026-03-02 version) X-Idempotent-Key and X-Signature = hex(HMAC-SHA256(secret, body + timestamp)),
// a capped body and the fields it needs. Compare them with `benchstat -col /impl`. VAI247 signs no
// responses, so there is no RSA here: the adapter's own overhead weighs more than for Waffo and Antom.

const benchPool = 8 // paid orders an inquiry benchmark cycles through

// benchEnv is one simulator with an adapter and a baseline client pointed at it. No webhook URL is
// set, so the simulator sends no webhooks.
type benchEnv struct {
	srv  *vai247test.Server
	gw   *vai247.Gateway
	base *baseClient
}

func newBenchEnv(b *testing.B) *benchEnv {
	b.Helper()
	srv := vai247test.NewServer(vai247test.Config{RefundSigning: true})
	b.Cleanup(srv.Close)
	gw, err := vai247.New(vai247.Config{
		BaseURL: srv.URL, AppID: srv.AppID, APIKey: srv.APIKey, APISecret: srv.APISecret, StoreID: srv.StoreID,
		RefundSigning: true, Logger: zap.NewNop(),
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(gw.Close)
	base := &baseClient{baseURL: srv.URL, appID: srv.AppID, apiKey: srv.APIKey, secret: []byte(srv.APISecret), storeID: srv.StoreID, hc: baseHTTPClient()}
	b.Cleanup(base.hc.CloseIdleConnections)
	return &benchEnv{srv: srv, gw: gw, base: base}
}

func createReq(id string, amount money.Amount) *paygate.CreateRequest {
	return &paygate.CreateRequest{PaymentRequestID: id, Amount: amount}
}

// paidOrders creates n orders through the adapter, pays them in the simulator and returns their ids.
func (e *benchEnv) paidOrders(b *testing.B, prefix string, n int, amount money.Amount) []string {
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
	maxUSD   = money.MustParse("10000.00", "USD") // VAI247's largest USD payment
	centUSD  = money.MustParse("0.01", "USD")
	runCount atomic.Int64 // makes request ids unique across benchmark runs
)

func runPrefix(kind string) string {
	return fmt.Sprintf("%s%d-", kind, runCount.Add(1))
}

func BenchmarkCreate(b *testing.B) {
	b.Run("impl=adapter", func(b *testing.B) {
		e := newBenchEnv(b)
		ctx, prefix := context.Background(), runPrefix("ca")
		benchloop.Measure(b, func(i int) error {
			p, err := e.gw.Create(ctx, createReq(prefix+strconv.Itoa(i), tenUSD))
			if err != nil {
				return err
			}
			if p.Status != status.PaymentRequiresAction || p.Action == nil || p.Action.QRCode == "" || p.ProviderPaymentID == "" {
				return fmt.Errorf("unexpected payment %+v", p)
			}
			return nil
		})
	})
	b.Run("impl=baseline", func(b *testing.B) {
		e := newBenchEnv(b)
		ctx, prefix := context.Background(), runPrefix("cb")
		benchloop.Measure(b, func(i int) error {
			o, err := e.base.create(ctx, prefix+strconv.Itoa(i), tenUSD)
			if err != nil {
				return err
			}
			if o.Status != "pending" || o.QRCode == "" || o.OrderID == "" {
				return fmt.Errorf("unexpected order %+v", o)
			}
			return nil
		})
	})
}

func BenchmarkInquire(b *testing.B) {
	b.Run("impl=adapter", func(b *testing.B) {
		e := newBenchEnv(b)
		ids := e.paidOrders(b, runPrefix("ia"), benchPool, tenUSD)
		ctx := context.Background()
		benchloop.Measure(b, func(i int) error {
			p, err := e.gw.Inquire(ctx, &paygate.InquireRequest{ProviderPaymentID: ids[i%len(ids)]})
			if err != nil {
				return err
			}
			if p.Status != status.PaymentSucceeded || !p.Amount.Equal(tenUSD) {
				return fmt.Errorf("unexpected payment %+v", p)
			}
			return nil
		})
	})
	b.Run("impl=baseline", func(b *testing.B) {
		e := newBenchEnv(b)
		ids := e.paidOrders(b, runPrefix("ib"), benchPool, tenUSD)
		ctx := context.Background()
		benchloop.Measure(b, func(i int) error {
			o, err := e.base.inquire(ctx, ids[i%len(ids)])
			if err != nil {
				return err
			}
			if o.Status != "paid" || !o.amount.Equal(tenUSD) {
				return fmt.Errorf("unexpected order %+v", o)
			}
			return nil
		})
	})
}

// BenchmarkRefund refunds 0.01 USD of one large paid order per op, each with a new refund id. Both
// implementations read the order first, as the adapter does (VAI247's refund body has a bare number and
// no currency, so the adapter checks the order's): two round trips per op, the refund one signed.
func BenchmarkRefund(b *testing.B) {
	b.Run("impl=adapter", func(b *testing.B) {
		e := newBenchEnv(b)
		prefix := runPrefix("ra")
		order := e.paidOrders(b, prefix, 1, maxUSD)[0]
		ctx := context.Background()
		benchloop.Measure(b, func(i int) error {
			r, err := e.gw.Refund(ctx, &paygate.RefundRequest{RefundRequestID: prefix + "r" + strconv.Itoa(i), ProviderPaymentID: order, Amount: centUSD})
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
		order := e.paidOrders(b, prefix, 1, maxUSD)[0]
		ctx := context.Background()
		benchloop.Measure(b, func(i int) error {
			r, err := e.base.refund(ctx, prefix+"r"+strconv.Itoa(i), order, centUSD)
			if err != nil {
				return err
			}
			if r.Status != "completed" || !r.amount.Equal(centUSD) {
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
		ids := e.paidOrders(b, runPrefix("pa"), benchPool, tenUSD)
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
		ids := e.paidOrders(b, runPrefix("pb"), benchPool, tenUSD)
		prefix := runPrefix("pb")
		ctx := context.Background()
		benchloop.MeasureParallel(b, 32, func(i int64) error {
			if i%2 == 0 {
				o, err := e.base.create(ctx, prefix+strconv.FormatInt(i, 10), tenUSD)
				if err != nil || o.Status != "pending" {
					return fmt.Errorf("create: %v %+v", err, o)
				}
				return nil
			}
			o, err := e.base.inquire(ctx, ids[i%benchPool])
			if err != nil || o.Status != "paid" {
				return fmt.Errorf("inquire: %v %+v", err, o)
			}
			return nil
		})
	})
}

// ---- the baseline: a minimal VAI247 client from the docs ----

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
	baseURL, appID, apiKey, storeID string
	secret                          []byte
	hc                              *http.Client
}

// send makes one call and returns the 200 reply's body, within the cap. extra sets headers that need
// the body and timestamp (the refund's signature).
func (c *baseClient) send(ctx context.Context, method, path string, body []byte, extra func(h http.Header, ts string)) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.baseURL+path, rd)
	if err != nil {
		return nil, err
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req.Header.Set("X-App-Id", c.appID)
	req.Header.Set("X-Api-Key", c.apiKey)
	req.Header.Set("X-Timestamp", ts)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if extra != nil {
		extra(req.Header, ts)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	reply, err := io.ReadAll(io.LimitReader(resp.Body, baseMaxBody+1))
	if err != nil {
		return nil, err
	}
	if len(reply) > baseMaxBody {
		return nil, errors.New("reply over the size cap")
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("VAI247 answered HTTP %d: %s", resp.StatusCode, reply)
	}
	return reply, nil
}

// wireNumber is a in major units as a JSON number, from the decimal (USD: 2 places).
func wireNumber(a money.Amount) (json.Number, error) {
	v, err := a.ValueAt(2)
	return json.Number(v), err
}

// parseNumber reads a JSON number in major units exactly.
func parseNumber(n json.Number, currency string) (money.Amount, error) {
	d, err := decimal.NewFromString(n.String())
	if err != nil {
		return money.Amount{}, err
	}
	return money.ParseAt(d.StringFixed(2), currency, 2)
}

type baseOrder struct {
	OrderID   string      `json:"order_id"`
	Status    string      `json:"status"`
	QRCode    string      `json:"qr_code"`
	ExpiresAt string      `json:"expires_at"`
	Amount    json.Number `json:"amount"`
	Currency  string      `json:"currency"`
	UpdatedAt string      `json:"updated_at"`

	amount  money.Amount
	expires time.Time
	updated time.Time
}

func (c *baseClient) create(ctx context.Context, id string, amount money.Amount) (*baseOrder, error) {
	n, err := wireNumber(amount)
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(struct {
		StoreID     string      `json:"store_id"`
		Amount      json.Number `json:"amount"`
		Currency    string      `json:"currency"`
		ReferenceID string      `json:"reference_id"`
	}{c.storeID, n, amount.Currency(), id})
	if err != nil {
		return nil, err
	}
	reply, err := c.send(ctx, http.MethodPost, "/api/v1/payment-gateway/order/create", body, nil)
	if err != nil {
		return nil, err
	}
	var o baseOrder
	if err := json.Unmarshal(reply, &o); err != nil {
		return nil, err
	}
	if o.expires, err = time.Parse(time.RFC3339, o.ExpiresAt); err != nil {
		return nil, err
	}
	return &o, nil
}

func (c *baseClient) inquire(ctx context.Context, orderID string) (*baseOrder, error) {
	reply, err := c.send(ctx, http.MethodGet, "/api/v1/payment-gateway/payment/transaction-detail?transaction_id="+url.QueryEscape(orderID), nil, nil)
	if err != nil {
		return nil, err
	}
	var o baseOrder
	if err := json.Unmarshal(reply, &o); err != nil {
		return nil, err
	}
	if o.OrderID != orderID {
		return nil, errors.New("the reply is about another order")
	}
	if o.amount, err = parseNumber(o.Amount, o.Currency); err != nil {
		return nil, err
	}
	if o.updated, err = time.Parse(time.RFC3339, o.UpdatedAt); err != nil {
		return nil, err
	}
	return &o, nil
}

type baseRefund struct {
	RefundID  string      `json:"refund_id"`
	OrderID   string      `json:"order_id"`
	Amount    json.Number `json:"amount"`
	Status    string      `json:"status"`
	CreatedAt string      `json:"created_at"`

	amount  money.Amount
	created time.Time
}

// refundNamespace names this client's X-Idempotent-Key UUIDs (version 5: the same refund id always
// gives the same key, so a resend is deduped).
var refundNamespace = [16]byte{0x3c, 0x41, 0x9e, 0x07, 0x5b, 0x12, 0x4f, 0x88, 0xa1, 0x6d, 0x20, 0xe4, 0x97, 0x0b, 0xc3, 0x55}

func idempotentKey(storeID, refundID string) string {
	h := sha1.New()
	h.Write(refundNamespace[:])
	h.Write([]byte(storeID + "/" + refundID))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	x := hex.EncodeToString(u[:])
	return x[:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:]
}

// refund reads the order (its currency), then refunds amount of it with the signed refund call.
func (c *baseClient) refund(ctx context.Context, refundID, orderID string, amount money.Amount) (*baseRefund, error) {
	o, err := c.inquire(ctx, orderID)
	if err != nil {
		return nil, err
	}
	if o.Currency != amount.Currency() {
		return nil, errors.New("refund currency differs from the order's")
	}
	n, err := wireNumber(amount)
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(struct {
		OrderID     string      `json:"order_id"`
		Amount      json.Number `json:"amount"`
		ReferenceID string      `json:"reference_id"`
	}{orderID, n, refundID})
	if err != nil {
		return nil, err
	}
	reply, err := c.send(ctx, http.MethodPost, "/api/v1/payment-gateway/order/refund", body, func(h http.Header, ts string) {
		m := hmac.New(sha256.New, c.secret)
		m.Write(body)
		m.Write([]byte(ts))
		h.Set("X-Signature", hex.EncodeToString(m.Sum(nil)))
		h.Set("X-Idempotent-Key", idempotentKey(c.storeID, refundID))
	})
	if err != nil {
		return nil, err
	}
	var r baseRefund
	if err := json.Unmarshal(reply, &r); err != nil {
		return nil, err
	}
	if r.OrderID != orderID {
		return nil, errors.New("the reply is about another order")
	}
	if r.amount, err = parseNumber(r.Amount, amount.Currency()); err != nil {
		return nil, err
	}
	if r.created, err = time.Parse(time.RFC3339, r.CreatedAt); err != nil {
		return nil, err
	}
	return &r, nil
}
