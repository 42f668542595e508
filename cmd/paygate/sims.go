package main

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/provider/antom"
	"github.com/paygate-go/paygate/provider/antom/antomtest"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/provider/vai247"
	"github.com/paygate-go/paygate/provider/vai247/vai247test"
	"github.com/paygate-go/paygate/provider/waffo"
	"github.com/paygate-go/paygate/provider/waffo/waffotest"
)

// simulators are the three provider simulators and the control API that lets a client in any
// language play the customer (pay, fail, abandon) and inject faults.
type simulators struct {
	waffo   *waffotest.Server
	antom   *antomtest.Server
	vai247  *vai247test.Server
	control *http.Server
	ctlURL  string
	faults  map[string]*sim.Faults // the control API's fault queue per simulator (see startControl)
}

// simOptions shape the simulators.
type simOptions struct {
	// webhookSpeedup divides the providers' webhook retry schedules (1 or 0 keeps the real ones).
	webhookSpeedup int
	// vai247WebhookURL is where VAI247 posts notifications; VAI247 has no per-order notify URL.
	vai247WebhookURL string
	// controlAddr is the control API's listen address; empty means a random loopback port.
	controlAddr string
}

func startSimulators(o simOptions) (s *simulators, err error) {
	speed := func(d []time.Duration) []time.Duration {
		if o.webhookSpeedup > 1 {
			return sim.Compress(d, o.webhookSpeedup)
		}
		return d
	}
	// The deferred close uses its own variable: the error returns below set the result s to nil.
	started := &simulators{}
	defer func() {
		if err != nil {
			started.close()
		}
	}()
	s = started
	s.waffo = waffotest.NewServer(waffotest.Config{WebhookSchedule: speed(waffotest.WebhookSchedule())})
	s.antom = antomtest.NewServer(antomtest.Config{WebhookSchedule: speed(antomtest.WebhookSchedule())})
	s.vai247 = vai247test.NewServer(vai247test.Config{ // its webhook secret is generated
		RefundSigning:   true,
		WebhookSchedule: speed(vai247test.WebhookSchedule()),
	})
	if o.vai247WebhookURL != "" {
		s.vai247.SetWebhookURL(o.vai247WebhookURL)
	}
	if err := s.startControl(o.controlAddr); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *simulators) close() {
	if s.control != nil {
		_ = s.control.Close()
	}
	if s.waffo != nil {
		s.waffo.Close()
	}
	if s.antom != nil {
		s.antom.Close()
	}
	if s.vai247 != nil {
		s.vai247.Close()
	}
}

// simFile is the JSON file `paygate sim` writes: every provider's base URL and credentials, as a
// client written from the providers' own docs (or their official SDKs) needs them.
type simFile struct {
	About      string      `json:"about"`
	ControlURL string      `json:"control_url"`
	Waffo      waffoSim    `json:"waffo"`
	Antom      antomSim    `json:"antom"`
	VAI247     vai247Sim   `json:"vai247"`
	Control    controlDocs `json:"control"`
}

// Keys are given twice: as PEM, and as bare base64 DER (PKCS#8 private, X.509 SubjectPublicKeyInfo
// public), the form Waffo's and Antom's dashboards and SDKs use; a client takes whichever its
// language reads. The adapters accept both.
type waffoSim struct {
	BaseURL                     string            `json:"base_url"`
	APIKey                      string            `json:"api_key"`
	MerchantID                  string            `json:"merchant_id"`
	MerchantPrivateKey          string            `json:"merchant_private_key"`            // PEM: signs requests (X-SIGNATURE)
	MerchantPrivateKeyDERBase64 string            `json:"merchant_private_key_der_base64"` // the same, base64 PKCS#8 DER
	MerchantPublicKey           string            `json:"merchant_public_key"`             // PEM: what Waffo holds for the merchant
	MerchantPublicKeyDERBase64  string            `json:"merchant_public_key_der_base64"`  // the same, base64 X.509 DER
	WaffoPublicKey              string            `json:"waffo_public_key"`                // PEM: verifies responses and webhooks
	WaffoPublicKeyDERBase64     string            `json:"waffo_public_key_der_base64"`     // the same, base64 X.509 DER
	Env                         map[string]string `json:"env"`
}

