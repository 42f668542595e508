package antom

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/status"
)

// maxDescription is the longest order.orderDescription Antom takes, in characters.
const maxDescription = 256

// Create sends pay with productCode CASHIER_PAYMENT. Antom's normal answer is U / PAYMENT_IN_PROCESS
// with the cashier's URLs: the payment exists and the customer must act, so it is S with status
// REQUIRES_ACTION and an Action. PAYMENT_IN_PROCESS without any URL is U; S SUCCESS is a payment that
// succeeded at once.
func (g *Gateway) Create(ctx context.Context, req *paygate.CreateRequest) (*paygate.Payment, error) {
	return provider.Run(ctx, g.calls(), req, g.create)
}

func (g *Gateway) create(ctx context.Context, c *provider.Call, req *paygate.CreateRequest) (*paygate.Payment, error) {
	op := c.Op
	body, terminal, err := g.payRequest(req)
	if err != nil {
		return nil, err
	}
	a, err := g.post(ctx, c, "pay", body)
	if err != nil {
		return nil, err
	}
	var resp payResponse
	if a.result.ResultStatus != "F" {
		if err := g.decodeInto(op, a, &resp); err != nil {
			return nil, err
		}
	}
	p := &paygate.Payment{
		Provider: Name, PaymentRequestID: req.PaymentRequestID, MerchantOrderID: req.MerchantOrderID,
		ProviderPaymentID: resp.PaymentID, Amount: req.Amount, UpdatedAt: parseTime(resp.PaymentCreateTime),
	}
	if resp.PaymentAmount != nil {
		amt, err := fromWire(resp.PaymentAmount)
		if err != nil {
			return nil, unknown(op, a.resp, status.CodeProviderError,
				"Antom's paymentAmount does not read as an amount: inquire with the same PaymentRequestID", err)
		}
		if !amt.Equal(req.Amount) { // a signed answer to some other request is not ours
			return nil, unknown(op, a.resp, status.CodeProviderError,
				fmt.Sprintf("Antom's answer is for %s, not the %s asked: inquire with the same PaymentRequestID before acting", amt, req.Amount), nil)
		}
	}
	if resp.PaymentRequestID != "" && resp.PaymentRequestID != req.PaymentRequestID {
		return nil, unknown(op, a.resp, status.CodeProviderError,
			"Antom's answer names another paymentRequestId: inquire with the same PaymentRequestID before acting", nil)
	}
	switch {
	case a.result.ResultStatus == "S" && req.CaptureMode == paygate.CaptureManual:
		// pay answers S once the customer authorized; for captureMode MANUAL the money is only held
		// until Capture takes it (Inquire shows a capture made since).
		p.Status, p.ProviderStatus = status.PaymentAuthorized, "SUCCESS"
	case a.result.ResultStatus == "S":
		p.Status, p.ProviderStatus, p.Captured = status.PaymentSucceeded, "SUCCESS", req.Amount
	case a.result.ResultStatus == "U" && a.result.ResultCode == "PAYMENT_IN_PROCESS" && resp.hasURL():
		p.Status, p.ProviderStatus = status.PaymentRequiresAction, "PROCESSING"
		p.Action = resp.action(terminal, req.ExpiresAt)
	default:
		return nil, g.resultError(op, a)
	}
	if p.ProviderPaymentID == "" {
		return nil, unknown(op, a.resp, status.CodeProviderError,
			"Antom accepted the payment but its response has no paymentId: inquire with the same PaymentRequestID", nil)
	}
	return p, nil
}

func (r *payResponse) hasURL() bool {
	return r.NormalURL != "" || r.SchemeURL != "" || r.ApplinkURL != ""
}

// action picks the URL for the customer: for an APP terminal the app link, then the scheme URL, then
// the web page; otherwise the web page (normalUrl) first. A web page is a redirect, the others
// deeplinks.
func (r *payResponse) action(terminal string, expires time.Time) *paygate.Action {
	type option struct {
		url  string
		kind paygate.ActionKind
	}
	web := option{r.NormalURL, paygate.ActionRedirect}
	app := []option{{r.ApplinkURL, paygate.ActionDeeplink}, {r.SchemeURL, paygate.ActionDeeplink}}
	order := append([]option{web}, app...)
	if terminal == "APP" {
		order = append(app, web)
	}
	for _, o := range order {
		if o.url != "" {
			return &paygate.Action{Kind: o.kind, URL: o.url, ExpiresAt: expires}
		}
	}
	return nil
}

