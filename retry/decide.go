package retry

import (
	"fmt"
	"time"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/status"
)

// Phase says what the last result in a [Situation] answered.
type Phase int

const (
	// PhaseSend: the result is the provider's answer to the call itself.
	PhaseSend Phase = iota
	// PhaseResolve: the result is the answer to the inquiry made to resolve a write that was U.
	PhaseResolve
)

// Step is what to do next.
type Step int

const (
	// Return ends the call with Decision.Outcome.
	Return Step = iota
	// Resend sends the identical request again (same ids, same parameters).
	Resend
	// Inquire asks Inquire / InquireRefund with the original id.
	Inquire
)

// String returns the step's name, as logged.
func (s Step) String() string {
	switch s {
	case Return:
		return "return"
	case Resend:
		return "resend"
	case Inquire:
		return "inquire"
	}
	return fmt.Sprintf("Step(%d)", int(s))
}

// Situation is everything the decision depends on.
type Situation struct {
	Op      paygate.Op     // the caller's operation
	Phase   Phase          // what Outcome and Code answered
	Outcome status.Outcome // outcome of the last result
	Code    status.Code    // normalized code of the last result
	// Landed, in PhaseResolve with Outcome S, says the inquired object shows the write took effect
	// (the payment or refund exists; for a cancel, the payment is canceled).
	Landed bool
	// Resendable: the provider dedupes this operation by request id, or the adapter declared why a
	// resend is still safe. Reads are always resendable.
	Resendable bool
	// AttemptsLeft: in PhaseSend, the call's budget has sends left; in PhaseResolve, the resends that
	// resolution may make (at most Policy.MaxAttempts) are not used up.
	AttemptsLeft bool
	TimeLeft     bool // the resolve deadline has not passed (false when resolution is disabled)
	CtxDone      bool // the caller's context is cancelled or past its deadline
	// NotSent: the last result is an F carrying ErrNotSent (this try never left the client).
	NotSent bool
	// PriorUnknown: an earlier try of this call was U, so it may have landed, and no inquiry has shown
	// since that it did not.
	PriorUnknown bool
}

// Decision is the next step and, for Return, the outcome the caller gets.
type Decision struct {
	Step    Step
	Outcome status.Outcome // meaningful for Return only
	Why     string         // one line for the attempt log
}

