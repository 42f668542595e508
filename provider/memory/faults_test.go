package memory_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider/memory"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

func TestFaultsOnCreate(t *testing.T) {
	tests := []struct {
		fault     sim.Fault
		outcome   status.Outcome
		code      status.Code
		processed bool
		http      int
	}{
		{sim.Fault{Kind: sim.DropBeforeProcessing}, status.Unknown, status.CodeUnavailable, false, 0},
		{sim.Fault{Kind: sim.LoseReply}, status.Unknown, status.CodeTimeout, true, 0},
		{sim.Fault{Kind: sim.DelayReply, Delay: time.Millisecond}, status.Success, status.CodeOK, true, 0},
		{sim.Fault{Kind: sim.DelayReply}, status.Success, status.CodeOK, true, 0},
		{sim.Fault{Kind: sim.ReplyStatus, Status: http.StatusTooManyRequests, RetryAfter: 2 * time.Second}, status.Unknown, status.CodeRateLimited, false, 429},
		{sim.Fault{Kind: sim.ReplyStatus, Status: 500}, status.Unknown, status.CodeUnavailable, false, 500},
		{sim.Fault{Kind: sim.ReplyStatus, Status: 502}, status.Unknown, status.CodeUnavailable, false, 502},
		{sim.Fault{Kind: sim.ReplyStatus, Status: 503}, status.Unknown, status.CodeUnavailable, false, 503},
		{sim.Fault{Kind: sim.ReplyStatus, Status: 504}, status.Unknown, status.CodeUnavailable, false, 504},
		{sim.Fault{Kind: sim.ReplyStatus, Status: 400}, status.Unknown, status.CodeUnknown, false, 400},
		{sim.Fault{Kind: sim.ReplyStatus, Status: 404}, status.Unknown, status.CodeUnknown, false, 404},
		{sim.Fault{Kind: sim.ReplyStatus, Status: 200}, status.Unknown, status.CodeUnknown, false, 200},
		{sim.Fault{Kind: sim.ReplyCode, Code: "DECLINED"}, status.Failure, status.CodeDeclined, false, 0},
		{sim.Fault{Kind: sim.ReplyCode, Code: "UNKNOWN"}, status.Unknown, status.CodeUnknown, false, 0},
		{sim.Fault{Kind: sim.ReplyCode, Code: "E0001"}, status.Unknown, status.CodeUnknown, false, 0},
		{sim.Fault{Kind: sim.CorruptBody}, status.Unknown, status.CodeProviderError, true, 0},
		{sim.Fault{Kind: sim.CorruptSignature}, status.Unknown, status.CodeProviderError, true, 0},
		{sim.Fault{Kind: sim.FaultKind(99)}, status.Unknown, status.CodeUnknown, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.fault.String(), func(t *testing.T) {
			g := newGateway(t, memory.Config{})
			tt.fault.Op = paygate.OpCreate
			g.Inject(tt.fault)
			p, err := g.Create(context.Background(), createRequest("pay-1"))
			if tt.outcome == status.Success {
				require.NoError(t, err)
				assert.Equal(t, "mem_pay_1", p.ProviderPaymentID)
			} else {
				assert.Nil(t, p, "no result with an error")
				pe := requireError(t, err, tt.outcome, tt.code)
				assert.Equal(t, "memory", pe.Provider)
				assert.Equal(t, paygate.OpCreate, pe.Op)
				assert.Equal(t, tt.http, pe.HTTPStatus)
				if tt.fault.Kind == sim.ReplyCode {
					assert.Equal(t, tt.fault.Code, pe.ProviderCode)
				}
			}
			if tt.processed {
				assert.Len(t, g.Ledger().Orders("pay-1"), 1, "processed")
			} else {
				assert.Empty(t, g.Ledger().Orders("pay-1"), "not processed")
			}
			assert.Equal(t, 1, g.Ledger().Requests(paygate.OpCreate, "pay-1"))

			// the fault struck once; the same request again is processed normally, once
			p, err = g.Create(context.Background(), createRequest("pay-1"))
			require.NoError(t, err)
			assert.Equal(t, "mem_pay_1", p.ProviderPaymentID)
			assert.Len(t, g.Ledger().Orders("pay-1"), 1)
		})
	}
}

