package waffo_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
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
	"github.com/paygate-go/paygate/provider/waffo"
	"github.com/paygate-go/paygate/provider/waffo/waffotest"
	"github.com/paygate-go/paygate/status"
)

// The benchmarks run each operation through the adapter (impl=adapter) and through baseClient
// (impl=baseline), a minimal Waffo client written by hand from Waffo's docs that does the same HTTP
// exchanges and the same cryptography: it signs the body, checks the reply's X-SIGNATURE, caps the body
// and reads the fields it needs. Compare them with `benchstat -col /impl`. Both talk to the same
// in-process simulator, whose work (verifying, signing replies) is part of every op on both sides.

const (
	benchNotifyURL = "https://merchant.example/waffo/notify"
	benchReturnURL = "https://merchant.example/thanks"
	benchPool      = 8 // paid payments an inquiry benchmark cycles through
)

// benchEnv is one simulator with an adapter and a baseline client pointed at it.
type benchEnv struct {
	srv  *waffotest.Server
	gw   *waffo.Gateway
	base *baseClient
}

func newBenchEnv(b *testing.B) *benchEnv {
	b.Helper()
	ack := &ackTransport{}
	srv := waffotest.NewServer(waffotest.Config{WebhookClient: &http.Client{Transport: ack}})
	b.Cleanup(srv.Close)
	gw, err := waffo.New(waffo.Config{
		BaseURL: srv.URL, APIKey: srv.APIKey, MerchantID: srv.MerchantID,
		PrivateKey: srv.Keys.MerchantPrivateKey, WaffoPublicKey: srv.Keys.WaffoPublicKey,
		Logger: zap.NewNop(),
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(gw.Close)
	base, err := newBaseClient(srv)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(base.hc.CloseIdleConnections)
	if ack.sig, err = base.sign([]byte(ackBody)); err != nil {
		b.Fatal(err)
	}
	return &benchEnv{srv: srv, gw: gw, base: base}
}

// ackBody is the webhook reply Waffo requires.
const ackBody = `{"message":"success"}`

// ackTransport answers the simulator's webhooks (sent on settle and refund) in process with Waffo's
// signed acknowledgement, so no delivery is retried or leaves the machine during a measurement.
type ackTransport struct{ sig string }

func (a *ackTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		_ = r.Body.Close()
	}
	return &http.Response{
		StatusCode: http.StatusOK, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:  http.Header{"Content-Type": {"application/json"}, "X-Signature": {a.sig}},
		Body:    io.NopCloser(strings.NewReader(ackBody)),
		Request: r,
	}, nil
}

// createReq is the create both implementations send: a QR payment, which Waffo answers
// PAY_IN_PROGRESS with an orderAction holding the QR payload.
func createReq(id string, amount money.Amount) *paygate.CreateRequest {
	return &paygate.CreateRequest{
		PaymentRequestID: id, Amount: amount, Description: "Benchmark order",
		NotifyURL: benchNotifyURL, ReturnURL: benchReturnURL,
		Customer: paygate.Customer{ID: "cust-42", Email: "buyer@example.com"},
		Method:   paygate.Method{Type: "QR"},
	}
}

// paidPayments creates n payments through the adapter and pays them in the simulator.
func (e *benchEnv) paidPayments(b *testing.B, prefix string, n int, amount money.Amount) []string {
	b.Helper()
	ctx := context.Background()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = prefix + strconv.Itoa(i)
		if _, err := e.gw.Create(ctx, createReq(ids[i], amount)); err != nil {
			b.Fatal(err)
		}
		if err := e.srv.Settle(ctx, ids[i], sim.Pay); err != nil {
			b.Fatal(err)
		}
	}
	return ids
}

var (
	tenUSD   = money.MustParse("10.00", "USD")
	bigUSD   = money.MustParse("100000.00", "USD")
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
			if o.OrderStatus != "PAY_IN_PROGRESS" || o.qr == "" || o.AcquiringOrderID == "" {
				return fmt.Errorf("unexpected order %+v", o)
			}
			return nil
		})
	})
}

