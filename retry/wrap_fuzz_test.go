package retry_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

// FuzzWrap drives retry.Wrap with arbitrary sequences of answers to creates and inquiries and checks
// the end-to-end rule: the caller gets F only when the last create answer was a definite F that speaks
// for the call (not a never-sent try after an unknown one), and S only with a payment.
func FuzzWrap(f *testing.F) {
	f.Add([]byte{2, 2, 2}, []byte{5, 0}, false)
	f.Add([]byte{2, 3}, []byte{2}, false)
	f.Add([]byte{1}, []byte{}, true)
	f.Add([]byte{4, 2, 3, 3, 3}, []byte{5, 2, 1}, true)
	f.Fuzz(func(t *testing.T, creates, inquiries []byte, notResendable bool) {
		c, i := paygate.OpCreate, paygate.OpInquire
		answers := func(op paygate.Op, bs []byte) []answer {
			var out []answer
			for _, b := range bs {
				switch b % 6 {
				case 0:
					out = append(out, answer{pay: pending})
				case 1:
					out = append(out, answer{err: ferr(op, status.CodeDeclined)})
				case 2:
					out = append(out, answer{err: uerr(op, status.CodeTimeout)})
				case 3:
					out = append(out, answer{err: &paygate.Error{Op: op, Outcome: status.Failure, Code: status.CodeUnavailable, Err: retry.ErrNotSent}})
				case 4:
					out = append(out, answer{err: errors.New("connection reset")})
				case 5:
					out = append(out, answer{err: ferr(op, status.CodeNotFound)})
				}
			}
			return out
		}
		fake := newScripted(map[paygate.Op][]answer{c: answers(c, creates), i: answers(i, inquiries)})
		if notResendable {
			fake.declare = &retry.Idempotency{}
		}
		p := retry.Policy{MaxAttempts: 3, BaseDelay: time.Microsecond, MaxDelay: time.Microsecond, ResolveFor: 3 * time.Millisecond}
		got, err := retry.Wrap(fake, p).Create(context.Background(), createReq())

		// Replay what the fake answered to the creates it received.
		sent := fake.count(c)
		script := answers(c, creates)
		if len(script) == 0 {
			script = []answer{{err: uerr(c, status.CodeUnavailable)}}
		}
		var last answer
		earlierUnknown := false
		for n := range sent {
			if n > 0 && paygate.OutcomeOf(last.err) == status.Unknown {
				earlierUnknown = true
			}
			last = script[min(n, len(script)-1)]
		}
		switch paygate.OutcomeOf(err) {
		case status.Failure:
			lastF := paygate.OutcomeOf(last.err) == status.Failure
			notSent := errors.Is(last.err, retry.ErrNotSent)
			// After an unknown try, an F counts only once an inquiry has shown that try did not land.
			if !lastF || (notSent && earlierUnknown && fake.count(i) == 0) {
				t.Fatalf("F returned, but the last create answered %v (earlier unknown %v): %v", last.err, earlierUnknown, err)
			}
			if earlierUnknown && fake.count(i) == 0 {
				t.Fatalf("F returned after an unknown try, without an inquiry showing it did not land: %v", err)
			}
		case status.Success:
			if got == nil {
				t.Fatal("S without a payment")
			}
		}
		if notResendable && sent > 1 {
			t.Fatalf("a create that may not be resent was sent %d times", sent)
		}
	})
}