// payRequest builds pay's body, refusing what Antom would refuse. It returns the terminal type.
func (g *Gateway) payRequest(req *paygate.CreateRequest) (*payRequest, string, error) {
	const op = paygate.OpCreate
	opts, _ := provider.Option[CreateOptions](req.ProviderOptions)
	amt, err := toWire(req.Amount)
	if err != nil {
		return nil, "", unsupportedCurrency(op, err, "; nothing was sent, so another provider may be tried")
	}
	if req.ReturnURL == "" {
		return nil, "", provider.Invalid(Name, op, "ReturnURL", "is required: Antom's cashier payment sends the customer back to it (paymentRedirectUrl)")
	}
	method := firstNonEmpty(opts.PaymentMethodType, strings.ToUpper(req.Method.Name), strings.ToUpper(req.Method.Type), g.cfg.PaymentMethodType)
	if method == "" {
		return nil, "", provider.Invalid(Name, op, "Method.Name", `is required: Antom's cashier payment needs a paymentMethodType such as "ALIPAY_CN" or "GCASH" (or set CreateOptions.PaymentMethodType or Config.PaymentMethodType)`)
	}
	terminal := strings.ToUpper(firstNonEmpty(opts.TerminalType, req.Customer.Terminal, "WEB"))
	switch terminal {
	case "WEB", "WAP", "APP", "MINI_APP":
	default:
		return nil, "", provider.Invalid(Name, op, "Customer.Terminal", fmt.Sprintf("is %q: Antom takes WEB, WAP, APP or MINI_APP", terminal))
	}
	ref := firstNonEmpty(req.MerchantOrderID, req.PaymentRequestID)
	desc := firstNonEmpty(req.Description, "Order "+ref)
	if utf8.RuneCountInString(desc) > maxDescription {
		return nil, "", provider.Invalid(Name, op, "Description", fmt.Sprintf("is longer than the %d characters Antom takes", maxDescription))
	}
	body := &payRequest{
		ProductCode:      "CASHIER_PAYMENT",
		PaymentRequestID: req.PaymentRequestID,
		Order: order{
			ReferenceOrderID: ref, OrderDescription: desc, OrderAmount: amt,
			Env: env{TerminalType: terminal, ClientIP: req.Customer.IP, UserAgent: req.Customer.UserAgent},
		},
		PaymentAmount:      amt,
		PaymentMethod:      paymentMethod{PaymentMethodType: method},
		PaymentRedirectURL: req.ReturnURL,
		PaymentNotifyURL:   req.NotifyURL,
		MerchantAccountID:  g.cfg.MerchantAccountID,
	}
	if terminal == "WAP" || terminal == "APP" {
		body.Order.Env.OSType = strings.ToUpper(firstNonEmpty(opts.OSType, osFromUserAgent(req.Customer.UserAgent)))
	}
	if c := req.Customer; c.ID != "" || c.Email != "" || c.Phone != "" {
		body.Order.Buyer = &buyer{ReferenceBuyerID: c.ID, BuyerEmail: c.Email, BuyerPhoneNo: c.Phone}
	}
	if !req.ExpiresAt.IsZero() {
		body.PaymentExpiryTime = req.ExpiresAt.Format(time.RFC3339)
	}
	if opts.SettlementCurrency != "" {
		body.SettlementStrategy = &settlementStrategy{SettlementCurrency: opts.SettlementCurrency}
	}
	if req.CaptureMode == paygate.CaptureManual {
		body.PaymentFactor = &paymentFactor{CaptureMode: "MANUAL"}
	}
	return body, terminal, nil
}

