package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider/registry"
	"github.com/paygate-go/paygate/provider/sim"
)

// simulators are the registered providers' simulators and the control API that lets a client in
// any language play the customer (pay, fail, abandon) and inject faults.
type simulators struct {
	names   []string                // in the registry's order
	running map[string]sim.Instance // by provider name
	control *http.Server
	ctlURL  string
	faults  map[string]*sim.Faults // the control API's fault queue per simulator (see startControl)
}

// simOptions shape the simulators.
type simOptions struct {
	// webhookSpeedup divides the providers' webhook retry schedules (1 or 0 keeps the real ones).
	webhookSpeedup int
	// webhookURLs are where the simulators of providers without a per-order notify URL
	// (sim.Spec.DashboardWebhook) post notifications, by provider name.
	webhookURLs map[string]string
	// controlAddr is the control API's listen address; empty means a random loopback port.
	controlAddr string
}

func startSimulators(o simOptions) (s *simulators, err error) {
	// The deferred close uses its own variable: the error returns below set the result s to nil.
	started := &simulators{running: map[string]sim.Instance{}}
	defer func() {
		if err != nil {
			started.close()
		}
	}()
	s = started
	for _, e := range registry.All() {
		inst, err := e.Simulator.Start(sim.StartOptions{WebhookSpeedup: o.webhookSpeedup, WebhookURL: o.webhookURLs[e.Name()]})
		if err != nil {
			return nil, err
		}
		s.names = append(s.names, e.Name())
		s.running[e.Name()] = inst
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
	for _, name := range s.names {
		s.running[name].Close()
	}
}

// simFileAbout opens the simulator file.
const simFileAbout = "paygate provider simulators (test credentials only; they move no money). " +
	"Point a client at each base_url with these credentials; use control_url to play the customer or inject faults. " +
	"Each key is given as PEM and as bare base64 DER (PKCS#8 private, X.509 SubjectPublicKeyInfo public; the fields ending _der_base64, and Antom's plain ones): use the form your client reads."

// simFileOut is the JSON file `paygate sim` writes: about, control_url, then every provider's base
// URL and credentials (its simulator's sim.Instance.File, under its name), as a client written from
// the providers' own docs (or their official SDKs) needs them, then the control API's help.
type simFileOut struct {
	About      string
	ControlURL string
	Sections   []simSection
	Control    controlDocs
}

type simSection struct {
	name    string
	content any
}

// MarshalJSON writes the keys in the file's order (a map would sort them).
func (f simFileOut) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	put := func(key string, v any) error {
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(key)
		val, err := json.Marshal(v)
		if err != nil {
			return err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(val)
		return nil
	}
	if err := put("about", f.About); err != nil {
		return nil, err
	}
	if err := put("control_url", f.ControlURL); err != nil {
		return nil, err
	}
	for _, sec := range f.Sections {
		if err := put(sec.name, sec.content); err != nil {
			return nil, err
		}
	}
	if err := put("control", f.Control); err != nil {
		return nil, err
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// simFileIn is what the command reads back from a simulator file: the control URL and each
// provider's section, whose env holds the adapter's settings.
type simFileIn struct {
	ControlURL string
	sections   map[string]json.RawMessage
}

func (f *simFileIn) UnmarshalJSON(b []byte) error {
	if err := json.Unmarshal(b, &f.sections); err != nil {
		return err
	}
	if raw, ok := f.sections["control_url"]; ok {
		return json.Unmarshal(raw, &f.ControlURL)
	}
	return nil
}

// env is the provider's section's env: its settings by environment variable name (none when the
// file has no section for it).
func (f simFileIn) env(name string) (map[string]string, error) {
	var sec struct {
		Env map[string]string `json:"env"`
	}
	if raw, ok := f.sections[name]; ok {
		if err := json.Unmarshal(raw, &sec); err != nil {
			return nil, fmt.Errorf("its %s section: %w", name, err)
		}
	}
	return sec.Env, nil
}

type controlDocs struct {
	Settle string `json:"settle"`
	Fault  string `json:"fault"`
	Reset  string `json:"reset"`
}

func (s *simulators) file() (simFileOut, error) {
	f := simFileOut{About: simFileAbout, ControlURL: s.ctlURL, Control: controlHelp()}
	for _, name := range s.names {
		sec, err := s.running[name].File()
		if err != nil {
			return simFileOut{}, err
		}
		f.Sections = append(f.Sections, simSection{name, sec})
	}
	return f, nil
}

func (s *simulators) byName(name string) (sim.Instance, error) {
	if inst, ok := s.running[name]; ok {
		return inst, nil
	}
	return nil, registry.UnknownError(name)
}

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
	for _, name := range s.names {
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
		Settle: `POST {control_url}/settle {"provider":"` + strings.Join(registry.Names(), "|") + `","payment_request_id":"…","result":"pay|authorize|fail|expire"}` +
			`; authorize is another name for pay: the customer pays, and a payment created with manual capture ends AUTHORIZED (its money held until captured or voided) where an automatic one ends SUCCEEDED`,
		Fault: `POST {control_url}/fault {"provider":"…","op":"create|inquire|capture|cancel|refund|inquire-refund","kind":"` + strings.Join(faultKindNames(), "|") +
			`","code":"…","status":503,"times":1,"delay_ms":0}`,
		Reset: `POST {control_url}/reset {"provider":"…"} drops the faults still queued for that simulator; an empty body or {} drops every simulator's`,
	}
}

type settleRequest struct {
	Provider         string `json:"provider"`
	PaymentRequestID string `json:"payment_request_id"`
	Result           string `json:"result"`
}

// settlements are the control API's results. "authorize" is "pay" under the name a client of a
// manual-capture payment looks for: sim.Pay authorizes such a payment (it ends AUTHORIZED).
var settlements = map[string]sim.Settlement{"pay": sim.Pay, "authorize": sim.Pay, "fail": sim.Fail, "expire": sim.Expire}

func (s *simulators) handleSettle(w http.ResponseWriter, r *http.Request) {
	var req settleRequest
	if err := decodeControl(w, r, &req); err != nil {
		writeControl(w, http.StatusBadRequest, err.Error())
		return
	}
	st, ok := settlements[req.Result]
	if !ok {
		writeControl(w, http.StatusBadRequest, fmt.Sprintf("result %q: use pay, authorize (the same as pay, for a manual-capture payment), fail or expire", req.Result))
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
	string(paygate.OpCreate): paygate.OpCreate, string(paygate.OpInquire): paygate.OpInquire, string(paygate.OpCapture): paygate.OpCapture,
	string(paygate.OpCancel): paygate.OpCancel,
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
		writeControl(w, http.StatusBadRequest, registry.UnknownError(req.Provider).Error())
		return
	}
	op, ok := ops[req.Op]
	if !ok {
		writeControl(w, http.StatusBadRequest, fmt.Sprintf("op %q: use create, inquire, capture, cancel, refund or inquire-refund", req.Op))
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
		writeControl(w, http.StatusBadRequest, registry.UnknownError(req.Provider).Error())
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
