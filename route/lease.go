package route

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/status"
)

// ErrLeased is in the error of a call that found its journal entry leased by another call (on this
// router or on another machine sharing the Store): that call may be sending a write for the same id
// right now, so this one sent nothing and answered U. Call again with the same id once the lease
// has ended (Entry.LeaseUntil), or Inquire.
var ErrLeased = errors.New("route: another call holds the journal entry's lease")

// hold is one router call's claim on journal entries: the token it writes as the lease owner, and,
// while it holds a lease, the moment (by this machine's clock) its provider calls must end.
type hold struct {
	token string
	until time.Time // zero while no lease is held
}

// newHold returns the hold of a new call, with a token no other call of any router shares.
func (r *Router) newHold() *hold {
	return &hold{token: r.instance + "#" + strconv.FormatUint(r.calls.Add(1), 10)}
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
	what := "payment"
	if e.Kind == KindRefund {
		what = "refund"
	}
	return &paygate.Error{
		Provider: Name, Op: op, Outcome: status.Unknown, Code: status.CodeInProgress, Err: ErrLeased,
		Message: fmt.Sprintf("another call (%s) is working on %s %q right now and may be sending it to %s; this call sent nothing: call again with the same id after %s, or Inquire",
			e.LeaseOwner, what, e.RequestID, e.Provider, e.LeaseUntil.UTC().Format(time.RFC3339)),
	}
}
