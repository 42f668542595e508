package antom_test

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
	"github.com/paygate-go/paygate/provider/antom"
	"github.com/paygate-go/paygate/provider/antom/antomtest"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/status"
)

// The benchmarks run each operation through the adapter (impl=adapter) and through baseClient
// (impl=baseline), a minimal Antom client written by hand from Antom's docs that does the same HTTP
// exchanges and the same cryptography: it signs "POST <path>\n<client-id>.<request-time>.<body>",
// verifies the response signature over "POST <path>\n<client-id>.<response-time>.<body>", caps the
// body and reads the fields it needs. Compare them with `benchstat -col /impl`. Both talk to the same
// in-process simulator, whose work (verifying, signing replies) is part of every op on both sides.

const (
	benchReturnURL = "https://merchant.example/return"
	benchMethod    = "ALIPAY_CN"
	benchPool      = 8 // paid payments an inquiry benchmark cycles through
	livePayments   = "/ams/api/v1/payments/"
)

// benchEnv is one simulator with an adapter and a baseline client pointed at it. No notify URL is
// given, so the simulator sends no webhooks.
type benchEnv struct {
	srv  *antomtest.Server
	gw   *antom.Gateway
	base *baseClient
}

func newBenchEnv(b *testing.B) *benchEnv {
	b.Helper()
	srv := antomtest.NewServer(antomtest.Config{})
	b.Cleanup(srv.Close)
	gw, err := antom.New(antom.Config{
		BaseURL: srv.URL, ClientID: srv.ClientID, PrivateKey: srv.MerchantPrivateKey, AntomPublicKey: srv.AntomPublicKey,
		PaymentMethodType: benchMethod, Logger: zap.NewNop(),
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
	return &benchEnv{srv: srv, gw: gw, base: base}
}

func createReq(id string, amount money.Amount) *paygate.CreateRequest {
	return &paygate.CreateRequest{
		PaymentRequestID: id, Amount: amount, Description: "Benchmark order", ReturnURL: benchReturnURL,
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
			if p.Status != status.PaymentRequiresAction || p.Action == nil || p.Action.URL == "" || p.ProviderPaymentID == "" {
				return fmt.Errorf("unexpected payment %+v", p)
			}
			return nil
		})
	})
	b.Run("impl=baseline", func(b *testing.B) {
		e := newBenchEnv(b)
		ctx, prefix := context.Background(), runPrefix("cb")
		benchloop.Measure(b, func(i int) error {
			p, err := e.base.pay(ctx, prefix+strconv.Itoa(i), tenUSD)
			if err != nil {
				return err
			}
			if p.NormalURL == "" || p.PaymentID == "" {
				return fmt.Errorf("unexpected answer %+v", p)
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
			p, err := e.base.inquiry(ctx, ids[i%len(ids)])
			if err != nil {
				return err
			}
			if p.PaymentStatus != "SUCCESS" || !p.amount.Equal(tenUSD) {
				return fmt.Errorf("unexpected answer %+v", p)
			}
			return nil
		})
	})
}

// BenchmarkRefund refunds 0.01 USD of one large paid payment per op, each with a new refund id. Both
// implementations look the payment up first, as the adapter does (Antom's refund takes the paymentId,
// and the adapter checks the refund's currency against the payment's): two signed round trips per op.
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
			if r.RefundID == "" || !r.amount.Equal(centUSD) {
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
				p, err := e.base.pay(ctx, prefix+strconv.FormatInt(i, 10), tenUSD)
				if err != nil || p.NormalURL == "" {
					return fmt.Errorf("create: %v %+v", err, p)
				}
				return nil
			}
			p, err := e.base.inquiry(ctx, ids[i%benchPool])
			if err != nil || p.PaymentStatus != "SUCCESS" {
				return fmt.Errorf("inquire: %v %+v", err, p)
			}
			return nil
		})
	})
}

// ---- the baseline: a minimal Antom client from the docs ----

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
	baseURL, clientID string
	key               *rsa.PrivateKey
	antomKey          *rsa.PublicKey
	hc                *http.Client
}