type antomSim struct {
	BaseURL               string            `json:"base_url"`
	ClientID              string            `json:"client_id"`
	MerchantPrivateKey    string            `json:"merchant_private_key"`     // base64 PKCS#8 DER, as Antom's portal shows it
	MerchantPrivateKeyPEM string            `json:"merchant_private_key_pem"` // the same, PEM
	AntomPublicKey        string            `json:"antom_public_key"`         // base64 X.509 DER
	AntomPublicKeyPEM     string            `json:"antom_public_key_pem"`     // the same, PEM
	KeyVersion            string            `json:"key_version"`
	PaymentMethodType     string            `json:"payment_method_type"` // sent when a request names no method
	Env                   map[string]string `json:"env"`
}

type vai247Sim struct {
	BaseURL       string            `json:"base_url"`
	AppID         string            `json:"app_id"`
	APIKey        string            `json:"api_key"`
	APISecret     string            `json:"api_secret"`
	StoreID       string            `json:"store_id"`
	WebhookSecret string            `json:"webhook_secret"`
	RefundSigning bool              `json:"refund_signing"`
	Env           map[string]string `json:"env"`
}

type controlDocs struct {
	Settle string `json:"settle"`
	Fault  string `json:"fault"`
	Reset  string `json:"reset"`
}

func (s *simulators) file() (simFile, error) {
	w := waffoSim{BaseURL: s.waffo.URL, APIKey: s.waffo.APIKey, MerchantID: s.waffo.MerchantID,
		MerchantPrivateKey: s.waffo.Keys.MerchantPrivateKey, MerchantPublicKey: s.waffo.Keys.MerchantPublicKey,
		WaffoPublicKey: s.waffo.Keys.WaffoPublicKey}
	var err error
	if w.MerchantPrivateKeyDERBase64, _, err = privateKeyForms(w.MerchantPrivateKey); err != nil {
		return simFile{}, fmt.Errorf("waffo simulator's merchant key: %w", err)
	}
	if w.MerchantPublicKeyDERBase64, _, err = publicKeyForms(w.MerchantPublicKey); err != nil {
		return simFile{}, fmt.Errorf("waffo simulator's merchant public key: %w", err)
	}
	if w.WaffoPublicKeyDERBase64, _, err = publicKeyForms(w.WaffoPublicKey); err != nil {
		return simFile{}, fmt.Errorf("waffo simulator's public key: %w", err)
	}
	w.Env = map[string]string{waffo.EnvBaseURL: w.BaseURL, waffo.EnvAPIKey: w.APIKey, waffo.EnvMerchantID: w.MerchantID,
		waffo.EnvPrivateKey: w.MerchantPrivateKey, waffo.EnvPublicKey: w.WaffoPublicKey}
	a := antomSim{BaseURL: s.antom.URL, ClientID: s.antom.ClientID, MerchantPrivateKey: s.antom.MerchantPrivateKey,
		AntomPublicKey: s.antom.AntomPublicKey, KeyVersion: "1", PaymentMethodType: "ALIPAY_CN"}
	if _, a.MerchantPrivateKeyPEM, err = privateKeyForms(a.MerchantPrivateKey); err != nil {
		return simFile{}, fmt.Errorf("antom simulator's merchant key: %w", err)
	}
	if _, a.AntomPublicKeyPEM, err = publicKeyForms(a.AntomPublicKey); err != nil {
		return simFile{}, fmt.Errorf("antom simulator's public key: %w", err)
	}
	a.Env = map[string]string{antom.EnvBaseURL: a.BaseURL, antom.EnvClientID: a.ClientID, antom.EnvPrivateKey: a.MerchantPrivateKey,
		antom.EnvPublicKey: a.AntomPublicKey, antom.EnvKeyVersion: a.KeyVersion, antom.EnvPaymentMethodType: a.PaymentMethodType}
	v := vai247Sim{BaseURL: s.vai247.URL, AppID: s.vai247.AppID, APIKey: s.vai247.APIKey, APISecret: s.vai247.APISecret,
		StoreID: s.vai247.StoreID, WebhookSecret: s.vai247.WebhookSecret, RefundSigning: true}
	v.Env = map[string]string{vai247.EnvBaseURL: v.BaseURL, vai247.EnvAppID: v.AppID, vai247.EnvAPIKey: v.APIKey,
		vai247.EnvAPISecret: v.APISecret, vai247.EnvStoreID: v.StoreID, vai247.EnvWebhookSecret: v.WebhookSecret,
		vai247.EnvRefundSigning: "true"}
	return simFile{
		About: "paygate provider simulators (test credentials only; they move no money). " +
			"Point a client at each base_url with these credentials; use control_url to play the customer or inject faults. " +
			"Each key is given as PEM and as bare base64 DER (PKCS#8 private, X.509 SubjectPublicKeyInfo public; the fields ending _der_base64, and Antom's plain ones): use the form your client reads.",
		ControlURL: s.ctlURL, Waffo: w, Antom: a, VAI247: v,
		Control: controlHelp(),
	}, nil
}

