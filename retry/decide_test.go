package retry_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

func TestDecideTable(t *testing.T) {
	const (
		S = status.Success
		F = status.Failure
		U = status.Unknown
	)
	create, inquire := paygate.OpCreate, paygate.OpInquire
	tests := []struct {
		name string
		s    retry.Situation
		step retry.Step
		out  status.Outcome
	}{
		{"send S returns S", retry.Situation{Op: create, Outcome: S}, retry.Return, S},
		{"send F returns F at once", retry.Situation{Op: create, Outcome: F, Code: status.CodeDeclined, AttemptsLeft: true, Resendable: true, TimeLeft: true}, retry.Return, F},
		{"send F not sent, first try", retry.Situation{Op: create, Outcome: F, NotSent: true, AttemptsLeft: true, Resendable: true}, retry.Return, F},
		{"send F not sent after a U try is still U: resend", retry.Situation{Op: create, Outcome: F, NotSent: true, PriorUnknown: true, AttemptsLeft: true, Resendable: true}, retry.Resend, ""},
		{"send F not sent after a U try, no attempts: inquire", retry.Situation{Op: create, Outcome: F, NotSent: true, PriorUnknown: true, Resendable: true, TimeLeft: true}, retry.Inquire, ""},
		{"send F not sent after a U try, nothing left: U", retry.Situation{Op: create, Outcome: F, NotSent: true, PriorUnknown: true}, retry.Return, U},
		{"send F to a write after an unresolved U try: inquire, not resend", retry.Situation{Op: create, Outcome: F, Code: status.CodeIdempotencyConflict, PriorUnknown: true, AttemptsLeft: true, Resendable: true, TimeLeft: true}, retry.Inquire, ""},
		{"send never-sent F after a U try: resend", retry.Situation{Op: create, Outcome: F, NotSent: true, PriorUnknown: true, AttemptsLeft: true, Resendable: true, TimeLeft: true}, retry.Resend, ""},
		{"send F to a write after an unresolved U try: inquire", retry.Situation{Op: paygate.OpRefund, Outcome: F, Code: status.CodeRefundNotAllowed, PriorUnknown: true, Resendable: true, TimeLeft: true}, retry.Inquire, ""},
		{"send F to a read after a U try: F", retry.Situation{Op: inquire, Outcome: F, Code: status.CodeNotFound, PriorUnknown: true, AttemptsLeft: true}, retry.Return, F},
		{"send U resendable with attempts: resend", retry.Situation{Op: create, Outcome: U, AttemptsLeft: true, Resendable: true}, retry.Resend, ""},
		{"send U context done: U", retry.Situation{Op: create, Outcome: U, AttemptsLeft: true, Resendable: true, CtxDone: true}, retry.Return, U},
		{"send U write not resendable: inquire", retry.Situation{Op: create, Outcome: U, AttemptsLeft: true, TimeLeft: true}, retry.Inquire, ""},
		{"send U write no attempts: inquire", retry.Situation{Op: create, Outcome: U, Resendable: true, TimeLeft: true}, retry.Inquire, ""},
		{"send U write no attempts, resolution off: U", retry.Situation{Op: create, Outcome: U, Resendable: true}, retry.Return, U},
		{"send U read with attempts: resend", retry.Situation{Op: inquire, Outcome: U, AttemptsLeft: true}, retry.Resend, ""},
		{"send U read no attempts: U, never inquire", retry.Situation{Op: inquire, Outcome: U, TimeLeft: true}, retry.Return, U},
		{"resolve S landed: S", retry.Situation{Op: create, Phase: retry.PhaseResolve, Outcome: S, Landed: true}, retry.Return, S},
		{"resolve S not landed: resend", retry.Situation{Op: paygate.OpCancel, Phase: retry.PhaseResolve, Outcome: S, Resendable: true, TimeLeft: true, AttemptsLeft: true}, retry.Resend, ""},
		{"resolve NOT_FOUND: resend", retry.Situation{Op: create, Phase: retry.PhaseResolve, Outcome: F, Code: status.CodeNotFound, Resendable: true, TimeLeft: true, AttemptsLeft: true}, retry.Resend, ""},
		{"resolve NOT_FOUND, resolution's resends used up: U", retry.Situation{Op: create, Phase: retry.PhaseResolve, Outcome: F, Code: status.CodeNotFound, Resendable: true, TimeLeft: true}, retry.Return, U},
		{"resolve NOT_FOUND not resendable: U", retry.Situation{Op: create, Phase: retry.PhaseResolve, Outcome: F, Code: status.CodeNotFound, TimeLeft: true}, retry.Return, U},
		{"resolve NOT_FOUND no time: U", retry.Situation{Op: create, Phase: retry.PhaseResolve, Outcome: F, Code: status.CodeNotFound, Resendable: true}, retry.Return, U},
		{"resolve other F: U, never F", retry.Situation{Op: paygate.OpRefund, Phase: retry.PhaseResolve, Outcome: F, Code: status.CodeAuthentication, Resendable: true, TimeLeft: true}, retry.Return, U},
		{"resolve U with time: inquire again", retry.Situation{Op: create, Phase: retry.PhaseResolve, Outcome: U, TimeLeft: true}, retry.Inquire, ""},
		{"resolve U out of time: U", retry.Situation{Op: create, Phase: retry.PhaseResolve, Outcome: U}, retry.Return, U},
		{"resolve context done: U", retry.Situation{Op: create, Phase: retry.PhaseResolve, Outcome: S, Landed: true, CtxDone: true}, retry.Return, U},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := retry.Decide(tt.s)
			assert.Equal(t, tt.step, d.Step, d.Why)
			if tt.step == retry.Return {
				assert.Equal(t, tt.out, d.Outcome)
			}
			assert.NotEmpty(t, d.Why)
		})
	}
}

