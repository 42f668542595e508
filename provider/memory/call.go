package memory

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"go.uber.org/zap"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

// callIDs are the ids a call names; they are logged and one of them keys the ledger.
type callIDs struct {
	paymentRequestID  string
	providerPaymentID string
	refundRequestID   string
	providerRefundID  string
}

// ledgerKey is the request id the ledger counts the call under: the merchant's request id, or the
// provider's id when that is the only one.
func (c callIDs) ledgerKey(op paygate.Op) string {
	if op == paygate.OpRefund || op == paygate.OpInquireRefund {
		if c.refundRequestID != "" {
			return c.refundRequestID
		}
		return c.providerRefundID
	}
	if c.paymentRequestID != "" {
		return c.paymentRequestID
	}
	return c.providerPaymentID
}

func (c callIDs) fields() []zap.Field {
	var fs []zap.Field
	add := func(k, v string) {
		if v != "" {
			fs = append(fs, zap.String(k, v))
		}
	}
	add("payment_request_id", c.paymentRequestID)
	add("provider_payment_id", c.providerPaymentID)
	add("refund_request_id", c.refundRequestID)
	add("provider_refund_id", c.providerRefundID)
	return fs
}

// call runs one Gateway call: validate, record it in the ledger, refuse it when ctx is already done,
// apply the next injected fault around process, and log the result. process runs under no lock; it
// takes g.mu itself and returns copies.
func call[T any](g *Gateway, ctx context.Context, op paygate.Op, ids callIDs, validate func() error, process func() (T, error)) (res T, err error) {
	var (
		fault   sim.Fault
		faulted bool
	)
	defer func() { g.logCall(op, ids, fault, faulted, err) }()
	if err = validate(); err != nil {
		return res, err
	}
	g.ledger.Received(op, ids.ledgerKey(op))
	if cerr := ctx.Err(); cerr != nil {
		return res, &paygate.Error{
			Provider: g.name, Op: op, Outcome: status.Failure, Code: status.CodeUnavailable,
			Message: "the context was done before the call was sent; nothing was processed: send it again with a live context",
			Err:     fmt.Errorf("%w: %w", retry.ErrNotSent, cerr),
		}
	}
	if fault, faulted = g.faults.Next(op); faulted && !fault.Kind.Processes() {
		return res, g.faultError(op, fault)
	}
	res, err = process()
	if !faulted {
		return res, err
	}
	var zero T
	switch fault.Kind {
	case sim.LoseReply:
		return zero, g.unknown(op, status.CodeTimeout, fault,
			"the reply was lost: the request may have been processed — inquire or resend with the same ids", nil)
	case sim.CorruptBody:
		return zero, g.unknown(op, status.CodeProviderError, fault,
			"the reply did not parse: the request may have been processed — inquire or resend with the same ids", nil)
	case sim.CorruptSignature:
		return zero, g.unknown(op, status.CodeProviderError, fault,
			"the reply signature did not verify: the request may have been processed — inquire or resend with the same ids", nil)
	default: // sim.DelayReply
		if fault.Delay <= 0 {
			return res, err
		}
		t := time.NewTimer(fault.Delay)
		defer t.Stop()
		select {
		case <-t.C:
			return res, err
		case <-ctx.Done():
			return zero, g.unknown(op, status.CodeTimeout, fault,
				"no reply before the context ended: the request may have been processed — inquire or resend with the same ids", ctx.Err())
		case <-g.done:
			return zero, g.unknown(op, status.CodeTimeout, fault,
				"the gateway closed before the reply: the request may have been processed — inquire or resend with the same ids", errClosed)
		}
	}
}

// faultError is the answer to a call struck by a fault that does not process the request.
func (g *Gateway) faultError(op paygate.Op, f sim.Fault) *paygate.Error {
	switch f.Kind {
	case sim.DropBeforeProcessing:
		return g.unknown(op, status.CodeUnavailable, f,
			"the connection dropped before a reply: the request may have been processed — resend with the same ids or inquire", nil)
	case sim.ReplyStatus:
		msg := fmt.Sprintf("the provider answered HTTP %d: resend with the same ids or inquire", f.Status)
		if f.RetryAfter > 0 {
			msg += fmt.Sprintf(" (it asked to wait %s)", f.RetryAfter)
		}
		e := g.unknown(op, classifyHTTPStatus(f.Status), f, msg, nil)
		e.HTTPStatus = f.Status
		e.ProviderMessage = http.StatusText(f.Status)
		return e
	case sim.ReplyCode:
		outcome, code, advice := classify(f.Code)
		return &paygate.Error{
			Provider: g.name, Op: op, Outcome: outcome, Code: code,
			Message: advice, ProviderCode: f.Code, ProviderMessage: "injected fault: " + f.String(),
		}
	}
	return g.unknown(op, status.CodeUnknown, f, "an unknown fault struck the call: treat it as unknown — inquire or resend with the same ids", nil)
}

// unknown is a U error caused by an injected fault.
func (g *Gateway) unknown(op paygate.Op, code status.Code, f sim.Fault, msg string, cause error) *paygate.Error {
	return &paygate.Error{
		Provider: g.name, Op: op, Outcome: status.Unknown, Code: code,
		Message: msg, ProviderMessage: "injected fault: " + f.String(), Err: cause,
	}
}

// fail is the provider's own answer with one of its codes; the outcome comes from the code table.
func (g *Gateway) fail(op paygate.Op, code status.Code, field, providerMessage, message string) *paygate.Error {
	outcome, c, advice := classify(string(code))
	if message == "" {
		message = advice
	}
	return &paygate.Error{
		Provider: g.name, Op: op, Outcome: outcome, Code: c, Field: field,
		Message: message, ProviderCode: string(code), ProviderMessage: providerMessage,
	}
}

// logCall logs one call at Debug: op, ids, outcome, code, fault. Never request contents.
func (g *Gateway) logCall(op paygate.Op, ids callIDs, f sim.Fault, faulted bool, err error) {
	if ce := g.log.Check(zap.DebugLevel, "call"); ce != nil {
		fs := append(ids.fields(),
			zap.String("op", string(op)),
			zap.String("outcome", string(paygate.OutcomeOf(err))),
			zap.String("code", string(paygate.CodeOf(err))),
		)
		if faulted {
			fs = append(fs, zap.String("fault", f.Kind.String()))
		}
		var pe *paygate.Error
		if errors.As(err, &pe) && pe.ProviderCode != "" {
			fs = append(fs, zap.String("provider_code", pe.ProviderCode))
		}
		ce.Write(fs...)
	}
}
