package waffo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/status"
)

// Defaults for fields Waffo requires and paygate leaves optional.
const (
	defaultProductName = "ONE_TIME_PAYMENT"
	defaultTerminal    = "WEB"
	defaultRefundNote  = "refund requested by the merchant"
)

// limits collects the first of Waffo's own limits a request breaks.
type limits struct {
	op  paygate.Op
	err *paygate.Error
}

func (l *limits) fail(field, msg string) {
	if l.err == nil {
		l.err = invalid(l.op, field, msg)
	}
}

// max refuses a value longer than n characters.
func (l *limits) max(field, v string, n int) {
	if utf8.RuneCountInString(v) > n {
		l.fail(field, fmt.Sprintf("is %d characters; Waffo accepts at most %d: shorten it", utf8.RuneCountInString(v), n))
	}
}

// need refuses an empty value Waffo requires.
func (l *limits) need(field, v, why string) {
	if strings.TrimSpace(v) == "" {
		l.fail(field, "is empty; Waffo requires it ("+why+"): set it")
	}
}

func (l *limits) result() error {
	if l.err == nil {
		return nil
	}
	return l.err
}

// Create starts a payment with /order/create. Waffo dedupes by PaymentRequestID, so a create resent
// after U returns the same order.
func (g *Gateway) Create(ctx context.Context, req *paygate.CreateRequest) (*paygate.Payment, error) {
	return provider.Run(ctx, g.calls, req, g.create)
}

func (g *Gateway) create(ctx context.Context, c *provider.Call, req *paygate.CreateRequest) (*paygate.Payment, error) {
	raw, err := g.createBody(req)
	if err != nil {
		return nil, err
	}
	data, err := g.sendRaw(ctx, c, pathCreate, raw)
	if err != nil {
		return nil, err
	}
	var d orderData
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, unknown(paygate.OpCreate, nil, status.CodeProviderError, "Waffo's create reply does not parse: inquire with the same request id", err)
	}
	if d.OrderAmount != "" { // the create reply usually has no amount; when it does, it must be ours
		if a, err := ParseAmount(d.OrderAmount, orDefault(d.OrderCurrency, req.Amount.Currency())); err != nil || !a.Equal(req.Amount) {
			return nil, unknown(paygate.OpCreate, nil, status.CodeProviderError,
				fmt.Sprintf("Waffo's create reply has amount %q %s, not the %s sent: inquire with the same request id before acting", d.OrderAmount, d.OrderCurrency, req.Amount), err)
		}
	}
	d.OrderAmount, d.OrderCurrency = "", ""
	p, err := g.payment(paygate.OpCreate, d, closeReason{})
	if err != nil {
		return nil, err
	}
	p.Amount = req.Amount
	withCaptured(p)
	if p.PaymentRequestID == "" {
		p.PaymentRequestID = req.PaymentRequestID
	}
	if p.MerchantOrderID == "" {
		p.MerchantOrderID = merchantOrderID(req)
	}
	g.closeDetail(ctx, p) // a resent create of an order that has since closed
	return p, nil
}

// closeDetail completes an ORDER_CLOSE from a create or cancel reply, which says neither why nor
// when the order closed: the inquiry tells a failure or an expiry from a cancel. Without an answer
// the reply's own reading (Canceled) stands; the order is closed either way.
func (g *Gateway) closeDetail(ctx context.Context, p *paygate.Payment) {
	if p.ProviderStatus != orderClose {
		return
	}
	q, err := g.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: p.PaymentRequestID, ProviderPaymentID: p.ProviderPaymentID})
	if err != nil || q.ProviderStatus != orderClose {
		return
	}
	p.Status, p.FailureReason, p.UpdatedAt = q.Status, q.FailureReason, q.UpdatedAt
	if p.Amount.IsZero() {
		p.Amount = q.Amount
	}
}

func merchantOrderID(req *paygate.CreateRequest) string {
	return orDefault(req.MerchantOrderID, req.PaymentRequestID)
}

