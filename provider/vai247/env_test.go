package vai247_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate/provider/vai247"
)

func TestConfigFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		want    vai247.Config
		wantErr string
	}{
		{"all", map[string]string{"VAI247_BASE_URL": "https://b", "VAI247_APP_ID": "a", "VAI247_API_KEY": "k", "VAI247_API_SECRET": "s",
			"VAI247_STORE_ID": "st", "VAI247_WEBHOOK_SECRET": "w", "VAI247_REFUND_SIGNING": "true"},
			vai247.Config{BaseURL: "https://b", AppID: "a", APIKey: "k", APISecret: "s", StoreID: "st", WebhookSecret: "w", RefundSigning: true}, ""},
		{"signing off", map[string]string{"VAI247_REFUND_SIGNING": "0"}, vai247.Config{}, ""},
		{"empty", nil, vai247.Config{}, ""},
		{"not a boolean", map[string]string{"VAI247_REFUND_SIGNING": "yes please"}, vai247.Config{}, "VAI247_REFUND_SIGNING"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := vai247.ConfigFromEnv(func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}
