package vai247

import (
	"fmt"
	"strconv"
)

// The environment variables ConfigFromEnv reads. The paygate command reads them too, so a merchant
// keeps one set of credentials for the library, the command and their own services.
const (
	EnvBaseURL       = "VAI247_BASE_URL"       // Config.BaseURL; empty means DefaultBaseURL
	EnvAppID         = "VAI247_APP_ID"         // Config.AppID
	EnvAPIKey        = "VAI247_API_KEY"        // Config.APIKey
	EnvAPISecret     = "VAI247_API_SECRET"     // Config.APISecret
	EnvStoreID       = "VAI247_STORE_ID"       // Config.StoreID
	EnvWebhookSecret = "VAI247_WEBHOOK_SECRET" // Config.WebhookSecret
	EnvRefundSigning = "VAI247_REFUND_SIGNING" // Config.RefundSigning: true or false (strconv.ParseBool)
)

// ConfigFromEnv returns the credentials and settings in the VAI247_* environment variables, read with
// getenv (os.Getenv in production; nil means an empty environment). Fields without a variable keep
// their zero value, and New reports what is missing. It fails only on a VAI247_REFUND_SIGNING that is
// not a boolean: guessing would change whether refunds are deduplicated.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	cfg := Config{
		BaseURL:       getenv(EnvBaseURL),
		AppID:         getenv(EnvAppID),
		APIKey:        getenv(EnvAPIKey),
		APISecret:     getenv(EnvAPISecret),
		StoreID:       getenv(EnvStoreID),
		WebhookSecret: getenv(EnvWebhookSecret),
	}
	if v := getenv(EnvRefundSigning); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return Config{}, fmt.Errorf("vai247: %s=%q is not a boolean: set it to true or false", EnvRefundSigning, v)
		}
		cfg.RefundSigning = b
	}
	return cfg, nil
}
