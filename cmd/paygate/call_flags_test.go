package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate/retry"
)

// Errors about settings and ids name the command's flags and environment variables, never Go
// fields, list every missing setting, and are usage errors (exit 2).
func TestUsageErrorsNameFlags(t *testing.T) {
	_, path := startSim(t)
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"antom settings", []string{"inquire", "--provider", "antom", "--id", "x"},
			[]string{"--client-id (or ANTOM_CLIENT_ID), --private-key (or ANTOM_PRIVATE_KEY), --provider-public-key (or ANTOM_PUBLIC_KEY)"}},
		{"waffo settings", []string{"inquire", "--provider", "waffo", "--id", "x", "--api-key", "k"},
			[]string{"--merchant-id (or WAFFO_MERCHANT_ID), --private-key (or WAFFO_PRIVATE_KEY), --provider-public-key (or WAFFO_PUBLIC_KEY)"}},
		{"vai247 settings", []string{"inquire", "--provider", "vai247", "--provider-payment-id", "x", "--refund-signing", "true"},
			[]string{"--app-id (or VAI247_APP_ID), --api-key (or VAI247_API_KEY), --store-id (or VAI247_STORE_ID), --api-secret (or VAI247_API_SECRET)"}},
		{"malformed key", []string{"inquire", "--provider", "antom", "--id", "x", "--client-id", "c", "--private-key", "nonsense", "--provider-public-key", "nonsense"},
			[]string{"--private-key (or ANTOM_PRIVATE_KEY)"}},
		{"webhook listener settings", []string{"webhook", "listen", "--provider", "waffo"}, []string{"--api-key (or WAFFO_API_KEY)"}},
		{"webhook listener without the secret", []string{"webhook", "listen", "--provider", "stripe", "--secret-key", "sk_test_x"},
			[]string{"pass --webhook-secret SECRET (or @FILE) or set STRIPE_WEBHOOK_SECRET to the webhook secret in Stripe's merchant dashboard"}},
		{"inquire without an id", []string{"inquire", "--provider", "waffo", "--sim", path}, []string{"name the payment: --id"}},
		{"refund without an id", []string{"refund", "--provider", "antom", "--sim", path, "--amount", "1.00", "--currency", "USD"}, []string{"name the payment: --id"}},
		{"vai247 cancel by request id", []string{"cancel", "--provider", "vai247", "--sim", path, "--id", "x"}, []string{"--provider-payment-id"}},
		{"inquire-refund without an id", []string{"inquire-refund", "--provider", "waffo", "--sim", path}, []string{"--refund-id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(t.Context(), tt.args, &stdout, &stderr, noEnv)
			assert.Equal(t, exitUsage, code, "stdout: %s\nstderr: %s", stdout.String(), stderr.String())
			for _, w := range tt.want {
				assert.Contains(t, stderr.String(), w)
			}
			assert.NotContains(t, stderr.String(), "Config.")
			assert.NotContains(t, stderr.String(), "ProviderPaymentID")
		})
	}
}

// A request the adapter refuses names the flag to set.
func TestValidationErrorNamesFlag(t *testing.T) {
	_, path := startSim(t)
	code, out, _ := cli(t, "create", "--provider", "waffo", "--sim", path, "--id", "cli-w-flag", "--amount", "10.00", "--currency", "USD",
		"--email", "a@b.example", "--customer-id", "c1")
	require.Equal(t, exitFailure, code)
	assert.Equal(t, "NotifyURL", out.Error.Field)
	assert.Equal(t, "--notify-url", out.Error.Flag)
	assert.Regexp(t, `^--notify-url: is empty`, out.Error.Message)
	assert.NotContains(t, out.Error.Detail, "NotifyURL")

	code, out, _ = cli(t, "create", "--provider", "antom", "--sim", path, "--id", "cli-a-flag", "--amount", "10.00", "--currency", "USD")
	require.Equal(t, exitFailure, code)
	assert.Equal(t, "--return-url", out.Error.Flag)
	assert.NotContains(t, out.Error.Message, "ReturnURL")
}