// privateKeyForms gives an RSA private key (PEM or base64 DER) in both forms: bare base64 PKCS#8
// DER and PKCS#8 PEM.
func privateKeyForms(key string) (derBase64, pemText string, err error) {
	k, err := provider.ParsePrivateKey(key)
	if err != nil {
		return "", "", err
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return "", "", err
	}
	return base64.StdEncoding.EncodeToString(der), string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), nil
}

// publicKeyForms gives an RSA public key (PEM or base64 DER) in both forms: bare base64 X.509
// SubjectPublicKeyInfo DER and PEM.
func publicKeyForms(key string) (derBase64, pemText string, err error) {
	k, err := provider.ParsePublicKey(key)
	if err != nil {
		return "", "", err
	}
	der, err := x509.MarshalPKIXPublicKey(k)
	if err != nil {
		return "", "", err
	}
	return base64.StdEncoding.EncodeToString(der), string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})), nil
}

// gateways builds the three adapters from a simulator file, exactly as a merchant would from their
// credentials.
func (f simFile) config(provider string) (providerConfig, error) {
	switch provider {
	case waffo.Name:
		return providerConfig{waffo: waffo.Config{BaseURL: f.Waffo.BaseURL, APIKey: f.Waffo.APIKey, MerchantID: f.Waffo.MerchantID,
			PrivateKey: f.Waffo.MerchantPrivateKey, WaffoPublicKey: f.Waffo.WaffoPublicKey}}, nil
	case antom.Name:
		return providerConfig{antom: antom.Config{BaseURL: f.Antom.BaseURL, ClientID: f.Antom.ClientID, PrivateKey: f.Antom.MerchantPrivateKey,
			AntomPublicKey: f.Antom.AntomPublicKey, KeyVersion: f.Antom.KeyVersion, PaymentMethodType: f.Antom.PaymentMethodType}}, nil
	case vai247.Name:
		return providerConfig{vai247: vai247.Config{BaseURL: f.VAI247.BaseURL, AppID: f.VAI247.AppID, APIKey: f.VAI247.APIKey,
			APISecret: f.VAI247.APISecret, StoreID: f.VAI247.StoreID, WebhookSecret: f.VAI247.WebhookSecret, RefundSigning: f.VAI247.RefundSigning}}, nil
	}
	return providerConfig{}, unknownProvider(provider)
}

func unknownProvider(name string) error {
	return fmt.Errorf("unknown provider %q: use waffo, antom or vai247", name)
}

// settler is what the control API needs of a simulator.
type settler interface {
	Settle(ctx context.Context, paymentRequestID string, st sim.Settlement) error
	SetChaos(fn func(op paygate.Op) (sim.Fault, bool))
}

func (s *simulators) byName(name string) (settler, error) {
	switch name {
	case waffo.Name:
		return s.waffo, nil
	case antom.Name:
		return s.antom, nil
	case vai247.Name:
		return s.vai247, nil
	}
	return nil, unknownProvider(name)
}

