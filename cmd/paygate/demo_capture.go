package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/provider/registry"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/status"
)

// noManualCapture is the demo's line when no registered provider can show authorize-then-capture.
const noManualCapture = "Manual capture: no registered provider offers manual capture with a void yet, so the authorize-then-capture checkout is skipped."

// manualCaptureProvider is the first registered provider whose declaration accepts a manual-capture
// create and offers capture and the void (Cancel of an AUTHORIZED payment).
func manualCaptureProvider() (registry.Entry, bool) {
	for _, e := range registry.All() {
		c := e.Adapter.Capabilities
		if c.Captures(paygate.CaptureManual) && c.Offers(paygate.OpCapture) && c.Offers(paygate.OpCancel) && c.Void {
			return e, true
		}
	}
	return registry.Entry{}, false
}

// demoCurrency is USD where the provider takes it, else the first currency it declares.
func demoCurrency(c provider.Capabilities) string {
	if len(c.Currencies) == 0 || slices.Contains(c.Currencies, "USD") {
		return "USD"
	}
	return c.Currencies[0]
}

// authorizeCaptureVoid: at the first provider offering manual capture, a payment the customer
// authorizes (AUTHORIZED, nothing captured) that the merchant then captures (partly, where the
// provider allows it), and a second one whose hold the merchant releases (the void). The
// simulator's ledger must hold exactly one capture of the first and none of the second.
func (d *demo) authorizeCaptureVoid(ctx context.Context) error {
	e, ok := manualCaptureProvider()
	if !ok {
		d.notes = append(d.notes, noManualCapture)
		return nil
	}
	name, caps := e.Name(), e.Adapter.Capabilities
	gw, ledger := d.direct[name], d.sims.running[name].Ledger()
	currency := demoCurrency(caps)

	p, err := d.authorized(ctx, name, "demo-capture", "120", currency)
	if err != nil || p == nil {
		return err
	}
	authorized := p.Amount
	req := &paygate.CaptureRequest{CaptureRequestID: "demo-capture-1", PaymentRequestID: p.PaymentRequestID, ProviderPaymentID: p.ProviderPaymentID}
	want, step := authorized, "capture all "+authorized.String()
	if caps.PartialCapture {
		req.Amount = mustAmount("100", currency)
		want, step = req.Amount, "capture "+req.Amount.String()+" of "+authorized.String()
	}
	var captured *paygate.Payment
	_, err = d.call(ctx, step, name, req.CaptureRequestID, "", func(ctx context.Context) (string, error) {
		var err error
		captured, err = gw.Capture(ctx, req)
		if err != nil {
			return "", err
		}
		return string(captured.Status), nil
	})
	if err != nil {
		d.problems = append(d.problems, fmt.Sprintf("%s capture: %v", name, err))
		return nil
	}
	if captured.Status == status.PaymentPending { // accepted, still being settled by the provider
		d.rows[len(d.rows)-1].how = "accepted; the provider settles it"
		captured, err = d.untilCaptured(ctx, gw, name, p)
		if err != nil {
			return nil // recorded
		}
	}
	row := &d.rows[len(d.rows)-1]
	if captured.Status != status.PaymentSucceeded {
		d.problems = append(d.problems, fmt.Sprintf("%s: the captured payment %s is %s, want SUCCEEDED", name, p.PaymentRequestID, captured.Status))
	}
	if cmp, err := captured.Captured.Cmp(want); err != nil || cmp != 0 {
		d.problems = append(d.problems, fmt.Sprintf("%s: payment %s shows %s captured, want exactly %s", name, p.PaymentRequestID, amountText(captured.Captured), want))
	} else {
		row.how = fmt.Sprintf("captured %s exactly", captured.Captured)
		if caps.PartialCapture {
			row.how += " (the rest of the hold released)"
		}
	}
	if n := len(ledger.Captures(p.ProviderPaymentID)); n != 1 {
		d.problems = append(d.problems, fmt.Sprintf("%s holds %d captures of %s, want 1", name, n, p.PaymentRequestID))
	}
	if over := ledger.OverCaptured(); len(over) > 0 {
		d.problems = append(d.problems, fmt.Sprintf("%s captured more than it authorized: %v", name, over))
	}

	v, err := d.authorized(ctx, name, "demo-void", "80", currency)
	if err != nil || v == nil {
		return err
	}
	_, err = d.call(ctx, "merchant voids the hold", name, v.PaymentRequestID, string(status.PaymentCanceled), func(ctx context.Context) (string, error) {
		c, err := gw.Cancel(ctx, &paygate.CancelRequest{PaymentRequestID: v.PaymentRequestID, ProviderPaymentID: v.ProviderPaymentID, Reason: "out of stock"})
		if err != nil {
			return "", err
		}
		return string(c.Status), nil
	})
	if n := len(ledger.Captures(v.ProviderPaymentID)); n != 0 {
		d.problems = append(d.problems, fmt.Sprintf("%s holds %d captures of the voided %s, want 0", name, n, v.PaymentRequestID))
	} else if err == nil {
		d.rows[len(d.rows)-1].how = "hold released, nothing captured"
	}
	return nil
}

