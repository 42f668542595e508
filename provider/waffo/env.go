package waffo

// The environment variables ConfigFromEnv reads. The paygate command reads them too, so a merchant
// keeps one set of credentials for the library, the command and their own services.
const (
	EnvBaseURL    = "WAFFO_BASE_URL"    // Config.BaseURL; empty means the sandbox
	EnvAPIKey     = "WAFFO_API_KEY"     // Config.APIKey
	EnvMerchantID = "WAFFO_MERCHANT_ID" // Config.MerchantID
	EnvPrivateKey = "WAFFO_PRIVATE_KEY" // Config.PrivateKey: PEM or bare base64 DER
	EnvPublicKey  = "WAFFO_PUBLIC_KEY"  // Config.WaffoPublicKey: PEM or bare base64 DER
)

// ConfigFromEnv returns the credentials and base URL in the WAFFO_* environment variables, read with
// getenv (os.Getenv in production; nil means an empty environment). Fields without a variable keep
// their zero value, and New reports what is missing. The error is always nil: the signature is every
// adapter's (provider.Spec.Open calls it), and only some settings can be malformed before New.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	return Config{
		BaseURL:        getenv(EnvBaseURL),
		APIKey:         getenv(EnvAPIKey),
		MerchantID:     getenv(EnvMerchantID),
		PrivateKey:     getenv(EnvPrivateKey),
		WaffoPublicKey: getenv(EnvPublicKey),
	}, nil
}