// createBody checks Waffo's limits and writes the create body. Every field the API marks required is
// set: merchantOrderId falls back to PaymentRequestID, orderDescription to "Order <merchantOrderId>",
// userTerminal to WEB and productName to ONE_TIME_PAYMENT.
func (g *Gateway) createBody(req *paygate.CreateRequest) ([]byte, error) {
	opts, _ := provider.Option[CreateOptions](req.ProviderOptions)
	l := limits{op: paygate.OpCreate}
	l.max("PaymentRequestID", req.PaymentRequestID, maxRequestIDLen)
	orderID := merchantOrderID(req)
	l.max("MerchantOrderID", orderID, maxMerchantOrderIDLen)
	desc := orDefault(req.Description, "Order "+orderID)
	l.max("Description", desc, maxDescriptionLen)
	l.need("NotifyURL", req.NotifyURL, "Waffo posts the payment result there")
	l.max("NotifyURL", req.NotifyURL, maxNotifyURLLen)
	l.need("Customer.ID", req.Customer.ID, "userInfo.userId")
	l.max("Customer.ID", req.Customer.ID, maxUserIDLen)
	l.need("Customer.Email", req.Customer.Email, "userInfo.userEmail")
	l.max("Customer.Email", req.Customer.Email, maxEmailLen)
	l.max("Customer.Phone", req.Customer.Phone, maxPhoneLen)
	userCountry := l.country("Customer.Country", req.Customer.Country)
	methodCountry := l.country("Method.Country", req.Method.Country)
	l.max("Customer.Terminal", req.Customer.Terminal, maxTerminalLen)
	l.max("Customer.IP", req.Customer.IP, maxIPLen)
	l.max("Customer.UserAgent", req.Customer.UserAgent, maxUserAgentLen)
	success := orDefault(opts.SuccessRedirectURL, req.ReturnURL)
	failed := orDefault(opts.FailedRedirectURL, req.ReturnURL)
	l.max("ReturnURL", req.ReturnURL, maxRedirectURLLen)
	l.max("CancelRedirectURL", opts.CancelRedirectURL, maxRedirectURLLen)
	extendInfo := opts.ExtendInfo
	if extendInfo == "" && len(req.Metadata) > 0 {
		// Waffo keeps merchant data only in extendInfo, a JSON object as a string of ≤ 128 characters.
		b, err := json.Marshal(req.Metadata)
		if err != nil {
			l.fail("Metadata", "cannot be encoded: "+err.Error())
		}
		extendInfo = string(b)
		l.max("Metadata", extendInfo, maxExtendInfoLen)
	}
	l.max("ExtendInfo", extendInfo, maxExtendInfoLen)
	checkOptionLimits(&l, &opts, req.Method)
	amount, err := FormatAmount(req.Amount)
	if err != nil {
		l.fail("Amount", err.Error())
	}
	if err := l.result(); err != nil {
		return nil, err
	}
	b := createBody{
		PaymentRequestID: req.PaymentRequestID, MerchantOrderID: orderID,
		OrderCurrency: req.Amount.Currency(), OrderAmount: amount, UserCurrency: opts.UserCurrency,
		OrderDescription: desc, OrderRequestedAt: formatTime(g.now()),
		SuccessRedirectURL: success, FailedRedirectURL: failed, CancelRedirectURL: opts.CancelRedirectURL,
		NotifyURL: req.NotifyURL, ExtendInfo: extendInfo,
		MerchantInfo: merchantInfo{MerchantID: g.merchantID, SubMerchantID: opts.SubMerchantID},
		UserInfo: userInfo{
			UserID: req.Customer.ID, UserEmail: req.Customer.Email, UserTerminal: orDefault(req.Customer.Terminal, defaultTerminal),
			UserPhone: req.Customer.Phone, UserCountryCode: userCountry,
			UserFirstName: opts.UserFirstName, UserLastName: opts.UserLastName,
			UserBrowserIP: req.Customer.IP, UserAgent: req.Customer.UserAgent,
		},
		GoodsInfo: opts.Goods,
		PaymentInfo: paymentInfo{
			ProductName: orDefault(opts.ProductName, defaultProductName), PayMethodType: req.Method.Type,
			PayMethodName: req.Method.Name, PayMethodCountry: methodCountry,
			PayMethodProperties: opts.PayMethodProperties, CashierLanguage: opts.CashierLanguage,
		},
		RiskData: opts.Risk, AddressInfo: opts.Address,
	}
	if !req.ExpiresAt.IsZero() {
		b.OrderExpiredAt = formatTime(req.ExpiresAt)
	}
	if req.CaptureMode == paygate.CaptureManual { // provider.Run refused any mode not declared
		b.PaymentInfo.CaptureMode = captureModeManual
	}
	raw, err := json.Marshal(b)
	if err != nil {
		return nil, invalid(paygate.OpCreate, "", "the request could not be encoded: "+err.Error())
	}
	if len(opts.Extra) == 0 {
		return raw, nil
	}
	return g.withExtra(raw, opts.Extra)
}