// Decide is the S/F/U decision table. It is pure; Wrap calls it after every result.
//
//	phase    last result                  condition                         → step (outcome)
//	send     S                                                              → return (S)
//	send     F                            never sent, an earlier try was U  → as U below
//	send     F to a write                 an earlier try was U (unresolved) → as U below, inquiring
//	                                                                           rather than resending
//	send     F                                                              → return (F)
//	send     U / anything else            context done                      → return (U)
//	send     U                            resendable, attempts left         → resend
//	send     U                            write, time left                  → inquire
//	send     U                            otherwise                         → return (U)
//	resolve  any                          context done                      → return (U)
//	resolve  S, landed                                                      → return (S)
//	resolve  S not landed / F NOT_FOUND   resendable, time and resends left → resend
//	resolve  U                            time left                         → inquire
//	resolve  anything else                                                  → return (U)
//
// Its invariants, checked exhaustively and fuzzed: a U (or anything not a well-formed S or F) never
// yields F; nothing in PhaseResolve yields F (an inquiry's failure is not the write's failure); and a
// write that was once U yields F only after an inquiry showed it had not landed.
func Decide(s Situation) Decision {
	write := s.Op.Write()
	if s.Phase == PhaseSend && s.Outcome == status.Failure && s.PriorUnknown && (s.NotSent || write) {
		// An earlier try may have landed. A never-sent try says nothing about it, and a provider's F to a
		// resent write may be about the state our own earlier try created ("duplicate", "already
		// cancelled", "over the refundable amount"). Still unknown, until an inquiry shows the earlier
		// tries did not land (Wrap then clears PriorUnknown and trusts the next answer).
		s.Outcome = status.Unknown
		if write && !s.NotSent {
			// The provider answered; sending the same write again would get the same answer. Ask instead.
			s.AttemptsLeft = false
		}
	}
	if s.Phase == PhaseSend {
		switch {
		case s.Outcome == status.Success:
			return Decision{Step: Return, Outcome: status.Success, Why: "processed"}
		case s.Outcome == status.Failure:
			return Decision{Step: Return, Outcome: status.Failure, Why: "provider did not perform it; never resent"}
		case s.CtxDone:
			return Decision{Step: Return, Outcome: status.Unknown, Why: "context done while the result is unknown"}
		case s.AttemptsLeft && (s.Resendable || !write):
			return Decision{Step: Resend, Why: "unknown; resending the identical request"}
		case write && s.TimeLeft:
			return Decision{Step: Inquire, Why: "still unknown; resolving by inquiry"}
		default:
			return Decision{Step: Return, Outcome: status.Unknown, Why: "still unknown; no attempts or time left"}
		}
	}
	switch {
	case !write:
		return Decision{Step: Return, Outcome: status.Unknown, Why: "reads are never resolved by inquiry"}
	case s.CtxDone:
		return Decision{Step: Return, Outcome: status.Unknown, Why: "context done while resolving"}
	case s.Outcome == status.Success && s.Landed:
		return Decision{Step: Return, Outcome: status.Success, Why: "inquiry shows the write took effect"}
	case (s.Outcome == status.Success || (s.Outcome == status.Failure && s.Code == status.CodeNotFound)) && s.Resendable && s.TimeLeft && s.AttemptsLeft:
		return Decision{Step: Resend, Why: "inquiry shows the write did not land; resending the identical request"}
	case s.Outcome == status.Success || (s.Outcome == status.Failure && s.Code == status.CodeNotFound):
		return Decision{Step: Return, Outcome: status.Unknown, Why: "the write did not land and may not be resent"}
	case s.Outcome == status.Unknown && s.TimeLeft:
		return Decision{Step: Inquire, Why: "inquiry unknown; asking again"}
	default:
		return Decision{Step: Return, Outcome: status.Unknown, Why: "could not resolve; the write may have happened"}
	}
}

// Idempotency is how a provider treats a write sent again with the same request ids.
type Idempotency struct {
	// Dedupes: the provider answers a repeated request id with the original result.
	Dedupes bool
	// ResendSafe, when the provider does not dedupe, says why sending the write again is still safe
	// (for example: an orphan order cannot be paid and expires). Empty means it is not safe, and
	// Wrap resolves by inquiry only, returning U rather than resend.
	ResendSafe string
	// Window, when set, is how long after its first send the provider keeps a request id's saved
	// answer (Stripe prunes idempotency keys after 24 hours). Past it a resend may act a second
	// time, so it is no longer trusted to dedupe: the write is resolved by inquiry only. Zero means
	// the provider dedupes for as long as a resend can happen.
	Window time.Duration
}

// Resendable reports whether Wrap may send the write again.
func (i Idempotency) Resendable() bool { return i.Dedupes || i.ResendSafe != "" }

// Declarer is implemented by gateways that state, per operation, whether a resend is safe. Every
// paygate adapter implements it, and so does a Gateway made by Wrap.
type Declarer interface {
	Idempotency(op paygate.Op) Idempotency
}

// Unwrapper is implemented by Gateways that decorate another (metrics, logging, …), so the inner
// Gateway's declaration can be found through them.
type Unwrapper interface {
	Unwrap() paygate.Gateway
}

// IdempotencyOf returns gw's declaration for op, looking through Unwrap chains. A Gateway that
// declares nothing is not trusted to dedupe its writes: Wrap then resolves them by inquiry only.
func IdempotencyOf(gw paygate.Gateway, op paygate.Op) Idempotency {
	for range 32 { // a bound, in case a decorator unwraps to itself
		if d, ok := gw.(Declarer); ok {
			return d.Idempotency(op)
		}
		u, ok := gw.(Unwrapper)
		if !ok {
			break
		}
		if gw = u.Unwrap(); gw == nil {
			break
		}
	}
	return Idempotency{}
}