// FuzzDecide checks the invariant of the table over every input: F comes out only as the direct
// answer to a send that was F (and not a never-sent try after an unknown one). A U never yields F.
func FuzzDecide(f *testing.F) {
	f.Add(uint8(0), uint8(0), uint8(2), uint8(0), uint16(0xffff))
	f.Add(uint8(0), uint8(1), uint8(1), uint8(3), uint16(0))
	f.Fuzz(func(t *testing.T, op, phase, outcome, code uint8, flags uint16) {
		ops := []paygate.Op{paygate.OpCreate, paygate.OpInquire, paygate.OpCancel, paygate.OpRefund, paygate.OpInquireRefund, "bogus"}
		outcomes := []status.Outcome{status.Success, status.Failure, status.Unknown, "", "X"}
		codes := append(status.Codes(), "", "NOT_A_CODE")
		s := retry.Situation{
			Op:           ops[int(op)%len(ops)],
			Phase:        retry.Phase(int(phase) % 3),
			Outcome:      outcomes[int(outcome)%len(outcomes)],
			Code:         codes[int(code)%len(codes)],
			Landed:       flags&1 != 0,
			Resendable:   flags&2 != 0,
			AttemptsLeft: flags&4 != 0,
			TimeLeft:     flags&8 != 0,
			CtxDone:      flags&16 != 0,
			NotSent:      flags&32 != 0,
			PriorUnknown: flags&64 != 0,
		}
		checkDecision(t, s)
	})
}

// TestDecideExhaustive checks the invariants on every combination of the table's inputs: the input
// space is small enough to prove, not just sample.
func TestDecideExhaustive(t *testing.T) {
	ops := []paygate.Op{paygate.OpCreate, paygate.OpInquire, paygate.OpCancel, paygate.OpRefund, paygate.OpInquireRefund}
	outcomes := []status.Outcome{status.Success, status.Failure, status.Unknown, ""}
	codes := append(status.Codes(), "")
	n := 0
	for _, op := range ops {
		for _, phase := range []retry.Phase{retry.PhaseSend, retry.PhaseResolve} {
			for _, out := range outcomes {
				for _, code := range codes {
					for flags := range 1 << 7 {
						checkDecision(t, retry.Situation{
							Op: op, Phase: phase, Outcome: out, Code: code,
							Landed: flags&1 != 0, Resendable: flags&2 != 0, AttemptsLeft: flags&4 != 0,
							TimeLeft: flags&8 != 0, CtxDone: flags&16 != 0, NotSent: flags&32 != 0, PriorUnknown: flags&64 != 0,
						})
						n++
					}
				}
			}
		}
	}
	t.Logf("%d situations checked", n)
}

// checkDecision fails t if Decide breaks an invariant for s.
func checkDecision(t *testing.T, s retry.Situation) {
	t.Helper()
	d := retry.Decide(s)
	if d.Step == retry.Return && d.Outcome == status.Failure {
		if s.Phase != retry.PhaseSend || s.Outcome != status.Failure || (s.NotSent && s.PriorUnknown) {
			t.Fatalf("Decide(%+v) = F: only a send answered F may yield F", s)
		}
		if s.Op.Write() && s.PriorUnknown {
			t.Fatalf("Decide(%+v) = F for a write whose earlier unknown try was never resolved", s)
		}
	}
	if d.Step == retry.Return && d.Outcome == status.Success && s.Outcome != status.Success {
		t.Fatalf("Decide(%+v) = S from a result that was not S", s)
	}
	if d.Step == retry.Return && d.Outcome == "" {
		t.Fatalf("Decide(%+v) returns without an outcome", s)
	}
	if s.CtxDone && d.Step != retry.Return {
		t.Fatalf("Decide(%+v) keeps going after the context ended", s)
	}
	if d.Step == retry.Inquire && !s.Op.Write() {
		t.Fatalf("Decide(%+v) resolves a read by inquiry", s)
	}
	if d.Step == retry.Resend && s.Op.Write() && !s.Resendable {
		t.Fatalf("Decide(%+v) resends a write that may not be resent", s)
	}
	if d.Step == retry.Resend && !s.AttemptsLeft {
		t.Fatalf("Decide(%+v) resends with no attempts left", s)
	}
}