// checkOptionLimits applies the field lengths Waffo documents for the optional create fields.
func checkOptionLimits(l *limits, o *CreateOptions, m paygate.Method) {
	for _, f := range []struct {
		name, v string
		n       int
	}{
		{"ProductName", o.ProductName, 32}, {"SubMerchantID", o.SubMerchantID, 64}, {"UserCurrency", o.UserCurrency, 12},
		{"UserFirstName", o.UserFirstName, 64}, {"UserLastName", o.UserLastName, 64},
		{"SuccessRedirectURL", o.SuccessRedirectURL, maxRedirectURLLen}, {"FailedRedirectURL", o.FailedRedirectURL, maxRedirectURLLen},
		{"PayMethodProperties", o.PayMethodProperties, 1024}, {"CashierLanguage", o.CashierLanguage, 24},
		{"Method.Type", m.Type, 256}, {"Method.Name", m.Name, 256}, {"Method.Country", m.Country, 3},
	} {
		l.max(f.name, f.v, f.n)
	}
	if g := o.Goods; g != nil {
		for _, f := range []struct {
			name, v string
			n       int
		}{
			{"Goods.GoodsID", g.GoodsID, 128}, {"Goods.GoodsName", g.GoodsName, 64}, {"Goods.SkuName", g.SkuName, 32},
			{"Goods.GoodsUniquePrice", g.GoodsUniquePrice, 16}, {"Goods.GoodsCategory", g.GoodsCategory, 32},
			{"Goods.GoodsURL", g.GoodsURL, 128}, {"Goods.AppName", g.AppName, 32},
		} {
			l.max(f.name, f.v, f.n)
		}
	}
	if r := o.Risk; r != nil {
		for _, f := range []struct {
			name, v string
			n       int
		}{
			{"Risk.UserType", r.UserType, 24}, {"Risk.UserCategory", r.UserCategory, 24}, {"Risk.UserLegalName", r.UserLegalName, 128},
			{"Risk.UserDisplayName", r.UserDisplayName, 128}, {"Risk.UserRegistrationIP", r.UserRegistrationIP, 24},
			{"Risk.UserLastSeenIP", r.UserLastSeenIP, 24}, {"Risk.UserIsNew", r.UserIsNew, 8}, {"Risk.UserIsFirstPurchase", r.UserIsFirstPurchase, 8},
		} {
			l.max(f.name, f.v, f.n)
		}
	}
	if a := o.Address; a != nil {
		for _, f := range []struct {
			name, v string
			n       int
		}{
			{"Address.Address", a.Address, 256}, {"Address.City", a.City, 32}, {"Address.Region", a.Region, 32},
			{"Address.Postcode", a.Postcode, 16}, {"Address.AddressCountryCode", a.AddressCountryCode, 16},
		} {
			l.max(f.name, f.v, f.n)
		}
	}
}

// withExtra adds CreateOptions.Extra to an encoded body, refusing keys the adapter already sends.
func (g *Gateway) withExtra(raw []byte, extra map[string]json.RawMessage) ([]byte, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, invalid(paygate.OpCreate, "", "the request could not be encoded: "+err.Error())
	}
	for _, k := range slices.Sorted(maps.Keys(extra)) {
		if _, taken := fields[k]; taken {
			return nil, invalid(paygate.OpCreate, "ProviderOptions", fmt.Sprintf("CreateOptions.Extra sets %q, which the adapter already sends: use the matching field instead", k))
		}
		if !json.Valid(extra[k]) {
			return nil, invalid(paygate.OpCreate, "ProviderOptions", fmt.Sprintf("CreateOptions.Extra[%q] is not valid JSON", k))
		}
		fields[k] = extra[k]
	}
	out, err := json.Marshal(fields)
	if err != nil {
		return nil, invalid(paygate.OpCreate, "", "the request could not be encoded: "+err.Error())
	}
	return out, nil
}

