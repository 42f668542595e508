package stripe

// The environment variables ConfigFromEnv reads (the paygate command reads them too).
const (
	EnvSecretKey     = "STRIPE_SECRET_KEY"     // Config.SecretKey
	EnvWebhookSecret = "STRIPE_WEBHOOK_SECRET" // Config.WebhookSecret (several, comma-separated, during a rotation)
	EnvBaseURL       = "STRIPE_BASE_URL"       // Config.BaseURL; empty means DefaultBaseURL
)

// ConfigFromEnv returns the settings in the STRIPE_* environment variables, read with getenv
// (os.Getenv in production; nil means an empty environment). Missing values stay empty and New
// reports them. It never fails; the error is there for provider.OpenFunc.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	return Config{
		SecretKey:     getenv(EnvSecretKey),
		WebhookSecret: getenv(EnvWebhookSecret),
		BaseURL:       getenv(EnvBaseURL),
	}, nil
}
