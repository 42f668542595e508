package antom

// The environment variables ConfigFromEnv reads. The paygate command reads them too, so a merchant
// keeps one set of credentials for the library, the command and their own services.
const (
	EnvBaseURL           = "ANTOM_BASE_URL"            // Config.BaseURL; empty means DefaultBaseURL
	EnvClientID          = "ANTOM_CLIENT_ID"           // Config.ClientID ("SANDBOX_…" uses the sandbox paths)
	EnvPrivateKey        = "ANTOM_PRIVATE_KEY"         // Config.PrivateKey: PEM or base64 DER
	EnvPublicKey         = "ANTOM_PUBLIC_KEY"          // Config.AntomPublicKey: PEM or base64 DER
	EnvKeyVersion        = "ANTOM_KEY_VERSION"         // Config.KeyVersion; empty means "1"
	EnvMerchantAccountID = "ANTOM_MERCHANT_ACCOUNT_ID" // Config.MerchantAccountID
	EnvPaymentMethodType = "ANTOM_PAYMENT_METHOD_TYPE" // Config.PaymentMethodType, e.g. ALIPAY_CN
)

// ConfigFromEnv returns the credentials and settings in the ANTOM_* environment variables, read with
// getenv (os.Getenv in production; nil means an empty environment). Fields without a variable keep
// their zero value, and New reports what is missing. The error is always nil: the signature is every
// adapter's (provider.Spec.Open calls it), and only some settings can be malformed before New.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	return Config{
		BaseURL:           getenv(EnvBaseURL),
		ClientID:          getenv(EnvClientID),
		PrivateKey:        getenv(EnvPrivateKey),
		AntomPublicKey:    getenv(EnvPublicKey),
		KeyVersion:        getenv(EnvKeyVersion),
		MerchantAccountID: getenv(EnvMerchantAccountID),
		PaymentMethodType: getenv(EnvPaymentMethodType),
	}, nil
}