// Inquire returns the order's current state from /order/inquiry.
func (g *Gateway) Inquire(ctx context.Context, req *paygate.InquireRequest) (*paygate.Payment, error) {
	return provider.Run(ctx, g.calls, req, g.inquire)
}

func (g *Gateway) inquire(ctx context.Context, c *provider.Call, req *paygate.InquireRequest) (*paygate.Payment, error) {
	ref, err := orderRefOf(paygate.OpInquire, req.PaymentRequestID, req.ProviderPaymentID)
	if err != nil {
		return nil, err
	}
	data, err := g.send(ctx, c, pathInquire, inquireBody{orderRef: ref})
	if err != nil {
		return nil, err
	}
	var d orderData
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, unknown(paygate.OpInquire, nil, status.CodeProviderError, "Waffo's inquiry reply does not parse: inquire again", err)
	}
	return g.payment(paygate.OpInquire, d, closeReason{})
}

// Cancel closes an unpaid order with /order/cancel. Waffo answers ORDER_CLOSE; a paid order is
// refused with A0013 (refund it instead).
func (g *Gateway) Cancel(ctx context.Context, req *paygate.CancelRequest) (*paygate.Payment, error) {
	return provider.Run(ctx, g.calls, req, g.cancel)
}

func (g *Gateway) cancel(ctx context.Context, c *provider.Call, req *paygate.CancelRequest) (*paygate.Payment, error) {
	ref, err := orderRefOf(paygate.OpCancel, req.PaymentRequestID, req.ProviderPaymentID)
	if err != nil {
		return nil, err
	}
	// Waffo's cancel has no reason field; the reason stays with the merchant.
	data, err := g.send(ctx, c, pathCancel, cancelBody{orderRef: ref, MerchantID: g.merchantID, OrderRequestedAt: formatTime(g.now())})
	if err != nil {
		return nil, err
	}
	var d orderData
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, unknown(paygate.OpCancel, nil, status.CodeProviderError, "Waffo's cancel reply does not parse: inquire to learn whether the order closed", err)
	}
	p, err := g.payment(paygate.OpCancel, d, closeReason{})
	if err != nil {
		return nil, err
	}
	g.closeDetail(ctx, p) // an order that had failed or expired before the cancel says so
	return p, nil
}

// orderRefOf checks Waffo's id limits and names the order by both ids when both are given.
func orderRefOf(op paygate.Op, requestID, providerID string) (orderRef, error) {
	l := limits{op: op}
	l.max("PaymentRequestID", requestID, maxRequestIDLen)
	l.max("ProviderPaymentID", providerID, maxRequestIDLen)
	return orderRef{PaymentRequestID: requestID, AcquiringOrderID: providerID}, l.result()
}

// payment maps an order to a paygate.Payment. A status Waffo does not document, an amount that does
// not parse, or an orderAction that does not parse on an order waiting for the user are U: the adapter
// cannot say what happened.
func (g *Gateway) payment(op paygate.Op, d orderData, why closeReason) (*paygate.Payment, error) {
	if d.AcquiringOrderID == "" && d.PaymentRequestID == "" {
		return nil, unknown(op, nil, status.CodeProviderError, "Waffo's reply names no order: inquire again", nil)
	}
	action, aerr := parseAction(d.OrderAction)
	why.failed = failureReason(d.OrderFailedReason) != ""
	why.expiresAt, _ = parseTime(d.OrderExpiredAt)
	why.closedAt, _ = parseTime(d.OrderUpdatedAt)
	st, ok := paymentStatus(d.OrderStatus, action != nil, why)
	if !ok {
		return nil, unknown(op, nil, status.CodeUnknown,
			fmt.Sprintf("Waffo reported order status %q, which this adapter does not know: inquire again later, and report it", d.OrderStatus), nil)
	}
	if aerr != nil && !st.Final() {
		return nil, unknown(op, nil, status.CodeProviderError, "Waffo's orderAction does not parse, so the user cannot be sent on: inquire again", aerr)
	}
	p := &paygate.Payment{
		Provider: Name, PaymentRequestID: d.PaymentRequestID, MerchantOrderID: d.MerchantOrderID,
		ProviderPaymentID: d.AcquiringOrderID, Status: st, ProviderStatus: d.OrderStatus,
	}
	if !st.Final() {
		p.Action = action
	}
	if st == status.PaymentFailed {
		p.FailureReason = failureReason(d.OrderFailedReason)
	}
	if t, ok := parseTime(d.OrderUpdatedAt); ok {
		p.UpdatedAt = t
	}
	if d.OrderAmount != "" {
		a, err := ParseAmount(d.OrderAmount, d.OrderCurrency)
		if err != nil {
			return nil, unknown(op, nil, status.CodeProviderError,
				fmt.Sprintf("Waffo's order amount %q %s does not parse: inquire again, and report it", d.OrderAmount, d.OrderCurrency), err)
		}
		p.Amount = a
	}
	withCaptured(p)
	return p, nil
}

