package provider

import (
	"context"
	"errors"
	"slices"

	"go.uber.org/zap"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/internal/logfields"
)

// Calls is an adapter's per-call plumbing, the same for every operation: [Run] checks a request
// against it, names the request's ids, runs the adapter's translation and logs the call. An adapter
// builds it once (or per call: it is a small value) from its name, logger and capabilities.
type Calls struct {
	// Provider is Error.Provider on every error Run makes.
	Provider string
	// Log receives one Debug entry per call. It must already redact (see [NewLogger]) and name the
	// provider (Logger.With(zap.String("provider", name))): the transport names it in its own entries,
	// so Run does not add it. Nil logs nothing.
	Log *zap.Logger
	// Ops are the operations the adapter offers (its Capabilities().Ops); nil means all of them. Any
	// other is F NOT_SUPPORTED and the translation never runs.
	Ops []paygate.Op
	// NotOffered is, per operation missing from Ops, what the caller should do instead; Run puts it
	// in the NOT_SUPPORTED error's message.
	NotOffered map[paygate.Op]string
	// CaptureModes are the capture modes Create accepts besides automatic (Capabilities().CaptureModes).
	// A create asking for another is F NOT_SUPPORTED and the translation never runs.
	CaptureModes []paygate.CaptureMode
}

// OpRequest is what a Gateway operation takes; its type decides the operation.
type OpRequest interface {
	*paygate.CreateRequest | *paygate.InquireRequest | *paygate.CancelRequest | *paygate.RefundRequest | *paygate.InquireRefundRequest | *paygate.CaptureRequest
	Validate() error
}

// Call is one operation in flight, as Run hands it to the adapter's translation.
type Call struct {
	// Op is the operation, for errors and provider.Request.Op.
	Op paygate.Op
	// IDs name the request's ids (internal/logfields), for provider.Request.IDs.
	IDs   []zap.Field
	notes []zap.Field
}

// Note adds fields to the call's log entry: what the answer said (an HTTP status, the provider's
// status and ids), never request contents.
func (c *Call) Note(fs ...zap.Field) { c.notes = append(c.notes, fs...) }

// Run runs one Gateway operation of an adapter: it validates req (an invalid request is F
// INVALID_REQUEST naming the provider and never reaches the network), refuses an operation the
// adapter does not offer (F NOT_SUPPORTED, nothing sent), names req's ids, runs translate, and logs
// the call once, at Debug whatever the outcome (retry.Wrap logs what it retries at Info).
func Run[R OpRequest, T any](ctx context.Context, cs Calls, req R, translate func(context.Context, *Call, R) (T, error)) (res T, err error) {
	c := &Call{Op: opOf(req)}
	defer func() { cs.log(c, err) }()
	if err := req.Validate(); err != nil {
		return res, withProvider(cs.Provider, err)
	}
	if cs.Ops != nil && !slices.Contains(cs.Ops, c.Op) {
		return res, NotSupported(cs.Provider, c.Op, "", notOffered(cs, c.Op))
	}
	if cr, ok := any(req).(*paygate.CreateRequest); ok && cr.CaptureMode != paygate.CaptureAutomatic && !slices.Contains(cs.CaptureModes, cr.CaptureMode) {
		return res, NotSupported(cs.Provider, c.Op, "", cs.Provider+" does not offer "+cr.CaptureMode.String()+
			" capture; nothing was sent: create the payment with automatic capture, or at a provider that offers it")
	}
	c.IDs = idsOf(req)
	return translate(ctx, c, req)
}

func notOffered(cs Calls, op paygate.Op) string {
	if msg := cs.NotOffered[op]; msg != "" {
		return msg
	}
	return cs.Provider + " does not offer " + string(op) + "; nothing was sent: use another provider for it"
}

// opOf is the operation a request is for.
func opOf(req any) paygate.Op {
	switch req.(type) {
	case *paygate.CreateRequest:
		return paygate.OpCreate
	case *paygate.InquireRequest:
		return paygate.OpInquire
	case *paygate.CancelRequest:
		return paygate.OpCancel
	case *paygate.RefundRequest:
		return paygate.OpRefund
	case *paygate.CaptureRequest:
		return paygate.OpCapture
	default: // *paygate.InquireRefundRequest, the one type OpRequest allows not listed above
		return paygate.OpInquireRefund
	}
}

// idsOf names a valid (so non-nil) request's ids.
func idsOf(req any) []zap.Field {
	switch r := req.(type) {
	case *paygate.CreateRequest:
		return logfields.Create(r)
	case *paygate.InquireRequest:
		return logfields.Inquire(r)
	case *paygate.CancelRequest:
		return logfields.Cancel(r)
	case *paygate.RefundRequest:
		return logfields.RefundRequest(r)
	case *paygate.InquireRefundRequest:
		return logfields.InquireRefund(r)
	case *paygate.CaptureRequest:
		return logfields.Capture(r)
	}
	return nil
}

// log writes the call's one entry: op, ids, outcome, code, the provider's code and the field an
// invalid request got wrong, then the translation's notes. Never bodies or headers.
func (cs Calls) log(c *Call, err error) {
	if cs.Log == nil {
		return
	}
	ce := cs.Log.Check(zap.DebugLevel, "call")
	if ce == nil {
		return
	}
	fs := make([]zap.Field, 0, 6+len(c.IDs)+len(c.notes))
	fs = append(fs, zap.String("op", string(c.Op)))
	fs = append(fs, c.IDs...)
	fs = append(fs,
		zap.String("outcome", string(paygate.OutcomeOf(err))),
		zap.String("code", string(paygate.CodeOf(err))),
	)
	var pe *paygate.Error
	if errors.As(err, &pe) {
		if pe.ProviderCode != "" {
			fs = append(fs, zap.String("provider_code", pe.ProviderCode))
		}
		if pe.Field != "" {
			fs = append(fs, zap.String("field", pe.Field))
		}
	}
	ce.Write(append(fs, c.notes...)...)
}
