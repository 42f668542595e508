package waffo

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/paygate-go/paygate"
)

// orderAction is the JSON object Waffo sends, as a string, in orderAction.
type orderAction struct {
	ActionType  string `json:"actionType"`
	WebURL      string `json:"webUrl"`
	DeeplinkURL string `json:"deeplinkUrl"`
	ActionData  struct {
		PaymentQr         string `json:"paymentQr"`
		PaymentCode       string `json:"paymentCode"`
		PaymentExpiryTime string `json:"paymentExpiryTime"`
	} `json:"actionData"`
}

// parseAction turns Waffo's orderAction string into a paygate.Action: a QR code when actionData has one
// (the merchant shows it on its own page), else a deeplink when actionType is DEEPLINK, else the web
// URL. It returns nil, nil when there is nothing for the user to do, and an error when the string is
// not the JSON object Waffo documents.
func parseAction(s string) (*paygate.Action, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "{}" || s == "null" {
		return nil, nil
	}
	var oa orderAction
	if err := json.Unmarshal([]byte(s), &oa); err != nil {
		return nil, fmt.Errorf("orderAction is not a JSON object: %w", err)
	}
	a := &paygate.Action{}
	if t, ok := parseTime(oa.ActionData.PaymentExpiryTime); ok {
		a.ExpiresAt = t
	}
	switch {
	case oa.ActionData.PaymentQr != "":
		a.Kind, a.QRCode, a.URL = paygate.ActionQRCode, oa.ActionData.PaymentQr, oa.WebURL
	case strings.EqualFold(oa.ActionType, "DEEPLINK") && oa.DeeplinkURL != "":
		a.Kind, a.URL = paygate.ActionDeeplink, oa.DeeplinkURL
	case oa.WebURL != "":
		a.Kind, a.URL = paygate.ActionRedirect, oa.WebURL
	case oa.DeeplinkURL != "":
		a.Kind, a.URL = paygate.ActionDeeplink, oa.DeeplinkURL
	default:
		return nil, nil // e.g. only a paymentCode for an over-the-counter method: no common Action for it
	}
	return a, nil
}
