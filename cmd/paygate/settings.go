package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/provider/registry"
)

// settingName is how the command names a setting: "--flag (or ENV)".
func settingName(s provider.Setting) string { return "--" + s.Flag + " (or " + s.Env + ")" }

// missing is a usage error naming every required setting that is empty, or nil. What New requires
// is in each adapter's New; the command checks the adapter's Required settings itself so it can name
// every missing one as a flag and an environment variable, not as a Go field.
func (r resolved) missing() error {
	var missing []string
	for _, s := range r.spec.Settings {
		if s.Required && strings.TrimSpace(r.getenv(s.Env)) == "" {
			missing = append(missing, settingName(s))
		}
	}
	for _, s := range r.spec.Settings {
		if s.RequiredWith == "" || strings.TrimSpace(r.getenv(s.Env)) != "" {
			continue
		}
		if on, _ := strconv.ParseBool(r.getenv(s.RequiredWith)); !on {
			continue
		}
		because := s.RequiredWith
		for _, w := range r.spec.Settings {
			if w.Env == s.RequiredWith && w.Flag != "" {
				because = strings.ReplaceAll(w.Flag, "-", " ") // "refund signing"
			}
		}
		missing = append(missing, settingName(s)+", as "+because+" is on")
	}
	if len(missing) == 0 {
		return nil
	}
	return usageError{fmt.Sprintf("%s needs %s: pass the flags, set the environment variables (the provider's merchant dashboard shows the values), or use --sim FILE from `paygate sim`",
		r.spec.Name, strings.Join(missing, ", "))}
}

// configNames translates an adapter's configuration error, which names Config fields, into the
// command's flags and environment variables.
func configNames(spec provider.Spec, msg string) string {
	for _, s := range spec.Settings {
		if s.Flag == "" {
			continue
		}
		// "Config.X (ENV, …)" already names the variable: it becomes "--flag (ENV, …)".
		msg = regexp.MustCompile(`\bConfig\.`+s.Field+`\b( \(`+s.Env+`\b)?`).ReplaceAllStringFunc(msg, func(m string) string {
			if strings.HasSuffix(m, s.Env) {
				return "--" + s.Flag + " (" + s.Env
			}
			return settingName(s)
		})
	}
	return msg
}

// requestFlags are the flags that fill each request field the adapters' errors name.
var requestFlags = []struct{ field, flag string }{
	{"PaymentRequestID", "--id"},
	{"ProviderPaymentID", "--provider-payment-id"},
	{"RefundRequestID", "--refund-id"},
	{"CaptureRequestID", "--capture-request-id"},
	{"CaptureMode", "--capture"},
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

// commandFlags are the flags a command names differently from requestFlags.
var commandFlags = map[string]map[string]string{
	"capture": {"PaymentRequestID": "--payment-request-id"},
}

// flagFor is the flag of command cmd that sets a request field, or "".
func flagFor(cmd, field string) string {
	if f, ok := commandFlags[cmd][field]; ok {
		return f
	}
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

// flagNames rewrites the Go names in an adapter's message about a request into command cmd's flags.
func flagNames(cmd, providerName, msg string) string {
	spec, _ := registry.Lookup(providerName)
	msg = configNames(spec.Adapter, msg)
	return goNames.ReplaceAllStringFunc(msg, func(m string) string {
		switch m {
		case "Payment.ProviderPaymentID from Create":
			return "provider_payment_id in create's output"
		case "CreateOptions.PaymentMethodType or Config.PaymentMethodType":
			return "--payment-method-type or " + envOf(spec.Adapter, "PaymentMethodType")
		}
		if f := flagFor(cmd, m); f != "" {
			return f
		}
		return m
	})
}

// envOf is the environment variable of the adapter's setting for a Config field, or the field's
// Go name when it has none.
func envOf(spec provider.Spec, field string) string {
	for _, s := range spec.Settings {
		if s.Field == field {
			return s.Env
		}
	}
	return "Config." + field
}
