// This file is a merchant-side client for the Waffo, Antom and VAI247 (DVPay) APIs written ONLY from
// the providers' public documentation (the protocol notes in /work/shared/providers/{waffo,antom,vai247}.md
// and the original documents they cite; for manual capture also the official SDKs' types, waffo-go
// v1.4.0 and global-open-sdk-go, whose files are named where used), without reading paygate's adapters
// or simulators. It imports
// no paygate package: the standard library only. TestSimServesDocsOnlyClient points it at `paygate sim`
// to show that the simulators serve what the providers' docs describe.

package main

import (
	"bytes"
	"context"
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// docsRequestTimeout bounds every request the docs-only client makes.
const docsRequestTimeout = 10 * time.Second

// maxDocsBody caps a response body the client reads.
const maxDocsBody = 1 << 20

func newDocsHTTPClient() *http.Client { return &http.Client{Timeout: docsRequestTimeout} }

// parseDocsPrivateKey reads an RSA private key given as PEM (PKCS#8 or PKCS#1) or as base64 PKCS#8
// DER: the docs say users paste both forms.
func parseDocsPrivateKey(s string) (*rsa.PrivateKey, error) {
	der, err := docsKeyDER(s)
	if err != nil {
		return nil, err
	}
	if k, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("private key is %T, not RSA", k)
		}
		return rk, nil
	}
	return x509.ParsePKCS1PrivateKey(der)
}

// parseDocsPublicKey reads an RSA public key given as PEM or base64 X.509 SubjectPublicKeyInfo DER.
func parseDocsPublicKey(s string) (*rsa.PublicKey, error) {
	der, err := docsKeyDER(s)
	if err != nil {
		return nil, err
	}
	k, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, err
	}
	rk, ok := k.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("public key is %T, not RSA", k)
	}
	return rk, nil
}

func docsKeyDER(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "-----BEGIN") {
		b, _ := pem.Decode([]byte(s))
		if b == nil {
			return nil, errors.New("key: bad PEM")
		}
		return b.Bytes, nil
	}
	return base64.StdEncoding.DecodeString(s)
}

// signSHA256RSA is SHA256withRSA (RSASSA-PKCS1-v1_5), standard base64: both Waffo and Antom use it.
func signSHA256RSA(key *rsa.PrivateKey, content []byte) (string, error) {
	sum := sha256.Sum256(content)
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}

func verifySHA256RSA(key *rsa.PublicKey, content []byte, sigB64 string) error {
	sig, err := base64.StdEncoding.DecodeString(sigB64)
	if err != nil {
		return fmt.Errorf("signature is not base64: %w", err)
	}
	sum := sha256.Sum256(content)
	return rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], sig)
}

// docsDo sends one request, bounded by docsRequestTimeout, and reads the whole answer.
func docsDo(ctx context.Context, hc *http.Client, req *http.Request) (*http.Response, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, docsRequestTimeout)
	defer cancel()
	resp, err := hc.Do(req.WithContext(ctx))
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxDocsBody))
	if err != nil {
		return nil, nil, err
	}
	return resp, body, nil
}

// ---------------------------------------------------------------------------------------------
// Waffo: POST {base}/path, JSON, X-API-KEY, X-SIGNATURE = SHA256withRSA over the exact body bytes,
// X-API-VERSION 1.0.0; envelope {"code":"0","msg":…,"data":{…}}; amounts are strings in major units.

type waffoDocsClient struct {
	hc         *http.Client
	baseURL    string // ends in /api/v1
	apiKey     string
	merchantID string
	key        *rsa.PrivateKey
	waffoKey   *rsa.PublicKey
}

// waffoTime is ISO-8601 UTC with milliseconds, e.g. 2026-11-21T08:00:00.000Z.
func waffoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

type waffoEnvelope struct {
	Code string          `json:"code"`
	Msg  string          `json:"msg"`
	Data json.RawMessage `json:"data"`
}

// waffoError is a Waffo answer whose code is not "0".
type waffoError struct {
	HTTPStatus int
	Code, Msg  string
}

func (e *waffoError) Error() string {
	return fmt.Sprintf("waffo: HTTP %d code %s: %s", e.HTTPStatus, e.Code, e.Msg)
}

