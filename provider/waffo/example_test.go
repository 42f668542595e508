package waffo_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/provider/waffo"
	"github.com/paygate-go/paygate/provider/waffo/waffotest"
	"github.com/paygate-go/paygate/retry"
)

// A checkout against Waffo (here its simulator): create the payment, send the user to the action,
// then learn the result by inquiry. retry.Wrap resends and resolves unknown outcomes with the same ids.
func Example() {
	srv := waffotest.NewServer(waffotest.Config{})
	defer srv.Close()
	gw, err := waffo.New(waffo.Config{
		BaseURL: srv.URL, APIKey: srv.APIKey, MerchantID: srv.MerchantID,
		PrivateKey: srv.Keys.MerchantPrivateKey, WaffoPublicKey: srv.Keys.WaffoPublicKey,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	payments := retry.Wrap(gw, retry.Default())
	ctx := context.Background()

	p, err := payments.Create(ctx, &paygate.CreateRequest{
		PaymentRequestID: "order-1001-try-1",
		Amount:           money.MustParse("149000", "IDR"),
		Description:      "Annual plan",
		NotifyURL:        "https://shop.example/webhooks/waffo",
		ReturnURL:        "https://shop.example/thanks",
		Customer:         paygate.Customer{ID: "cust-42", Email: "buyer@example.com"},
		Method:           paygate.Method{Type: "QR", Name: "QRIS"},
	})
	if err != nil {
		fmt.Println("create:", paygate.OutcomeOf(err), paygate.CodeOf(err))
		return
	}
	fmt.Println(p.Status, p.Action.Kind, p.Amount)

	_ = srv.Settle(ctx, "order-1001-try-1", sim.Pay) // the user scans the QR code and pays
	p, err = payments.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: "order-1001-try-1"})
	if err != nil {
		fmt.Println("inquire:", paygate.OutcomeOf(err), paygate.CodeOf(err))
		return
	}
	fmt.Println(p.Status, p.ProviderStatus)
	// Output:
	// REQUIRES_ACTION qr_code 149000.00 IDR
	// SUCCEEDED PAY_SUCCESS
}

