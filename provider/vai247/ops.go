package vai247

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"go.uber.org/zap"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/internal/logfields"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/status"
)

// Create creates a VAI247 order for req.Amount and answers it RequiresAction with the QR code to show.
// VAI247 does not dedupe create: sending the same request again makes another order (see Orphan).
// NotifyURL, ReturnURL, Description, Customer, Method, Metadata and ExpiresAt are not sent: VAI247
// takes none of them (webhooks go to the URL set in its dashboard; orders expire after 30 minutes).
func (g *Gateway) Create(ctx context.Context, req *paygate.CreateRequest) (*paygate.Payment, error) {
	return provider.Run(ctx, g.calls, req, g.create)
}

func (g *Gateway) create(ctx context.Context, c *provider.Call, req *paygate.CreateRequest) (*paygate.Payment, error) {
	amt, err := wireAmount(c.Op, "Amount", req.Amount, true)
	if err != nil {
		return nil, err
	}
	body := object(
		member{wire.storeID, jstr(g.cfg.StoreID)},
		member{wire.amount, amt},
		member{wire.currency, jstr(req.Amount.Currency())},
		member{wire.referenceID, jstr(req.PaymentRequestID)},
	)
	f, err := g.do(ctx, c, request{path: wire.pathCreate, body: body})
	if err != nil {
		return nil, err
	}
	p, err := g.createdPayment(f, req)
	if err != nil {
		return nil, malformed(c.Op, http.StatusOK, err)
	}
	c.Note(append(logfields.Payment("", p.ProviderPaymentID), zap.String("provider_status", p.ProviderStatus))...)
	return p, nil
}

func (g *Gateway) createdPayment(f fields, req *paygate.CreateRequest) (*paygate.Payment, error) {
	id, err := f.str(wire.orderID, true)
	if err != nil {
		return nil, err
	}
	st, err := f.str(wire.status, true)
	if err != nil {
		return nil, err
	}
	state, ok := orderStates[st]
	if !ok {
		return nil, fmt.Errorf("order status %s is not one the adapter knows", provider.Excerpt(st))
	}
	qr, err := f.str(wire.qrCode, false)
	if err != nil {
		return nil, err
	}
	exp, err := f.time(wire.expiresAt)
	if err != nil {
		return nil, err
	}
	if state.status == status.PaymentRequiresAction && qr == "" {
		return nil, errors.New("a pending order came without its QR code")
	}
	p := &paygate.Payment{
		Provider: Name, PaymentRequestID: req.PaymentRequestID, MerchantOrderID: req.MerchantOrderID,
		ProviderPaymentID: id, Status: state.status, ProviderStatus: st, Amount: req.Amount,
	}
	if qr != "" {
		p.Action = &paygate.Action{Kind: paygate.ActionQRCode, QRCode: qr, ExpiresAt: exp}
	}
	return takenWhenPaid(p), nil
}

// Inquire asks for an order by its VAI247 order id (ProviderPaymentID), passed as transaction_id
// (DECISION: no order lookup is documented). VAI247 cannot look an order up by the merchant's
// PaymentRequestID: a request with only that id is F NOT_SUPPORTED without a call.
func (g *Gateway) Inquire(ctx context.Context, req *paygate.InquireRequest) (*paygate.Payment, error) {
	return provider.Run(ctx, g.calls, req, g.inquire)
}

func (g *Gateway) inquire(ctx context.Context, c *provider.Call, req *paygate.InquireRequest) (*paygate.Payment, error) {
	if req.ProviderPaymentID == "" {
		return nil, needOrderID(c.Op)
	}
	// One parameter: what url.Values.Encode writes, without building the map.
	q := url.QueryEscape(wire.queryTransactionID) + "=" + url.QueryEscape(req.ProviderPaymentID)
	f, err := g.do(ctx, c, request{method: http.MethodGet, path: wire.pathInquire + "?" + q})
	if err != nil {
		return nil, err
	}
	p, err := inquiredPayment(f, req.ProviderPaymentID)
	if err != nil {
		return nil, malformed(c.Op, http.StatusOK, err)
	}
	p.PaymentRequestID = req.PaymentRequestID
	c.Note(zap.String("provider_status", p.ProviderStatus))
	return p, nil
}

