package memory

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"go.uber.org/zap"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

// ledgerKey is the request id the ledger counts a call under: the merchant's request id, or the
// provider's id when that is the only one.
func ledgerKey(req any) string {
	switch r := req.(type) {
	case *paygate.CreateRequest:
		return r.PaymentRequestID
	case *paygate.InquireRequest:
		return orProvider(r.PaymentRequestID, r.ProviderPaymentID)
	case *paygate.CancelRequest:
		return orProvider(r.PaymentRequestID, r.ProviderPaymentID)
	case *paygate.RefundRequest:
		return r.RefundRequestID
	case *paygate.InquireRefundRequest:
		return orProvider(r.RefundRequestID, r.ProviderRefundID)
	case *paygate.CaptureRequest:
		return r.CaptureRequestID
	}
	return ""
}

func orProvider(requestID, providerID string) string {
	if requestID != "" {
		return requestID
	}
	return providerID
}

// call runs one Gateway call through provider.Run (validate, name the ids, log once) and, for a
// valid request: records it in the ledger, refuses it when ctx is already done, and applies the next
// injected fault around process. process runs under no lock; it takes g.mu itself and returns copies.
func call[R provider.OpRequest, T any](g *Gateway, ctx context.Context, req R, process func() (T, error)) (T, error) {
	calls := provider.Calls{Provider: g.name, Log: g.log, CaptureModes: declared.CaptureModes}
	return provider.Run(ctx, calls, req, func(ctx context.Context, c *provider.Call, req R) (res T, err error) {
		op := c.Op
		g.ledger.Received(op, ledgerKey(req))
		if cerr := ctx.Err(); cerr != nil {
			return res, &paygate.Error{
				Provider: g.name, Op: op, Outcome: status.Failure, Code: status.CodeUnavailable,
				Message: "the context was done before the call was sent; nothing was processed: send it again with a live context",
				Err:     fmt.Errorf("%w: %w", retry.ErrNotSent, cerr),
			}
		}
		fault, faulted := g.faults.Next(op)
		if !faulted {
			return process()
		}
		c.Note(zap.String("fault", fault.Kind.String()))
		if !fault.Kind.Processes() {
			return res, g.faultError(op, fault)
		}
		return strike(g, ctx, op, fault, process)
	})
}

// strike runs process under a fault that lets the request be processed, and answers as the fault
// says.
func strike[T any](g *Gateway, ctx context.Context, op paygate.Op, fault sim.Fault, process func() (T, error)) (T, error) {
	res, err := process()
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