// newBaseClient reads the simulator's keys as Antom's portal gives them: base64 PKCS#8 and PKIX DER.
func newBaseClient(srv *antomtest.Server) (*baseClient, error) {
	mder, err := base64.StdEncoding.DecodeString(srv.MerchantPrivateKey)
	if err != nil {
		return nil, err
	}
	ader, err := base64.StdEncoding.DecodeString(srv.AntomPublicKey)
	if err != nil {
		return nil, err
	}
	mk, err := x509.ParsePKCS8PrivateKey(mder)
	if err != nil {
		return nil, err
	}
	ak, err := x509.ParsePKIXPublicKey(ader)
	if err != nil {
		return nil, err
	}
	key, ok1 := mk.(*rsa.PrivateKey)
	pub, ok2 := ak.(*rsa.PublicKey)
	if !ok1 || !ok2 {
		return nil, errors.New("the simulator's keys are not RSA")
	}
	return &baseClient{baseURL: srv.URL, clientID: srv.ClientID, key: key, antomKey: pub, hc: baseHTTPClient()}, nil
}

// content is what Antom signs: "POST <path>\n<client-id>.<time>.<body>".
func content(path, clientID, tm string, body []byte) []byte {
	return append([]byte("POST "+path+"\n"+clientID+"."+tm+"."), body...)
}

type baseResult struct {
	ResultCode    string `json:"resultCode"`
	ResultStatus  string `json:"resultStatus"`
	ResultMessage string `json:"resultMessage"`
}

type baseAmount struct {
	Currency string `json:"currency"`
	Value    string `json:"value"`
}

func wireAmount(a money.Amount) (baseAmount, error) {
	minor, err := a.MinorAt(2) // USD: Antom counts cents
	if err != nil {
		return baseAmount{}, err
	}
	return baseAmount{Currency: a.Currency(), Value: strconv.FormatInt(minor, 10)}, nil
}

func (w baseAmount) amount() (money.Amount, error) {
	minor, err := strconv.ParseInt(w.Value, 10, 64)
	if err != nil {
		return money.Amount{}, err
	}
	return money.FromMinorAt(minor, w.Currency, 2)
}

// post signs and sends body to endpoint and returns the reply once it is within the cap, answered
// 200 and signed by Antom for this client id.
func (c *baseClient) post(ctx context.Context, endpoint string, body any) ([]byte, baseResult, error) {
	var res baseResult
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, res, err
	}
	path := livePayments + endpoint
	rt := strconv.FormatInt(time.Now().UnixMilli(), 10)
	sum := sha256.Sum256(content(path, c.clientID, rt, raw))
	sig, err := rsa.SignPKCS1v15(rand.Reader, c.key, crypto.SHA256, sum[:])
	if err != nil {
		return nil, res, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.baseURL+path, bytes.NewReader(raw))
	if err != nil {
		return nil, res, err
	}
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	req.Header.Set("client-id", c.clientID)
	req.Header.Set("request-time", rt)
	req.Header.Set("signature", "algorithm=RSA256,keyVersion=1,signature="+url.QueryEscape(base64.StdEncoding.EncodeToString(sig)))
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, res, err
	}
	defer resp.Body.Close()
	reply, err := io.ReadAll(io.LimitReader(resp.Body, baseMaxBody+1))
	if err != nil {
		return nil, res, err
	}
	if len(reply) > baseMaxBody {
		return nil, res, errors.New("reply over the size cap")
	}
	if resp.StatusCode != http.StatusOK {
		return nil, res, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	if resp.Header.Get("client-id") != c.clientID {
		return nil, res, errors.New("reply for another client id")
	}
	_, rsig, ok := strings.Cut(resp.Header.Get("signature"), "signature=")
	if !ok {
		return nil, res, errors.New("reply without a signature")
	}
	if rsig, err = url.QueryUnescape(rsig); err != nil {
		return nil, res, err
	}
	sigBytes, err := base64.StdEncoding.DecodeString(rsig)
	if err != nil {
		return nil, res, err
	}
	sum = sha256.Sum256(content(path, c.clientID, resp.Header.Get("response-time"), reply))
	if err := rsa.VerifyPKCS1v15(c.antomKey, crypto.SHA256, sum[:], sigBytes); err != nil {
		return nil, res, fmt.Errorf("reply signature: %w", err)
	}
	var env struct {
		Result baseResult `json:"result"`
	}
	if err := json.Unmarshal(reply, &env); err != nil {
		return nil, res, err
	}
	return reply, env.Result, nil
}

type basePay struct {
	PaymentRequestID string     `json:"paymentRequestId"`
	PaymentID        string     `json:"paymentId"`
	PaymentAmount    baseAmount `json:"paymentAmount"`
	NormalURL        string     `json:"normalUrl"`
}

