package retry

import (
	"context"
	"errors"
	"time"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/internal/budget"
	"github.com/paygate-go/paygate/status"
)

// run makes one caller's call under Wrap's rules: it sends, asks [Decide] what the result means, and
// takes the step Decide names until Decide returns.
func run[T any](ctx context.Context, w *gateway, c call[T]) (T, error) {
	if ctx.Value(insideKey{}) != nil {
		return passThrough(ctx, c)
	}
	ctx = context.WithValue(ctx, insideKey{}, true)
	decl := IdempotencyOf(w.inner, c.op)
	r := resolver[T]{
		ctx:        ctx,
		w:          w,
		c:          c,
		p:          w.policy,
		report:     reportFrom(ctx),
		budget:     budget.New(w.policy.MaxAttempts),
		resendable: !c.op.Write() || decl.Resendable(),
	}
	if c.op.Write() {
		r.window = decl.Window
	}
	return r.run()
}

// passThrough sends a call made inside another Wrap once: the outer Wrap owns the budget and the
// resolution.
func passThrough[T any](ctx context.Context, c call[T]) (T, error) {
	res, err := c.send(ctx)
	if err == nil && !c.present(res) {
		var zero T
		return zero, errNoObject(c.op)
	}
	return res, err
}

// resolver is the state of one call through Wrap. Each step Decide can name has its method: send
// (Resend), inquire (Inquire), and for Return succeed (S), fail (F) or giveUp (U); wait paces the
// steps in between.
type resolver[T any] struct {
	ctx        context.Context // the caller's, marked as inside a Wrap
	w          *gateway
	c          call[T]
	p          Policy
	report     *Report // nil when the caller asked for none
	budget     *budget.Budget
	resendable bool // reads, and writes the inner Gateway declared resendable
	// window is the provider's dedupe window for the write (Idempotency.Window); 0 for none. Past it,
	// counted from the first send, the write is no longer resent.
	window    time.Duration
	firstSend time.Time

	resolving    bool      // the send attempts are over and the write is being resolved
	deadline     time.Time // when resolving stops; set when resolving starts
	waits        int       // backoff index, continued across both phases
	lastUnknown  error     // the latest U answer to the call itself
	inquiryErr   error     // the latest failed inquiry
	priorUnknown bool      // an earlier send was U and no inquiry has shown since that it did not land
	resends      int       // resends made while resolving; at most MaxAttempts
}

// result is what one try (a send or an inquiry) produced.
type result[T any] struct {
	phase      Phase // PhaseSend for a send, PhaseResolve for an inquiry
	res        T
	err        error         // nil only with an object
	retryAfter time.Duration // the provider's Retry-After on err, 0 without
}

func (r *resolver[T]) run() (T, error) {
	next := Resend
	for try := 1; ; try++ {
		var got result[T]
		if next == Resend {
			got = r.send()
		} else {
			got = r.inquire()
		}
		s := r.situation(got)
		d := Decide(s)
		r.learn(got, s, d)
		delay := r.wait(got, d)
		r.w.log(r.c.op, r.c.ids, try, got.err, s, d, delay)

		switch {
		case d.Step != Return:
		case d.Outcome == status.Success:
			return r.succeed(got)
		case d.Outcome == status.Failure:
			return r.fail(got)
		default:
			return r.giveUp(got.err)
		}
		if err := sleep(r.ctx, delay); err != nil {
			return r.giveUp(err)
		}
		next = d.Step
	}
}

// send sends the call (Decide's Resend, and the first try). Before resolving it draws from the call's
// budget, which the transport below also draws its retries from; while resolving it gets a budget of
// one send, since the resolve loop does its own pacing and no transport retries belong inside it.
func (r *resolver[T]) send() result[T] {
	b := r.budget
	if r.resolving {
		b = budget.New(1)
	}
	before := b.Used()
	if r.firstSend.IsZero() {
		r.firstSend = time.Now()
	}
	res, err := r.c.send(budget.With(r.ctx, b))
	if b.Used() == before {
		b.Spend() // a Gateway without a transport (memory) still spends one send
	}
	if r.resolving {
		r.resends++
	}
	r.report.attempt()
	return r.result(PhaseSend, res, err)
}

// inquire asks about the write (Decide's Inquire), with one send and no transport retries.
func (r *resolver[T]) inquire() result[T] {
	res, err := r.c.inquire(budget.With(r.ctx, budget.New(1)))
	r.report.inquiry()
	return r.result(PhaseResolve, res, err)
}