func inquiredPayment(f fields, orderID string) (*paygate.Payment, error) {
	id, st, state, err := readOrderState(f, orderID)
	if err != nil {
		return nil, err
	}
	cur, err := f.str(wire.currency, true)
	if err != nil {
		return nil, err
	}
	raw, ok := f.raw(wire.amount)
	if !ok {
		return nil, fmt.Errorf("field %q is missing", wire.amount)
	}
	amt, err := parseAmount(raw, cur)
	if err != nil {
		return nil, err
	}
	updated, err := f.time(wire.updatedAt)
	if err != nil {
		return nil, err
	}
	p := &paygate.Payment{Provider: Name, ProviderPaymentID: id, Status: state.status, ProviderStatus: st, Amount: amt, UpdatedAt: updated}
	if state.refunded == "all" {
		p.Refunded = amt
	}
	if st == "failed" {
		p.FailureReason = "the customer's payment attempt failed; VAI247 keeps the order open for another attempt"
	}
	return takenWhenPaid(p), nil
}

// readOrderState reads the order id (which must be the one asked about) and its status from a reply.
func readOrderState(f fields, orderID string) (id, st string, state orderState, err error) {
	if id, err = f.str(wire.orderID, true); err != nil {
		return "", "", state, err
	}
	if id != orderID {
		return "", "", state, fmt.Errorf("the reply is about order %s, not the one asked about", provider.Excerpt(id))
	}
	if st, err = f.str(wire.status, true); err != nil {
		return "", "", state, err
	}
	state, ok := orderStates[st]
	if !ok {
		return "", "", state, fmt.Errorf("order status %s is not one the adapter knows", provider.Excerpt(st))
	}
	return id, st, state, nil
}

// Cancel cancels a pending or processing order (by ProviderPaymentID). VAI247 refuses to cancel any
// other: F INVALID_STATE (refund a paid order instead). The answer carries no amount.
func (g *Gateway) Cancel(ctx context.Context, req *paygate.CancelRequest) (*paygate.Payment, error) {
	return provider.Run(ctx, g.calls, req, g.cancel)
}

func (g *Gateway) cancel(ctx context.Context, c *provider.Call, req *paygate.CancelRequest) (*paygate.Payment, error) {
	if req.ProviderPaymentID == "" {
		return nil, needOrderID(c.Op)
	}
	ms := []member{{wire.orderID, jstr(req.ProviderPaymentID)}}
	if req.Reason != "" {
		ms = append(ms, member{wire.reason, jstr(req.Reason)})
	}
	f, err := g.do(ctx, c, request{path: wire.pathCancel, body: object(ms...)})
	if err != nil {
		return nil, err
	}
	p, err := cancelledPayment(f, req.ProviderPaymentID)
	if err != nil {
		return nil, malformed(c.Op, http.StatusOK, err)
	}
	p.PaymentRequestID = req.PaymentRequestID
	c.Note(zap.String("provider_status", p.ProviderStatus))
	return p, nil
}

func cancelledPayment(f fields, orderID string) (*paygate.Payment, error) {
	id, st, state, err := readOrderState(f, orderID)
	if err != nil {
		return nil, err
	}
	at, err := f.time(wire.cancelledAt)
	if err != nil {
		return nil, err
	}
	return &paygate.Payment{Provider: Name, ProviderPaymentID: id, Status: state.status, ProviderStatus: st, UpdatedAt: at}, nil
}

// Refund refunds all or part of a paid order (by ProviderPaymentID), in the order's currency.
// DECISION: the body also carries reference_id = RefundRequestID, so VAI247's records carry the
// merchant's reference; it is not an idempotency key. See Config.RefundSigning for resends.
func (g *Gateway) Refund(ctx context.Context, req *paygate.RefundRequest) (*paygate.Refund, error) {
	return provider.Run(ctx, g.calls, req, g.refund)
}