// providerNames are the simulators, in the order the command prints them.
var providerNames = []string{waffo.Name, antom.Name, vai247.Name}

// maxControlBody caps a control request's body.
const maxControlBody = 64 << 10

// startControl serves the control API. Its faults are queued here, one queue per simulator, and each
// simulator draws from its queue through SetChaos: so POST /reset can empty them (the simulators'
// own queues cannot all be cleared from outside).
func (s *simulators) startControl(addr string) error {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	const fix = "give a loopback HOST:PORT, e.g. --control-addr 127.0.0.1:12111, or leave the flag out for a free port"
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return usageError{fmt.Sprintf("--control-addr %q is not HOST:PORT (%v); %s", addr, err, fix)}
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return usageError{fmt.Sprintf("--control-addr %q: the simulators listen on loopback only, as they hold test keys and move no money; %s", addr, fix)}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return usageError{fmt.Sprintf("--control-addr %s: the port is in use (another paygate sim?); stop what holds it, or pick another port, or leave the flag out for a free port", addr)}
		}
		return usageError{fmt.Sprintf("--control-addr %s: cannot listen: %v; %s", addr, err, fix)}
	}
	s.faults = map[string]*sim.Faults{}
	for _, name := range providerNames {
		q := &sim.Faults{}
		s.faults[name] = q
		p, _ := s.byName(name)
		p.SetChaos(q.Next)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /settle", s.handleSettle)
	mux.HandleFunc("POST /fault", s.handleFault)
	mux.HandleFunc("POST /reset", s.handleReset)
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) { writeControl(w, http.StatusOK, "") })
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		b, _ := json.MarshalIndent(controlHelp(), "", "  ")
		_, _ = w.Write(append(b, '\n'))
	})
	s.control = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	s.ctlURL = "http://" + ln.Addr().String()
	go func() { _ = s.control.Serve(ln) }()
	return nil
}

// controlHelp describes the control API: in the simulator file and at GET {control_url}/.
func controlHelp() controlDocs {
	return controlDocs{
		Settle: `POST {control_url}/settle {"provider":"waffo|antom|vai247","payment_request_id":"…","result":"pay|fail|expire"}`,
		Fault: `POST {control_url}/fault {"provider":"…","op":"create|inquire|cancel|refund|inquire-refund","kind":"` + strings.Join(faultKindNames(), "|") +
			`","code":"…","status":503,"times":1,"delay_ms":0}`,
		Reset: `POST {control_url}/reset {"provider":"…"} drops the faults still queued for that simulator; an empty body or {} drops every simulator's`,
	}
}

type settleRequest struct {
	Provider         string `json:"provider"`
	PaymentRequestID string `json:"payment_request_id"`
	Result           string `json:"result"`
}

var settlements = map[string]sim.Settlement{"pay": sim.Pay, "fail": sim.Fail, "expire": sim.Expire}

func (s *simulators) handleSettle(w http.ResponseWriter, r *http.Request) {
	var req settleRequest
	if err := decodeControl(w, r, &req); err != nil {
		writeControl(w, http.StatusBadRequest, err.Error())
		return
	}
	st, ok := settlements[req.Result]
	if !ok {
		writeControl(w, http.StatusBadRequest, fmt.Sprintf("result %q: use pay, fail or expire", req.Result))
		return
	}
	p, err := s.byName(req.Provider)
	if err != nil {
		writeControl(w, http.StatusBadRequest, err.Error())
		return
	}
	if err := p.Settle(r.Context(), req.PaymentRequestID, st); err != nil {
		writeControl(w, http.StatusConflict, err.Error())
		return
	}
	writeControl(w, http.StatusOK, "")
}

type faultRequest struct {
	Provider string `json:"provider"`
	Op       string `json:"op"`
	Kind     string `json:"kind"`
	Code     string `json:"code"`
	Status   int    `json:"status"`
	Times    int    `json:"times"`
	DelayMS  int    `json:"delay_ms"`
}