// call posts req to path and decodes the envelope's data into out. A response must carry an
// X-SIGNATURE that verifies with Waffo's key: the docs say a response whose signature does not verify
// is not a result (they say responses "may" carry it; the simulator's file says its key verifies
// responses, so this client insists on it).
func (c *waffoDocsClient) call(ctx context.Context, path string, req, out any) error {
	body, err := json.Marshal(req)
	if err != nil {
		return err
	}
	sig, err := signSHA256RSA(c.key, body)
	if err != nil {
		return err
	}
	hr, err := http.NewRequest(http.MethodPost, c.baseURL+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set("X-API-KEY", c.apiKey)
	hr.Header.Set("X-SIGNATURE", sig)
	hr.Header.Set("X-API-VERSION", "1.0.0")
	resp, raw, err := docsDo(ctx, c.hc, hr)
	if err != nil {
		return err
	}
	rs := resp.Header.Get("X-SIGNATURE")
	if rs == "" {
		return fmt.Errorf("waffo %s: HTTP %d response is not signed (no X-SIGNATURE): %s", path, resp.StatusCode, raw)
	}
	if err := verifySHA256RSA(c.waffoKey, raw, rs); err != nil {
		return fmt.Errorf("waffo %s: response signature does not verify: %w", path, err)
	}
	var env waffoEnvelope
	if err := json.Unmarshal(raw, &env); err != nil {
		return fmt.Errorf("waffo %s: HTTP %d body %q: %w", path, resp.StatusCode, raw, err)
	}
	if env.Code != "0" {
		return &waffoError{HTTPStatus: resp.StatusCode, Code: env.Code, Msg: env.Msg}
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("waffo %s: code 0 with HTTP %d", path, resp.StatusCode)
	}
	if err := json.Unmarshal(env.Data, out); err != nil {
		return fmt.Errorf("waffo %s: data %s: %w", path, env.Data, err)
	}
	return nil
}

type waffoOrder struct {
	PaymentRequestID string `json:"paymentRequestId"`
	MerchantOrderID  string `json:"merchantOrderId"`
	AcquiringOrderID string `json:"acquiringOrderId"`
	OrderStatus      string `json:"orderStatus"`
	OrderAction      string `json:"orderAction"` // a JSON string holding an object
	OrderCurrency    string `json:"orderCurrency"`
	OrderAmount      string `json:"orderAmount"`
	FinalDealAmount  string `json:"finalDealAmount"`
}

type waffoOrderAction struct {
	ActionType  string          `json:"actionType"`
	WebURL      string          `json:"webUrl"`
	DeeplinkURL string          `json:"deeplinkUrl"`
	ActionData  json.RawMessage `json:"actionData"`
}

func (c *waffoDocsClient) createOrder(ctx context.Context, paymentRequestID, currency, amount, notifyURL string) (waffoOrder, error) {
	return c.createOrderWith(ctx, paymentRequestID, currency, amount, notifyURL, map[string]string{"productName": "ONE_TIME_PAYMENT"})
}

// createManualCaptureOrder creates a card order that Waffo only authorizes: paymentInfo.payMethodType
// "CREDITCARD" and paymentInfo.captureMode "manualCapture" (waffo-go v1.4.0 types/order/order.go
// PaymentInfo.PayMethodType / PaymentInfo.CaptureMode, with the values its test/e2e/capture_flow_e2e_test.go
// sends; core/webhook_handler.go marks AUTHED_WAITING_CAPTURE "CARD only").
func (c *waffoDocsClient) createManualCaptureOrder(ctx context.Context, paymentRequestID, currency, amount, notifyURL string) (waffoOrder, error) {
	return c.createOrderWith(ctx, paymentRequestID, currency, amount, notifyURL, map[string]string{
		"productName":   "ONE_TIME_PAYMENT",
		"payMethodType": "CREDITCARD",
		"captureMode":   "manualCapture",
	})
}

func (c *waffoDocsClient) createOrderWith(ctx context.Context, paymentRequestID, currency, amount, notifyURL string, paymentInfo map[string]string) (waffoOrder, error) {
	// The required fields from the seed's AcqOrderCreateRequest.
	req := map[string]any{
		"paymentRequestId": paymentRequestID,
		"merchantOrderId":  "mo-" + paymentRequestID,
		"orderCurrency":    currency,
		"orderAmount":      amount,
		"orderDescription": "docs-only client order",
		"orderRequestedAt": waffoTime(time.Now()),
		"notifyUrl":        notifyURL,
		"merchantInfo":     map[string]string{"merchantId": c.merchantID},
		"userInfo":         map[string]string{"userId": "u-1", "userEmail": "buyer@example.com", "userTerminal": "WEB"},
		"paymentInfo":      paymentInfo,
	}
	var o waffoOrder
	return o, c.call(ctx, "/order/create", req, &o)
}

// captureOrder is POST /order/capture for an AUTHED_WAITING_CAPTURE order. The fields are waffo-go
// v1.4.0 types/order/order.go CaptureOrderParams: paymentRequestId and acquiringOrderId (either
// identifies the order; the SDK's capture e2e test sends both), merchantId, captureRequestedAt
// (the SDK fills it when empty, and its e2e notes say the sandbox answers A0003 without it) and
// captureAmount (a string in major units, like every Waffo amount). The reply's data is
// CaptureOrderData. Waffo's capture has no request id of its own: after an unknown outcome the client
// inquires the order instead of capturing again (Waffo's rule for unknown outcomes).
func (c *waffoDocsClient) captureOrder(ctx context.Context, paymentRequestID, acquiringOrderID, amount string) (waffoOrder, error) {
	req := map[string]string{
		"paymentRequestId":   paymentRequestID,
		"acquiringOrderId":   acquiringOrderID,
		"merchantId":         c.merchantID,
		"captureRequestedAt": waffoTime(time.Now()),
		"captureAmount":      amount,
	}
	var o waffoOrder
	return o, c.call(ctx, "/order/capture", req, &o)
}

func (c *waffoDocsClient) inquireOrder(ctx context.Context, paymentRequestID string) (waffoOrder, error) {
	var o waffoOrder
	return o, c.call(ctx, "/order/inquiry", map[string]string{"paymentRequestId": paymentRequestID}, &o)
}

func (c *waffoDocsClient) cancelOrder(ctx context.Context, paymentRequestID string) (waffoOrder, error) {
	req := map[string]string{"paymentRequestId": paymentRequestID, "merchantId": c.merchantID, "orderRequestedAt": waffoTime(time.Now())}
	var o waffoOrder
	return o, c.call(ctx, "/order/cancel", req, &o)
}

type waffoRefund struct {
	RefundRequestID        string `json:"refundRequestId"`
	AcquiringOrderID       string `json:"acquiringOrderId"`
	AcquiringRefundOrderID string `json:"acquiringRefundOrderId"`
	RefundAmount           string `json:"refundAmount"`
	RefundStatus           string `json:"refundStatus"`
	RemainingRefundAmount  string `json:"remainingRefundAmount"`
}

func (c *waffoDocsClient) refund(ctx context.Context, refundRequestID, acquiringOrderID, amount string) (waffoRefund, error) {
	req := map[string]string{
		"refundRequestId":  refundRequestID,
		"acquiringOrderId": acquiringOrderID,
		"merchantId":       c.merchantID,
		"requestedAt":      waffoTime(time.Now()),
		"refundAmount":     amount,
		"refundReason":     "docs-only client partial refund",
	}
	var r waffoRefund
	return r, c.call(ctx, "/order/refund", req, &r)
}

func (c *waffoDocsClient) inquireRefund(ctx context.Context, refundRequestID string) (waffoRefund, error) {
	var r waffoRefund
	return r, c.call(ctx, "/refund/inquiry", map[string]string{"refundRequestId": refundRequestID}, &r)
}

// ---------------------------------------------------------------------------------------------
// Antom: POST {domain}/ams/api/v1/payments/{api}; headers client-id, request-time (epoch ms) and
// signature "algorithm=RSA256,keyVersion=N,signature=<query-escaped base64>" over
// "POST <path>\n<client-id>.<time>.<body>"; responses signed the same way with response-time.

type antomDocsClient struct {
	hc         *http.Client
	baseURL    string // scheme://host
	clientID   string
	keyVersion string
	key        *rsa.PrivateKey
	antomKey   *rsa.PublicKey
}

type antomResult struct {
	ResultCode    string `json:"resultCode"`
	ResultStatus  string `json:"resultStatus"`
	ResultMessage string `json:"resultMessage"`
}

type antomAmount struct {
	Currency string `json:"currency"`
	Value    string `json:"value"`
}

// antomPath is the path for an API; the SDKs use the sandbox prefix for SANDBOX_ client ids and
// sign the rewritten path.
func (c *antomDocsClient) antomPath(api string) string {
	if strings.HasPrefix(c.clientID, "SANDBOX_") {
		return "/ams/sandbox/api/v1/payments/" + api
	}
	return "/ams/api/v1/payments/" + api
}

func antomSignContent(method, path, clientID, when string, body []byte) []byte {
	return append([]byte(method+" "+path+"\n"+clientID+"."+when+"."), body...)
}

// antomSignatureValue extracts the signature= part of a signature header and undoes its
// URL-encoding.
func antomSignatureValue(h string) (string, error) {
	for part := range strings.SplitSeq(h, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok && k == "signature" {
			return url.QueryUnescape(v)
		}
	}
	return "", fmt.Errorf("no signature= in %q", h)
}

// call posts req to the API and decodes the answer into out (which must embed a Result). The answer's
// signature is verified when present; an unsigned S answer is refused (as Antom's SDKs do), an
// unsigned F/U may occur. It returns whether the answer was signed.
func (c *antomDocsClient) call(ctx context.Context, api string, req any, out interface{ result() antomResult }) (signed bool, err error) {
	body, err := json.Marshal(req)
	if err != nil {
		return false, err
	}
	path := c.antomPath(api)
	now := strconv.FormatInt(time.Now().UnixMilli(), 10)
	sig, err := signSHA256RSA(c.key, antomSignContent(http.MethodPost, path, c.clientID, now, body))
	if err != nil {
		return false, err
	}
	hr, err := http.NewRequest(http.MethodPost, c.baseURL+path, bytes.NewReader(body))
	if err != nil {
		return false, err
	}
	hr.Header.Set("Content-Type", "application/json; charset=UTF-8")
	hr.Header.Set("client-id", c.clientID)
	hr.Header.Set("request-time", now)
	hr.Header.Set("signature", "algorithm=RSA256,keyVersion="+c.keyVersion+",signature="+url.QueryEscape(sig))
	resp, raw, err := docsDo(ctx, c.hc, hr)
	if err != nil {
		return false, err
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return false, fmt.Errorf("antom %s: HTTP %d body %q: %w", api, resp.StatusCode, raw, err)
	}
	if h := resp.Header.Get("signature"); h != "" {
		v, err := antomSignatureValue(h)
		if err != nil {
			return false, fmt.Errorf("antom %s: response %w", api, err)
		}
		rt, rc := resp.Header.Get("response-time"), resp.Header.Get("client-id")
		if rt == "" || rc == "" {
			return false, fmt.Errorf("antom %s: signed response without response-time/client-id headers", api)
		}
		if err := verifySHA256RSA(c.antomKey, antomSignContent(http.MethodPost, path, rc, rt, raw), v); err != nil {
			return false, fmt.Errorf("antom %s: response signature does not verify: %w", api, err)
		}
		signed = true
	}
	r := out.result()
	if r.ResultStatus == "S" && !signed {
		return false, fmt.Errorf("antom %s: unsigned S response", api)
	}
	if r.ResultStatus == "" || r.ResultCode == "" {
		return signed, fmt.Errorf("antom %s: HTTP %d answer without result: %s", api, resp.StatusCode, raw)
	}
	return signed, nil
}

type antomPayResponse struct {
	Result            antomResult `json:"result"`
	PaymentRequestID  string      `json:"paymentRequestId"`
	PaymentID         string      `json:"paymentId"`
	PaymentAmount     antomAmount `json:"paymentAmount"`
	PaymentCreateTime string      `json:"paymentCreateTime"`
	NormalURL         string      `json:"normalUrl"`
	SchemeURL         string      `json:"schemeUrl"`
	ApplinkURL        string      `json:"applinkUrl"`
}

func (r *antomPayResponse) result() antomResult { return r.Result }

func (c *antomDocsClient) pay(ctx context.Context, paymentRequestID, method string, amount antomAmount, notifyURL string) (antomPayResponse, bool, error) {
	return c.payWith(ctx, paymentRequestID, method, amount, notifyURL, nil)
}

// payManualCapture asks Antom only to authorize the payment: paymentFactor.captureMode "MANUAL"
// (docs.antom.com/ac/cashierpay/capture "Manual capture"; SDK model/PaymentFactor.go CaptureMode).
func (c *antomDocsClient) payManualCapture(ctx context.Context, paymentRequestID, method string, amount antomAmount, notifyURL string) (antomPayResponse, bool, error) {
	return c.payWith(ctx, paymentRequestID, method, amount, notifyURL, map[string]any{
		"paymentFactor": map[string]string{"captureMode": "MANUAL"},
	})
}

func (c *antomDocsClient) payWith(ctx context.Context, paymentRequestID, method string, amount antomAmount, notifyURL string, extra map[string]any) (antomPayResponse, bool, error) {
	req := map[string]any{
		"productCode":      "CASHIER_PAYMENT",
		"paymentRequestId": paymentRequestID,
		"order": map[string]any{
			"referenceOrderId": "ro-" + paymentRequestID,
			"orderDescription": "docs-only client order",
			"orderAmount":      amount,
			"env":              map[string]string{"terminalType": "WEB"},
		},
		"paymentAmount":      amount,
		"paymentMethod":      map[string]string{"paymentMethodType": method},
		"paymentRedirectUrl": "https://shop.example/return",
		"paymentNotifyUrl":   notifyURL,
	}
	for k, v := range extra {
		req[k] = v
	}
	var r antomPayResponse
	signed, err := c.call(ctx, "pay", req, &r)
	return r, signed, err
}

type antomInquiryResponse struct {
	Result           antomResult `json:"result"`
	PaymentRequestID string      `json:"paymentRequestId"`
	PaymentID        string      `json:"paymentId"`
	PaymentStatus    string      `json:"paymentStatus"`
	PaymentAmount    antomAmount `json:"paymentAmount"`
	// AuthExpiryTime is when an authorization not yet captured lapses (SDK
	// response/pay/AlipayPayQueryResponse.go AuthExpiryTime; the docs: uncaptured after 7 days, Antom
	// cancels it).
	AuthExpiryTime string `json:"authExpiryTime"`
	// Transactions lists what followed the payment, its captures among them: the capture guide says
	// the capture result can be inquired with inquiryPayment (SDK AlipayPayQueryResponse.Transactions,
	// model/Transaction.go).
	Transactions []antomTransaction `json:"transactions"`
}

// antomTransaction is SDK model/Transaction.go: transactionType is model/TransactionType.go (CAPTURE,
// REFUND, …) and transactionStatus model/TransactionStatusType.go (SUCCESS, FAIL, PROCESSING, …).
type antomTransaction struct {
	TransactionResult    antomResult `json:"transactionResult"`
	TransactionID        string      `json:"transactionId"`
	TransactionType      string      `json:"transactionType"`
	TransactionStatus    string      `json:"transactionStatus"`
	TransactionAmount    antomAmount `json:"transactionAmount"`
	TransactionRequestID string      `json:"transactionRequestId"`
	TransactionTime      string      `json:"transactionTime"`
}

// captures are the payment's CAPTURE transactions.
func (r antomInquiryResponse) captures() []antomTransaction {
	var out []antomTransaction
	for _, tx := range r.Transactions {
		if tx.TransactionType == "CAPTURE" {
			out = append(out, tx)
		}
	}
	return out
}

func (r *antomInquiryResponse) result() antomResult { return r.Result }

func (c *antomDocsClient) inquiryPayment(ctx context.Context, paymentRequestID string) (antomInquiryResponse, error) {
	var r antomInquiryResponse
	_, err := c.call(ctx, "inquiryPayment", map[string]string{"paymentRequestId": paymentRequestID}, &r)
	return r, err
}

type antomCancelResponse struct {
	Result           antomResult `json:"result"`
	PaymentID        string      `json:"paymentId"`
	PaymentRequestID string      `json:"paymentRequestId"`
	CancelTime       string      `json:"cancelTime"`
}

func (r *antomCancelResponse) result() antomResult { return r.Result }

func (c *antomDocsClient) cancel(ctx context.Context, paymentRequestID string) (antomCancelResponse, error) {
	var r antomCancelResponse
	_, err := c.call(ctx, "cancel", map[string]string{"paymentRequestId": paymentRequestID}, &r)
	return r, err
}

type antomRefundResponse struct {
	Result          antomResult `json:"result"`
	RefundRequestID string      `json:"refundRequestId"`
	RefundID        string      `json:"refundId"`
	PaymentID       string      `json:"paymentId"`
	RefundAmount    antomAmount `json:"refundAmount"`
	RefundTime      string      `json:"refundTime"`
	RefundStatus    string      `json:"refundStatus"` // inquiryRefund only
}

func (r *antomRefundResponse) result() antomResult { return r.Result }

func (c *antomDocsClient) refund(ctx context.Context, refundRequestID, paymentID string, amount antomAmount) (antomRefundResponse, error) {
	req := map[string]any{
		"refundRequestId": refundRequestID,
		"paymentId":       paymentID,
		"refundAmount":    amount,
		"refundReason":    "docs-only client partial refund",
	}
	var r antomRefundResponse
	_, err := c.call(ctx, "refund", req, &r)
	return r, err
}

func (c *antomDocsClient) inquiryRefund(ctx context.Context, refundRequestID string) (antomRefundResponse, error) {
	var r antomRefundResponse
	_, err := c.call(ctx, "inquiryRefund", map[string]string{"refundRequestId": refundRequestID}, &r)
	return r, err
}

// ---------------------------------------------------------------------------------------------
// VAI247 (DVPay), the seed's generation: X-App-Id, X-Api-Key, X-Timestamp (unix seconds),
// snake_case JSON, amounts as JSON numbers in major units; refunds optionally signed with
// X-Signature = hex(HMAC-SHA256(api secret, body + timestamp)) and X-Idempotent-Key (a UUID).

type vai247DocsClient struct {
	hc            *http.Client
	baseURL       string
	appID         string
	apiKey        string
	apiSecret     string
	storeID       string
	refundSigning bool
}

// vai247Number is a JSON number (never a string), kept as its literal text.
type vai247Number string

func (n *vai247Number) UnmarshalJSON(b []byte) error {
	var num json.Number
	if len(b) == 0 || b[0] == '"' {
		return fmt.Errorf("amount %s is not a JSON number", b)
	}
	if err := json.Unmarshal(b, &num); err != nil {
		return err
	}
	*n = vai247Number(num)
	return nil
}

func (n vai247Number) MarshalJSON() ([]byte, error) {
	return json.Marshal(json.Number(n))
}

type vai247APIError struct {
	HTTPStatus int
	Code       string `json:"code"`
	Message    string `json:"message"`
}

func (e *vai247APIError) Error() string {
	return fmt.Sprintf("vai247: HTTP %d %s: %s", e.HTTPStatus, e.Code, e.Message)
}

func (c *vai247DocsClient) do(ctx context.Context, method, path string, req any, sign bool, out any) error {
	var body []byte
	if req != nil {
		var err error
		if body, err = json.Marshal(req); err != nil {
			return err
		}
	}
	hr, err := http.NewRequest(method, c.baseURL+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	hr.Header.Set("X-App-Id", c.appID)
	hr.Header.Set("X-Api-Key", c.apiKey)
	hr.Header.Set("X-Timestamp", ts)
	hr.Header.Set("Content-Type", "application/json")
	if sign {
		m := hmac.New(sha256.New, []byte(c.apiSecret))
		m.Write(body)
		m.Write([]byte(ts))
		hr.Header.Set("X-Signature", hex.EncodeToString(m.Sum(nil)))
		hr.Header.Set("X-Idempotent-Key", docsUUID())
	}
	resp, raw, err := docsDo(ctx, c.hc, hr)
	if err != nil {
		return err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		var e struct {
			Error vai247APIError `json:"error"`
		}
		_ = json.Unmarshal(raw, &e)
		e.Error.HTTPStatus = resp.StatusCode
		if e.Error.Code == "" {
			e.Error.Message = string(raw)
		}
		return &e.Error
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("vai247 %s: HTTP %d body %q: %w", path, resp.StatusCode, raw, err)
	}
	return nil
}

// docsUUID is a random (version 4) UUID.
func docsUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

const vai247Prefix = "/api/v1/payment-gateway"

type vai247Order struct {
	OrderID     string       `json:"order_id"`
	Status      string       `json:"status"`
	QRCode      string       `json:"qr_code"`
	ExpiresAt   string       `json:"expires_at"`
	CancelledAt string       `json:"cancelled_at"`
	Amount      vai247Number `json:"amount"`
	Currency    string       `json:"currency"`
}

func (c *vai247DocsClient) createOrder(ctx context.Context, reference string, amount vai247Number, currency string) (vai247Order, error) {
	req := struct {
		StoreID     string       `json:"store_id"`
		Amount      vai247Number `json:"amount"`
		Currency    string       `json:"currency"`
		ReferenceID string       `json:"reference_id"`
	}{c.storeID, amount, currency, reference}
	var o vai247Order
	return o, c.do(ctx, http.MethodPost, vai247Prefix+"/order/create", req, false, &o)
}

type vai247Transaction struct {
	TransactionID string       `json:"transaction_id"`
	OrderID       string       `json:"order_id"`
	Amount        vai247Number `json:"amount"`
	Currency      string       `json:"currency"`
	Status        string       `json:"status"`
	CreatedAt     string       `json:"created_at"`
	UpdatedAt     string       `json:"updated_at"`
}

// transactionDetail asks for an order by passing its id as transaction_id (the protocol notes'
// DECISION: no order lookup is documented).
func (c *vai247DocsClient) transactionDetail(ctx context.Context, orderID string) (vai247Transaction, error) {
	var tx vai247Transaction
	q := url.Values{"transaction_id": {orderID}}
	return tx, c.do(ctx, http.MethodGet, vai247Prefix+"/payment/transaction-detail?"+q.Encode(), nil, false, &tx)
}

func (c *vai247DocsClient) cancelOrder(ctx context.Context, orderID string) (vai247Order, error) {
	var o vai247Order
	return o, c.do(ctx, http.MethodPost, vai247Prefix+"/order/cancel",
		map[string]string{"order_id": orderID, "reason": "docs-only client cancel"}, false, &o)
}

type vai247Refund struct {
	RefundID  string       `json:"refund_id"`
	OrderID   string       `json:"order_id"`
	Amount    vai247Number `json:"amount"`
	Status    string       `json:"status"`
	CreatedAt string       `json:"created_at"`
}

func (c *vai247DocsClient) refund(ctx context.Context, orderID string, amount vai247Number) (vai247Refund, error) {
	req := struct {
		OrderID string       `json:"order_id"`
		Amount  vai247Number `json:"amount"`
		Reason  string       `json:"reason,omitempty"`
	}{orderID, amount, "docs-only client partial refund"}
	var r vai247Refund
	return r, c.do(ctx, http.MethodPost, vai247Prefix+"/order/refund", req, c.refundSigning, &r)
}

// antomCaptureResponse is the capture API's answer (docs.antom.com/ac/ams/capture; SDK
// response/pay/AlipayCaptureResponse.go): captureRequestId, captureId, paymentId, captureAmount and
// captureTime next to the result.
type antomCaptureResponse struct {
	Result           antomResult `json:"result"`
	CaptureRequestID string      `json:"captureRequestId"`
	CaptureID        string      `json:"captureId"`
	PaymentID        string      `json:"paymentId"`
	CaptureAmount    antomAmount `json:"captureAmount"`
	CaptureTime      string      `json:"captureTime"`
}

func (r *antomCaptureResponse) result() antomResult { return r.Result }

// capture is POST /ams/api/v1/payments/capture (docs.antom.com/ac/ams/capture; SDK
// request/pay/AlipayCaptureRequest.go): captureRequestId (Antom's idempotency key for captures: the
// same id that reached S or F gets the same result), paymentId, captureAmount {currency, value}, and
// isLastCapture, sent as the string "true" because the docs say every non-array field is a string:
// this capture is the last one, so the rest of the authorization is released.
func (c *antomDocsClient) capture(ctx context.Context, captureRequestID, paymentID string, amount antomAmount) (antomCaptureResponse, error) {
	req := map[string]any{
		"captureRequestId": captureRequestID,
		"paymentId":        paymentID,
		"captureAmount":    amount,
		"isLastCapture":    "true",
	}
	var r antomCaptureResponse
	_, err := c.call(ctx, "capture", req, &r)
	return r, err
}