func (g *Gateway) refund(ctx context.Context, c *provider.Call, req *paygate.RefundRequest) (*paygate.Refund, error) {
	if req.ProviderPaymentID == "" {
		return nil, needOrderID(c.Op)
	}
	amt, err := wireAmount(c.Op, "Amount", req.Amount, false)
	if err != nil {
		return nil, err
	}
	// The refund body carries a bare number and no currency: VAI247 refunds in the order's
	// currency, so 5 KHR sent against a USD order would refund 5 USD.
	if _, err := g.calls.RefundablePayment(ctx, g.Inquire, req); err != nil {
		return nil, err
	}
	ms := []member{{wire.orderID, jstr(req.ProviderPaymentID)}, {wire.amount, amt}}
	if req.Reason != "" {
		ms = append(ms, member{wire.reason, jstr(req.Reason)})
	}
	ms = append(ms, member{wire.referenceID, jstr(req.RefundRequestID)})
	r := request{path: wire.pathRefund, body: object(ms...)}
	if g.cfg.RefundSigning {
		r.header = http.Header{}
		r.header.Set(wire.hdrIdempotentKey, idempotentKey(g.cfg.StoreID, req.RefundRequestID))
		r.sign = g.stampAndSign
	}
	f, err := g.do(ctx, c, r)
	if err != nil {
		return nil, err
	}
	ref, err := refundAnswer(f, req)
	if err != nil {
		return nil, malformed(c.Op, http.StatusOK, err)
	}
	c.Note(append(logfields.Refund("", ref.ProviderRefundID), zap.String("provider_status", ref.ProviderStatus))...)
	return ref, nil
}

func refundAnswer(f fields, req *paygate.RefundRequest) (*paygate.Refund, error) {
	id, err := f.str(wire.refundID, true)
	if err != nil {
		return nil, err
	}
	oid, err := f.str(wire.orderID, true)
	if err != nil {
		return nil, err
	}
	if oid != req.ProviderPaymentID {
		return nil, fmt.Errorf("the reply is about order %s, not the one refunded", provider.Excerpt(oid))
	}
	st, err := f.str(wire.status, true)
	if err != nil {
		return nil, err
	}
	rs, ok := refundStates[st]
	if !ok {
		return nil, fmt.Errorf("refund status %s is not one the adapter knows", provider.Excerpt(st))
	}
	raw, ok := f.raw(wire.amount)
	if !ok {
		return nil, fmt.Errorf("field %q is missing", wire.amount)
	}
	amt, err := parseAmount(raw, req.Amount.Currency())
	if err != nil {
		return nil, err
	}
	if !amt.Equal(req.Amount) {
		return nil, fmt.Errorf("the reply refunds %s, not the %s asked for", amt, req.Amount)
	}
	at, err := f.time(wire.createdAt)
	if err != nil {
		return nil, err
	}
	return &paygate.Refund{Provider: Name, RefundRequestID: req.RefundRequestID, ProviderRefundID: id, PaymentRequestID: req.PaymentRequestID, ProviderPaymentID: oid,
		Status: rs, ProviderStatus: st, Amount: amt, UpdatedAt: at}, nil
}

// noRefundInquiry is why InquireRefund is F NOT_SUPPORTED, without a call: it is not in
// Capabilities().Ops.
const noRefundInquiry = "VAI247 has no refund inquiry: watch for the refund.completed webhook, or inquire the payment (its status shows refunded or partially_refunded)"

// InquireRefund is not offered by VAI247: it is F NOT_SUPPORTED, without a call.
func (g *Gateway) InquireRefund(ctx context.Context, req *paygate.InquireRefundRequest) (*paygate.Refund, error) {
	return provider.Run(ctx, g.calls, req, inquireRefund)
}

// inquireRefund is not reached: Run refuses the op first, as Capabilities().Ops leaves it out.
func inquireRefund(_ context.Context, c *provider.Call, _ *paygate.InquireRefundRequest) (*paygate.Refund, error) {
	return nil, provider.NotSupported(Name, c.Op, "", noRefundInquiry)
}