// withCaptured sets Captured from the order status: the whole amount once Waffo took the money
// (CAPTURE_IN_PROGRESS, PAY_SUCCESS), zero before (an AUTHED_WAITING_CAPTURE order only holds it).
func withCaptured(p *paygate.Payment) {
	if capturedStatuses[p.ProviderStatus] {
		p.Captured = p.Amount
	}
}

// Refund refunds all or part of a paid order with /order/refund. Waffo dedupes by RefundRequestID.
// Waffo names the order by acquiringOrderId only: given just a PaymentRequestID, the adapter first
// inquires to learn it.
func (g *Gateway) Refund(ctx context.Context, req *paygate.RefundRequest) (*paygate.Refund, error) {
	return provider.Run(ctx, g.calls, req, g.requestRefund)
}

func (g *Gateway) requestRefund(ctx context.Context, c *provider.Call, req *paygate.RefundRequest) (*paygate.Refund, error) {
	opts, _ := provider.Option[RefundOptions](req.ProviderOptions)
	l := limits{op: paygate.OpRefund}
	l.max("RefundRequestID", req.RefundRequestID, maxRequestIDLen)
	l.max("PaymentRequestID", req.PaymentRequestID, maxRequestIDLen)
	l.max("ProviderPaymentID", req.ProviderPaymentID, maxRequestIDLen)
	l.max("NotifyURL", req.NotifyURL, maxNotifyURLLen)
	l.max("Reason", req.Reason, maxReasonLen)
	l.max("ExtendInfo", opts.ExtendInfo, maxExtendInfoLen)
	l.max("MerchantRefundOrderID", opts.MerchantRefundOrderID, maxMerchantOrderIDLen)
	amount, err := FormatAmount(req.Amount)
	if err != nil {
		l.fail("Amount", err.Error())
	}
	if err := l.result(); err != nil {
		return nil, err
	}
	// Waffo refunds in the order's currency and its refund body names none. The lookup also yields
	// the acquiringOrderId Waffo needs when only a PaymentRequestID is given.
	order, err := g.calls.RefundablePayment(ctx, g.Inquire, req)
	if err != nil {
		return nil, err
	}
	if order.Status == status.PaymentAuthorized {
		// Waffo would refuse it too (A0014); saying why is more use to the merchant.
		return nil, refused(paygate.OpRefund, status.CodeInvalidState, "",
			"the payment is only authorized (AUTHED_WAITING_CAPTURE): nothing was captured, so there is nothing to refund; nothing was sent: capture it first")
	}
	orderID := order.ProviderPaymentID
	data, err := g.send(ctx, c, pathRefund, refundBody{
		RefundRequestID: req.RefundRequestID, AcquiringOrderID: orderID, MerchantID: g.merchantID,
		RequestedAt: formatTime(g.now()), RefundAmount: amount, RefundReason: orDefault(req.Reason, defaultRefundNote),
		MerchantRefundOrderID: opts.MerchantRefundOrderID, RefundNotifyURL: req.NotifyURL, ExtendInfo: opts.ExtendInfo,
	})
	if err != nil {
		return nil, err
	}
	var d refundData
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, unknown(paygate.OpRefund, nil, status.CodeProviderError, "Waffo's refund reply does not parse: inquire the refund with the same id", err)
	}
	r, err := g.refund(paygate.OpRefund, d, req.Amount.Currency())
	if err != nil {
		return nil, err
	}
	if !r.Amount.IsZero() && !r.Amount.Equal(req.Amount) {
		return nil, unknown(paygate.OpRefund, nil, status.CodeProviderError,
			fmt.Sprintf("Waffo's refund reply has amount %s, not the %s sent: inquire the refund before acting", r.Amount, req.Amount), nil)
	}
	r.Amount = req.Amount
	if r.RefundRequestID == "" {
		r.RefundRequestID = req.RefundRequestID
	}
	if r.ProviderPaymentID == "" {
		r.ProviderPaymentID = orderID
	}
	if r.PaymentRequestID == "" {
		r.PaymentRequestID = order.PaymentRequestID
	}
	return r, nil
}