func BenchmarkInquire(b *testing.B) {
	b.Run("impl=adapter", func(b *testing.B) {
		e := newBenchEnv(b)
		ids := e.paidPayments(b, runPrefix("ia"), benchPool, tenUSD)
		ctx := context.Background()
		benchloop.Measure(b, func(i int) error {
			p, err := e.gw.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: ids[i%len(ids)]})
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
		ids := e.paidPayments(b, runPrefix("ib"), benchPool, tenUSD)
		ctx := context.Background()
		benchloop.Measure(b, func(i int) error {
			o, err := e.base.inquire(ctx, ids[i%len(ids)])
			if err != nil {
				return err
			}
			if o.OrderStatus != "PAY_SUCCESS" || !o.amount.Equal(tenUSD) {
				return fmt.Errorf("unexpected order %+v", o)
			}
			return nil
		})
	})
}

// BenchmarkRefund refunds 0.01 USD of one large paid payment per op, each with a new refund id. Both
// implementations look the payment up first, as the adapter does (Waffo's refund body names no
// currency, and it needs the acquiringOrderId): two signed round trips per op.
func BenchmarkRefund(b *testing.B) {
	b.Run("impl=adapter", func(b *testing.B) {
		e := newBenchEnv(b)
		prefix := runPrefix("ra")
		pay := e.paidPayments(b, prefix, 1, bigUSD)[0]
		ctx := context.Background()
		benchloop.Measure(b, func(i int) error {
			r, err := e.gw.Refund(ctx, &paygate.RefundRequest{RefundRequestID: prefix + "r" + strconv.Itoa(i), PaymentRequestID: pay, Amount: centUSD})
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
		pay := e.paidPayments(b, prefix, 1, bigUSD)[0]
		ctx := context.Background()
		benchloop.Measure(b, func(i int) error {
			r, err := e.base.refund(ctx, prefix+"r"+strconv.Itoa(i), pay, centUSD)
			if err != nil {
				return err
			}
			if (r.RefundStatus != "ORDER_PARTIALLY_REFUNDED" && r.RefundStatus != "ORDER_FULLY_REFUNDED") || !r.amount.Equal(centUSD) {
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
		ids := e.paidPayments(b, runPrefix("pa"), benchPool, tenUSD)
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
			p, err := e.gw.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: ids[i%benchPool]})
			if err != nil || p.Status != status.PaymentSucceeded {
				return fmt.Errorf("inquire: %v %+v", err, p)
			}
			return nil
		})
	})
	b.Run("impl=baseline", func(b *testing.B) {
		e := newBenchEnv(b)
		ids := e.paidPayments(b, runPrefix("pb"), benchPool, tenUSD)
		prefix := runPrefix("pb")
		ctx := context.Background()
		benchloop.MeasureParallel(b, 32, func(i int64) error {
			if i%2 == 0 {
				o, err := e.base.create(ctx, prefix+strconv.FormatInt(i, 10), tenUSD)
				if err != nil || o.OrderStatus != "PAY_IN_PROGRESS" {
					return fmt.Errorf("create: %v %+v", err, o)
				}
				return nil
			}
			o, err := e.base.inquire(ctx, ids[i%benchPool])
			if err != nil || o.OrderStatus != "PAY_SUCCESS" {
				return fmt.Errorf("inquire: %v %+v", err, o)
			}
			return nil
		})
	})
}

// ---- the baseline: a minimal Waffo client from the docs ----

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
	baseURL, apiKey, merchantID string
	key                         *rsa.PrivateKey
	waffoKey                    *rsa.PublicKey
	hc                          *http.Client
}

