package vai247

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"go.uber.org/zap"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/status"
)

// Create creates a VAI247 order for req.Amount and answers it RequiresAction with the QR code to show.
// VAI247 does not dedupe create: sending the same request again makes another order (see Orphan).
// NotifyURL, ReturnURL, Description, Customer, Method, Metadata and ExpiresAt are not sent: VAI247
// takes none of them (webhooks go to the URL set in its dashboard; orders expire after 30 minutes).
func (g *Gateway) Create(ctx context.Context, req *paygate.CreateRequest) (*paygate.Payment, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	amt, err := wireAmount(paygate.OpCreate, "Amount", req.Amount, true)
	if err != nil {
		return nil, err
	}
	body := object(
		member{wire.storeID, jstr(g.cfg.StoreID)},
		member{wire.amount, amt},
		member{wire.currency, jstr(req.Amount.Currency())},
		member{wire.referenceID, jstr(req.PaymentRequestID)},
	)
	ids := []zap.Field{zap.String("payment_request_id", req.PaymentRequestID)}
	f, err := g.do(ctx, request{op: paygate.OpCreate, path: wire.pathCreate, body: body, ids: ids})
	if err != nil {
		return nil, err
	}
	p, err := g.createdPayment(f, req)
	if err != nil {
		return nil, g.malformed(paygate.OpCreate, http.StatusOK, err, ids)
	}
	g.done(paygate.OpCreate, ids, zap.String("provider_payment_id", p.ProviderPaymentID), zap.String("provider_status", p.ProviderStatus))
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
	return p, nil
}

// Inquire asks for an order by its VAI247 order id (ProviderPaymentID), passed as transaction_id
// (DECISION: no order lookup is documented). VAI247 cannot look an order up by the merchant's
// PaymentRequestID: a request with only that id is F NOT_SUPPORTED without a call.
func (g *Gateway) Inquire(ctx context.Context, req *paygate.InquireRequest) (*paygate.Payment, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	if req.ProviderPaymentID == "" {
		return nil, needOrderID(paygate.OpInquire)
	}
	ids := []zap.Field{zap.String("provider_payment_id", req.ProviderPaymentID)}
	// One parameter: what url.Values.Encode writes, without building the map.
	q := url.QueryEscape(wire.queryTransactionID) + "=" + url.QueryEscape(req.ProviderPaymentID)
	f, err := g.do(ctx, request{op: paygate.OpInquire, method: http.MethodGet, path: wire.pathInquire + "?" + q, ids: ids})
	if err != nil {
		return nil, err
	}
	p, err := inquiredPayment(f, req.ProviderPaymentID)
	if err != nil {
		return nil, g.malformed(paygate.OpInquire, http.StatusOK, err, ids)
	}
	p.PaymentRequestID = req.PaymentRequestID
	g.done(paygate.OpInquire, ids, zap.String("provider_status", p.ProviderStatus))
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
	return p, nil
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
	if err := req.Validate(); err != nil {
		return nil, err
	}
	if req.ProviderPaymentID == "" {
		return nil, needOrderID(paygate.OpCancel)
	}
	ms := []member{{wire.orderID, jstr(req.ProviderPaymentID)}}
	if req.Reason != "" {
		ms = append(ms, member{wire.reason, jstr(req.Reason)})
	}
	ids := []zap.Field{zap.String("provider_payment_id", req.ProviderPaymentID)}
	f, err := g.do(ctx, request{op: paygate.OpCancel, path: wire.pathCancel, body: object(ms...), ids: ids})
	if err != nil {
		return nil, err
	}
	p, err := cancelledPayment(f, req.ProviderPaymentID)
	if err != nil {
		return nil, g.malformed(paygate.OpCancel, http.StatusOK, err, ids)
	}
	p.PaymentRequestID = req.PaymentRequestID
	g.done(paygate.OpCancel, ids, zap.String("provider_status", p.ProviderStatus))
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
	if err := req.Validate(); err != nil {
		return nil, err
	}
	if req.ProviderPaymentID == "" {
		return nil, needOrderID(paygate.OpRefund)
	}
	amt, err := wireAmount(paygate.OpRefund, "Amount", req.Amount, false)
	if err != nil {
		return nil, err
	}
	// The refund body carries a bare number and no currency: VAI247 refunds in the order's currency,
	// so 5 KHR sent against a USD order would refund 5 USD. The order is read first (safe to repeat)
	// and a refund in another currency is refused before anything is sent.
	order, err := g.Inquire(ctx, &paygate.InquireRequest{ProviderPaymentID: req.ProviderPaymentID})
	if err != nil {
		var pe *paygate.Error
		if errors.As(err, &pe) {
			c := *pe
			c.Op, c.Message, c.Err = paygate.OpRefund, "the refund was not sent: looking up the order failed: "+pe.Message, pe
			return nil, &c
		}
		return nil, err
	}
	if order.Amount.Currency() != req.Amount.Currency() {
		return nil, &paygate.Error{Provider: Name, Op: paygate.OpRefund, Outcome: status.Failure, Code: status.CodeInvalidRequest, Field: "Amount",
			Message: fmt.Sprintf("is in %s but the order is in %q: VAI247 refunds in the order's currency; nothing was sent", req.Amount.Currency(), order.Amount.Currency())}
	}
	ms := []member{{wire.orderID, jstr(req.ProviderPaymentID)}, {wire.amount, amt}}
	if req.Reason != "" {
		ms = append(ms, member{wire.reason, jstr(req.Reason)})
	}
	ms = append(ms, member{wire.referenceID, jstr(req.RefundRequestID)})
	ids := []zap.Field{zap.String("refund_request_id", req.RefundRequestID), zap.String("provider_payment_id", req.ProviderPaymentID)}
	r := request{op: paygate.OpRefund, path: wire.pathRefund, body: object(ms...), ids: ids}
	if g.cfg.RefundSigning {
		r.header = http.Header{}
		r.header.Set(wire.hdrIdempotentKey, idempotentKey(g.cfg.StoreID, req.RefundRequestID))
		r.sign = g.stampAndSign
	}
	f, err := g.do(ctx, r)
	if err != nil {
		return nil, err
	}
	ref, err := refundAnswer(f, req)
	if err != nil {
		return nil, g.malformed(paygate.OpRefund, http.StatusOK, err, ids)
	}
	g.done(paygate.OpRefund, ids, zap.String("provider_refund_id", ref.ProviderRefundID), zap.String("provider_status", ref.ProviderStatus))
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

// InquireRefund is not offered by VAI247: it is F NOT_SUPPORTED, without a call.
func (g *Gateway) InquireRefund(_ context.Context, req *paygate.InquireRefundRequest) (*paygate.Refund, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	return nil, &paygate.Error{Provider: Name, Op: paygate.OpInquireRefund, Outcome: status.Failure, Code: status.CodeNotSupported,
		Message: "VAI247 has no refund inquiry: watch for the refund.completed webhook, or inquire the payment (its status shows refunded or partially_refunded)"}
}

func needOrderID(op paygate.Op) error {
	return &paygate.Error{Provider: Name, Op: op, Outcome: status.Failure, Code: status.CodeNotSupported, Field: "ProviderPaymentID",
		Message: "VAI247 finds orders only by its own order id: pass ProviderPaymentID (Payment.ProviderPaymentID from Create)"}
}

// request is one call to VAI247.
type request struct {
	op     paygate.Op
	method string // empty: POST
	path   string
	header http.Header // extra headers
	body   []byte
	sign   func(http.Header, []byte) error // nil: the timestamp only
	ids    []zap.Field
}

// do sends r and returns the 2xx body's fields, or the *paygate.Error the answer maps to.
func (g *Gateway) do(ctx context.Context, r request) (fields, error) {
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
		Op: r.op, Method: r.method, Path: r.path, Header: h, Body: r.body,
		Resendable: g.Idempotency(r.op).Resendable(), Sign: sign, IDs: r.ids,
	})
	if err != nil {
		g.failed(r.op, r.ids, err)
		return nil, err
	}
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		f, perr := decodeObject(resp.Body)
		if perr != nil {
			return nil, g.malformed(r.op, resp.StatusCode, perr, r.ids)
		}
		return f, nil
	}
	e := g.errorAnswer(r.op, resp)
	out := resp.KeepUnknown(e)
	g.failed(r.op, r.ids, out)
	return nil, out
}