var faultKinds = map[string]sim.FaultKind{}

func init() {
	for k := sim.DropBeforeProcessing; k <= sim.CorruptSignature; k++ {
		faultKinds[k.String()] = k
	}
}

// ops are the control API's operation names: the CLI's command names, and (kept working) the Op
// values with an underscore.
var ops = map[string]paygate.Op{
	string(paygate.OpCreate): paygate.OpCreate, string(paygate.OpInquire): paygate.OpInquire, string(paygate.OpCancel): paygate.OpCancel,
	string(paygate.OpRefund): paygate.OpRefund, "inquire-refund": paygate.OpInquireRefund, string(paygate.OpInquireRefund): paygate.OpInquireRefund,
}

func faultKindNames() []string {
	names := make([]string, 0, len(faultKinds))
	for k := sim.DropBeforeProcessing; k <= sim.CorruptSignature; k++ {
		names = append(names, k.String())
	}
	return names
}

func (s *simulators) handleFault(w http.ResponseWriter, r *http.Request) {
	var req faultRequest
	if err := decodeControl(w, r, &req); err != nil {
		writeControl(w, http.StatusBadRequest, err.Error())
		return
	}
	q, ok := s.faults[req.Provider]
	if !ok {
		writeControl(w, http.StatusBadRequest, unknownProvider(req.Provider).Error())
		return
	}
	op, ok := ops[req.Op]
	if !ok {
		writeControl(w, http.StatusBadRequest, fmt.Sprintf("op %q: use create, inquire, cancel, refund or inquire-refund", req.Op))
		return
	}
	kind, ok := faultKinds[req.Kind]
	if !ok {
		writeControl(w, http.StatusBadRequest, fmt.Sprintf("kind %q: use one of %s", req.Kind, strings.Join(faultKindNames(), ", ")))
		return
	}
	switch {
	case kind == sim.ReplyCode && req.Code == "":
		writeControl(w, http.StatusBadRequest, "kind reply-code needs code: the provider's result code to answer")
		return
	case kind == sim.ReplyStatus && (req.Status < 400 || req.Status > 599):
		writeControl(w, http.StatusBadRequest, "kind reply-status needs status: an HTTP status from 400 to 599")
		return
	case req.Times < 0 || req.Times > 1000 || req.DelayMS < 0 || req.DelayMS > 600_000:
		writeControl(w, http.StatusBadRequest, "times must be 0–1000 and delay_ms 0–600000")
		return
	}
	delay := time.Duration(req.DelayMS) * time.Millisecond
	if kind == sim.DelayReply && delay == 0 {
		delay = 40 * time.Second // past the usual 30 s client timeout
	}
	q.Inject(sim.Fault{Op: op, Kind: kind, Code: req.Code, Status: req.Status, Times: req.Times, Delay: delay})
	writeControl(w, http.StatusOK, "")
}

type resetRequest struct {
	Provider string `json:"provider"`
}

// handleReset drops queued faults: one simulator's, or with no provider named, every one's.
func (s *simulators) handleReset(w http.ResponseWriter, r *http.Request) {
	var req resetRequest
	if r.ContentLength != 0 {
		if err := decodeControl(w, r, &req); err != nil {
			writeControl(w, http.StatusBadRequest, err.Error())
			return
		}
	}
	if req.Provider == "" {
		for _, q := range s.faults {
			q.Clear()
		}
		writeControl(w, http.StatusOK, "")
		return
	}
	q, ok := s.faults[req.Provider]
	if !ok {
		writeControl(w, http.StatusBadRequest, unknownProvider(req.Provider).Error())
		return
	}
	q.Clear()
	writeControl(w, http.StatusOK, "")
}

func decodeControl(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxControlBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("body: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("body: one JSON object expected")
	}
	return nil
}

func writeControl(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	if msg == "" {
		_, _ = io.WriteString(w, `{"ok":true}`+"\n")
		return
	}
	b, _ := json.Marshal(map[string]any{"ok": false, "error": msg})
	_, _ = w.Write(append(b, '\n'))
}
