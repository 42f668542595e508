package main

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The docs-only client authorizes now and captures later through `paygate sim`: a manual-capture
// payment, the customer's authorization played through the control API ("authorize"), the capture,
// and the inquiries that show it, with only what the providers document (see the client's comments
// for each field's source). These run as subtests of TestSimServesDocsOnlyClient.

// docsAuthorize plays the customer authorizing a manual-capture payment. The simulator file says how:
// a client in another language reads the same sentence.
func docsAuthorize(t *testing.T, ctx context.Context, hc *http.Client, f docsSimFile, provider, paymentRequestID string) {
	t.Helper()
	require.Contains(t, f.Control.Settle, `"result":"pay|authorize|`, "the simulator file documents the authorize result")
	docsSettle(t, ctx, hc, f, provider, paymentRequestID, "authorize")
}

func docsWaffoCaptureScenario(t *testing.T, ctx context.Context, hc *http.Client, f docsSimFile, hooks *docsWebhooks) {
	key, err := parseDocsPrivateKey(f.Waffo.MerchantPrivateKey)
	require.NoError(t, err)
	pub, err := parseDocsPublicKey(f.Waffo.WaffoPublicKey)
	require.NoError(t, err)
	c := &waffoDocsClient{hc: hc, baseURL: f.Waffo.BaseURL, apiKey: f.Waffo.APIKey, merchantID: f.Waffo.MerchantID, key: key, waffoKey: pub}
	notify := hooks.url + "/waffo/notify"

	// Create a card order with manual capture; the customer authorizes it.
	prid := docsID("dc-wc-")
	o, err := c.createManualCaptureOrder(ctx, prid, "USD", "25.00", notify)
	require.NoError(t, err)
	assert.Equal(t, prid, o.PaymentRequestID)
	require.NotEmpty(t, o.AcquiringOrderID)
	assert.Contains(t, []string{"PAY_IN_PROGRESS", "AUTHORIZATION_REQUIRED"}, o.OrderStatus, "a new order is not final")

	docsAuthorize(t, ctx, hc, f, "waffo", prid)
	held, err := c.inquireOrder(ctx, prid)
	require.NoError(t, err)
	assert.Equal(t, "AUTHED_WAITING_CAPTURE", held.OrderStatus, "an authorized manual-capture order waits for the capture")
	assert.Equal(t, o.AcquiringOrderID, held.AcquiringOrderID)
	assert.Equal(t, "25.00", held.OrderAmount)

	// Capture the whole amount. The reply is CaptureOrderData: the order's ids and its status,
	// CAPTURE_IN_PROGRESS while Waffo settles the capture (the SDK's e2e notes; PAY_SUCCESS if it
	// already has).
	cp, err := c.captureOrder(ctx, prid, o.AcquiringOrderID, "25.00")
	require.NoError(t, err)
	assert.Equal(t, prid, cp.PaymentRequestID)
	assert.Equal(t, "mo-"+prid, cp.MerchantOrderID)
	assert.Equal(t, o.AcquiringOrderID, cp.AcquiringOrderID)
	assert.Contains(t, []string{"CAPTURE_IN_PROGRESS", "PAY_SUCCESS"}, cp.OrderStatus)

	// Inquire until the capture settled: PAY_SUCCESS by inquiry and by PAYMENT_NOTIFICATION.
	var paid waffoOrder
	docsPoll(t, "the captured order never reached PAY_SUCCESS", func() (done bool, err error) {
		paid, err = c.inquireOrder(ctx, prid)
		if err == nil && paid.OrderStatus != "CAPTURE_IN_PROGRESS" && paid.OrderStatus != "PAY_SUCCESS" {
			t.Errorf("after the capture the order is %s, neither CAPTURE_IN_PROGRESS nor PAY_SUCCESS", paid.OrderStatus)
			return true, nil
		}
		return paid.OrderStatus == "PAY_SUCCESS", err
	})
	assert.Equal(t, "PAY_SUCCESS", paid.OrderStatus)
	assert.Equal(t, "USD", paid.OrderCurrency)
	assert.Equal(t, "25.00", paid.OrderAmount)
	hooks.await(t, "waffo", prid, "PAY_SUCCESS")

	// A capture whose reply cannot be trusted (its signature does not verify) has an unknown outcome.
	// Waffo's capture has no request id to resend under, so the client inquires the order instead of
	// capturing again, as Waffo says for unknown outcomes: the order shows the capture landed.
	prid2 := docsID("dc-wc-")
	o2, err := c.createManualCaptureOrder(ctx, prid2, "USD", "7.50", notify)
	require.NoError(t, err)
	docsAuthorize(t, ctx, hc, f, "waffo", prid2)
	docsFault(t, ctx, hc, f, "waffo", "capture", "corrupt-signature")
	_, err = c.captureOrder(ctx, prid2, o2.AcquiringOrderID, "7.50")
	require.ErrorContains(t, err, "signature")
	var we *waffoError
	assert.NotErrorAs(t, err, &we, "an unverified reply is not Waffo's answer")
	after, err := c.inquireOrder(ctx, prid2)
	require.NoError(t, err)
	assert.Contains(t, []string{"CAPTURE_IN_PROGRESS", "PAY_SUCCESS"}, after.OrderStatus,
		"the inquiry shows the capture took effect, so the client must not capture again")
}