// errorAnswer maps a non-2xx answer through the error table, keeping VAI247's code and message.
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
	return &paygate.Error{
		Provider: Name, Op: op, Outcome: row.outcome, Code: row.code, Message: row.advice,
		ProviderCode: code, ProviderMessage: msg, HTTPStatus: resp.StatusCode, RetryAfter: resp.RetryAfter,
	}
}

// malformed is the U for a success answer the adapter cannot read: it may have been processed.
func (g *Gateway) malformed(op paygate.Op, httpStatus int, cause error, ids []zap.Field) error {
	e := &paygate.Error{
		Provider: Name, Op: op, Outcome: status.Unknown, Code: status.CodeProviderError, HTTPStatus: httpStatus,
		Message: fmt.Sprintf("VAI247's reply to the %s could not be read, so it may have been processed; inquire, or resend with the same ids", op),
		Err:     cause,
	}
	g.failed(op, ids, e)
	return e
}

func (g *Gateway) done(op paygate.Op, ids []zap.Field, more ...zap.Field) {
	if ce := g.log.Check(zap.DebugLevel, "vai247 call"); ce != nil {
		fs := append([]zap.Field{zap.String("op", string(op)), zap.String("outcome", string(status.Success))}, ids...)
		ce.Write(append(fs, more...)...)
	}
}

func (g *Gateway) failed(op paygate.Op, ids []zap.Field, err error) {
	if ce := g.log.Check(zap.InfoLevel, "vai247 call"); ce != nil {
		fs := append([]zap.Field{zap.String("op", string(op)), zap.String("outcome", string(paygate.OutcomeOf(err))),
			zap.String("code", string(paygate.CodeOf(err)))}, ids...)
		var pe *paygate.Error
		if errors.As(err, &pe) && pe.ProviderCode != "" {
			fs = append(fs, zap.String("provider_code", pe.ProviderCode))
		}
		ce.Write(fs...)
	}
}
