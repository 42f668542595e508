package antom_test

import (
	"errors"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider/antom"
	"github.com/paygate-go/paygate/status"
)

// TestRealSandbox talks to Antom's real sandbox when ANTOM_CLIENT_ID, ANTOM_PRIVATE_KEY and
// ANTOM_PUBLIC_KEY are set (ANTOM_BASE_URL optionally picks the domain). It makes only read-only
// calls: inquiries for ids that do not exist, which must be signed, verified and answered F NOT_FOUND
// (or at least a definite, verified answer).
func TestRealSandbox(t *testing.T) {
	clientID, priv, pub := os.Getenv("ANTOM_CLIENT_ID"), os.Getenv("ANTOM_PRIVATE_KEY"), os.Getenv("ANTOM_PUBLIC_KEY")
	if clientID == "" || priv == "" || pub == "" {
		t.Skip("skipped: set ANTOM_CLIENT_ID, ANTOM_PRIVATE_KEY and ANTOM_PUBLIC_KEY (and optionally ANTOM_BASE_URL) to run read-only calls against Antom's sandbox")
	}
	gw, err := antom.New(antom.Config{
		BaseURL: os.Getenv("ANTOM_BASE_URL"), ClientID: clientID, PrivateKey: priv, AntomPublicKey: pub, Sandbox: true,
	})
	require.NoError(t, err)
	defer gw.Close()
	missing := id("paygate-sandbox-missing")
	_, err = gw.Inquire(ctx(t), &paygate.InquireRequest{PaymentRequestID: missing})
	t.Logf("inquiryPayment of an unknown id: %v", err)
	var pe *paygate.Error
	require.True(t, errors.As(err, &pe), "an inquiry of an unknown id is an error: %v", err)
	assert.NotEqual(t, status.CodeAuthentication, pe.Code, "the sandbox accepted our signature")
	assert.Equal(t, status.CodeNotFound, pe.Code)

	_, err = gw.InquireRefund(ctx(t), &paygate.InquireRefundRequest{RefundRequestID: missing})
	t.Logf("inquiryRefund of an unknown id: %v", err)
	assert.Error(t, err)
	assert.NotEqual(t, status.CodeAuthentication, paygate.CodeOf(err))
}
