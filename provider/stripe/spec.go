package stripe

import "github.com/paygate-go/paygate/provider"

// Spec registers the adapter with the tools around it (provider/registry lists it).
func Spec() provider.Spec {
	return provider.Spec{
		Name:  Name,
		Title: "Stripe",
		Settings: []provider.Setting{
			{Env: EnvSecretKey, Flag: "secret-key", Field: "SecretKey", Help: "the secret API key (sk_…)", Required: true, Secret: true, File: true},
			{Env: EnvBaseURL, Flag: "base-url", Field: "BaseURL", Help: "the provider's API root"},
			{Env: EnvWebhookSecret, Flag: "webhook-secret", Field: "WebhookSecret", Help: "the webhook signing secret (whsec_…; several comma-separated during a rotation)", Secret: true, File: true, Webhook: true},
		},
		Open: provider.OpenFunc(ConfigFromEnv, func(cfg *Config, c provider.Common) {
			cfg.HTTPClient, cfg.Logger, cfg.Retry = c.HTTPClient, c.Logger, c.Retry
		}, New),
		CreateHelp: "(optionally --method-name pm_…: a saved or test payment method such as pm_card_visa, confirmed at once; " +
			"or alipay (with --return-url) or wechat_pay; without a method the payment waits for Stripe.js: a client_confirm action)",
		Capabilities: Capabilities(),
		Heads:        provider.TableHeads{Code: "`error.code` / `decline_code`", Payment: "Stripe PaymentIntent `status`", Refund: "Stripe Refund `status`"},
		Codes:        CodeTable(),
		Payments:     PaymentStatusTable(),
		Refunds:      RefundStatusTable(),
	}
}
