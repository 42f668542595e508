package antom

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/status"
)

// offered are the operations Antom offers (all of them).
var offered = Capabilities().Ops

// calls is the per-call plumbing every operation runs through (provider.Run); g.log names the
// provider already.
func (g *Gateway) calls() provider.Calls {
	return provider.Calls{Provider: Name, Log: g.log, Ops: offered, CaptureModes: declared.CaptureModes}
}

// answer is a verified, decoded Antom response.
type answer struct {
	resp   *provider.Response
	result result
}

// post sends body to endpoint, signed, and returns Antom's answer once its signature is checked and
// its result decoded. A transport failure, an HTTP status other than 200, a body that does not parse
// and a response without a signature that verifies are all U errors.
func (g *Gateway) post(ctx context.Context, c *provider.Call, endpoint string, body any) (*answer, error) {
	op := c.Op
	raw, err := encodeJSON(body)
	if err != nil {
		e := provider.Invalid(Name, op, "", "the request could not be encoded (adapter bug); nothing was sent")
		e.Err = err
		return nil, e
	}
	rel, signed := g.path(endpoint)
	resp, err := g.t.Do(ctx, &provider.Request{
		Op:         op,
		Path:       rel,
		Header:     http.Header{"Content-Type": {"application/json; charset=UTF-8"}},
		Body:       raw,
		Resendable: true,
		Sign: func(h http.Header, body []byte) error {
			rt := strconv.FormatInt(g.now().UnixMilli(), 10)
			sig, err := Sign(g.key, g.cfg.KeyVersion, http.MethodPost, signed, g.cfg.ClientID, rt, body)
			if err != nil {
				return err
			}
			h.Set("client-id", g.cfg.ClientID)
			h.Set("request-time", rt)
			h.Set("signature", sig)
			return nil
		},
		IDs: c.IDs,
	})
	if err != nil {
		return nil, err
	}
	return g.read(op, signed, resp)
}

// read checks and decodes one response.
func (g *Gateway) read(op paygate.Op, signedPath string, resp *provider.Response) (*answer, error) {
	a := &answer{resp: resp}
	var env envelope
	parseErr := json.Unmarshal(resp.Body, &env)
	if parseErr == nil && env.Result == nil {
		parseErr = errors.New("the response has no result object")
	}
	if parseErr == nil {
		a.result = *env.Result
	}
	if resp.StatusCode != http.StatusOK {
		code := status.CodeUnknown
		switch {
		case resp.StatusCode == http.StatusTooManyRequests:
			code = status.CodeRateLimited
		case resp.StatusCode >= 500:
			code = status.CodeUnavailable
		}
		e := unknown(op, resp, code,
			fmt.Sprintf("Antom answered HTTP %d instead of 200, so the request may or may not have been processed: resend it with the same ids or inquire", resp.StatusCode), nil)
		// Unsigned (non-200 answers carry no signature to check): quoted short.
		e.ProviderCode, e.ProviderMessage = provider.Bounded(a.result.ResultCode), provider.Bounded(a.result.ResultMessage)
		return nil, e
	}
	// An answer whose signature is missing or wrong is not a result, whatever its resultStatus: an
	// unsigned F (a RISK_REJECT, say) believed would let the router fail over while Antom may have
	// processed the request. Antom's official Go SDK refuses every such response too
	// (com/alipay/api/defaultAlipayClient.go httpDo → checkRspSign → com/alipay/api/tools/WebhookTool.go
	// CheckSignature: "empty notify signature").
	h := resp.Header.Get("signature")
	if h == "" {
		return nil, unknown(op, resp, status.CodeProviderError,
			"Antom's answer carries no signature, so it is not a result and the request may have been processed: resend it with the same ids or inquire. "+
				"If no answer is signed, check that Config.BaseURL ("+EnvBaseURL+") is Antom's and that nothing on the way strips response headers, "+
				"and check Config.ClientID ("+EnvClientID+") and Config.AntomPublicKey ("+EnvPublicKey+")", claimed(parseErr, a.result))
	}
	if err := g.verifyResponse(signedPath, resp, h); errors.Is(err, errOtherClient) {
		return nil, unknown(op, resp, status.CodeProviderError,
			"Antom's answer names another client id, so it is not a result and the request may have been processed: resend it with the same ids or inquire. "+
				"When every answer names another client id, check Config.ClientID ("+EnvClientID+") against Antom Dashboard, "+
				"and that Config.AntomPublicKey ("+EnvPublicKey+") is Antom's public key for it",
			fmt.Errorf("%w (%w)", err, claimed(parseErr, a.result)))
	} else if err != nil {
		return nil, unknown(op, resp, status.CodeProviderError,
			"Antom's answer signature does not verify, so it is not a result and the request may have been processed: resend it with the same ids or inquire. "+
				"When no answer verifies, check Config.AntomPublicKey ("+EnvPublicKey+"): it must be Antom's public key for Config.ClientID ("+EnvClientID+")",
			fmt.Errorf("%w (%w)", err, claimed(parseErr, a.result)))
	}
	if parseErr != nil {
		return nil, unknown(op, resp, status.CodeProviderError,
			"Antom's response did not parse, so the request may have been processed: resend it with the same ids or inquire", parseErr)
	}
	return a, nil
}