// Receiving Waffo's notifications: WebhookHandler is an http.Handler that verifies Waffo's
// X-SIGNATURE on the raw body, turns the notification into a provider-neutral paygate.Event and
// passes it to your function; it then sends Waffo the signed acknowledgement it requires. Here the
// simulator notifies the merchant's endpoint when the customer pays. A body changed in transit (a
// forged amount) fails the signature: the handler answers 401 and your function is never called.
func Example_webhook() {
	srv := waffotest.NewServer(waffotest.Config{})
	defer srv.Close()
	gw, err := waffo.New(waffo.Config{
		BaseURL: srv.URL, APIKey: srv.APIKey, MerchantID: srv.MerchantID,
		PrivateKey: srv.Keys.MerchantPrivateKey, WaffoPublicKey: srv.Keys.WaffoPublicKey,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer gw.Close()

	// The merchant's endpoint. Deliveries can repeat and arrive out of order: dedupe on ev.ID and
	// compare states. Returning an error makes Waffo deliver the notification again later.
	events := make(chan *paygate.Event, 10)
	mux := http.NewServeMux()
	mux.Handle("POST /webhooks/waffo", gw.WebhookHandler(func(_ context.Context, ev *paygate.Event) error {
		events <- ev // in a real shop: record ev.Payment.Status against the order, in a transaction
		return nil
	}))
	hook := httptest.NewServer(mux) // in production, your HTTPS server
	defer hook.Close()

	ctx := context.Background()
	_, err = gw.Create(ctx, &paygate.CreateRequest{
		PaymentRequestID: "order-1002-try-1",
		Amount:           money.MustParse("149000", "IDR"),
		NotifyURL:        hook.URL + "/webhooks/waffo", // where Waffo sends this payment's notifications
		// Waffo requires a customer id and email.
		Customer: paygate.Customer{ID: "cust-42", Email: "buyer@example.com"},
		Method:   paygate.Method{Type: "QR", Name: "QRIS"},
	})
	if err != nil {
		fmt.Println("create:", err)
		return
	}
	_ = srv.Settle(ctx, "order-1002-try-1", sim.Pay) // the customer pays; Waffo notifies the merchant

	select { // the notification arrives asynchronously
	case ev := <-events:
		fmt.Println(ev.Provider, ev.Type, ev.Payment.PaymentRequestID, ev.Payment.Status, ev.Payment.Amount)
	case <-time.After(5 * time.Second):
		fmt.Println("no notification")
		return
	}
	waitCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_ = srv.Webhooks().Wait(waitCtx)
	delivered := srv.Webhooks().Deliveries()[0]
	fmt.Println("acknowledged:", delivered.Acked)

	// The same notification with its amount changed and its signature kept: refused.
	forged := bytes.Replace(delivered.Body, []byte(`"149000"`), []byte(`"1"`), 1)
	req, _ := http.NewRequest(http.MethodPost, delivered.URL, bytes.NewReader(forged))
	req.Header = delivered.Header.Clone()
	resp, err := hook.Client().Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println("forged:", resp.StatusCode, http.StatusText(resp.StatusCode), "events passed on:", len(events))
	// Output:
	// waffo payment.updated order-1002-try-1 SUCCEEDED 149000.00 IDR
	// acknowledged: true
	// forged: 401 Unauthorized events passed on: 0
}

// Authorize now, capture later: a manual-capture card payment is AUTHORIZED once the customer pays,
// with nothing captured; Capture takes the whole amount (Waffo answers CAPTURE_IN_PROGRESS, then the
// order is PAY_SUCCESS). A capture Waffo's state forbids, such as a second one, is F INVALID_STATE.
func Example_manualCapture() {
	srv := waffotest.NewServer(waffotest.Config{})
	defer srv.Close()
	gw, err := waffo.New(waffo.Config{
		BaseURL: srv.URL, APIKey: srv.APIKey, MerchantID: srv.MerchantID,
		PrivateKey: srv.Keys.MerchantPrivateKey, WaffoPublicKey: srv.Keys.WaffoPublicKey,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer gw.Close()
	payments := retry.Wrap(gw, retry.Default())
	ctx := context.Background()

	_, err = payments.Create(ctx, &paygate.CreateRequest{
		PaymentRequestID: "hotel-77-try-1",
		Amount:           money.MustParse("120.00", "USD"),
		Description:      "Two nights, deposit",
		NotifyURL:        "https://shop.example/webhooks/waffo",
		ReturnURL:        "https://shop.example/thanks",
		Customer:         paygate.Customer{ID: "cust-7", Email: "guest@example.com"},
		Method:           paygate.Method{Type: "CREDITCARD"},
		CaptureMode:      paygate.CaptureManual,
	})
	if err != nil {
		fmt.Println("create:", paygate.OutcomeOf(err), paygate.CodeOf(err))
		return
	}
	_ = srv.Settle(ctx, "hotel-77-try-1", sim.Pay) // the guest enters the card: the money is held
	p, _ := payments.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: "hotel-77-try-1"})
	fmt.Println(p.Status, "captured:", !p.Captured.IsZero())

	capture := &paygate.CaptureRequest{CaptureRequestID: "hotel-77-capture", PaymentRequestID: "hotel-77-try-1"}
	p, err = payments.Capture(ctx, capture) // zero Amount: the whole authorized amount
	if err != nil {
		fmt.Println("capture:", paygate.OutcomeOf(err), paygate.CodeOf(err))
		return
	}
	fmt.Println(p.Status, p.ProviderStatus, "captured:", p.Captured)
	p, _ = payments.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: "hotel-77-try-1"})
	fmt.Println(p.Status, "captured:", p.Captured)

	_, err = payments.Capture(ctx, capture)
	fmt.Println("again:", paygate.OutcomeOf(err), paygate.CodeOf(err))
	// Output:
	// AUTHORIZED captured: false
	// PENDING CAPTURE_IN_PROGRESS captured: 120.00 USD
	// SUCCEEDED captured: 120.00 USD
	// again: F INVALID_STATE
}
