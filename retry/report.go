package retry

import (
	"context"

	"github.com/paygate-go/paygate/status"
)

// Report tells a caller how Wrap reached its answer: how many sends and inquiries it took, and
// whether an unknown result was resolved. Put one in the context with WithReport; Wrap fills it in.
// Use one Report per call.
type Report struct {
	Sends     int            // times the request was sent (transport retries inside one send not counted)
	Inquiries int            // inquiries made to resolve an unknown write
	Resolved  bool           // the answer came after resolving by inquiry
	Outcome   status.Outcome // the outcome returned
}

type reportKey struct{}

// WithReport returns a context in which Wrap records its work into r.
func WithReport(ctx context.Context, r *Report) context.Context {
	return context.WithValue(ctx, reportKey{}, r)
}

func reportFrom(ctx context.Context) *Report {
	r, _ := ctx.Value(reportKey{}).(*Report)
	return r
}

func (r *Report) attempt() {
	if r != nil {
		r.Sends++
	}
}

func (r *Report) inquiry() {
	if r != nil {
		r.Inquiries++
	}
}

func (r *Report) finish(o status.Outcome, resolving bool) {
	if r != nil {
		r.Outcome, r.Resolved = o, resolving && o != status.Unknown
	}
}
