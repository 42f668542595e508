package waffo_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate/provider/waffo"
)

func TestConfigFromEnv(t *testing.T) {
	env := map[string]string{
		"WAFFO_BASE_URL": "https://api.example/api/v1", "WAFFO_API_KEY": "k", "WAFFO_MERCHANT_ID": "m",
		"WAFFO_PRIVATE_KEY": "priv", "WAFFO_PUBLIC_KEY": "pub",
	}
	got, err := waffo.ConfigFromEnv(func(k string) string { return env[k] })
	require.NoError(t, err)
	assert.Equal(t, waffo.Config{BaseURL: "https://api.example/api/v1", APIKey: "k", MerchantID: "m", PrivateKey: "priv", WaffoPublicKey: "pub"}, got)
	empty, err := waffo.ConfigFromEnv(nil)
	require.NoError(t, err)
	assert.Equal(t, waffo.Config{}, empty)
}
