package antom_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate/provider/antom"
)

func TestConfigFromEnv(t *testing.T) {
	env := map[string]string{
		"ANTOM_BASE_URL": "https://open-sea-global.alipay.com", "ANTOM_CLIENT_ID": "SANDBOX_1", "ANTOM_PRIVATE_KEY": "priv",
		"ANTOM_PUBLIC_KEY": "pub", "ANTOM_KEY_VERSION": "2", "ANTOM_MERCHANT_ACCOUNT_ID": "acct", "ANTOM_PAYMENT_METHOD_TYPE": "GCASH",
	}
	got, err := antom.ConfigFromEnv(func(k string) string { return env[k] })
	require.NoError(t, err)
	assert.Equal(t, antom.Config{BaseURL: "https://open-sea-global.alipay.com", ClientID: "SANDBOX_1", PrivateKey: "priv",
		AntomPublicKey: "pub", KeyVersion: "2", MerchantAccountID: "acct", PaymentMethodType: "GCASH"}, got)
	empty, err := antom.ConfigFromEnv(nil)
	require.NoError(t, err)
	assert.Equal(t, antom.Config{}, empty)
}