func docsAntomCaptureScenario(t *testing.T, ctx context.Context, hc *http.Client, f docsSimFile, hooks *docsWebhooks) {
	key, err := parseDocsPrivateKey(f.Antom.MerchantPrivateKey)
	require.NoError(t, err)
	pub, err := parseDocsPublicKey(f.Antom.AntomPublicKey)
	require.NoError(t, err)
	c := &antomDocsClient{hc: hc, baseURL: f.Antom.BaseURL, clientID: f.Antom.ClientID, keyVersion: f.Antom.KeyVersion, key: key, antomKey: pub}
	notify := hooks.url + "/antom/notify"
	authorized := antomAmount{Currency: "USD", Value: "2000"} // USD 20.00 in cents

	// Pay with manual capture, by card: Antom's capture guide is about card payments ("CARD" is the
	// paymentMethodType the SDK's examples use for cards).
	prid := docsID("dc-ac-")
	p, _, err := c.payManualCapture(ctx, prid, "CARD", authorized, notify)
	require.NoError(t, err)
	require.Equal(t, antomResult{ResultCode: "PAYMENT_IN_PROCESS", ResultStatus: "U"}, antomResult{ResultCode: p.Result.ResultCode, ResultStatus: p.Result.ResultStatus},
		"the cashier answer; message %q", p.Result.ResultMessage)
	assert.True(t, p.NormalURL != "" || p.SchemeURL != "" || p.ApplinkURL != "", "PAYMENT_IN_PROCESS without a redirect URL is an unknown outcome")
	require.NotEmpty(t, p.PaymentID)
	assert.Equal(t, authorized, p.PaymentAmount)

	// The customer authorizes: the payment succeeded as an authorization, which lapses at
	// authExpiryTime (Antom cancels it after 7 days), and nothing is captured yet.
	docsAuthorize(t, ctx, hc, f, "antom", prid)
	q, err := c.inquiryPayment(ctx, prid)
	require.NoError(t, err)
	assert.Equal(t, "S", q.Result.ResultStatus)
	assert.Equal(t, "SUCCESS", q.PaymentStatus)
	assert.Equal(t, p.PaymentID, q.PaymentID)
	assert.Equal(t, authorized, q.PaymentAmount)
	assert.Empty(t, q.captures(), "nothing is captured before the capture")
	if exp, err := time.Parse(time.RFC3339, q.AuthExpiryTime); assert.NoError(t, err, "authExpiryTime %q is ISO 8601", q.AuthExpiryTime) {
		assert.WithinDuration(t, time.Now().Add(7*24*time.Hour), exp, 24*time.Hour, "an uncaptured authorization lapses after 7 days")
	}

	// Capture part of it, as the last capture. The first reply's signature is corrupted: an unknown
	// outcome, so the client resends the same captureRequestId (Antom's idempotency key), and a
	// third send gets the same capture again.
	capID := docsID("dc-acc-")
	part := antomAmount{Currency: "USD", Value: "1500"}
	docsFault(t, ctx, hc, f, "antom", "capture", "corrupt-signature")
	_, err = c.capture(ctx, capID, p.PaymentID, part)
	require.ErrorContains(t, err, "signature")
	cp, err := c.capture(ctx, capID, p.PaymentID, part)
	require.NoError(t, err)
	require.Equal(t, antomResult{ResultCode: "SUCCESS", ResultStatus: "S"}, antomResult{ResultCode: cp.Result.ResultCode, ResultStatus: cp.Result.ResultStatus},
		"capture result; message %q", cp.Result.ResultMessage)
	assert.Equal(t, capID, cp.CaptureRequestID)
	assert.NotEmpty(t, cp.CaptureID)
	assert.Equal(t, p.PaymentID, cp.PaymentID)
	assert.Equal(t, part, cp.CaptureAmount)
	_, err = time.Parse(time.RFC3339, cp.CaptureTime)
	assert.NoError(t, err, "captureTime %q is ISO 8601", cp.CaptureTime)
	again, err := c.capture(ctx, capID, p.PaymentID, part)
	require.NoError(t, err)
	assert.Equal(t, cp, again, "the same captureRequestId that reached S gets the same result")

	// The inquiry shows exactly one capture, of the captured amount; notifyCapture says the same.
	q, err = c.inquiryPayment(ctx, prid)
	require.NoError(t, err)
	assert.Equal(t, "SUCCESS", q.PaymentStatus)
	if caps := q.captures(); assert.Len(t, caps, 1, "one capture, however often it was sent: %+v", q.Transactions) {
		assert.Equal(t, "SUCCESS", caps[0].TransactionStatus)
		assert.Equal(t, capID, caps[0].TransactionRequestID)
		assert.Equal(t, cp.CaptureID, caps[0].TransactionID)
		assert.Equal(t, part, caps[0].TransactionAmount)
	}
	hooks.await(t, "antom", capID, "CAPTURE_RESULT S USD 1500")

	// After the last capture there is nothing left to capture: another capture id is refused (F),
	// and the payment still shows one capture.
	refused, err := c.capture(ctx, docsID("dc-acc-"), p.PaymentID, antomAmount{Currency: "USD", Value: "500"})
	require.NoError(t, err)
	assert.Equal(t, "F", refused.Result.ResultStatus, "a capture after the last capture: %+v", refused.Result)
	q, err = c.inquiryPayment(ctx, prid)
	require.NoError(t, err)
	assert.Len(t, q.captures(), 1, "still one capture: %+v", q.Transactions)

	docsAntomVoid(t, ctx, hc, f, c, notify)
}