// authorized creates a manual-capture payment, lets the customer pay (which authorizes it) and
// inquires it: AUTHORIZED with nothing captured. A nil payment means a step went wrong (recorded).
func (d *demo) authorized(ctx context.Context, name, id, value, currency string) (*paygate.Payment, error) {
	gw := d.direct[name]
	req := d.checkout(id, value, currency)
	req.CaptureMode = paygate.CaptureManual
	p, err := d.create(ctx, gw, "create (manual capture)", name, req, "")
	if err != nil {
		return nil, nil
	}
	if p.Status != status.PaymentRequiresAction && p.Status != status.PaymentPending {
		d.problems = append(d.problems, fmt.Sprintf("%s: a new manual-capture payment is %s, want REQUIRES_ACTION or PENDING", name, p.Status))
		return nil, nil
	}
	if err := d.settle(ctx, name, id, sim.Pay); err != nil {
		return nil, err
	}
	q, err := d.inquire(ctx, gw, "customer authorizes; inquire", name,
		&paygate.InquireRequest{PaymentRequestID: id, ProviderPaymentID: p.ProviderPaymentID}, status.PaymentAuthorized)
	if err != nil || q.Status != status.PaymentAuthorized {
		return nil, nil
	}
	if q.Captured.IsPositive() {
		d.problems = append(d.problems, fmt.Sprintf("%s: the AUTHORIZED payment %s shows %s captured, want none", name, id, q.Captured))
		return nil, nil
	}
	d.rows[len(d.rows)-1].how = "money held, nothing captured"
	if q.PaymentRequestID == "" {
		q.PaymentRequestID = id
	}
	return q, nil
}

// untilCaptured inquires a payment whose capture the provider accepted (PENDING) until it is
// final, for at most demoTimeout, as one row of the table.
func (d *demo) untilCaptured(ctx context.Context, gw paygate.Gateway, name string, p *paygate.Payment) (*paygate.Payment, error) {
	var last *paygate.Payment
	_, err := d.call(ctx, "capture settles; inquire", name, p.PaymentRequestID, string(status.PaymentSucceeded), func(ctx context.Context) (string, error) {
		deadline := time.Now().Add(demoTimeout)
		for {
			q, err := gw.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: p.PaymentRequestID, ProviderPaymentID: p.ProviderPaymentID})
			if err != nil {
				return "", err
			}
			last = q
			if q.Status != status.PaymentPending || time.Now().After(deadline) {
				return string(q.Status), nil
			}
			select {
			case <-ctx.Done():
				return string(q.Status), nil
			case <-time.After(50 * time.Millisecond):
			}
		}
	})
	return last, err
}

// amountText is an amount for a message, "nothing" when zero.
func amountText(a money.Amount) string {
	if a.IsZero() {
		return "nothing"
	}
	return a.String()
}