// InquireRefund returns a refund's current state from /refund/inquiry.
func (g *Gateway) InquireRefund(ctx context.Context, req *paygate.InquireRefundRequest) (*paygate.Refund, error) {
	return provider.Run(ctx, g.calls, req, g.inquireRefund)
}

func (g *Gateway) inquireRefund(ctx context.Context, c *provider.Call, req *paygate.InquireRefundRequest) (*paygate.Refund, error) {
	l := limits{op: paygate.OpInquireRefund}
	l.max("RefundRequestID", req.RefundRequestID, maxRequestIDLen)
	l.max("ProviderRefundID", req.ProviderRefundID, maxRequestIDLen)
	if err := l.result(); err != nil {
		return nil, err
	}
	data, err := g.send(ctx, c, pathInquireRefund, inquireRefundBody{
		RefundRequestID: req.RefundRequestID, AcquiringRefundOrderID: req.ProviderRefundID,
	})
	if err != nil {
		return nil, err
	}
	var d refundData
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, unknown(paygate.OpInquireRefund, nil, status.CodeProviderError, "Waffo's refund inquiry reply does not parse: inquire again", err)
	}
	r, err := g.refund(paygate.OpInquireRefund, d, "")
	if err != nil {
		return nil, err
	}
	// The reply names no currency; the refund is in its order's, which the order inquiry gives.
	order, err := g.refundOrder(ctx, d)
	if err != nil {
		return nil, err
	}
	if err := g.withRefundAmount(paygate.OpInquireRefund, r, d, order); err != nil {
		return nil, err
	}
	return r, nil
}

// refundOrder looks up the order a refund belongs to, by the acquiringOrderId or origPaymentRequestId
// that Waffo's refund inquiry reply carries: Waffo's refund messages name no currency, and a refund is
// always in its order's. Any failure is U for the refund read: the refund is there, its amount is not
// yet known, and asking again is safe.
func (g *Gateway) refundOrder(ctx context.Context, d refundData) (*paygate.Payment, error) {
	if d.AcquiringOrderID == "" && d.OrigPaymentRequestID == "" {
		return nil, unknown(paygate.OpInquireRefund, nil, status.CodeProviderError,
			"Waffo's refund message names no order (acquiringOrderId, origPaymentRequestId), so its currency cannot be looked up: inquire the refund again", nil)
	}
	order, err := g.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: d.OrigPaymentRequestID, ProviderPaymentID: d.AcquiringOrderID})
	if err != nil {
		return nil, unknown(paygate.OpInquireRefund, nil, status.CodeProviderError,
			"Waffo named the refund's order, but looking it up for the refund's currency failed: inquire the refund again", err)
	}
	if order.Amount.IsZero() {
		return nil, unknown(paygate.OpInquireRefund, nil, status.CodeProviderError,
			"Waffo's order inquiry returned no amount, so the refund's currency is not known: inquire the refund again", nil)
	}
	return order, nil
}

// withRefundAmount sets r's amount from Waffo's refundAmount in the order's currency, and fills the
// order's ids where the refund message left them out.
func (g *Gateway) withRefundAmount(op paygate.Op, r *paygate.Refund, d refundData, order *paygate.Payment) error {
	if r.ProviderPaymentID == "" {
		r.ProviderPaymentID = order.ProviderPaymentID
	}
	if r.PaymentRequestID == "" {
		r.PaymentRequestID = order.PaymentRequestID
	}
	if d.RefundAmount == "" {
		return nil
	}
	a, err := ParseAmount(d.RefundAmount, order.Amount.Currency())
	if err != nil {
		return unknown(op, nil, status.CodeProviderError,
			fmt.Sprintf("Waffo's refund amount %q does not parse in the order's currency %s: inquire again, and report it", d.RefundAmount, order.Amount.Currency()), err)
	}
	r.Amount = a
	return nil
}