// docsAntomVoid voids an authorization: Antom's cancel API takes a payment whether or not it is
// completed (docs.antom.com cashierpay "Payment status description"; seed 003 for its fields), so a
// cancel of an authorized, uncaptured payment releases the hold and the payment ends CANCELLED.
func docsAntomVoid(t *testing.T, ctx context.Context, hc *http.Client, f docsSimFile, c *antomDocsClient, notify string) {
	prid := docsID("dc-av-")
	p, _, err := c.payManualCapture(ctx, prid, "CARD", antomAmount{Currency: "USD", Value: "800"}, notify)
	require.NoError(t, err)
	require.Equal(t, "PAYMENT_IN_PROCESS", p.Result.ResultCode)
	docsAuthorize(t, ctx, hc, f, "antom", prid)
	cl, err := c.cancel(ctx, prid)
	require.NoError(t, err)
	assert.Equal(t, antomResult{ResultCode: "SUCCESS", ResultStatus: "S"}, antomResult{ResultCode: cl.Result.ResultCode, ResultStatus: cl.Result.ResultStatus},
		"cancel of an authorization; message %q", cl.Result.ResultMessage)
	assert.Equal(t, p.PaymentID, cl.PaymentID)
	q, err := c.inquiryPayment(ctx, prid)
	require.NoError(t, err)
	assert.Equal(t, "CANCELLED", q.PaymentStatus)
	assert.Empty(t, q.captures())
	// Nothing is left to capture.
	refused, err := c.capture(ctx, docsID("dc-acc-"), p.PaymentID, antomAmount{Currency: "USD", Value: "800"})
	require.NoError(t, err)
	assert.Equal(t, "F", refused.Result.ResultStatus, "a capture after the void: %+v", refused.Result)
}