// pay starts a cashier payment; Antom's normal answer is U PAYMENT_IN_PROCESS with the cashier URL.
func (c *baseClient) pay(ctx context.Context, id string, amount money.Amount) (*basePay, error) {
	amt, err := wireAmount(amount)
	if err != nil {
		return nil, err
	}
	type env struct {
		TerminalType string `json:"terminalType"`
	}
	type order struct {
		ReferenceOrderID string     `json:"referenceOrderId"`
		OrderDescription string     `json:"orderDescription"`
		OrderAmount      baseAmount `json:"orderAmount"`
		Env              env        `json:"env"`
	}
	type method struct {
		PaymentMethodType string `json:"paymentMethodType"`
	}
	reply, res, err := c.post(ctx, "pay", struct {
		ProductCode        string     `json:"productCode"`
		PaymentRequestID   string     `json:"paymentRequestId"`
		Order              order      `json:"order"`
		PaymentAmount      baseAmount `json:"paymentAmount"`
		PaymentMethod      method     `json:"paymentMethod"`
		PaymentRedirectURL string     `json:"paymentRedirectUrl"`
	}{"CASHIER_PAYMENT", id, order{id, "Benchmark order", amt, env{"WEB"}}, amt, method{benchMethod}, benchReturnURL})
	if err != nil {
		return nil, err
	}
	if res.ResultStatus != "U" || res.ResultCode != "PAYMENT_IN_PROCESS" {
		return nil, fmt.Errorf("pay answered %s %s", res.ResultStatus, res.ResultCode)
	}
	var p basePay
	if err := json.Unmarshal(reply, &p); err != nil {
		return nil, err
	}
	if p.PaymentRequestID != id || p.PaymentAmount != amt {
		return nil, errors.New("the answer is about another payment")
	}
	return &p, nil
}

type baseInquiry struct {
	PaymentStatus string     `json:"paymentStatus"`
	PaymentID     string     `json:"paymentId"`
	PaymentAmount baseAmount `json:"paymentAmount"`
	PaymentTime   string     `json:"paymentTime"`

	amount money.Amount
	paidAt time.Time
}

func (c *baseClient) inquiry(ctx context.Context, id string) (*baseInquiry, error) {
	reply, res, err := c.post(ctx, "inquiryPayment", struct {
		PaymentRequestID string `json:"paymentRequestId"`
	}{id})
	if err != nil {
		return nil, err
	}
	if res.ResultStatus != "S" {
		return nil, fmt.Errorf("inquiryPayment answered %s %s", res.ResultStatus, res.ResultCode)
	}
	var p baseInquiry
	if err := json.Unmarshal(reply, &p); err != nil {
		return nil, err
	}
	if p.amount, err = p.PaymentAmount.amount(); err != nil {
		return nil, err
	}
	if p.paidAt, err = time.Parse(time.RFC3339, p.PaymentTime); err != nil {
		return nil, err
	}
	return &p, nil
}

type baseRefund struct {
	RefundID        string     `json:"refundId"`
	RefundRequestID string     `json:"refundRequestId"`
	RefundAmount    baseAmount `json:"refundAmount"`

	amount money.Amount
}

// refund looks the payment up (its paymentId and currency), then refunds amount of it.
func (c *baseClient) refund(ctx context.Context, refundID, paymentRequestID string, amount money.Amount) (*baseRefund, error) {
	p, err := c.inquiry(ctx, paymentRequestID)
	if err != nil {
		return nil, err
	}
	if p.PaymentAmount.Currency != amount.Currency() {
		return nil, errors.New("refund currency differs from the payment's")
	}
	amt, err := wireAmount(amount)
	if err != nil {
		return nil, err
	}
	reply, res, err := c.post(ctx, "refund", struct {
		RefundRequestID string     `json:"refundRequestId"`
		PaymentID       string     `json:"paymentId"`
		RefundAmount    baseAmount `json:"refundAmount"`
	}{refundID, p.PaymentID, amt})
	if err != nil {
		return nil, err
	}
	if res.ResultStatus != "S" {
		return nil, fmt.Errorf("refund answered %s %s", res.ResultStatus, res.ResultCode)
	}
	var r baseRefund
	if err := json.Unmarshal(reply, &r); err != nil {
		return nil, err
	}
	if r.RefundRequestID != refundID {
		return nil, errors.New("the answer is about another refund")
	}
	if r.amount, err = r.RefundAmount.amount(); err != nil {
		return nil, err
	}
	return &r, nil
}
