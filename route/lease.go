package route

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/status"
)

// ErrLeased is in the error of a call that found its journal entry leased by another call (on
// another router sharing the Store, or on this router when the caller's context ended while it
// waited): that call may be sending a write for the same id right now, so this one sent nothing and
// answered U. Call again with the same id once the lease has ended (Entry.LeaseUntil), or Inquire.
var ErrLeased = errors.New("route: another call holds the journal entry's lease")

// leaseHeld is the cause of a leased U: which call holds the lease. It is ErrLeased for errors.Is.
type leaseHeld struct{ owner string }

func (l *leaseHeld) Error() string        { return ErrLeased.Error() + " (" + l.owner + ")" }
func (l *leaseHeld) Is(target error) bool { return target == ErrLeased }

// hold is one router call's claim on journal entries: the token it writes as the lease owner, and,
// while it holds a lease, the moment (by this machine's clock) its provider calls must end.
type hold struct {
	token string
	until time.Time     // zero while no lease is held
	ended chan struct{} // closed when the call returns (finished)
}

// newHold returns the hold of a new call, with a token no other call of any router shares (the
// router's tokenPrefix and the call's number). The call is listed as running until finished(h).
func (r *Router) newHold() *hold {
	h := &hold{token: r.tokenPrefix + strconv.FormatUint(r.calls.Add(1), 10), ended: make(chan struct{})}
	r.runningMu.Lock()
	r.running[h.token] = h.ended
	r.runningMu.Unlock()
	return h
}

// tokenPrefix starts every lease token of a Router: its Instance, and a random number drawn when it
// was made (two routers may share an Instance, in one process or in two); newHold adds the call's
// number.
func tokenPrefix(instance string, random uint64) string {
	return instance + "#" + letters(random) + "/"
}

// letters writes n in base 26, as 14 letters: a lease token's random part. The errors that name a
// lease's holder are redacted, so a token must not look like a secret: digits there could line up
// with the call number into a card number (the redactor joins digit groups across '.', '-', '_' and
// ' '), and before a ':' or '=' letters could spell a secret's key ("…cvn:1"). So letters, then '/'.
func letters(n uint64) string {
	var b [14]byte
	for i := range b {
		b[i] = byte('a' + n%26)
		n /= 26
	}
	return string(b[:])
}

// finished ends h's call: calls of this router waiting for its lease go on.
func (r *Router) finished(h *hold) {
	r.runningMu.Lock()
	delete(r.running, h.token)
	r.runningMu.Unlock()
	close(h.ended)
}

// awaitLease decides what a call does about err. If err is a leased U for a lease held by a call of
// this router, it waits until that call has returned (it may have created the payment this call
// would answer with) and reports true: read the entry again. It reports false (answer err) for any
// other error, when ctx ends first, and for a lease held by another router: that call may be on
// another machine, which this one cannot watch, so its lease answers U at once. over holds the
// tokens of this router's calls already seen to have returned, so that a lease one of them could not
// give back (the journal write failed; it expires) is waited for only once.
func (r *Router) awaitLease(ctx context.Context, err error, over *[]string) bool {
	var lh *leaseHeld
	if !errors.As(err, &lh) || !strings.HasPrefix(lh.owner, r.tokenPrefix) {
		return false
	}
	r.runningMu.Lock()
	ended, running := r.running[lh.owner]
	r.runningMu.Unlock()
	if !running {
		if slices.Contains(*over, lh.owner) {
			return false
		}
		*over = append(*over, lh.owner)
		return true
	}
	select {
	case <-ended:
		*over = append(*over, lh.owner)
		return true
	case <-ctx.Done():
		return false
	}
}

