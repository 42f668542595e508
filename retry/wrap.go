package retry

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/internal/logfields"
	"github.com/paygate-go/paygate/status"
)

// Wrap returns a Gateway that applies the S/F/U rules of [Decide] to every call of gw under policy p
// (zero fields from [Default]). Wrapping a wrapped Gateway replaces the policy rather than nesting
// retries. The result is safe for concurrent use when gw is.
func Wrap(gw paygate.Gateway, p Policy) paygate.Gateway {
	if w, ok := gw.(*gateway); ok {
		gw = w.inner
	}
	return &gateway{inner: gw, policy: p.WithDefaults()}
}

type gateway struct {
	inner  paygate.Gateway
	policy Policy
}

// Unwrap returns the Gateway inside.
func (w *gateway) Unwrap() paygate.Gateway { return w.inner }

// Idempotency forwards the inner Gateway's declaration, so wrapping does not hide it.
func (w *gateway) Idempotency(op paygate.Op) Idempotency { return IdempotencyOf(w.inner, op) }

func (w *gateway) Create(ctx context.Context, req *paygate.CreateRequest) (*paygate.Payment, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	return run(ctx, w, call[*paygate.Payment]{
		op:  paygate.OpCreate,
		ids: logfields.Create(req),
		send: func(ctx context.Context) (*paygate.Payment, error) {
			return w.inner.Create(ctx, req)
		},
		inquire: func(ctx context.Context) (*paygate.Payment, error) {
			return w.inner.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: req.PaymentRequestID})
		},
		landed:  func(p *paygate.Payment) bool { return p != nil },
		present: func(p *paygate.Payment) bool { return p != nil },
		// A payment found by inquiry often lacks the Action the create answered with (the redirect or
		// QR code the customer needs). A deduping provider answers the identical create with the
		// original payment, so ask once more.
		refresh: func(ctx context.Context, p *paygate.Payment) *paygate.Payment {
			if p.Action != nil || p.Status != status.PaymentRequiresAction || !IdempotencyOf(w.inner, paygate.OpCreate).Dedupes {
				return p
			}
			again, err := w.inner.Create(ctx, req)
			reportFrom(ctx).attempt() // a send like any other: Report.Sends counts what reached the provider
			if err == nil && again != nil && again.ProviderPaymentID == p.ProviderPaymentID {
				return again
			}
			return p
		},
	})
}

func (w *gateway) Inquire(ctx context.Context, req *paygate.InquireRequest) (*paygate.Payment, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	return run(ctx, w, call[*paygate.Payment]{
		op:      paygate.OpInquire,
		ids:     logfields.Inquire(req),
		send:    func(ctx context.Context) (*paygate.Payment, error) { return w.inner.Inquire(ctx, req) },
		present: func(p *paygate.Payment) bool { return p != nil },
	})
}

func (w *gateway) Cancel(ctx context.Context, req *paygate.CancelRequest) (*paygate.Payment, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	return run(ctx, w, call[*paygate.Payment]{
		op:   paygate.OpCancel,
		ids:  logfields.Cancel(req),
		send: func(ctx context.Context) (*paygate.Payment, error) { return w.inner.Cancel(ctx, req) },
		inquire: func(ctx context.Context) (*paygate.Payment, error) {
			return w.inner.Inquire(ctx, &paygate.InquireRequest{
				PaymentRequestID: req.PaymentRequestID, ProviderPaymentID: req.ProviderPaymentID,
			})
		},
		// The cancel landed only if the payment now is cancelled; any other answer means it did not
		// (yet), and the identical cancel is sent again for the provider to decide.
		landed:  func(p *paygate.Payment) bool { return p != nil && p.Status == status.PaymentCanceled },
		present: func(p *paygate.Payment) bool { return p != nil },
	})
}

func (w *gateway) Capture(ctx context.Context, req *paygate.CaptureRequest) (*paygate.Payment, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	return run(ctx, w, call[*paygate.Payment]{
		op:   paygate.OpCapture,
		ids:  logfields.Capture(req),
		send: func(ctx context.Context) (*paygate.Payment, error) { return w.inner.Capture(ctx, req) },
		inquire: func(ctx context.Context) (*paygate.Payment, error) {
			return w.inner.Inquire(ctx, &paygate.InquireRequest{
				PaymentRequestID: req.PaymentRequestID, ProviderPaymentID: req.ProviderPaymentID,
			})
		},
		landed:  CaptureLanded,
		present: func(p *paygate.Payment) bool { return p != nil },
	})
}

// CaptureLanded reports whether an inquired payment shows that a capture took effect: money was
// captured (the provider may still be processing it) or the payment succeeded. A payment holds one
// capture at most, so any captured money is that capture's.
func CaptureLanded(p *paygate.Payment) bool {
	return p != nil && (p.Captured.IsPositive() || p.Status == status.PaymentSucceeded)
}

func (w *gateway) Refund(ctx context.Context, req *paygate.RefundRequest) (*paygate.Refund, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	return run(ctx, w, call[*paygate.Refund]{
		op:   paygate.OpRefund,
		ids:  logfields.RefundRequest(req),
		send: func(ctx context.Context) (*paygate.Refund, error) { return w.inner.Refund(ctx, req) },
		inquire: func(ctx context.Context) (*paygate.Refund, error) {
			// The payment's ids ride along for providers that find a refund only through its payment.
			return w.inner.InquireRefund(ctx, &paygate.InquireRefundRequest{RefundRequestID: req.RefundRequestID,
				PaymentRequestID: req.PaymentRequestID, ProviderPaymentID: req.ProviderPaymentID})
		},
		landed:  func(r *paygate.Refund) bool { return r != nil },
		present: func(r *paygate.Refund) bool { return r != nil },
	})
}

