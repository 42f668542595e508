package stripe_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/provider/stripe"
	"github.com/paygate-go/paygate/provider/stripe/stripetest"
	"github.com/paygate-go/paygate/retry"
)

// A card payment against the simulator: create with one of Stripe's test PaymentMethods
// (pm_card_visa succeeds), which confirms the intent at once, then refund part of it.
func Example() {
	srv := stripetest.NewServer(stripetest.Config{})
	defer srv.Close()
	gw, err := stripe.New(stripe.Config{
		BaseURL:   srv.URL, // omit for https://api.stripe.com
		SecretKey: srv.SecretKey,
	})
	if err != nil {
		panic(err)
	}
	defer gw.Close()
	checkout := retry.Wrap(gw, retry.Default()) // resends after U (same Idempotency-Key) and resolves it by inquiry
	ctx := context.Background()

	p, err := checkout.Create(ctx, &paygate.CreateRequest{
		PaymentRequestID: "order-3001-try-1",
		Amount:           money.MustParse("42.50", "USD"),
		Method:           paygate.Method{Type: "CARD", Name: "pm_card_visa"},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Status, p.ProviderStatus, p.Captured)

	r, err := checkout.Refund(ctx, &paygate.RefundRequest{
		RefundRequestID:   "refund-3001-1",
		ProviderPaymentID: p.ProviderPaymentID,
		Amount:            money.MustParse("12.50", "USD"),
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Status, r.Amount)
	fmt.Println(srv.Ledger().Orders("order-3001-try-1")[0].WireAmount) // USD in cents
	// Output:
	// SUCCEEDED succeeded 42.50 USD
	// SUCCEEDED 12.50 USD
	// 4250
}

// Authorize now, capture later: with CaptureManual the confirmed intent waits in requires_capture
// (AUTHORIZED, nothing captured); Capture takes part of it and Stripe releases the rest of the hold.
func Example_manualCapture() {
	srv := stripetest.NewServer(stripetest.Config{})
	defer srv.Close()
	gw, err := stripe.New(stripe.Config{BaseURL: srv.URL, SecretKey: srv.SecretKey})
	if err != nil {
		panic(err)
	}
	defer gw.Close()
	checkout := retry.Wrap(gw, retry.Default())
	ctx := context.Background()

	p, err := checkout.Create(ctx, &paygate.CreateRequest{
		PaymentRequestID: "hotel-3002-try-1",
		Amount:           money.MustParse("120.00", "USD"),
		Method:           paygate.Method{Type: "CARD", Name: "pm_card_visa"},
		CaptureMode:      paygate.CaptureManual,
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Status, p.ProviderStatus, p.Captured.IsZero())

	p, err = checkout.Capture(ctx, &paygate.CaptureRequest{
		CaptureRequestID:  "capture-3002-1",
		ProviderPaymentID: p.ProviderPaymentID,
		Amount:            money.MustParse("95.50", "USD"), // the stay cost less than held
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Status, p.Captured, "of", p.Amount)
	// Output:
	// AUTHORIZED requires_capture true
	// SUCCEEDED 95.50 USD of 120.00 USD
}

// Without a payment method the intent waits for the customer's browser: the payment's action is
// client_confirm with the intent's client secret, which the page hands to Stripe.js
// (stripe.confirmPayment). The secret belongs to this one payment: give it only to its customer.
func Example_stripeJS() {
	srv := stripetest.NewServer(stripetest.Config{})
	defer srv.Close()
	gw, err := stripe.New(stripe.Config{BaseURL: srv.URL, SecretKey: srv.SecretKey})
	if err != nil {
		panic(err)
	}
	defer gw.Close()

	p, err := gw.Create(context.Background(), &paygate.CreateRequest{
		PaymentRequestID: "order-3003-try-1",
		Amount:           money.MustParse("19.99", "EUR"),
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Status, p.ProviderStatus)
	fmt.Println(p.Action.Kind, p.Action.ClientSecret != "")
	// Output:
	// REQUIRES_ACTION requires_payment_method
	// client_confirm true
}

// Receiving Stripe's events: WebhookHandler verifies Stripe-Signature with the endpoint's signing
// secret, then fetches the PaymentIntent's current state (it does not trust the event's copy) and
// passes it to your function as a provider-neutral paygate.Event. Here the simulator sends its
// events to the handler when the customer pays.
func ExampleGateway_WebhookHandler() {
	srv := stripetest.NewServer(stripetest.Config{})
	defer srv.Close()
	gw, err := stripe.New(stripe.Config{
		BaseURL:       srv.URL,
		SecretKey:     srv.SecretKey,
		WebhookSecret: srv.WebhookSecret, // whsec_… from the dashboard's endpoint page
	})
	if err != nil {
		panic(err)
	}
	defer gw.Close()
	ctx := context.Background()

	p, err := gw.Create(ctx, &paygate.CreateRequest{
		PaymentRequestID: "order-3004-try-1",
		Amount:           money.MustParse("25.00", "USD"),
	})
	if err != nil {
		panic(err)
	}

	// The merchant's endpoint. Deliveries can repeat and arrive out of order: dedupe on ev.ID and
	// compare states. Returning an error answers 500, and Stripe delivers the event again later.
	events := make(chan *paygate.Event, 10)
	mux := http.NewServeMux()
	mux.Handle("POST /webhooks/stripe", gw.WebhookHandler(func(_ context.Context, ev *paygate.Event) error {
		events <- ev // in a real shop: record ev.Payment.Status against the order, in a transaction
		return nil
	}))
	hook := httptest.NewServer(mux) // in production, your HTTPS server
	defer hook.Close()
	srv.SetWebhookURL(hook.URL + "/webhooks/stripe") // in Stripe's dashboard: Developers → Webhooks

	_ = srv.SettleOrder(ctx, p.ProviderPaymentID, sim.Pay) // the customer pays with Stripe.js

	select { // the event arrives asynchronously
	case ev := <-events:
		fmt.Println(ev.Provider, ev.Type, ev.Payment.PaymentRequestID, ev.Payment.Status, ev.Payment.Amount)
	case <-time.After(5 * time.Second):
		fmt.Println("no event")
		return
	}
	waitCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_ = srv.Webhooks().Wait(waitCtx) // the handler's 200 {"received":true} reached Stripe
	d := srv.Webhooks().Deliveries()
	fmt.Println("deliveries:", len(d), "acknowledged:", d[0].Acked)
	// Output:
	// stripe payment.updated order-3004-try-1 SUCCEEDED 25.00 USD
	// deliveries: 1 acknowledged: true
}
