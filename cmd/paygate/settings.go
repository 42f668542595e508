package main

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/paygate-go/paygate/provider/antom"
	"github.com/paygate-go/paygate/provider/vai247"
	"github.com/paygate-go/paygate/provider/waffo"
)

// setting is one credential a provider needs, as the command line and the environment name it.
type setting struct {
	field string // the adapter's Config field, as its errors name it
	flag  string
	env   string
	value func(providerConfig) string
}

func (s setting) String() string { return "--" + s.flag + " (or " + s.env + ")" }

// settings are each provider's credentials; required ones first. What New requires is in each
// adapter's New; the command checks them itself so it can name every missing one as a flag and an
// environment variable, not as a Go field.
var settings = map[string]struct{ required, optional []setting }{
	waffo.Name: {
		required: []setting{
			{"APIKey", "api-key", waffo.EnvAPIKey, func(c providerConfig) string { return c.waffo.APIKey }},
			{"MerchantID", "merchant-id", waffo.EnvMerchantID, func(c providerConfig) string { return c.waffo.MerchantID }},
			{"PrivateKey", "private-key", waffo.EnvPrivateKey, func(c providerConfig) string { return c.waffo.PrivateKey }},
			{"WaffoPublicKey", "provider-public-key", waffo.EnvPublicKey, func(c providerConfig) string { return c.waffo.WaffoPublicKey }},
		},
		optional: []setting{{"BaseURL", "base-url", waffo.EnvBaseURL, nil}},
	},
	antom.Name: {
		required: []setting{
			{"ClientID", "client-id", antom.EnvClientID, func(c providerConfig) string { return c.antom.ClientID }},
			{"PrivateKey", "private-key", antom.EnvPrivateKey, func(c providerConfig) string { return c.antom.PrivateKey }},
			{"AntomPublicKey", "provider-public-key", antom.EnvPublicKey, func(c providerConfig) string { return c.antom.AntomPublicKey }},
		},
		optional: []setting{
			{"BaseURL", "base-url", antom.EnvBaseURL, nil},
			{"KeyVersion", "key-version", antom.EnvKeyVersion, nil},
			{"PaymentMethodType", "payment-method-type", antom.EnvPaymentMethodType, nil},
		},
	},
	vai247.Name: {
		required: []setting{
			{"AppID", "app-id", vai247.EnvAppID, func(c providerConfig) string { return c.vai247.AppID }},
			{"APIKey", "api-key", vai247.EnvAPIKey, func(c providerConfig) string { return c.vai247.APIKey }},
			{"StoreID", "store-id", vai247.EnvStoreID, func(c providerConfig) string { return c.vai247.StoreID }},
		},
		optional: []setting{
			{"BaseURL", "base-url", vai247.EnvBaseURL, nil},
			{"APISecret", "api-secret", vai247.EnvAPISecret, nil},
			{"WebhookSecret", "webhook-secret", vai247.EnvWebhookSecret, nil},
			{"RefundSigning", "refund-signing", vai247.EnvRefundSigning, nil},
		},
	},
}

// missingSettings is a usage error naming every required setting that is empty, or nil.
func missingSettings(name string, cfg providerConfig) error {
	var missing []string
	for _, s := range settings[name].required {
		if strings.TrimSpace(s.value(cfg)) == "" {
			missing = append(missing, s.String())
		}
	}
	if name == vai247.Name && cfg.vai247.RefundSigning && strings.TrimSpace(cfg.vai247.APISecret) == "" {
		missing = append(missing, "--api-secret (or "+vai247.EnvAPISecret+"), as refund signing is on")
	}
	if len(missing) == 0 {
		return nil
	}
	return usageError{fmt.Sprintf("%s needs %s: pass the flags, set the environment variables (the provider's merchant dashboard shows the values), or use --sim FILE from `paygate sim`",
		name, strings.Join(missing, ", "))}
}

// configNames translates an adapter's configuration error, which names Config fields, into the
// command's flags and environment variables.
func configNames(name, msg string) string {
	for _, s := range append(settings[name].required, settings[name].optional...) {
		// "Config.X (ENV, …)" already names the variable: it becomes "--flag (ENV, …)".
		msg = regexp.MustCompile(`\bConfig\.`+s.field+`\b( \(`+s.env+`\b)?`).ReplaceAllStringFunc(msg, func(m string) string {
			if strings.HasSuffix(m, s.env) {
				return "--" + s.flag + " (" + s.env
			}
			return s.String()
		})
	}
	return msg
}

// requestFlags are the flags that fill each request field the adapters' errors name.
var requestFlags = []struct{ field, flag string }{
	{"PaymentRequestID", "--id"},
	{"ProviderPaymentID", "--provider-payment-id"},
	{"RefundRequestID", "--refund-id"},
	{"ProviderRefundID", "--provider-refund-id"},
	{"MerchantOrderID", "--order-id"},
	{"Amount", "--amount"},
	{"Description", "--description"},
	{"NotifyURL", "--notify-url"},
	{"ReturnURL", "--return-url"},
	{"ExpiresAt", "--expires-in"},
	{"Reason", "--reason"},
	{"Customer.ID", "--customer-id"},
	{"Customer.Email", "--email"},
	{"Customer.Country", "--country"},
	{"Method.Type", "--method-type"},
	{"Method.Name", "--method-name"},
}

// flagFor is the flag that sets a request field, or "".
func flagFor(field string) string {
	for _, f := range requestFlags {
		if f.field == field {
			return f.flag
		}
	}
	return ""
}

// goNames matches the Go names the adapters' messages use for what a CLI user sets by flag.
var goNames = regexp.MustCompile(`\b(Payment\.ProviderPaymentID from Create|CreateOptions\.PaymentMethodType or Config\.PaymentMethodType|` +
	`Config\.[A-Za-z]+|Customer\.[A-Za-z]+|Method\.[A-Za-z]+|[A-Z][A-Za-z]*(?:RequestID|PaymentID|RefundID|OrderID|URL)|ExpiresAt)\b`)

// flagNames rewrites the Go names in an adapter's message about a request into the command's flags.
func flagNames(provider, msg string) string {
	msg = configNames(provider, msg)
	return goNames.ReplaceAllStringFunc(msg, func(m string) string {
		switch m {
		case "Payment.ProviderPaymentID from Create":
			return "provider_payment_id in create's output"
		case "CreateOptions.PaymentMethodType or Config.PaymentMethodType":
			return "--payment-method-type or " + antom.EnvPaymentMethodType
		}
		if f := flagFor(m); f != "" {
			return f
		}
		return m
	})
}
