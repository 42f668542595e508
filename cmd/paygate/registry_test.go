package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate/provider/antom/antomtest"
	"github.com/paygate-go/paygate/provider/stripe/stripetest"
	"github.com/paygate-go/paygate/provider/vai247/vai247test"
	"github.com/paygate-go/paygate/provider/waffo/waffotest"
)

// simFile is the file `paygate sim` writes, as the tests read it: the layout it has always had, each
// provider's section now the simulator package's File (the command writes them from the registry).
type simFile struct {
	About      string          `json:"about"`
	ControlURL string          `json:"control_url"`
	Waffo      waffotest.File  `json:"waffo"`
	Antom      antomtest.File  `json:"antom"`
	VAI247     vai247test.File `json:"vai247"`
	Stripe     stripetest.File `json:"stripe"`
	Control    controlDocs     `json:"control"`
}

// The file the registry-driven command writes is byte for byte the file of the fixed layout: same
// keys, in the same order, with the same values; and every credential is there.
func TestSimFileLayout(t *testing.T) {
	_, path := startSim(t)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var f simFile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&f))
	again, err := json.MarshalIndent(f, "", "  ")
	require.NoError(t, err)
	assert.Equal(t, string(b), string(again)+"\n")
	for _, v := range []string{f.About, f.ControlURL, f.Waffo.BaseURL, f.Waffo.APIKey, f.Waffo.MerchantPublicKeyDERBase64,
		f.Antom.ClientID, f.Antom.AntomPublicKeyPEM, f.Antom.KeyVersion, f.Antom.PaymentMethodType,
		f.VAI247.AppID, f.VAI247.APISecret, f.VAI247.WebhookSecret, f.Stripe.SecretKey, f.Stripe.WebhookSecret, f.Stripe.APIVersion, f.Control.Settle} {
		assert.NotEmpty(t, v)
	}
	assert.True(t, f.VAI247.RefundSigning)
	assert.Len(t, f.Waffo.Env, 5)
	assert.Len(t, f.Antom.Env, 6)
	assert.Len(t, f.VAI247.Env, 7)
	assert.Len(t, f.Stripe.Env, 3)
	assert.Equal(t, f.Waffo.MerchantPrivateKey, f.Waffo.Env["WAFFO_PRIVATE_KEY"])
	assert.Equal(t, "true", f.VAI247.Env["VAI247_REFUND_SIGNING"])
}

// The credential flags come from the registry's settings with the help they always had.
func TestCredentialFlagHelp(t *testing.T) {
	want := map[string]string{
		"provider":            "the provider: waffo, antom, vai247 or stripe (required)",
		"base-url":            "the provider's API root (env WAFFO_BASE_URL, ANTOM_BASE_URL, VAI247_BASE_URL, STRIPE_BASE_URL)",
		"api-key":             "waffo, vai247: the API key (env WAFFO_API_KEY, VAI247_API_KEY)",
		"merchant-id":         "waffo: the merchant id (env WAFFO_MERCHANT_ID)",
		"private-key":         "waffo, antom: the merchant's private key, PEM or base64, or @FILE (env WAFFO_PRIVATE_KEY, ANTOM_PRIVATE_KEY)",
		"provider-public-key": "waffo, antom: the provider's public key, PEM or base64, or @FILE (env WAFFO_PUBLIC_KEY, ANTOM_PUBLIC_KEY)",
		"client-id":           "antom: the client id (env ANTOM_CLIENT_ID)",
		"key-version":         "antom: the key version (env ANTOM_KEY_VERSION)",
		"payment-method-type": "antom: the payment method when a create names none (env ANTOM_PAYMENT_METHOD_TYPE)",
		"app-id":              "vai247: the app id (env VAI247_APP_ID)",
		"api-secret":          "vai247: the API secret, or @FILE (env VAI247_API_SECRET)",
		"store-id":            "vai247: the store id (env VAI247_STORE_ID)",
		"webhook-secret":      "vai247, stripe: the webhook secret, or @FILE (env VAI247_WEBHOOK_SECRET, STRIPE_WEBHOOK_SECRET)",
		"secret-key":          "stripe: the secret API key (sk_…), or @FILE (env STRIPE_SECRET_KEY)",
		"refund-signing":      "vai247: true to sign and deduplicate refunds (env VAI247_REFUND_SIGNING)",
	}
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	var c credentialFlags
	c.register(fs)
	got := map[string]string{}
	fs.VisitAll(func(f *flag.Flag) { got[f.Name] = f.Usage })
	delete(got, "sim")
	assert.Equal(t, want, got)
}