func (w *gateway) InquireRefund(ctx context.Context, req *paygate.InquireRefundRequest) (*paygate.Refund, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	return run(ctx, w, call[*paygate.Refund]{
		op:      paygate.OpInquireRefund,
		ids:     logfields.InquireRefund(req),
		send:    func(ctx context.Context) (*paygate.Refund, error) { return w.inner.InquireRefund(ctx, req) },
		present: func(r *paygate.Refund) bool { return r != nil },
	})
}

// call is one caller's operation: how to send it, and for writes how to inquire about it and
// whether the inquired object shows that it landed.
type call[T any] struct {
	op      paygate.Op
	ids     []zap.Field
	send    func(context.Context) (T, error)
	inquire func(context.Context) (T, error) // nil for reads
	landed  func(T) bool
	present func(T) bool               // the answer carries an object
	refresh func(context.Context, T) T // optional: improve an object found by inquiry
}

// insideKey marks a context already inside a Wrap, so a Wrap nested under a decorator passes calls
// through instead of multiplying the outer one's budget and resolution.
type insideKey struct{}

// errNoObject is the U for an S answer that carries no object: an adapter bug, and not a result.
func errNoObject(op paygate.Op) error {
	return &paygate.Error{Op: op, Outcome: status.Unknown, Code: status.CodeProviderError,
		Message: fmt.Sprintf("the gateway answered the %s with success but no object (an adapter bug); inquire with the same id", op)}
}

// unknown builds the U the caller gets: the latest unknown answer to the call itself when it is a
// proper U, otherwise a U wrapping everything that was learned. It is never F.
func unknown(ctx context.Context, op paygate.Op, lastUnknown, inquiryErr, last error) error {
	if inquiryErr == nil && ctx.Err() == nil && lastUnknown != nil && paygate.OutcomeOf(lastUnknown) == status.Unknown {
		return lastUnknown
	}
	u := &paygate.Error{
		Provider: providerOf(lastUnknown, inquiryErr, last),
		Op:       op,
		Outcome:  status.Unknown,
		Code:     unknownCode(ctx, lastUnknown),
		Message:  unknownMessage(ctx, op, inquiryErr),
		Err:      errors.Join(unknownCauses(ctx, lastUnknown, inquiryErr, last)...),
	}
	// Support staff need the provider's own answer on the error itself, not only deep in its causes.
	var pe *paygate.Error
	if errors.As(lastUnknown, &pe) {
		u.ProviderCode, u.ProviderMessage, u.HTTPStatus, u.RetryAfter = pe.ProviderCode, pe.ProviderMessage, pe.HTTPStatus, pe.RetryAfter
	}
	return u
}

// unknownCode is the latest unknown answer's code, or CodeTimeout when the caller's deadline passed.
func unknownCode(ctx context.Context, lastUnknown error) status.Code {
	code := status.CodeUnknown
	if lastUnknown != nil {
		code = paygate.CodeOf(lastUnknown)
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		code = status.CodeTimeout
	}
	return code
}

// providerOf is the first provider named by errs.
func providerOf(errs ...error) string {
	for _, e := range errs {
		var pe *paygate.Error
		if errors.As(e, &pe) && pe.Provider != "" {
			return pe.Provider
		}
	}
	return ""
}

// unknownMessage says what is unknown, why it stayed so, and for a write what the caller may do.
func unknownMessage(ctx context.Context, op paygate.Op, inquiryErr error) string {
	msg := fmt.Sprintf("the %s may or may not have happened", op)
	switch {
	case ctx.Err() != nil:
		msg += " (the context ended before it was resolved)"
	case inquiryErr != nil:
		msg += " (inquiry could not resolve it)"
	}
	if op.Write() {
		msg += "; inquire later with the same id, or resend the identical request — never create a new one"
	}
	return msg
}

// unknownCauses lists each distinct thing learned, the latest unknown answer first.
func unknownCauses(ctx context.Context, lastUnknown, inquiryErr, last error) []error {
	causes := []error{lastUnknown}
	if inquiryErr != nil && inquiryErr != last {
		causes = append(causes, inquiryErr)
	}
	if last != nil && last != lastUnknown {
		causes = append(causes, last)
	}
	if ctx.Err() != nil {
		causes = append(causes, ctx.Err())
	}
	return causes
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// log writes one entry per try: S at Debug, everything else at Info (retries are news, not noise).
func (w *gateway) log(op paygate.Op, ids []zap.Field, try int, err error, s Situation, d Decision, delay time.Duration) {
	level := zap.InfoLevel
	if s.Outcome == status.Success {
		level = zap.DebugLevel
	}
	ce := w.policy.Logger.Check(level, "paygate retry: try")
	if ce == nil {
		return
	}
	phase := "send"
	if s.Phase == PhaseResolve {
		phase = "resolve"
	}
	fields := make([]zap.Field, 0, len(ids)+10)
	fields = append(fields, zap.String("op", string(op)))
	fields = append(fields, ids...)
	fields = append(fields,
		zap.Int("attempt", try),
		zap.String("phase", phase),
		zap.String("outcome", string(s.Outcome)),
		zap.String("code", string(s.Code)),
		zap.String("next", d.Step.String()),
		zap.Duration("delay", delay),
		zap.String("why", d.Why),
	)
	var pe *paygate.Error
	if errors.As(err, &pe) && pe.ProviderCode != "" {
		fields = append(fields, zap.String("provider_code", pe.ProviderCode))
	}
	if d.Step == Return && s.Phase == PhaseSend && s.Outcome != status.Success {
		fields = append(fields, zap.String("result_outcome", string(d.Outcome)))
	}
	ce.Write(fields...)
}
