package sim

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sync"
	"time"
)

// Delivery is one webhook notification and every try to deliver it.
type Delivery struct {
	EventID  string      // the id the notification carries (the same on every try)
	URL      string      // where it is sent
	Header   http.Header // exactly the headers sent (signature included)
	Body     []byte      // exactly the body sent
	Attempts []Attempt   // every try so far
	Acked    bool        // the receiver acknowledged it as the provider requires
	Done     bool        // acknowledged, schedule exhausted, or the sender closed

	sign func() http.Header // re-signs each try (fresh timestamp); nil sends Header as is
}

// Attempt is one try of a Delivery.
type Attempt struct {
	At          time.Time
	Status      int         // HTTP status, 0 when the request failed
	ReplyHeader http.Header // the receiver's reply headers
	Reply       []byte      // the receiver's reply body (first 4 KiB)
	Err         string      // transport error, if any
}

// WebhookConfig configures a Webhooks sender.
type WebhookConfig struct {
	// Client sends the notifications; nil uses a client with a 10 s timeout.
	Client *http.Client
	// Schedule is the provider's wait before each retry after a try that was not acknowledged; there
	// are len(Schedule)+1 tries in all. Use Compress to shrink a real schedule in tests.
	Schedule []time.Duration
	// Accept reports whether a reply acknowledges the notification (the provider's required reply).
	// Nil accepts any 2xx.
	Accept func(status int, body []byte) bool
	// AcceptReply, when set, replaces Accept for providers whose required reply includes headers (a
	// signed acknowledgement).
	AcceptReply func(status int, header http.Header, body []byte) bool
}

// Webhooks delivers notifications asynchronously and retries them on the provider's schedule until the
// receiver acknowledges them. It records every delivery for tests to inspect and replay.
type Webhooks struct {
	cfg    WebhookConfig
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu         sync.Mutex
	deliveries []*Delivery
	changed    chan struct{} // closed and replaced whenever a delivery finishes
}

// NewWebhooks returns a sender. Close it to stop pending retries.
func NewWebhooks(cfg WebhookConfig) *Webhooks {
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.Accept == nil {
		cfg.Accept = func(status int, _ []byte) bool { return status >= 200 && status < 300 }
	}
	if cfg.AcceptReply == nil {
		accept := cfg.Accept
		cfg.AcceptReply = func(status int, _ http.Header, body []byte) bool { return accept(status, body) }
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Webhooks{cfg: cfg, ctx: ctx, cancel: cancel, changed: make(chan struct{})}
}

// Compress divides every wait in schedule by factor (≥ 1), so a test can run a provider's real
// schedule of hours in milliseconds while keeping its shape.
func Compress(schedule []time.Duration, factor int) []time.Duration {
	out := make([]time.Duration, len(schedule))
	for i, d := range schedule {
		out[i] = d / time.Duration(max(1, factor))
	}
	return out
}

// Send queues a notification for url. header and body are sent byte for byte on every try.
func (w *Webhooks) Send(eventID, url string, header http.Header, body []byte) {
	w.queue(&Delivery{EventID: eventID, URL: url, Header: header.Clone(), Body: bytes.Clone(body)})
}

// SendSigned queues a notification whose headers sign calls before every try, so a signature that
// carries a timestamp is fresh on each retry (as providers re-sign them) while the body stays the same.
// Delivery.Header holds the headers of the latest try.
func (w *Webhooks) SendSigned(eventID, url string, body []byte, sign func() http.Header) {
	w.queue(&Delivery{EventID: eventID, URL: url, Header: sign(), Body: bytes.Clone(body), sign: sign})
}

func (w *Webhooks) queue(d *Delivery) {
	w.mu.Lock()
	w.deliveries = append(w.deliveries, d)
	w.mu.Unlock()
	w.wg.Add(1)
	go w.deliver(d)
}

func (w *Webhooks) deliver(d *Delivery) {
	defer w.wg.Done()
	defer w.finish(d)
	for try := 0; ; try++ {
		a := w.try(d)
		w.mu.Lock()
		d.Attempts = append(d.Attempts, a)
		w.mu.Unlock()
		if a.Err == "" && w.cfg.AcceptReply(a.Status, a.ReplyHeader, a.Reply) {
			w.mu.Lock()
			d.Acked = true
			w.mu.Unlock()
			return
		}
		if try >= len(w.cfg.Schedule) {
			return
		}
		t := time.NewTimer(w.cfg.Schedule[try])
		select {
		case <-w.ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

func (w *Webhooks) try(d *Delivery) Attempt {
	a := Attempt{At: time.Now()}
	req, err := http.NewRequestWithContext(w.ctx, http.MethodPost, d.URL, bytes.NewReader(d.Body))
	if err != nil {
		a.Err = err.Error()
		return a
	}
	w.mu.Lock()
	if d.sign != nil && len(d.Attempts) > 0 {
		d.Header = d.sign()
	}
	req.Header = d.Header.Clone()
	w.mu.Unlock()
	resp, err := w.cfg.Client.Do(req)
	if err != nil {
		a.Err = err.Error()
		return a
	}
	defer resp.Body.Close()
	a.Status, a.ReplyHeader = resp.StatusCode, resp.Header
	a.Reply, _ = io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	return a
}

func (w *Webhooks) finish(d *Delivery) {
	w.mu.Lock()
	defer w.mu.Unlock()
	d.Done = true
	close(w.changed)
	w.changed = make(chan struct{})
}

// Deliveries returns copies of every delivery so far, in the order they were sent.
func (w *Webhooks) Deliveries() []Delivery {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]Delivery, len(w.deliveries))
	for i, d := range w.deliveries {
		out[i] = *d
		out[i].Header = d.Header.Clone()
		out[i].Attempts = append([]Attempt(nil), d.Attempts...)
	}
	return out
}

// Wait blocks until every delivery sent so far is done (acknowledged or out of retries), or ctx ends.
func (w *Webhooks) Wait(ctx context.Context) error {
	for {
		w.mu.Lock()
		pending := false
		for _, d := range w.deliveries {
			pending = pending || !d.Done
		}
		changed := w.changed
		w.mu.Unlock()
		if !pending {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-changed:
		}
	}
}

// Close stops every pending retry and waits for the senders to return.
func (w *Webhooks) Close() {
	w.cancel()
	w.wg.Wait()
}
