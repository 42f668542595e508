package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider/registry"
	"github.com/paygate-go/paygate/retry"
)

// createArgs are the flags each provider's create needs besides the amount (see create -h).
var createArgs = map[string][]string{
	"waffo":  {"--email", "a@b.example", "--customer-id", "c1", "--notify-url", "https://shop.example/notify"},
	"antom":  {"--return-url", "https://shop.example/return"},
	"vai247": nil,
	"stripe": nil,
}

func TestCreateArgsCoverTheRegistry(t *testing.T) {
	for _, name := range registry.Names() {
		assert.Contains(t, createArgs, name, "createArgs needs %s's create flags", name)
	}
}

// Mistakes in capture's and create --capture's flags are usage errors naming the flag.
func TestCaptureUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"an unknown capture mode", []string{"create", "--provider", "waffo", "--amount", "1.00", "--currency", "USD", "--capture", "later"},
			`--capture "later": use automatic (the default) or manual`},
		{"an amount without its currency", []string{"capture", "--provider", "waffo", "--id", "p", "--amount", "1.00"},
			"--amount and --currency go together"},
		{"a currency without an amount", []string{"capture", "--provider", "antom", "--id", "p", "--currency", "USD"},
			"leave both out to capture the whole authorized amount"},
		{"an amount beyond the currency's digits", []string{"capture", "--provider", "antom", "--id", "p", "--amount", "1.005", "--currency", "USD"},
			"--amount 1.005"},
		{"two different payment ids", []string{"capture", "--provider", "antom", "--id", "a", "--payment-request-id", "b"},
			"--payment-request-id and --id name the same thing"},
		{"a stray argument", []string{"capture", "--provider", "antom", "now"}, `unexpected argument "now"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(t.Context(), tt.args, &stdout, &stderr, noEnv)
			assert.Equal(t, exitUsage, code, "stdout: %s\nstderr: %s", stdout.String(), stderr.String())
			assert.Contains(t, stderr.String(), tt.want)
			assert.Empty(t, stdout.String())
		})
	}
}

// The capture request is built from the flags: no amount captures everything authorized, an
// amount is parsed exactly, an id is made up when none is given, --id and --payment-request-id
// are one flag.
func TestCaptureRequestFromFlags(t *testing.T) {
	c := callFlags{paymentRequestIDLong: "pay-1"}
	req, err := c.request("capture")
	require.NoError(t, err)
	r := req.(*paygate.CaptureRequest)
	assert.Equal(t, "pay-1", r.PaymentRequestID)
	assert.True(t, r.Amount.IsZero(), "no --amount: the whole authorized amount")
	assert.Regexp(t, `^cli-capture-[a-z0-9]{16}$`, r.CaptureRequestID)
	require.NoError(t, r.Validate())

	c = callFlags{paymentRequestID: "pay-1", paymentRequestIDLong: "pay-1", providerPaymentID: "P1", captureRequestID: "cap-1", amount: "100", currency: "JPY"}
	req, err = c.request("capture")
	require.NoError(t, err)
	r = req.(*paygate.CaptureRequest)
	assert.Equal(t, paygate.CaptureRequest{CaptureRequestID: "cap-1", PaymentRequestID: "pay-1", ProviderPaymentID: "P1", Amount: money.MustParse("100", "JPY")}, *r)

	for in, want := range map[string]paygate.CaptureMode{"automatic": paygate.CaptureAutomatic, "manual": paygate.CaptureManual} {
		c = callFlags{amount: "1.00", currency: "USD", captureMode: in}
		req, err = c.request("create")
		require.NoError(t, err)
		assert.Equal(t, want, req.(*paygate.CreateRequest).CaptureMode, in)
	}
}

// capture names its payment flag --payment-request-id in errors; the other commands say --id.
func TestCaptureFlagNames(t *testing.T) {
	assert.Equal(t, "--payment-request-id", flagFor("capture", "PaymentRequestID"))
	assert.Equal(t, "--id", flagFor("refund", "PaymentRequestID"))
	assert.Equal(t, "--capture-request-id", flagFor("capture", "CaptureRequestID"))
	assert.Equal(t, "pass --capture-request-id and --payment-request-id", flagNames("capture", "antom", "pass CaptureRequestID and PaymentRequestID"))
}

type declared retry.Idempotency

func (d declared) Idempotency(paygate.Op) retry.Idempotency { return retry.Idempotency(d) }

// After a U capture the advice depends on the provider's declaration: resend where it dedupes
// captures, otherwise inquire and never capture again with the same payment blindly.
func TestCaptureUnknownAdvice(t *testing.T) {
	resend := unknownAdvice("antom", paygate.OpCapture, declared{Dedupes: true})
	assert.Contains(t, resend, "run the same command again with the same ids")
	inquire := unknownAdvice("waffo", paygate.OpCapture, declared{})
	assert.Contains(t, inquire, "do not run capture again")
	assert.Contains(t, inquire, "inquire with the same --payment-request-id or --provider-payment-id")
	assert.Contains(t, inquire, "captured money, or SUCCEEDED, was captured")
	assert.NotContains(t, inquire, "same ids")
}

func TestNotSupportedAdvice(t *testing.T) {
	assert.Contains(t, notSupportedAdvice("vai247", paygate.OpCapture, &paygate.CaptureRequest{}), "vai247 does not offer manual capture")
	create := notSupportedAdvice("vai247", paygate.OpCreate, &paygate.CreateRequest{CaptureMode: paygate.CaptureManual})
	assert.Contains(t, create, "--capture automatic")
	assert.Contains(t, create, manualCaptureProviders())
	assert.Contains(t, notSupportedAdvice("vai247", paygate.OpInquireRefund, &paygate.InquireRefundRequest{}), "does not offer this")
}

// At each registered provider, through `paygate sim`: where manual capture is declared, a payment
// created with --capture manual is authorized through the control API, captured by `paygate
// capture` (captured exact), and a second capture is refused; where it is not, capture and a
// manual create are F NOT_SUPPORTED with nothing sent.
func TestCaptureAgainstSim(t *testing.T) {
	f, path := startSim(t)
	for _, e := range registry.All() {
		name, caps := e.Name(), e.Adapter.Capabilities
		base := []string{"--provider", name, "--sim", path}
		if !caps.Captures(paygate.CaptureManual) || !caps.Offers(paygate.OpCapture) {
			t.Run(name+" has no manual capture", func(t *testing.T) {
				code, out, _ := cli(t, append([]string{"capture"}, append(base, "--payment-request-id", "cli-nocap", "--provider-payment-id", "P-nocap")...)...)
				require.Equal(t, exitFailure, code)
				assert.Equal(t, "F", string(out.Outcome))
				assert.Equal(t, "NOT_SUPPORTED", string(out.Error.Code))
				assert.Equal(t, 0, out.Attempts, "nothing is sent")
				assert.Contains(t, out.Advice, name+" does not offer manual capture")
				assert.Nil(t, out.Payment)

				args := append([]string{"create"}, base...)
				args = append(append(args, "--id", "cli-nocap-create", "--amount", "10.00", "--currency", "USD", "--capture", "manual"), createArgs[name]...)
				code, out, _ = cli(t, args...)
				require.Equal(t, exitFailure, code)
				assert.Equal(t, "NOT_SUPPORTED", string(out.Error.Code))
				assert.Equal(t, 0, out.Attempts, "nothing is sent")
				assert.Contains(t, out.Advice, "--capture automatic")
			})
			continue
		}
		t.Run(name+" authorize, capture", func(t *testing.T) {
			id := "cli-cap-" + name
			args := append([]string{"create"}, base...)
			args = append(append(args, "--id", id, "--amount", "120.00", "--currency", "USD", "--capture", "manual"), createArgs[name]...)
			code, out, _ := cli(t, args...)
			require.Equal(t, exitOK, code, "%+v", out.Error)
			assert.Equal(t, "manual", out.Request.(map[string]any)["capture_mode"])
			ppid := out.Payment.ProviderPaymentID

			control(t, f.ControlURL+"/settle", `{"provider":"`+name+`","payment_request_id":"`+id+`","result":"authorize"}`)
			code, out, raw := cli(t, append([]string{"inquire"}, append(base, "--id", id, "--provider-payment-id", ppid)...)...)
			require.Equal(t, exitOK, code)
			assert.Equal(t, "AUTHORIZED", string(out.Payment.Status))
			assert.NotContains(t, raw["payment"], "captured", "nothing captured while AUTHORIZED")

			// Refunding uncaptured money is refused.
			code, out, _ = cli(t, append([]string{"refund"}, append(base, "--id", id, "--provider-payment-id", ppid, "--amount", "1.00", "--currency", "USD")...)...)
			require.Equal(t, exitFailure, code)
			assert.Equal(t, "INVALID_STATE", string(out.Error.Code))

			// More than was authorized is refused, and says what to do.
			code, out, _ = cli(t, append([]string{"capture"}, append(base, "--payment-request-id", id, "--provider-payment-id", ppid, "--amount", "500.00", "--currency", "USD")...)...)
			require.Equal(t, exitFailure, code)
			assert.Equal(t, "LIMIT_EXCEEDED", string(out.Error.Code))
			assert.Contains(t, out.Advice, "more than the payment holds")

			code, out, raw = cli(t, append([]string{"capture"}, append(base, "--payment-request-id", id, "--provider-payment-id", ppid, "--capture-request-id", id+"-c1")...)...)
			require.Equal(t, exitOK, code, "%+v", out.Error)
			assert.Equal(t, "S", string(out.Outcome))
			assert.Equal(t, paygate.OpCapture, out.Op)
			assert.Contains(t, []string{"SUCCEEDED", "PENDING"}, string(out.Payment.Status))
			assert.Equal(t, map[string]any{"value": "120.00", "currency": "USD"}, raw["payment"].(map[string]any)["captured"], "captured exactly, as a string")
			assert.Equal(t, id+"-c1", out.Request.(map[string]any)["capture_request_id"])

			require.Eventually(t, func() bool {
				_, out, _ := cli(t, append([]string{"inquire"}, append(base, "--id", id, "--provider-payment-id", ppid)...)...)
				return out.Payment != nil && out.Payment.Status == "SUCCEEDED"
			}, 5*time.Second, 50*time.Millisecond, "the capture settles")

			// One capture per payment: a second one, with a new id, is refused.
			code, out, _ = cli(t, append([]string{"capture"}, append(base, "--payment-request-id", id, "--provider-payment-id", ppid, "--capture-request-id", id+"-c2")...)...)
			require.Equal(t, exitFailure, code)
			assert.Equal(t, "INVALID_STATE", string(out.Error.Code))
			assert.Contains(t, out.Advice, "the payment is not AUTHORIZED")
			assert.Contains(t, out.Advice, "inquire it")
		})
		t.Run(name+" capture with its replies lost", func(t *testing.T) {
			id := "cli-cap-lost-" + name
			ppid := authorizedViaCLI(t, f.ControlURL, path, name, id, "80.00")
			capture := append([]string{"capture"}, append(base, "--payment-request-id", id, "--provider-payment-id", ppid, "--capture-request-id", id+"-c1")...)
			control(t, f.ControlURL+"/fault", `{"provider":"`+name+`","op":"capture","kind":"lose-reply","times":100}`)
			code, out, _ := cli(t, append(capture, "--no-retry", "--timeout", "5s")...)
			control(t, f.ControlURL+"/reset", `{"provider":"`+name+`"}`)
			require.Equal(t, exitUnknown, code, "a lost reply is never F: %+v", out.Error)
			assert.Equal(t, "U", string(out.Outcome))
			assert.Nil(t, out.Payment)
			if caps.IdempotencyOf(paygate.OpCapture).Resendable() {
				assert.Contains(t, out.Advice, "same ids")
				code, out, raw := cli(t, capture...) // the same command, as the advice says
				require.Equal(t, exitOK, code, "%+v", out.Error)
				assert.Equal(t, map[string]any{"value": "80.00", "currency": "USD"}, raw["payment"].(map[string]any)["captured"])
			} else {
				assert.Contains(t, out.Advice, "do not run capture again")
			}
			// Either way the inquiry shows the one capture that landed.
			code, out, raw := cli(t, append([]string{"inquire"}, append(base, "--id", id, "--provider-payment-id", ppid)...)...)
			require.Equal(t, exitOK, code)
			assert.Contains(t, []string{"SUCCEEDED", "PENDING"}, string(out.Payment.Status))
			assert.Equal(t, map[string]any{"value": "80.00", "currency": "USD"}, raw["payment"].(map[string]any)["captured"])
		})
		if caps.PartialCapture {
			t.Run(name+" partial capture", func(t *testing.T) {
				id := "cli-cap-part-" + name
				ppid := authorizedViaCLI(t, f.ControlURL, path, name, id, "50.00")
				code, out, raw := cli(t, append([]string{"capture"}, append(base, "--id", id, "--provider-payment-id", ppid, "--amount", "30.5", "--currency", "USD")...)...)
				require.Equal(t, exitOK, code, "%+v", out.Error)
				assert.Equal(t, map[string]any{"value": "30.50", "currency": "USD"}, raw["payment"].(map[string]any)["captured"])
				assert.Regexp(t, `^cli-capture-[a-z0-9]{16}$`, out.Request.(map[string]any)["capture_request_id"], "made up and printed")
			})
		}
	}
}

// authorizedViaCLI creates a manual-capture USD payment with `paygate create` and authorizes it
// through the control API; it returns the provider's payment id.
func authorizedViaCLI(t *testing.T, controlURL, path, name, id, value string) string {
	t.Helper()
	args := append([]string{"create", "--provider", name, "--sim", path, "--id", id, "--amount", value, "--currency", "USD", "--capture", "manual"}, createArgs[name]...)
	code, out, _ := cli(t, args...)
	require.Equal(t, exitOK, code, "%+v", out.Error)
	control(t, controlURL+"/settle", `{"provider":"`+name+`","payment_request_id":"`+id+`","result":"authorize"}`)
	return out.Payment.ProviderPaymentID
}

// The control API takes "authorize" as pay's other name and queues faults on capture.
func TestControlAPIAuthorizeAndCaptureFaults(t *testing.T) {
	f, path := startSim(t)
	code, _, _ := cli(t, "create", "--provider", "antom", "--sim", path, "--id", "cli-auth-alias", "--amount", "5.00", "--currency", "USD", "--return-url", "https://shop.example/r")
	require.Equal(t, exitOK, code)
	control(t, f.ControlURL+"/settle", `{"provider":"antom","payment_request_id":"cli-auth-alias","result":"authorize"}`)
	code, out, _ := cli(t, "inquire", "--provider", "antom", "--sim", path, "--id", "cli-auth-alias")
	require.Equal(t, exitOK, code)
	assert.Equal(t, "SUCCEEDED", string(out.Payment.Status), "an automatic payment the customer authorizes is paid, as with pay")

	control(t, f.ControlURL+"/fault", `{"provider":"waffo","op":"capture","kind":"lose-reply","times":1}`)
	control(t, f.ControlURL+"/reset", `{"provider":"waffo"}`)

	resp, err := http.Get(f.ControlURL + "/")
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var docs controlDocs
	require.NoError(t, json.Unmarshal(b, &docs))
	assert.Contains(t, docs.Settle, "pay|authorize|fail|expire")
	assert.Contains(t, docs.Settle, "authorize is another name for pay")
	assert.Contains(t, docs.Fault, "create|inquire|capture|cancel")
	assert.True(t, strings.Contains(f.Control.Settle, "authorize"), "the simulator file documents it too")
}
