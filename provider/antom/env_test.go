package antom_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/paygate-go/paygate/provider/antom"
)

func TestConfigFromEnv(t *testing.T) {
	env := map[string]string{
		"ANTOM_BASE_URL": "https://open-sea-global.alipay.com", "ANTOM_CLIENT_ID": "SANDBOX_1", "ANTOM_PRIVATE_KEY": "priv",
		"ANTOM_PUBLIC_KEY": "pub", "ANTOM_KEY_VERSION": "2", "ANTOM_MERCHANT_ACCOUNT_ID": "acct", "ANTOM_PAYMENT_METHOD_TYPE": "GCASH",
	}
	got := antom.ConfigFromEnv(func(k string) string { return env[k] })
	assert.Equal(t, antom.Config{BaseURL: "https://open-sea-global.alipay.com", ClientID: "SANDBOX_1", PrivateKey: "priv",
		AntomPublicKey: "pub", KeyVersion: "2", MerchantAccountID: "acct", PaymentMethodType: "GCASH"}, got)
	assert.Equal(t, antom.Config{}, antom.ConfigFromEnv(nil))
}