func TestFaultMessages(t *testing.T) {
	tests := []struct {
		kind sim.FaultKind
		want string
	}{
		{sim.CorruptBody, "reply did not parse"},
		{sim.CorruptSignature, "reply signature did not verify"},
		{sim.LoseReply, "reply was lost"},
		{sim.DropBeforeProcessing, "connection dropped"},
	}
	for _, tt := range tests {
		t.Run(tt.kind.String(), func(t *testing.T) {
			g := newGateway(t, memory.Config{})
			g.Inject(sim.Fault{Op: paygate.OpInquire, Kind: tt.kind})
			_, err := g.Inquire(context.Background(), &paygate.InquireRequest{PaymentRequestID: "x"})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// Faults that process the request take effect on every operation; the others do not.
func TestFaultsOnWrites(t *testing.T) {
	kinds := []sim.FaultKind{sim.DropBeforeProcessing, sim.LoseReply, sim.DelayReply, sim.ReplyStatus, sim.ReplyCode, sim.CorruptBody, sim.CorruptSignature}
	for _, kind := range kinds {
		t.Run(kind.String(), func(t *testing.T) {
			ctx := context.Background()
			g := newGateway(t, memory.Config{})
			paid(t, g, "pay-1")
			mustCreate(t, g, createRequest("pay-2"))
			f := sim.Fault{Kind: kind, Status: 503, Code: "UNAVAILABLE", Delay: time.Millisecond}

			f.Op = paygate.OpRefund
			g.Inject(f)
			_, err := g.Refund(ctx, refundRequest("ref-1", "pay-1", "1"))
			f.Op = paygate.OpCancel
			g.Inject(f)
			_, cerr := g.Cancel(ctx, &paygate.CancelRequest{PaymentRequestID: "pay-2"})
			p, ierr := g.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: "pay-2"})
			require.NoError(t, ierr)

			if kind.Processes() {
				assert.Len(t, g.Ledger().Refunds("ref-1"), 1)
				assert.Equal(t, status.PaymentCanceled, p.Status)
			} else {
				assert.Empty(t, g.Ledger().Refunds("ref-1"))
				assert.Equal(t, status.PaymentRequiresAction, p.Status)
			}
			if kind == sim.DelayReply {
				assert.NoError(t, err)
				assert.NoError(t, cerr)
			} else {
				assert.Equal(t, status.Unknown, paygate.OutcomeOf(err), "%v", err)
				assert.Equal(t, status.Unknown, paygate.OutcomeOf(cerr), "%v", cerr)
			}
		})
	}
}

func TestDelayReply(t *testing.T) {
	t.Run("past the caller's deadline", func(t *testing.T) {
		g := newGateway(t, memory.Config{})
		g.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.DelayReply, Delay: time.Hour})
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		began := time.Now()
		p, err := g.Create(ctx, createRequest("pay-1"))
		assert.Less(t, time.Since(began), time.Minute)
		assert.Nil(t, p)
		requireError(t, err, status.Unknown, status.CodeTimeout)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Len(t, g.Ledger().Orders("pay-1"), 1, "processed before the reply was held")
	})
	t.Run("a failure held past the deadline is unknown", func(t *testing.T) {
		g := newGateway(t, memory.Config{})
		g.Inject(sim.Fault{Op: paygate.OpInquire, Kind: sim.DelayReply, Delay: time.Hour})
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
		defer cancel()
		_, err := g.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: "nope"})
		requireError(t, err, status.Unknown, status.CodeTimeout)
	})
	t.Run("a failure delayed within the deadline stays a failure", func(t *testing.T) {
		g := newGateway(t, memory.Config{})
		g.Inject(sim.Fault{Op: paygate.OpInquire, Kind: sim.DelayReply, Delay: time.Millisecond})
		_, err := g.Inquire(context.Background(), &paygate.InquireRequest{PaymentRequestID: "nope"})
		requireError(t, err, status.Failure, status.CodeNotFound)
	})
	t.Run("close ends the wait", func(t *testing.T) {
		g := memory.New(memory.Config{})
		g.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.DelayReply, Delay: time.Hour})
		done := make(chan error)
		go func() {
			_, err := g.Create(context.Background(), createRequest("pay-1"))
			done <- err
		}()
		for g.Ledger().TotalRequests() == 0 {
			time.Sleep(time.Millisecond)
		}
		g.Close()
		err := <-done
		requireError(t, err, status.Unknown, status.CodeTimeout)
	})
}

func TestFaultTimes(t *testing.T) {
	g := newGateway(t, memory.Config{})
	g.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.ReplyStatus, Status: 503, Times: 2})
	g.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.LoseReply})
	ctx := context.Background()
	for _, want := range []status.Code{status.CodeUnavailable, status.CodeUnavailable, status.CodeTimeout, status.CodeOK} {
		_, err := g.Create(ctx, createRequest("pay-1"))
		assert.Equal(t, want, paygate.CodeOf(err))
	}
	assert.Len(t, g.Ledger().Orders("pay-1"), 1)
	assert.Equal(t, 4, g.Ledger().Requests(paygate.OpCreate, "pay-1"))
	// faults strike only their own operation
	g.Inject(sim.Fault{Op: paygate.OpCancel, Kind: sim.LoseReply})
	_, err := g.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: "pay-1"})
	require.NoError(t, err)
}

// A lost reply, resolved the way retry.Wrap does it — inquire, then resend with the same id — never
// creates a second order.
func TestLostReplyResolvesWithoutDuplicate(t *testing.T) {
	g := newGateway(t, memory.Config{})
	ctx := context.Background()
	g.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.LoseReply})
	_, err := g.Create(ctx, createRequest("pay-1"))
	requireError(t, err, status.Unknown, status.CodeTimeout)
	d := retry.Decide(retry.Situation{Op: paygate.OpCreate, Outcome: paygate.OutcomeOf(err), Code: paygate.CodeOf(err),
		Resendable: g.Idempotency(paygate.OpCreate).Resendable(), AttemptsLeft: true})
	assert.Equal(t, retry.Resend, d.Step)
	p, err := g.Create(ctx, createRequest("pay-1"))
	require.NoError(t, err)
	assert.Equal(t, "mem_pay_1", p.ProviderPaymentID)
	assert.Empty(t, g.Ledger().Duplicates())

	// a dropped request, found missing by inquiry, is safe to resend
	g.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.DropBeforeProcessing})
	_, err = g.Create(ctx, createRequest("pay-2"))
	requireError(t, err, status.Unknown, status.CodeUnavailable)
	_, err = g.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: "pay-2"})
	requireError(t, err, status.Failure, status.CodeNotFound)
	_, err = g.Create(ctx, createRequest("pay-2"))
	require.NoError(t, err)
	assert.Len(t, g.Ledger().Orders("pay-2"), 1)
	assert.False(t, errors.Is(err, retry.ErrNotSent))
}