func needOrderID(op paygate.Op) error {
	return provider.NotSupported(Name, op, "ProviderPaymentID",
		"VAI247 finds orders only by its own order id: pass ProviderPaymentID (Payment.ProviderPaymentID from Create)")
}

// request is one call to VAI247.
type request struct {
	method string // empty: POST
	path   string
	header http.Header // extra headers
	body   []byte
	sign   func(http.Header, []byte) error // nil: the timestamp only
}

// do sends r for call c and returns the 2xx body's fields, or the *paygate.Error the answer maps to.
func (g *Gateway) do(ctx context.Context, c *provider.Call, r request) (fields, error) {
	post := r.method == "" || r.method == http.MethodPost
	h := g.staticHeaders(post)
	if len(r.header) > 0 {
		h = g.headers(post)
		for k, vs := range r.header {
			h[k] = vs
		}
	}
	sign := r.sign
	if sign == nil {
		sign = g.stamp
	}
	resp, err := g.tr.Do(ctx, &provider.Request{
		Op: c.Op, Method: r.method, Path: r.path, Header: h, Body: r.body,
		Resendable: g.Idempotency(c.Op).Resendable(), Sign: sign, IDs: c.IDs,
	})
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		f, perr := decodeObject(resp.Body)
		if perr != nil {
			return nil, malformed(c.Op, resp.StatusCode, perr)
		}
		return f, nil
	}
	return nil, g.errorAnswer(c.Op, resp)
}

// errorAnswer maps a non-2xx answer through the error table, keeping VAI247's code and message (an F
// stays U when an earlier try may have landed).
func (g *Gateway) errorAnswer(op paygate.Op, resp *provider.Response) *paygate.Error {
	code, msg := "", ""
	if f, err := decodeObject(resp.Body); err == nil {
		raw, _ := f.raw(wire.errObject)
		if env, err := decodeObject(raw); err == nil {
			code, _ = env.str(wire.errCode, false)
			msg, _ = env.str(wire.errMessage, false)
		}
	}
	row := classify(resp.StatusCode, code)
	return provider.Answered(Name, op, resp, row.outcome, row.code, row.advice, code, msg)
}

// malformed is the U for a success answer the adapter cannot read: it may have been processed.
func malformed(op paygate.Op, httpStatus int, cause error) error {
	e := provider.Unknown(Name, op, nil, status.CodeProviderError,
		fmt.Sprintf("VAI247's reply to the %s could not be read, so it may have been processed; inquire, or resend with the same ids", op), cause)
	e.HTTPStatus = httpStatus
	return e
}

// noCapture is why Capture and a CaptureManual create are F NOT_SUPPORTED, without a call: VAI247
// documents no authorization hold and no capture call (its orders go pending → processing → paid, the
// money taken when the customer pays).
const noCapture = "VAI247 has no manual capture: an order is paid in full when the customer pays, so there is nothing to " +
	"capture; create the payment with automatic capture (the default), or at a provider that offers manual capture"

// Capture is not offered by VAI247: it is F NOT_SUPPORTED, without a call.
func (g *Gateway) Capture(ctx context.Context, req *paygate.CaptureRequest) (*paygate.Payment, error) {
	return provider.Run(ctx, g.calls, req, capture)
}

// capture is not reached: Run refuses the op first, as Capabilities().Ops leaves it out.
func capture(_ context.Context, c *provider.Call, _ *paygate.CaptureRequest) (*paygate.Payment, error) {
	return nil, provider.NotSupported(Name, c.Op, "", noCapture)
}

// takenWhenPaid sets Captured on a SUCCEEDED payment: with no authorization hold, VAI247 takes the
// whole amount when the customer pays.
func takenWhenPaid(p *paygate.Payment) *paygate.Payment {
	if p.Status == status.PaymentSucceeded {
		p.Captured = p.Amount
	}
	return p
}