// result completes a try's answer: an S without an object is a U (an adapter bug), and the provider's
// Retry-After is kept for pacing.
func (r *resolver[T]) result(phase Phase, res T, err error) result[T] {
	if err == nil && !r.c.present(res) {
		err = errNoObject(r.c.op)
	}
	got := result[T]{phase: phase, res: res, err: err}
	var pe *paygate.Error
	if errors.As(err, &pe) {
		got.retryAfter = pe.RetryAfter
	}
	return got
}

// situation is what Decide is asked about the try just made.
func (r *resolver[T]) situation(got result[T]) Situation {
	s := Situation{
		Op:           r.c.op,
		Phase:        got.phase,
		Outcome:      paygate.OutcomeOf(got.err),
		Code:         paygate.CodeOf(got.err),
		Resendable:   r.mayResend(),
		AttemptsLeft: r.attemptsLeft(got.retryAfter),
		TimeLeft:     r.timeLeft(),
		CtxDone:      r.ctx.Err() != nil,
		NotSent:      errors.Is(got.err, ErrNotSent),
		PriorUnknown: r.priorUnknown,
	}
	if got.phase == PhaseResolve && s.Outcome == status.Success {
		s.Landed = r.c.landed(got.res)
	}
	return s
}

// mayResend: the call may be sent again — a read, or a write the provider dedupes (or declared safe to
// resend) whose dedupe window, if any, has not passed since the first send.
func (r *resolver[T]) mayResend() bool {
	return r.resendable && (r.window <= 0 || time.Since(r.firstSend) < r.window)
}

// attemptsLeft: before resolving, the call's budget has a send left and the provider does not ask to
// wait longer than MaxDelay; while resolving, fewer than MaxAttempts resends were made.
func (r *resolver[T]) attemptsLeft(retryAfter time.Duration) bool {
	if r.resolving {
		return r.resends < r.p.MaxAttempts
	}
	return r.budget.Left() > 0 && retryAfter <= r.p.MaxDelay
}

// timeLeft: resolution is enabled and, once it started, its deadline has not passed.
func (r *resolver[T]) timeLeft() bool {
	return r.p.ResolveFor > 0 && (!r.resolving || time.Now().Before(r.deadline))
}

// learn keeps what the try showed about the call for the tries after it and for the final U.
func (r *resolver[T]) learn(got result[T], s Situation, d Decision) {
	if got.phase == PhaseSend && s.Outcome == status.Unknown {
		r.lastUnknown, r.priorUnknown = got.err, true
	}
	if got.phase == PhaseResolve && d.Step == Resend {
		// The inquiry shows the earlier tries did not land, so the answer to the resend speaks
		// for the whole call, F included.
		r.priorUnknown = false
	}
	if got.phase == PhaseResolve && got.err != nil {
		r.inquiryErr = got.err
	}
}

// wait is the pause before the step Decide named: none before returning or before a resend that an
// inquiry called for; otherwise the next backoff, at least the provider's Retry-After, and while
// resolving never past the deadline. The first Inquire starts resolving, and its deadline.
func (r *resolver[T]) wait(got result[T], d Decision) time.Duration {
	if d.Step == Return || (d.Step == Resend && got.phase == PhaseResolve) {
		return 0
	}
	r.waits++
	delay := max(r.p.Backoff(r.waits), got.retryAfter)
	if d.Step == Inquire && !r.resolving {
		r.resolving, r.deadline = true, time.Now().Add(r.p.ResolveFor)
	}
	if r.resolving {
		delay = min(delay, max(0, time.Until(r.deadline)))
	}
	return delay
}

// succeed returns S. An object found by inquiry may first be refreshed (see call.refresh), which
// sends the write again: only while the provider still dedupes it.
func (r *resolver[T]) succeed(got result[T]) (T, error) {
	res := got.res
	if got.phase == PhaseResolve && r.c.refresh != nil && r.mayResend() {
		res = r.c.refresh(budget.With(r.ctx, budget.New(1)), res)
	}
	r.report.finish(status.Success, r.resolving)
	return res, nil
}

// fail returns the provider's F as it came.
func (r *resolver[T]) fail(got result[T]) (T, error) {
	r.report.finish(status.Failure, r.resolving)
	var zero T
	return zero, got.err
}

// giveUp returns U, built from everything learned; last is the latest error (an answer, or the
// context's while waiting).
func (r *resolver[T]) giveUp(last error) (T, error) {
	r.report.finish(status.Unknown, r.resolving)
	var zero T
	return zero, unknown(r.ctx, r.c.op, r.lastUnknown, r.inquiryErr, last)
}