// underHold runs attempt, one call's try at its journal entry, with a new hold until it answers:
// again (from the entry as stored now) after another call wrote the entry first, at most four times,
// and after waiting for a call of this router that held the entry's lease (awaitLease).
func underHold[T any](ctx context.Context, r *Router, op paygate.Op, attempt func(h *hold) (T, error)) (T, error) {
	h := r.newHold()
	defer r.finished(h)
	var over []string
	for races := 0; races < 4; {
		v, err := attempt(h)
		switch {
		case r.awaitLease(ctx, err, &over):
		case errors.Is(err, errRaced):
			races++
		default:
			return v, err
		}
	}
	var zero T
	return zero, journalError(op, false, errors.New("the journal entry kept changing under concurrent calls"))
}

// Leased reports whether a call holds e's lease at now: it may be writing to a provider.
func (e *Entry) Leased(now time.Time) bool {
	return e.LeaseOwner != "" && now.Before(e.LeaseUntil)
}

// heldByOther reports whether a call other than h holds e's lease now.
func (r *Router) heldByOther(h *hold, e *Entry) bool {
	return e.Leased(r.now()) && (h == nil || e.LeaseOwner != h.token)
}

// claim takes e's lease for h, with change applied (opening the write), in one compare-and-swap Put:
// from here until h gives it back, no other call acts on e. errRaced if another call wrote e first
// (the caller reads it again and decides anew); a journal error (F when definite, else U) if the
// store fails. It refuses an entry another call holds: the caller checks heldByOther first.
func (r *Router) claim(ctx context.Context, h *hold, e *Entry, op paygate.Op, definite bool, change func(*Entry)) error {
	if r.heldByOther(h, e) {
		return leased(op, e)
	}
	prev := *e
	if change != nil {
		change(e)
	}
	now := r.now()
	e.LeaseOwner, e.LeaseUntil, e.UpdatedAt = h.token, now.Add(r.lease), now
	// The provider call must end before the lease does, whatever the clocks of other machines say:
	// 90% of the lease, on this machine's monotonic clock.
	until := time.Now().Add(r.lease - r.lease/10)
	err := r.store.Put(ctx, e)
	switch {
	case err == nil:
		h.until = until
		return nil
	case errors.Is(err, ErrConflict):
		*e = prev
		return errRaced
	default:
		*e = prev
		return journalError(op, definite, err)
	}
}

// releasing returns change followed by giving back h's lease (if h holds the entry's lease).
func (h *hold) releasing(change func(*Entry)) func(*Entry) {
	if h == nil {
		return change
	}
	return func(e *Entry) {
		if change != nil {
			change(e)
		}
		if e.LeaseOwner == h.token {
			e.LeaseOwner, e.LeaseUntil = "", time.Time{}
		}
	}
}

// letGo gives back h's lease on e if the call still holds it (a path that returned without recording
// an answer). If the store cannot be written, the lease simply expires.
func (r *Router) letGo(ctx context.Context, h *hold, e *Entry) {
	if e.LeaseOwner == h.token {
		_ = r.save(ctx, h, e, nil)
	}
	h.until = time.Time{}
}

// stillHeld wraps a change that decides from an inquiry's "nothing there": it applies only while the
// stored entry is still leased by h, so that no other call can have sent the write in between.
func (h *hold) stillHeld(change func(*Entry)) func(*Entry) {
	return func(e *Entry) {
		if e.LeaseOwner == h.token {
			change(e)
		}
	}
}

// leased is the U for a call that found e leased by another call.
func leased(op paygate.Op, e *Entry) *paygate.Error {
	what := string(e.Kind)
	return &paygate.Error{
		Provider: Name, Op: op, Outcome: status.Unknown, Code: status.CodeInProgress, Err: &leaseHeld{owner: e.LeaseOwner},
		Message: fmt.Sprintf("another call (%s) is working on %s %q right now and may be sending it to %s; this call sent nothing: call again with the same id after %s, or Inquire",
			e.LeaseOwner, what, e.RequestID, e.Provider, e.LeaseUntil.UTC().Format(time.RFC3339)),
	}
}