// claimed describes what an unverified answer said, for the error's cause only: it is never taken as
// the provider's code.
func claimed(parseErr error, r result) error {
	if parseErr != nil {
		return fmt.Errorf("the unverified body does not parse either: %w", parseErr)
	}
	return fmt.Errorf("the unverified answer claims resultStatus %s, resultCode %s", provider.Excerpt(r.ResultStatus), provider.Excerpt(r.ResultCode))
}

// errOtherClient is a response whose client-id header is not Config.ClientID.
var errOtherClient = errors.New("the response names another client-id")

// verifyResponse checks a response signature over "POST <path>\n<client-id>.<response-time>.<body>".
// A response naming another client id is not ours.
func (g *Gateway) verifyResponse(signedPath string, resp *provider.Response, header string) error {
	clientID := resp.Header.Get("client-id")
	if clientID == "" {
		clientID = g.cfg.ClientID
	}
	if clientID != g.cfg.ClientID {
		return fmt.Errorf("%w: %s", errOtherClient, provider.Excerpt(clientID))
	}
	rt := resp.Header.Get("response-time")
	if rt == "" {
		return errors.New("the response has a signature but no response-time")
	}
	return Verify(g.pub, header, http.MethodPost, signedPath, clientID, rt, resp.Body)
}

// decodeInto decodes the answer's body into v (the endpoint's fields); failure is U.
func (g *Gateway) decodeInto(op paygate.Op, a *answer, v any) error {
	if err := json.Unmarshal(a.resp.Body, v); err != nil {
		return unknown(op, a.resp, status.CodeProviderError,
			"Antom's response did not decode, so its result cannot be read: inquire or resend with the same ids", err)
	}
	return nil
}

// unknown is a U error about resp (nil: about no one answer).
func unknown(op paygate.Op, resp *provider.Response, code status.Code, msg string, cause error) *paygate.Error {
	return provider.Unknown(Name, op, resp, code, msg, cause)
}

// resultError is the error for a result that is not S, from the code table. An F is kept U when an
// earlier try of the call may have landed.
func (g *Gateway) resultError(op paygate.Op, a *answer) error {
	outcome, code := classify(a.result.ResultCode, a.result.ResultStatus)
	advice := adviceFor(op, a.result.ResultCode, code, outcome)
	if outcome == status.Success { // not reached: callers handle S
		outcome, code = status.Unknown, status.CodeUnknown
	}
	return provider.Answered(Name, op, a.resp, outcome, code, advice, a.result.ResultCode, a.result.ResultMessage)
}

// unsupportedCurrency is the F for an amount Antom cannot take; nothing is sent.
func unsupportedCurrency(op paygate.Op, err error, note string) *paygate.Error {
	return &paygate.Error{Provider: Name, Op: op, Outcome: status.Failure, Code: status.CodeUnsupportedCurrency, Field: "Amount",
		Message: err.Error() + note}
}