func newBaseClient(srv *waffotest.Server) (*baseClient, error) {
	mb, _ := pem.Decode([]byte(srv.Keys.MerchantPrivateKey))
	wb, _ := pem.Decode([]byte(srv.Keys.WaffoPublicKey))
	if mb == nil || wb == nil {
		return nil, errors.New("the simulator's keys are not PEM")
	}
	mk, err := x509.ParsePKCS8PrivateKey(mb.Bytes)
	if err != nil {
		return nil, err
	}
	wk, err := x509.ParsePKIXPublicKey(wb.Bytes)
	if err != nil {
		return nil, err
	}
	key, ok1 := mk.(*rsa.PrivateKey)
	pub, ok2 := wk.(*rsa.PublicKey)
	if !ok1 || !ok2 {
		return nil, errors.New("the simulator's keys are not RSA")
	}
	return &baseClient{baseURL: srv.URL, apiKey: srv.APIKey, merchantID: srv.MerchantID, key: key, waffoKey: pub, hc: baseHTTPClient()}, nil
}

// sign is SHA256withRSA over body, base64.
func (c *baseClient) sign(body []byte) (string, error) {
	sum := sha256.Sum256(body)
	sig, err := rsa.SignPKCS1v15(rand.Reader, c.key, crypto.SHA256, sum[:])
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}

type baseEnvelope struct {
	Code string          `json:"code"`
	Msg  string          `json:"msg"`
	Data json.RawMessage `json:"data"`
}

// post signs and sends body, then checks the reply: within the cap, signed by Waffo, code "0", 200.
func (c *baseClient) post(ctx context.Context, path string, body any) (json.RawMessage, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	sig, err := c.sign(raw)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.baseURL+path, bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-API-KEY", c.apiKey)
	req.Header.Set("X-SIGNATURE", sig)
	req.Header.Set("X-API-VERSION", "1.0.0")
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
	rsig, err := base64.StdEncoding.DecodeString(resp.Header.Get("X-SIGNATURE"))
	if err != nil || len(rsig) == 0 {
		return nil, errors.New("reply without a valid X-SIGNATURE")
	}
	sum := sha256.Sum256(reply)
	if err := rsa.VerifyPKCS1v15(c.waffoKey, crypto.SHA256, sum[:], rsig); err != nil {
		return nil, fmt.Errorf("reply signature: %w", err)
	}
	var env baseEnvelope
	if err := json.Unmarshal(reply, &env); err != nil {
		return nil, err
	}
	if env.Code != "0" || resp.StatusCode != http.StatusOK || len(env.Data) == 0 {
		return nil, fmt.Errorf("waffo answered HTTP %d code %q: %s", resp.StatusCode, env.Code, env.Msg)
	}
	return env.Data, nil
}

func wireTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

type baseMerchant struct {
	MerchantID string `json:"merchantId"`
}

type baseCreate struct {
	PaymentRequestID   string       `json:"paymentRequestId"`
	MerchantOrderID    string       `json:"merchantOrderId"`
	OrderCurrency      string       `json:"orderCurrency"`
	OrderAmount        string       `json:"orderAmount"`
	OrderDescription   string       `json:"orderDescription"`
	OrderRequestedAt   string       `json:"orderRequestedAt"`
	SuccessRedirectURL string       `json:"successRedirectUrl"`
	FailedRedirectURL  string       `json:"failedRedirectUrl"`
	NotifyURL          string       `json:"notifyUrl"`
	MerchantInfo       baseMerchant `json:"merchantInfo"`
	UserInfo           struct {
		UserID       string `json:"userId"`
		UserEmail    string `json:"userEmail"`
		UserTerminal string `json:"userTerminal"`
	} `json:"userInfo"`
	PaymentInfo struct {
		ProductName   string `json:"productName"`
		PayMethodType string `json:"payMethodType"`
	} `json:"paymentInfo"`
}

type baseOrder struct {
	PaymentRequestID string `json:"paymentRequestId"`
	AcquiringOrderID string `json:"acquiringOrderId"`
	OrderStatus      string `json:"orderStatus"`
	OrderAction      string `json:"orderAction"`
	OrderCurrency    string `json:"orderCurrency"`
	OrderAmount      string `json:"orderAmount"`
	OrderUpdatedAt   string `json:"orderUpdatedAt"`

	qr        string
	amount    money.Amount
	updatedAt time.Time
}