// refund maps a Waffo refund. currency is the refund's currency when known (Waffo refunds in the
// order's currency and names it in no refund message); without it the amount is left empty.
func (g *Gateway) refund(op paygate.Op, d refundData, currency string) (*paygate.Refund, error) {
	if d.AcquiringRefundOrderID == "" && d.RefundRequestID == "" {
		return nil, unknown(op, nil, status.CodeProviderError, "Waffo's reply names no refund: inquire again", nil)
	}
	st, ok := refundStatusTable[d.RefundStatus]
	if !ok {
		return nil, unknown(op, nil, status.CodeUnknown,
			fmt.Sprintf("Waffo reported refund status %q, which this adapter does not know: inquire again later, and report it", d.RefundStatus), nil)
	}
	r := &paygate.Refund{
		Provider: Name, RefundRequestID: d.RefundRequestID, ProviderRefundID: d.AcquiringRefundOrderID,
		PaymentRequestID: d.OrigPaymentRequestID, ProviderPaymentID: d.AcquiringOrderID, Status: st, ProviderStatus: d.RefundStatus,
	}
	if t, ok := parseTime(d.RefundUpdatedAt); ok {
		r.UpdatedAt = t
	}
	if d.RefundAmount != "" && currency != "" {
		a, err := ParseAmount(d.RefundAmount, currency)
		if err != nil {
			return nil, unknown(op, nil, status.CodeProviderError,
				fmt.Sprintf("Waffo's refund amount %q %s does not parse: inquire again, and report it", d.RefundAmount, currency), err)
		}
		r.Amount = a
	}
	return r, nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// refused is an F the adapter decides before sending anything (field names the request field at
// fault, when one is).
func refused(op paygate.Op, code status.Code, field, msg string) *paygate.Error {
	return &paygate.Error{Provider: Name, Op: op, Outcome: status.Failure, Code: code, Field: field, Message: msg}
}

// Capture takes the money of an AUTHED_WAITING_CAPTURE order with /order/capture. It inquires the
// order first: the capture amount must be the order amount (Waffo takes a whole order: no partial
// capture, see Capabilities), which a zero Amount asks for, and an order in any other state is
// refused before anything is sent. Waffo's capture has no request id, so CaptureRequestID is not
// sent; it names the capture in logs and in the router's journal.
func (g *Gateway) Capture(ctx context.Context, req *paygate.CaptureRequest) (*paygate.Payment, error) {
	return provider.Run(ctx, g.calls, req, g.capture)
}

func (g *Gateway) capture(ctx context.Context, c *provider.Call, req *paygate.CaptureRequest) (*paygate.Payment, error) {
	ref, err := orderRefOf(paygate.OpCapture, req.PaymentRequestID, req.ProviderPaymentID)
	if err != nil {
		return nil, err
	}
	order, err := g.capturable(ctx, req)
	if err != nil {
		return nil, err
	}
	amount, err := FormatAmount(order.Amount)
	if err != nil { // the inquiry parsed it in this currency: cannot happen
		return nil, unknown(paygate.OpCapture, nil, status.CodeProviderError, "the order amount cannot be written back for the capture: inquire the payment", err)
	}
	if ref.AcquiringOrderID == "" { // name the order by both ids, as the inquiry found it
		ref.AcquiringOrderID = order.ProviderPaymentID
	}
	data, err := g.send(ctx, c, pathCapture, captureBody{
		orderRef: ref, MerchantID: g.merchantID, CaptureRequestedAt: formatTime(g.now()), CaptureAmount: amount,
	})
	if err != nil {
		return nil, err
	}
	var d orderData
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, unknown(paygate.OpCapture, nil, status.CodeProviderError, "Waffo's capture reply does not parse: inquire the payment; its Captured shows whether the capture took effect", err)
	}
	if !capturedStatuses[d.OrderStatus] {
		// Success with the order still authorized (or closed) says nothing sure about this capture.
		return nil, unknown(paygate.OpCapture, nil, status.CodeProviderError,
			fmt.Sprintf("Waffo accepted the capture but reported order status %q: inquire the payment; its Captured shows whether the capture took effect", d.OrderStatus), nil)
	}
	d.OrderAmount, d.OrderCurrency = "", "" // the capture reply has none; the order's is known
	p, err := g.payment(paygate.OpCapture, d, closeReason{})
	if err != nil {
		return nil, err
	}
	p.Amount = order.Amount
	withCaptured(p)
	if p.PaymentRequestID == "" {
		p.PaymentRequestID = order.PaymentRequestID
	}
	if p.ProviderPaymentID == "" {
		p.ProviderPaymentID = order.ProviderPaymentID
	}
	if p.MerchantOrderID == "" {
		p.MerchantOrderID = order.MerchantOrderID
	}
	return p, nil
}