func TestCreateHelpPerProvider(t *testing.T) {
	var stdout, stderr bytes.Buffer
	require.Equal(t, exitOK, run(t.Context(), []string{"create", "-h"}, &stdout, &stderr, noEnv))
	help := stderr.String()
	for _, want := range []string{
		"waffo   --amount --currency --notify-url --email --customer-id",
		"credentials --api-key --merchant-id --private-key --provider-public-key",
		"antom   --amount --currency --return-url",
		"credentials --client-id --private-key --provider-public-key",
		"vai247  --amount --currency (VAI247 takes no notify or return URL",
		"credentials --app-id --api-key --store-id",
		"VAI247 does not: a second create makes a second order",
		"After a U, resend with it where the provider deduplicates creates", // --id's own help
		"attempts:\nthe HTTP requests that left this process",
	} {
		assert.Contains(t, help, want)
	}
}

// attempts counts the HTTP requests that left the process.
func TestAttemptsCountRequestsSent(t *testing.T) {
	f, path := startSim(t)
	t.Run("no-retry: the transport's tries count", func(t *testing.T) {
		control(t, f.ControlURL+"/fault", `{"provider":"waffo","op":"inquire","kind":"reply-status","status":503,"times":100}`)
		defer control(t, f.ControlURL+"/reset", `{}`)
		code, out, _ := cli(t, "inquire", "--provider", "waffo", "--sim", path, "--id", "cli-w-none", "--no-retry")
		require.Equal(t, exitUnknown, code)
		assert.Equal(t, retry.Default().MaxAttempts, out.Attempts)
		assert.Greater(t, out.Attempts, 1)
	})
	t.Run("refused before sending: none", func(t *testing.T) {
		code, out, _ := cli(t, "create", "--provider", "waffo", "--sim", path, "--id", "cli-w-unsent", "--amount", "10.00", "--currency", "USD")
		require.Equal(t, exitFailure, code)
		assert.Equal(t, 0, out.Attempts)
		code, out, _ = cli(t, "create", "--provider", "waffo", "--sim", path, "--id", "cli-w-unsent", "--amount", "10.00", "--currency", "USD", "--no-retry")
		require.Equal(t, exitFailure, code)
		assert.Equal(t, 0, out.Attempts)
	})
	t.Run("one answered request: one", func(t *testing.T) {
		code, out, _ := cli(t, "create", "--provider", "vai247", "--sim", path, "--id", "cli-v-one", "--amount", "1.00", "--currency", "USD")
		require.Equal(t, exitOK, code)
		assert.Equal(t, 1, out.Attempts)
	})
}

func TestConfigNames(t *testing.T) {
	tests := []struct{ provider, in, want string }{
		{"antom", "antom: Config.ClientID is empty", "antom: --client-id (or ANTOM_CLIENT_ID) is empty"},
		{"antom", "a wrong Config.AntomPublicKey (ANTOM_PUBLIC_KEY, Antom's key) or Config.ClientID (ANTOM_CLIENT_ID)",
			"a wrong --provider-public-key (ANTOM_PUBLIC_KEY, Antom's key) or --client-id (ANTOM_CLIENT_ID)"},
		{"waffo", "waffo: Config.APIKey, Config.MerchantID is empty", "waffo: --api-key (or WAFFO_API_KEY), --merchant-id (or WAFFO_MERCHANT_ID) is empty"},
		{"vai247", "pass ProviderPaymentID (Payment.ProviderPaymentID from Create)", "pass --provider-payment-id (provider_payment_id in create's output)"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, flagNames("inquire", tt.provider, tt.in))
	}
}

// A request that could not be sent at all may be sent again as it is: the advice must not say to
// change its ids, which would contradict the adapter's own message.
func TestUnsentAdviceKeepsIDs(t *testing.T) {
	_, path := startSim(t)
	code, out, _ := cli(t, "create", "--provider", "waffo", "--sim", path, "--id", "cli-w-unreachable", "--amount", "10.00", "--currency", "USD",
		"--email", "a@b.example", "--customer-id", "c1", "--notify-url", "https://shop.example/n", "--base-url", "http://127.0.0.1:1/api/v1", "--timeout", "10s")
	require.Equal(t, exitFailure, code)
	assert.Equal(t, 0, out.Attempts)
	assert.NotContains(t, out.Advice, "new request ids")
	assert.Contains(t, out.Advice, "run the same command again")
}