func (c *baseClient) create(ctx context.Context, id string, amount money.Amount) (*baseOrder, error) {
	value, err := amount.ValueAt(2)
	if err != nil {
		return nil, err
	}
	body := baseCreate{
		PaymentRequestID: id, MerchantOrderID: id, OrderCurrency: amount.Currency(), OrderAmount: value,
		OrderDescription: "Benchmark order", OrderRequestedAt: wireTime(time.Now()),
		SuccessRedirectURL: benchReturnURL, FailedRedirectURL: benchReturnURL, NotifyURL: benchNotifyURL,
		MerchantInfo: baseMerchant{c.merchantID},
	}
	body.UserInfo.UserID, body.UserInfo.UserEmail, body.UserInfo.UserTerminal = "cust-42", "buyer@example.com", "WEB"
	body.PaymentInfo.ProductName, body.PaymentInfo.PayMethodType = "ONE_TIME_PAYMENT", "QR"
	data, err := c.post(ctx, "/order/create", &body)
	if err != nil {
		return nil, err
	}
	var o baseOrder
	if err := json.Unmarshal(data, &o); err != nil {
		return nil, err
	}
	// orderAction is a JSON object inside a string; the QR payload is what the shop shows.
	var action struct {
		WebURL     string `json:"webUrl"`
		ActionData struct {
			PaymentQr string `json:"paymentQr"`
		} `json:"actionData"`
	}
	if err := json.Unmarshal([]byte(o.OrderAction), &action); err != nil {
		return nil, err
	}
	o.qr = action.ActionData.PaymentQr
	return &o, nil
}

func (c *baseClient) inquire(ctx context.Context, id string) (*baseOrder, error) {
	data, err := c.post(ctx, "/order/inquiry", struct {
		PaymentRequestID string       `json:"paymentRequestId"`
		MerchantInfo     baseMerchant `json:"merchantInfo"`
	}{id, baseMerchant{c.merchantID}})
	if err != nil {
		return nil, err
	}
	var o baseOrder
	if err := json.Unmarshal(data, &o); err != nil {
		return nil, err
	}
	if o.amount, err = money.ParseAt(o.OrderAmount, o.OrderCurrency, 2); err != nil {
		return nil, err
	}
	if o.updatedAt, err = time.Parse(time.RFC3339Nano, o.OrderUpdatedAt); err != nil {
		return nil, err
	}
	return &o, nil
}

type baseRefund struct {
	RefundRequestID        string `json:"refundRequestId"`
	AcquiringRefundOrderID string `json:"acquiringRefundOrderId"`
	RefundStatus           string `json:"refundStatus"`
	RefundAmount           string `json:"refundAmount"`
	RefundCurrency         string `json:"refundCurrency"`

	amount money.Amount
}

// refund looks the order up (its acquiringOrderId and currency), then refunds amount of it.
func (c *baseClient) refund(ctx context.Context, refundID, paymentID string, amount money.Amount) (*baseRefund, error) {
	o, err := c.inquire(ctx, paymentID)
	if err != nil {
		return nil, err
	}
	if o.OrderCurrency != amount.Currency() {
		return nil, errors.New("refund currency differs from the order's")
	}
	value, err := amount.ValueAt(2)
	if err != nil {
		return nil, err
	}
	data, err := c.post(ctx, "/order/refund", struct {
		RefundRequestID  string `json:"refundRequestId"`
		AcquiringOrderID string `json:"acquiringOrderId"`
		MerchantID       string `json:"merchantId"`
		RequestedAt      string `json:"requestedAt"`
		RefundAmount     string `json:"refundAmount"`
		RefundReason     string `json:"refundReason"`
	}{refundID, o.AcquiringOrderID, c.merchantID, wireTime(time.Now()), value, "refund requested by the merchant"})
	if err != nil {
		return nil, err
	}
	var r baseRefund
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, err
	}
	if r.amount, err = money.ParseAt(r.RefundAmount, amount.Currency(), 2); err != nil {
		return nil, err
	}
	return &r, nil
}