// capturable inquires the order a capture names and checks, before anything is sent, that it can be
// captured for the requested amount: it is AUTHED_WAITING_CAPTURE, and the amount is zero (the whole
// order) or the order amount. A failed lookup is the capture's error with its outcome kept: NOT_FOUND
// is F (there is nothing to capture), U stays U.
func (g *Gateway) capturable(ctx context.Context, req *paygate.CaptureRequest) (*paygate.Payment, error) {
	order, err := g.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: req.PaymentRequestID, ProviderPaymentID: req.ProviderPaymentID})
	if err != nil {
		var pe *paygate.Error
		if !errors.As(err, &pe) {
			return nil, err
		}
		e := *pe
		e.Op, e.Message, e.Err = paygate.OpCapture, "the capture was not sent: looking up the payment failed: "+pe.Message, pe
		return nil, &e
	}
	if order.ProviderStatus != orderAuthedWaitCapture {
		return nil, refused(paygate.OpCapture, status.CodeInvalidState, "", notCapturable(order))
	}
	if order.Amount.IsZero() {
		return nil, unknown(paygate.OpCapture, nil, status.CodeProviderError,
			"Waffo's order inquiry returned no amount, so the capture amount is not known; nothing was sent: capture again", nil)
	}
	if req.Amount.IsZero() {
		return order, nil
	}
	if req.Amount.Currency() != order.Amount.Currency() {
		return nil, refused(paygate.OpCapture, status.CodeInvalidRequest, "Amount", fmt.Sprintf(
			"is in %s but the payment is in %s; nothing was sent: capture in %[2]s, or capture without an amount to take the whole payment", req.Amount.Currency(), order.Amount.Currency()))
	}
	switch cmp, _ := req.Amount.Cmp(order.Amount); {
	case cmp > 0:
		return nil, refused(paygate.OpCapture, status.CodeLimitExceeded, "Amount", fmt.Sprintf(
			"is %s, more than the %s authorized; nothing was sent: capture at most the authorized amount", req.Amount, order.Amount))
	case cmp < 0:
		return nil, refused(paygate.OpCapture, status.CodeNotSupported, "Amount", fmt.Sprintf(
			"is %s, less than the %s authorized, and Waffo captures whole orders only; nothing was sent: capture without an amount (the whole payment), then refund the difference once it has succeeded", req.Amount, order.Amount))
	}
	return order, nil
}

// notCapturable says why an order that is not AUTHED_WAITING_CAPTURE cannot be captured.
func notCapturable(p *paygate.Payment) string {
	switch p.ProviderStatus {
	case orderCaptureInProgress:
		return "the payment is already being captured (CAPTURE_IN_PROGRESS); nothing was sent: inquire it — if an earlier capture of yours was unknown, this shows it took effect"
	case orderPaySuccess:
		return "the payment is already captured (PAY_SUCCESS: an automatic-capture payment is captured when paid, a manual one by its capture); nothing was sent: inquire it — if an earlier capture of yours was unknown, this shows it took effect"
	case orderClose:
		return fmt.Sprintf("the payment is closed (%s) and holds no money; nothing was sent: create a new payment", p.Status)
	default:
		return fmt.Sprintf("the payment is not authorized yet (%s, %s); nothing was sent: capture it once the customer has authorized it (status AUTHORIZED)", p.ProviderStatus, p.Status)
	}
}