// osFromUserAgent guesses env.osType from a user agent: IOS, ANDROID or "".
func osFromUserAgent(ua string) string {
	switch l := strings.ToLower(ua); {
	case strings.Contains(l, "android"):
		return "ANDROID"
	case strings.Contains(l, "iphone"), strings.Contains(l, "ipad"), strings.Contains(l, "ios"):
		return "IOS"
	}
	return ""
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// Inquire sends inquiryPayment (paymentId wins when both ids are given). Its result only says whether
// the inquiry worked: the payment's state is paymentStatus, mapped by the status table.
// ORDER_NOT_EXIST is F NOT_FOUND.
func (g *Gateway) Inquire(ctx context.Context, req *paygate.InquireRequest) (*paygate.Payment, error) {
	return provider.Run(ctx, g.calls(), req, g.inquire)
}

func (g *Gateway) inquire(ctx context.Context, c *provider.Call, req *paygate.InquireRequest) (*paygate.Payment, error) {
	return g.inquireWith(ctx, c, req, &inquiryResponse{})
}

// inquireInto is Inquire that also keeps Antom's answer in resp (Capture reads its transactions).
func (g *Gateway) inquireInto(ctx context.Context, req *paygate.InquireRequest, resp *inquiryResponse) (*paygate.Payment, error) {
	return provider.Run(ctx, g.calls(), req, func(ctx context.Context, c *provider.Call, req *paygate.InquireRequest) (*paygate.Payment, error) {
		return g.inquireWith(ctx, c, req, resp)
	})
}

func (g *Gateway) inquireWith(ctx context.Context, c *provider.Call, req *paygate.InquireRequest, resp *inquiryResponse) (*paygate.Payment, error) {
	op := c.Op
	a, err := g.post(ctx, c, "inquiryPayment", paymentRef{PaymentRequestID: req.PaymentRequestID, PaymentID: req.ProviderPaymentID, MerchantAccountID: g.cfg.MerchantAccountID})
	if err != nil {
		return nil, err
	}
	if a.result.ResultStatus != "S" {
		return nil, g.resultError(op, a)
	}
	if err := g.decodeInto(op, a, resp); err != nil {
		return nil, err
	}
	st, ok := paymentStatus(resp.PaymentStatus, resp.PaymentResultCode)
	if !ok {
		e := unknown(op, a.resp, status.CodeUnknown,
			fmt.Sprintf("Antom's paymentStatus %q is not one the adapter knows, so the payment's state is unknown: inquire again later", resp.PaymentStatus), nil)
		e.ProviderCode, e.ProviderMessage = resp.PaymentResultCode, resp.PaymentResultMessage
		return nil, e
	}
	amt, err := fromWire(resp.PaymentAmount)
	if err != nil {
		return nil, unknown(op, a.resp, status.CodeProviderError, "Antom's paymentAmount does not read as an amount: inquire again later", err)
	}
	p := &paygate.Payment{
		Provider: Name, PaymentRequestID: resp.PaymentRequestID, ProviderPaymentID: resp.PaymentID,
		Status: st, ProviderStatus: resp.PaymentStatus, Amount: amt,
		UpdatedAt: firstTime(parseTime(resp.PaymentTime), parseTime(resp.PaymentCreateTime)),
	}
	if st == status.PaymentSucceeded {
		if err := capturedState(p, resp); err != nil {
			return nil, unknown(op, a.resp, status.CodeProviderError, "Antom's capture transaction does not read: inquire again later", err)
		}
	}
	if st == status.PaymentFailed || st == status.PaymentExpired {
		p.FailureReason = reason(resp.PaymentResultCode, resp.PaymentResultMessage)
	}
	if p.ProviderPaymentID == "" {
		return nil, unknown(op, a.resp, status.CodeProviderError, "Antom's inquiry answer has no paymentId: inquire again later", nil)
	}
	return p, nil
}

// capturedState sets the Status and Captured of a SUCCESS payment from its capture transactions (see
// captureState): the captures in SUCCESS or PROCESSING are what was taken; with none, a payment whose
// answer carries authExpiryTime is AUTHORIZED and any other was captured automatically, whole.
func capturedState(p *paygate.Payment, resp *inquiryResponse) error {
	var captured money.Amount
	state := ""
	for _, t := range resp.Transactions {
		if t.TransactionType != "CAPTURE" || (t.TransactionStatus != "SUCCESS" && t.TransactionStatus != "PROCESSING") {
			continue
		}
		amt, err := fromWire(t.TransactionAmount)
		if err != nil {
			return fmt.Errorf("transactionAmount: %w", err)
		}
		if captured.IsZero() {
			captured = amt
		} else if captured, err = captured.Add(amt); err != nil {
			return err
		}
		if state != "PROCESSING" {
			state = t.TransactionStatus
		}
	}
	p.Status = captureState(state, resp.AuthExpiryTime != "")
	switch {
	case state != "":
		p.Captured = captured
	case p.Status == status.PaymentSucceeded:
		p.Captured = p.Amount
	}
	return nil
}

// captureOf returns the CAPTURE transaction made with captureRequestID, or nil.
func captureOf(resp *inquiryResponse, captureRequestID string) *transaction {
	for i, t := range resp.Transactions {
		if t.TransactionType == "CAPTURE" && t.TransactionRequestID == captureRequestID {
			return &resp.Transactions[i]
		}
	}
	return nil
}

func firstTime(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

func reason(code, message string) string {
	switch {
	case code != "" && message != "":
		return code + ": " + message
	case code != "":
		return code
	}
	return message
}

// Cancel sends cancel (paymentId wins when both ids are given). Antom cancels an unpaid payment, and a
// paid one that was not refunded, inside the contract's cancel window; after it the answer is F
// CANCEL_WINDOW_EXCEEDED. The Payment returned has status CANCELED and no amount (cancel does not
// return one; Inquire does).
func (g *Gateway) Cancel(ctx context.Context, req *paygate.CancelRequest) (*paygate.Payment, error) {
	return provider.Run(ctx, g.calls(), req, g.cancel)
}

func (g *Gateway) cancel(ctx context.Context, c *provider.Call, req *paygate.CancelRequest) (*paygate.Payment, error) {
	op := c.Op
	a, err := g.post(ctx, c, "cancel", paymentRef{PaymentRequestID: req.PaymentRequestID, PaymentID: req.ProviderPaymentID, MerchantAccountID: g.cfg.MerchantAccountID})
	if err != nil {
		return nil, err
	}
	if a.result.ResultStatus != "S" {
		return nil, g.resultError(op, a)
	}
	var resp cancelResponse
	if err := g.decodeInto(op, a, &resp); err != nil {
		return nil, err
	}
	return &paygate.Payment{
		Provider: Name, PaymentRequestID: firstNonEmpty(resp.PaymentRequestID, req.PaymentRequestID),
		ProviderPaymentID: firstNonEmpty(resp.PaymentID, req.ProviderPaymentID),
		Status:            status.PaymentCanceled, ProviderStatus: "CANCELLED", UpdatedAt: parseTime(resp.CancelTime),
	}, nil
}

// Refund sends refund. Antom identifies the payment by paymentId only: when the request has just the
// PaymentRequestID, the adapter first inquires to learn it (one more call, in the same retry budget).
// Several partial refunds are allowed up to the amount paid. S is a refund that succeeded;
// REFUND_IN_PROCESS is U (inquire with the same RefundRequestID).
func (g *Gateway) Refund(ctx context.Context, req *paygate.RefundRequest) (*paygate.Refund, error) {
	return provider.Run(ctx, g.calls(), req, g.refund)
}

func (g *Gateway) refund(ctx context.Context, c *provider.Call, req *paygate.RefundRequest) (*paygate.Refund, error) {
	op := c.Op
	amt, err := toWire(req.Amount)
	if err != nil {
		return nil, unsupportedCurrency(op, err, "; nothing was sent")
	}
	// The refund body names no currency the payment must match; the lookup also yields the
	// paymentId when only a PaymentRequestID is given.
	p, err := g.calls().RefundablePayment(ctx, g.Inquire, req)
	if err != nil {
		return nil, err
	}
	if p.Status == status.PaymentAuthorized {
		return nil, &paygate.Error{Provider: Name, Op: op, Outcome: status.Failure, Code: status.CodeInvalidState,
			Message: "the payment is AUTHORIZED and nothing was captured, so there is nothing to refund; nothing was sent: Cancel it to release the hold, or Capture it first"}
	}
	paymentID, paymentRequestID := p.ProviderPaymentID, p.PaymentRequestID
	a, err := g.post(ctx, c, "refund", refundRequest{
		RefundRequestID: req.RefundRequestID, PaymentID: paymentID, RefundAmount: amt,
		RefundReason: req.Reason, RefundNotifyURL: req.NotifyURL,
		Metadata: refundMetadata{PaymentID: paymentID, PaymentRequestID: paymentRequestID}.encode(),
	})
	if err != nil {
		return nil, err
	}
	if a.result.ResultStatus != "S" {
		return nil, g.resultError(op, a)
	}
	var resp refundResponse
	if err := g.decodeInto(op, a, &resp); err != nil {
		return nil, err
	}
	r := &paygate.Refund{
		Provider: Name, RefundRequestID: firstNonEmpty(resp.RefundRequestID, req.RefundRequestID),
		ProviderRefundID: resp.RefundID, PaymentRequestID: paymentRequestID, ProviderPaymentID: firstNonEmpty(resp.PaymentID, paymentID),
		Status: status.RefundSucceeded, ProviderStatus: "SUCCESS", Amount: req.Amount, UpdatedAt: parseTime(resp.RefundTime),
	}
	if resp.RefundAmount != nil {
		if r.Amount, err = fromWire(resp.RefundAmount); err != nil {
			return nil, unknown(op, a.resp, status.CodeProviderError,
				"Antom's refundAmount does not read as an amount: inquire with the same RefundRequestID", err)
		}
	}
	// A signed answer about some other refund is not ours.
	if !r.Amount.Equal(req.Amount) || r.RefundRequestID != req.RefundRequestID || r.ProviderPaymentID != paymentID {
		return nil, unknown(op, a.resp, status.CodeProviderError,
			fmt.Sprintf("Antom's refund answer (%s, %s, payment %s) does not match the refund sent: inquire with the same RefundRequestID before acting",
				r.Amount, r.RefundRequestID, r.ProviderPaymentID), nil)
	}
	if r.ProviderRefundID == "" {
		return nil, unknown(op, a.resp, status.CodeProviderError,
			"Antom accepted the refund but its response has no refundId: inquire with the same RefundRequestID", nil)
	}
	return r, nil
}

// InquireRefund sends inquiryRefund (refundId wins when both ids are given). As for payments, the
// result is about the inquiry; the refund's state is refundStatus.
func (g *Gateway) InquireRefund(ctx context.Context, req *paygate.InquireRefundRequest) (*paygate.Refund, error) {
	return provider.Run(ctx, g.calls(), req, g.inquireRefund)
}

func (g *Gateway) inquireRefund(ctx context.Context, c *provider.Call, req *paygate.InquireRefundRequest) (*paygate.Refund, error) {
	op := c.Op
	a, err := g.post(ctx, c, "inquiryRefund", refundRef{RefundRequestID: req.RefundRequestID, RefundID: req.ProviderRefundID, MerchantAccountID: g.cfg.MerchantAccountID})
	if err != nil {
		return nil, err
	}
	if a.result.ResultStatus != "S" {
		return nil, g.resultError(op, a)
	}
	var resp inquiryRefundResponse
	if err := g.decodeInto(op, a, &resp); err != nil {
		return nil, err
	}
	st, ok := refundStatusTable[resp.RefundStatus]
	if !ok {
		return nil, unknown(op, a.resp, status.CodeUnknown,
			fmt.Sprintf("Antom's refundStatus %q is not one the adapter knows, so the refund's state is unknown: inquire again later", resp.RefundStatus), nil)
	}
	var amt money.Amount
	if resp.RefundAmount != nil {
		if amt, err = fromWire(resp.RefundAmount); err != nil {
			return nil, unknown(op, a.resp, status.CodeProviderError, "Antom's refundAmount does not read as an amount: inquire again later", err)
		}
	}
	if resp.RefundID == "" {
		return nil, unknown(op, a.resp, status.CodeProviderError, "Antom's refund inquiry answer has no refundId: inquire again later", nil)
	}
	// inquiryRefund names no payment: its paymentId is in the metadata the adapter sent with the refund.
	return &paygate.Refund{
		Provider: Name, RefundRequestID: resp.RefundRequestID, ProviderRefundID: resp.RefundID,
		PaymentRequestID: readRefundMetadata(resp.Metadata).PaymentRequestID, ProviderPaymentID: readRefundMetadata(resp.Metadata).PaymentID,
		Status: st, ProviderStatus: resp.RefundStatus, Amount: amt, UpdatedAt: parseTime(resp.RefundTime),
	}, nil
}
